package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// TestPageFragmentsFollowChanges: the parts of the case page and the case
// list kept between views (a submission, a trail line, a row of the list)
// show a record's change on the next view, in the reader's language, and
// each viewer's forms carry its own CSRF token.
func TestPageFragmentsFollowChanges(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	zh, en := pageCatalogue(t, "zh-Hans"), pageCatalogue(t, "en")
	casePath := "/cases/" + s.caseA
	article := func(c *client, lang string) string {
		t.Helper()
		page := openPage(t, c, casePath+"?lang="+lang)
		page.wantStatus(t, http.StatusOK)
		return squashSpace(page.doc.Find("#submission-" + s.subA1).Text())
	}
	for range 2 { // the second view is answered from the kept fragments
		if a := article(s.mediator, "zh-Hans"); strings.Contains(a, zh["submission.released"]) || !strings.Contains(a, "车位是我买的。") {
			t.Fatalf("before the release: %q", a)
		}
	}
	if a := article(s.mediator, "en"); strings.Contains(a, en["submission.released"]) {
		t.Fatalf("before the release, in English: %q", a)
	}

	s.a1.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions/"+s.subA1+"/release", nil, http.StatusOK, nil)
	if a := article(s.mediator, "zh-Hans"); !strings.Contains(a, zh["submission.released"]) {
		t.Errorf("the release is not shown on the next view: %q", a)
	}
	if a := article(s.mediator, "en"); !strings.Contains(a, en["submission.released"]) || strings.Contains(a, zh["submission.released"]) {
		t.Errorf("the release in English: %q", a)
	}

	mustAttach(t, s.a1, s.caseA, s.subA1, "p.png", evidencetest.PNG(evidencetest.Picture(40, 30, false)))
	page := openPage(t, s.mediator, casePath)
	if n := page.doc.Find("#submission-" + s.subA1 + " img").Length(); n != 1 {
		t.Errorf("the attached photo is not shown on the next view: %d images", n)
	}

	// A party renamed: the trail's lines name it anew.
	trail := func() string { return squashSpace(openPage(t, s.mediator, casePath).doc.Find("ol.trail").Text()) }
	if tr := trail(); !strings.Contains(tr, "赵明") || strings.Contains(tr, "赵大明") {
		t.Fatalf("trail before the rename: %q", tr)
	}
	s.mediator.mustJSON("PATCH", "/api/v1/cases/"+s.caseA+"/parties/"+s.partyA1, map[string]string{"name": "赵大明"}, http.StatusOK, nil)
	if tr := trail(); !strings.Contains(tr, "赵大明") {
		t.Errorf("the trail does not name the renamed party: %q", tr)
	}

	// Two mediators of the case: each page's forms carry the viewer's token.
	zhou, user := s.app.staff(mediation.RoleMediator, "zhou.min")
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/mediators", map[string]string{"user_id": user.ID.String()}, http.StatusOK, nil)
	for range 2 {
		for _, c := range []*client{s.mediator, zhou} {
			page := openPage(t, c, casePath)
			want := mxCSRF(t, c)
			n := 0
			page.doc.Find(`input[name="csrf"]`).Each(func(_ int, in *goquery.Selection) {
				n++
				if v, _ := in.Attr("value"); v != want {
					t.Errorf("a form carries the CSRF token %q, the viewer's is %q", v, want)
				}
			})
			if page.doc.Find(`form.attach input[name="csrf"]`).Length() == 0 || n == 0 {
				t.Errorf("no attach form with a CSRF token on the case page")
			}
		}
	}
	if mxCSRF(t, s.mediator) == mxCSRF(t, zhou) {
		t.Fatal("the two mediators have the same CSRF token")
	}

	// The case list: a changed title, new submissions since the last view.
	row := func(lang string) string {
		t.Helper()
		page := openPage(t, s.mediator, "/cases?lang="+lang)
		page.wantStatus(t, http.StatusOK)
		return squashSpace(page.doc.Find(`li.case-row a[href="/cases/` + s.caseA + `"]`).Text())
	}
	for range 2 {
		if r := row("zh-Hans"); !strings.Contains(r, "车位纠纷") {
			t.Fatalf("the list's row: %q", r)
		}
	}
	s.mediator.mustJSON("PATCH", "/api/v1/cases/"+s.caseA, map[string]string{"title": "地下车位纠纷"}, http.StatusOK, nil)
	if r := row("zh-Hans"); !strings.Contains(r, "地下车位纠纷") {
		t.Errorf("the changed title is not on the list: %q", r)
	}
	s.a2.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "interests", "body": "我只想晚上停车。"}, http.StatusCreated, nil)
	if r := row("en"); !strings.Contains(r, strings.Replace(en["cases.new_submissions"], "{{.Count}}", "1", 1)) {
		t.Errorf("the new submission is not counted on the list: %q", r)
	}
	s.a2.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "interests", "body": "白天可以让出来。"}, http.StatusCreated, nil)
	if r := row("en"); !strings.Contains(r, strings.Replace(en["cases.new_submissions"], "{{.Count}}", "2", 1)) {
		t.Errorf("the second new submission is not counted on the list: %q", r)
	}
}

// TestCaseListNewestActivityFirst: the case list puts the case with the
// newest activity first, a new submission bringing its case to the top, and
// keeps each row whole as it moves.
func TestCaseListNewestActivityFirst(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	open := func(title string) string {
		var cs idOnly
		s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": title, "category": "noise",
			"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
		return cs.ID
	}
	c2, c3 := open("楼上噪音"), open("漏水纠纷")
	order := func() (ids, titles []string) {
		t.Helper()
		page := openPage(t, s.mediator, "/cases")
		page.wantStatus(t, http.StatusOK)
		page.doc.Find("main li.case-row a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			ids = append(ids, strings.TrimPrefix(href, "/cases/"))
			titles = append(titles, a.Find(".title").Text())
		})
		return ids, titles
	}
	want := func(ids, titles []string, wantIDs, wantTitles []string) {
		t.Helper()
		if strings.Join(ids, " ") != strings.Join(wantIDs, " ") || strings.Join(titles, " ") != strings.Join(wantTitles, " ") {
			t.Errorf("the list is %v %v, want %v %v", ids, titles, wantIDs, wantTitles)
		}
	}
	ids, titles := order()
	want(ids, titles, []string{c3, c2, s.caseA}, []string{"漏水纠纷", "楼上噪音", "车位纠纷"})

	s.a1.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
		"body": "我周末在家。"}, http.StatusCreated, nil)
	ids, titles = order()
	want(ids, titles, []string{s.caseA, c3, c2}, []string{"车位纠纷", "漏水纠纷", "楼上噪音"})
}
