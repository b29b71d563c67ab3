package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/templates"
)

// The strings of case B's agreement in the page world, kept as written in
// any language.
var agreementPageStrings = []string{"楼上夜间噪音。", "作息时间。", "晚十点后不再装修。", "自行遵守", "每晚十点后保持安静。", "自觉", "家中"}

// addAgreementPages moves case B to mediating and gives it an agreement
// proposed to B1 and B2 (agrB), which B1 has signed.
func (w *pageWorld) addAgreementPages(t *testing.T) {
	t.Helper()
	mediating(w.other, w.caseB)
	body := map[string]any{"facts": "楼上夜间噪音。", "disputed_matters": "作息时间。",
		"terms": []map[string]string{
			{"obligor_party_id": w.partyB1, "text": "晚十点后不再装修。", "manner": "自行遵守", "deadline": shanghaiDay(3)},
			{"obligor_party_id": w.partyB2, "text": "每晚十点后保持安静。", "manner": "自觉", "place": "家中", "deadline": shanghaiDay(4)}}}
	var a idOnly
	base := "/api/v1/cases/" + w.caseB + "/agreements"
	w.other.mustJSON("POST", base, body, http.StatusCreated, &a)
	w.other.mustJSON("POST", base+"/"+a.ID+"/propose", nil, http.StatusOK, nil)
	w.b1.mustJSON("POST", base+"/"+a.ID+"/sign", sign("孙强"), http.StatusOK, nil)
	w.agrB = a.ID
}

func (w *pageWorld) agreementVisits(lang string) []pageVisit {
	cat := w.cat[lang]
	page := "/cases/" + w.caseB + "/agreements/" + w.agrB
	title := w.refB + " · " + cat["agreement.title"]
	return []pageVisit{
		{name: "agreement, its mediator", who: "other", path: page, page: templates.PageAgreement, title: title,
			check: agreementPageCheck(true, false)},
		{name: "agreement, B1 who signed", who: "B1", path: page, page: templates.PageAgreement, title: title,
			check: agreementPageCheck(false, false)},
		{name: "agreement, B2 to sign", who: "B2", path: page, page: templates.PageAgreement, title: title,
			check: agreementPageCheck(false, true)},
		{name: "agreement printed, B2", who: "B2", path: page + "/print", page: templates.PageAgreementPrint,
			title: cat["agreement.print_title"] + " " + w.refB, check: func(t *testing.T, w *pageWorld, r pageReader, s *pageAnswer, lang string) {
				// One copy for each party, one for the file.
				if n := s.doc.Find("main article.copy").Length(); n != 3 {
					t.Errorf("%s: %d copies, want 3", s.where, n)
				}
				if !strings.Contains(s.doc.Find("main").Text(), "晚十点后不再装修。") {
					t.Errorf("%s: a term is missing", s.where)
				}
			}},
	}
}

// agreementPageCheck checks the forms a reader is offered: the mediators'
// revising form, a party's signing form with a PIN (only while it has not
// signed).
func agreementPageCheck(mediator, toSign bool) func(t *testing.T, w *pageWorld, r pageReader, s *pageAnswer, lang string) {
	return func(t *testing.T, w *pageWorld, r pageReader, s *pageAnswer, lang string) {
		doc := s.doc
		has := func(sel string) bool { return doc.Find(sel).Length() > 0 }
		if got := has("form#revise"); got != mediator {
			t.Errorf("%s: revising form shown %v, want %v", s.where, got, mediator)
		}
		if got := has("form#sign input[name=pin]"); got != toSign {
			t.Errorf("%s: a party's signing form shown %v, want %v", s.where, got, toSign)
		}
		if len(strings.TrimSpace(doc.Find("#digest").Text())) != 64 {
			t.Errorf("%s: no digest on the page", s.where)
		}
		doc.Find("form#sign").Each(func(_ int, f *goquery.Selection) {
			if v, _ := f.Find("input[name=version]").Attr("value"); v != "1" {
				t.Errorf("%s: signs version %q, want 1", s.where, v)
			}
		})
	}
}
