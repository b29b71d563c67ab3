package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// A mediator finds its cases by number, title, a party's name or phone, and
// narrows them by category, community and status; a search never reaches a
// case it is not assigned to.
func TestCaseSearchWithinOwnCases(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	list := func(c *client, q string) []string {
		t.Helper()
		var l listOf[map[string]any]
		c.mustJSON("GET", "/api/v1/cases?"+q, nil, http.StatusOK, &l)
		var ids []string
		for _, it := range l.Items {
			ids = append(ids, it["id"].(string))
		}
		return ids
	}
	for q, want := range map[string]string{
		"q=%E8%B5%B5%E6%98%8E": s.caseA, // 赵明, a party of A
		"q=0013-8001":          s.caseA, // A1's phone, written another way
		"q=%E8%BD%A6%E4%BD%8D": s.caseA, // 车位, A's title
		"category=parking":     s.caseA,
		"community=heping-li":  s.caseA,
		"q=2026-0001":          s.caseA,
	} {
		if got := list(s.mediator, q); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %v, want [%s]", q, got, want)
		}
	}
	for _, q := range []string{"q=%E5%AD%99%E5%BC%BA", "q=13700137003", "community=dongfeng", "category=noise"} { // B's
		if got := list(s.mediator, q); len(got) != 0 {
			t.Errorf("%s reaches another mediator's case: %v", q, got)
		}
	}
	if got := list(s.other, "q=%E5%AD%99%E5%BC%BA"); len(got) != 1 || got[0] != s.caseB {
		t.Errorf("the other mediator's own search: %v", got)
	}
	page := openPage(t, s.mediator, "/cases?q=%E8%B5%B5%E6%98%8E")
	if page.doc.Find(`#q`).AttrOr("value", "") != "赵明" || !strings.Contains(page.main(), "车位纠纷") || strings.Contains(page.main(), "噪音纠纷") {
		t.Errorf("the search on the page: %s", page.main())
	}
}
