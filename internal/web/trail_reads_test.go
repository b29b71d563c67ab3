package web_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestTrailFoldsRepeatedReads: a mediator who opens the case page again and
// again read its two submissions, and the trail's line for the day says so
// and lists each once, however many views were audited.
func TestTrailFoldsRepeatedReads(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	path := "/cases/" + s.caseA
	for range 4 {
		openPage(t, s.mediator, path)
		s.app.DB.FlushReads() // each view its own audit entry
	}
	doc := openPage(t, s.mediator, path).doc
	reads := doc.Find("main .trail ul.reads")
	if reads.Length() != 1 {
		t.Fatalf("the trail has %d lines of reads, want the one of the day", reads.Length())
	}
	items := reads.Find("li")
	if items.Length() != 2 {
		t.Errorf("the day's reads list %d items, want the two submissions once each: %s", items.Length(), reads.Text())
	}
	var links []string
	items.Find("a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	for _, want := range []string{"#submission-" + s.subA1, "#submission-" + s.subA2} {
		if !strings.Contains(strings.Join(links, " "), want) {
			t.Errorf("the reads do not link %s: %v", want, links)
		}
	}
	what := reads.Closest("li.trail-entry").Find(".trail-what").Text()
	if !strings.Contains(what, "阅读了 2 份材料") {
		t.Errorf("the line says %q, want that 2 submissions were read", what)
	}
}
