package web_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/mediation"
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

// TestChecklistOnTheCasePage: the mediators' case page lists the case
// file's items with a tick for each one there, in both languages, and the
// forms tick them.
func TestChecklistOnTheCasePage(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	path := "/cases/" + s.caseA
	s.mediator.mustJSON("POST", "/api/v1"+path+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	items := func(page *pageAnswer) map[string]string {
		out := map[string]string{}
		page.doc.Find("main #closing ul.checklist li").Each(func(_ int, li *goquery.Selection) {
			out[li.AttrOr("data-item", "")] = li.AttrOr("class", "") + " " + squashSpace(li.Find(".tick").Text())
		})
		return out
	}
	page := openPage(t, s.mediator, path)
	got := items(page)
	want := map[string]string{"registration": "todo ✗",
		"notice_of_rights:party:" + s.partyA1: "done ✓", "notice_of_rights:party:" + s.partyA2: "done ✓",
		"identity_confirmed:party:" + s.partyA1: "todo ✗", "identity_confirmed:party:" + s.partyA2: "todo ✗",
		"session_record": "todo ✗"}
	if !maps.Equal(got, want) {
		t.Errorf("checklist = %v, want %v", got, want)
	}
	if text := page.doc.Find("main #closing").Text(); !strings.Contains(text, "赵明") || !strings.Contains(text, "已核实身份") {
		t.Errorf("the checklist does not name the parties and items: %s", squashSpace(text))
	}
	// The identity form: an empty method comes back with the message
	// beside it; a good one ticks the item.
	form := "/cases/" + s.caseA + "/parties/" + s.partyA1 + "/identity"
	bad := sendForm(t, s.mediator, form, map[string]string{"form": "closing", "method": " "})
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	if fe := bad.doc.Find(`main form[action="` + form + `"] .field-error`); fe.Length() != 1 {
		t.Errorf("no message beside the identity form of A1: %s", squashSpace(bad.doc.Find("main #closing").Text()))
	}
	sendForm(t, s.mediator, form, map[string]string{"form": "closing", "method": "居民身份证"}).wantRedirect(t, path)
	page = openPage(t, s.mediator, path)
	if got := items(page)["identity_confirmed:party:"+s.partyA1]; got != "done ✓" {
		t.Errorf("A1's identity after the form: %q", got)
	}
	if note := page.doc.Find(`main #closing li[data-item="identity_confirmed:party:` + s.partyA1 + `"]`).Text(); !strings.Contains(note, "居民身份证") {
		t.Errorf("the ticked item does not say how: %s", squashSpace(note))
	}
	// A failed mediation is recorded from the same section.
	sendForm(t, s.mediator, "/cases/"+s.caseA+"/no-agreement", map[string]string{"form": "no_agreement",
		"reason": "双方对车位归属各执一词", "remedies_explained": "1"}).wantRedirect(t, path)
	var cl checklistJSON
	s.mediator.mustJSON("GET", "/api/v1"+path+"/closing", nil, http.StatusOK, &cl)
	s.mediator.mustJSON("POST", "/api/v1"+path+"/transitions", map[string]string{"to": "no_agreement", "reason": "调解不成"}, http.StatusOK, nil)
	s.mediator.mustJSON("GET", "/api/v1"+path+"/closing", nil, http.StatusOK, &cl)
	if slices.Contains(cl.Missing, "no_agreement_reason") || slices.Contains(cl.Missing, "remedies_explained") {
		t.Errorf("the form's record of failure is not in the file: %q", cl.Missing)
	}
	// In English the checklist speaks English.
	s.mediator.Header.Set("Accept-Language", "en")
	page = openPage(t, s.mediator, path)
	if text := squashSpace(page.doc.Find("main #closing").Text()); !strings.Contains(text, "identity confirmed") || !strings.Contains(text, "Case file checklist") {
		t.Errorf("English checklist: %s", text)
	}
	// Closing the incomplete file from the page names what is missing.
	closing := sendForm(t, s.mediator, path+"/transitions", map[string]string{"to": "closed", "reason": "调解结束",
		"confirm": "yes"})
	closing.wantStatus(t, http.StatusConflict)
	if text := squashSpace(closing.doc.Find("main .form-error").Text()); !strings.Contains(text, "identity confirmed (party #"+s.partyA2+")") {
		t.Errorf("the refused closing says %q", text)
	}
}

func TestInterestsPage(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	page := openPage(t, s.other, "/me/interests")
	if n := page.doc.Find(`main form[action="/me/interests"] input[name="communities"]`).Length(); n != len(mediation.DefaultPlaces().Communities) {
		t.Errorf("%d community boxes, want one per configured community", n)
	}
	bad := sendForm(t, s.other, "/me/interests", map[string]string{"communities": "atlantis", "buildings": "3号楼"})
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	if bad.doc.Find("main fieldset + .field-error").Length() != 1 {
		t.Errorf("no message beside the communities")
	}
	if got := bad.doc.Find("main textarea#buildings").Text(); got != "3号楼" {
		t.Errorf("the buildings typed are lost: %q", got)
	}
	saved := sendForm(t, s.other, "/me/interests", map[string]string{"communities": "heping-li",
		"buildings": "和平里3号楼\n\n 和平里5号楼 ", "organisations": "万科物业"}).location(t, "/me/interests")
	page = openPage(t, s.other, saved)
	if !page.doc.Find(`main input[name="communities"][value="heping-li"]`).Is("[checked]") {
		t.Errorf("the chosen community is not ticked")
	}
	if got := page.doc.Find("main textarea#buildings").Text(); got != "和平里3号楼\n和平里5号楼" {
		t.Errorf("buildings shown as %q", got)
	}
	if !strings.Contains(page.main(), "已保存") {
		t.Errorf("no word that it was saved: %s", page.main())
	}
	openPage(t, s.a1, "/me/interests").wantStatus(t, http.StatusForbidden)
}

// TestRecusalFormOnTheResidentsPage: a resident asks from its own page; the
// request shows there and on the mediators' page, never on the other
// party's.
func TestRecusalFormOnTheResidentsPage(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	path := "/cases/" + s.caseA
	page := openPage(t, s.a1, path)
	form := page.doc.Find(`main #recusal form[action="` + path + `/recusals"]`)
	if form.Length() != 1 || form.Find(`select[name="user_id"] option`).Length() != 1 {
		t.Fatalf("no recusal form naming the case's mediator on A1's page")
	}
	if page.doc.Find("main #recusal details.rights").Length() != 1 {
		t.Errorf("the party's page does not keep the notice of its rights")
	}
	bad := sendForm(t, s.a1, path+"/recusals", map[string]string{"form": "recusal", "user_id": s.mediatorUser.ID.String(), "reason": ""})
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	if bad.doc.Find(`main #recusal textarea[name="reason"] + .field-error`).Length() != 1 {
		t.Errorf("no message beside the reason")
	}
	sendForm(t, s.a1, path+"/recusals", map[string]string{"form": "recusal", "user_id": s.mediatorUser.ID.String(),
		"reason": "王调解员是钱丽的表哥"}).wantRedirect(t, path)
	if text := squashSpace(openPage(t, s.a1, path).doc.Find("main #recusal").Text()); !strings.Contains(text, "待更换调解员") {
		t.Errorf("A1's page does not show its pending request: %s", text)
	}
	if text := squashSpace(openPage(t, s.mediator, path).doc.Find("main #closing .recusal").Text()); !strings.Contains(text, "表哥") || !strings.Contains(text, "赵明") {
		t.Errorf("the mediators' page does not show the request: %q", text)
	}
	if text := openPage(t, s.a2, path).main(); strings.Contains(text, "表哥") || strings.Contains(text, "待更换") {
		t.Errorf("the other party's page shows A1's request")
	}
}

// TestCaseFilePrintPage: the printable file holds the case's record and is
// laid out on A4.
func TestCaseFilePrintPage(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	holdSession(t, s.mediator, s.caseA, map[string]bool{s.partyA1: true, s.partyA2: false})
	page := openPage(t, s.mediator, "/cases/"+s.caseA+"/file")
	page.wantStatus(t, http.StatusOK)
	text := squashSpace(page.doc.Find("main article.dossier").Text())
	for _, want := range []string{"人民调解卷宗", "车位纠纷", "赵明", "钱丽", "13800138001", "同意按月付费使用车位",
		"赵明（到场）", "钱丽（未到场）", "卷宗核对", "操作记录摘要"} {
		if !strings.Contains(text, want) {
			t.Errorf("the case file lacks %q", want)
		}
	}
	if page.doc.Find("main article.dossier section.cover").Length() != 1 {
		t.Errorf("no cover")
	}
	css := openPage(t, s.mediator, page.doc.Find(`link[rel="stylesheet"]`).AttrOr("href", ""))
	if !strings.Contains(string(css.raw), "@page { size: A4") {
		t.Errorf("the stylesheet does not lay the print out on A4")
	}
	for _, c := range []*client{s.a1, s.admin} {
		openPage(t, c, "/cases/"+s.caseA+"/file").wantStatus(t, http.StatusForbidden)
	}
	openPage(t, s.other, "/cases/"+s.caseA+"/file").wantStatus(t, http.StatusNotFound)
}
