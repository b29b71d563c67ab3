package web_test

import (
	"strings"
	"testing"
)

// caseFileCheck checks the printable case file: its cover names the case,
// and it holds the parties, the checklist, the sessions and the audit
// summary.
func caseFileCheck(ref string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		doc := s.doc
		if got := doc.Find("article.dossier .cover .ref").Text(); !strings.Contains(got, ref) {
			t.Errorf("%s: cover says %q, want the reference %s", s.where, got, ref)
		}
		for _, sel := range []string{"table.parties tbody tr", "ul.checklist li", "table.audit tbody tr"} {
			if doc.Find("article.dossier "+sel).Length() == 0 {
				t.Errorf("%s: the file has no %s", s.where, sel)
			}
		}
		if doc.Find(".noprint button").Length() != 1 {
			t.Errorf("%s: no print button", s.where)
		}
	}
}
