package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/templates"
)

// pageVisit is one page as one reader sees it.
type pageVisit struct {
	name   string
	who    string
	method string
	path   string
	form   map[string]string
	page   templates.Page
	status int
	title  string // the <title> before " · app name"
	check  func(t *testing.T, w *pageWorld, r pageReader, s *pageAnswer, lang string)
	// follow follows the form's 303 (post/redirect/get): the page checked
	// is the one it leads to.
	follow bool
}

// checkPage checks what every page gives its reader: the page it asked for,
// in its language, with its title, its name and role in the header, a label
// for every field, the CSRF token in every form that posts.
func (w *pageWorld) checkPage(t *testing.T, s *pageAnswer, r pageReader, v pageVisit, lang string) {
	t.Helper()
	cat := w.cat[lang]
	s.wantStatus(t, v.status)
	if s.doc == nil {
		t.Fatalf("%s: not HTML: %s", s.where, s.header.Get("Content-Type"))
	}
	doc := s.doc
	if doc.Find(pageMarks[v.page]).Length() == 0 {
		t.Errorf("%s: not the %s page: %s", s.where, v.page, s.main())
	}
	if got, _ := doc.Find("html").Attr("lang"); got != lang {
		t.Errorf("%s: html lang %q, want %q", s.where, got, lang)
	}
	if got, want := squashSpace(doc.Find("head title").Text()), v.title+" · "+cat["app.name"]; got != want {
		t.Errorf("%s: title %q, want %q", s.where, got, want)
	}
	who := squashSpace(doc.Find("header .who").Text())
	logout := doc.Find(`header form[action="/logout"][method="post"]`)
	if r.name == "" {
		if who != "" || logout.Length() != 0 {
			t.Errorf("%s: the anonymous are named %q, or offered to sign out", s.where, who)
		}
	} else {
		if want := r.name + " · " + cat[r.role]; who != want {
			t.Errorf("%s: header names %q, want %q", s.where, who, want)
		}
		if logout.Length() != 1 {
			t.Errorf("%s: no sign-out form in the header", s.where)
		}
	}
	other := map[string]string{"zh-Hans": "en", "en": "zh-Hans"}[lang]
	// On an invitation link's page the switch is a query on the link itself,
	// so that the resident stays on it and the page never repeats the token.
	switchTo := "/lang?to=" + other + "&"
	if strings.Contains(s.where, " /a/") {
		switchTo = "?lang=" + other
	}
	if href, _ := doc.Find("header a.lang").Attr("href"); !strings.HasPrefix(href, switchTo) {
		t.Errorf("%s: language switch %q, want to %s", s.where, href, other)
	}
	if href, _ := doc.Find(`head link[rel="stylesheet"]`).Attr("href"); !regexp.MustCompile(`^/static/style\.[0-9a-f]+\.css$`).MatchString(href) {
		t.Errorf("%s: stylesheet at %q", s.where, href)
	}
	checkLabels(t, s)
	checkCSRFFields(t, r.c, s)
}

// checkLabels: every field a person fills in has a label, and ids are unique
// (a label names its field by id). A radio button or checkbox inside its
// <label> is labelled by it.
func checkLabels(t *testing.T, s *pageAnswer) {
	t.Helper()
	ids := map[string]int{}
	s.doc.Find("[id]").Each(func(_ int, e *goquery.Selection) { ids[e.AttrOr("id", "")]++ })
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q used %d times", s.where, id, n)
		}
	}
	s.doc.Find("input, select, textarea").Each(func(_ int, f *goquery.Selection) {
		typ := f.AttrOr("type", "text")
		if typ == "hidden" || typ == "submit" || typ == "button" {
			return
		}
		name := f.AttrOr("name", "?")
		if id := f.AttrOr("id", ""); id != "" {
			label := s.doc.Find(`label[for="` + id + `"]`)
			if label.Length() == 1 && squashSpace(label.Text()) != "" {
				return
			}
		}
		if (typ == "radio" || typ == "checkbox") && squashSpace(f.ParentsFiltered("label").Text()) != "" {
			return
		}
		t.Errorf("%s: field %s (%s) has no <label for>", s.where, name, goquery.NodeName(f))
	})
}

// checkCSRFFields: every form that posts carries the token of the csrf
// cookie, and posts here.
func checkCSRFFields(t *testing.T, c *client, s *pageAnswer) {
	t.Helper()
	u := mustParse(t, c.app.HTTP.URL)
	var cookie string
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "csrf" {
			cookie = ck.Value
		}
	}
	s.doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		// A form without an action posts back to its own page.
		action, set := f.Attr("action")
		if set && (!strings.HasPrefix(action, "/") || strings.HasPrefix(action, "//")) {
			t.Errorf("%s: form posts to %q", s.where, action)
		}
		if !strings.EqualFold(f.AttrOr("method", "get"), "post") {
			return
		}
		token := f.Find(`input[type="hidden"][name="csrf"]`)
		if token.Length() != 1 || cookie == "" || token.AttrOr("value", "") != cookie {
			t.Errorf("%s: form %s lacks the CSRF token of the cookie (%d fields, cookie %q)", s.where, action,
				token.Length(), cookie)
		}
	})
}

// visits are every page for every kind of reader who may see it, in lang.
func (w *pageWorld) visits(lang string) []pageVisit {
	cat := w.cat[lang]
	errTitle := func(status int) string {
		return fmt.Sprintf("%d %s", status, cat[fmt.Sprintf("error.title_%d", status)])
	}
	release := func(caseID, sub string) string { return "/cases/" + caseID + "/submissions/" + sub + "/release" }
	return []pageVisit{
		{name: "sign-in", who: "anonymous", path: "/login", page: templates.PageLogin, title: cat["login.title"]},

		{name: "cases of the admin", who: "admin", path: "/cases", page: templates.PageCases, title: cat["cases.title"],
			check: casesListCheck(map[string]bool{w.refA: false, w.refB: false})},
		{name: "cases of the mediator", who: "mediator", path: "/cases", page: templates.PageCases,
			title: cat["cases.title"], check: casesListCheck(map[string]bool{w.refA: true})},
		{name: "cases of the other mediator", who: "other", path: "/cases", page: templates.PageCases,
			title: cat["cases.title"], check: casesListCheck(map[string]bool{w.refB: true})},

		{name: "new case", who: "mediator", path: "/cases/new", page: templates.PageCaseNew, title: cat["cases.new"]},
		{name: "new case, other mediator", who: "other", path: "/cases/new", page: templates.PageCaseNew,
			title: cat["cases.new"]},

		{name: "case A, mediator", who: "mediator", path: "/cases/" + w.caseA, page: templates.PageCase,
			title: w.refA, check: mediatorCaseCheck(w.caseA)},
		{name: "case B, other mediator", who: "other", path: "/cases/" + w.caseB, page: templates.PageCase,
			title: w.refB, check: mediatorCaseCheck(w.caseB)},

		{name: "case A, A1", who: "A1", path: "/cases/" + w.caseA, page: templates.PageMyCase, title: w.refA,
			check: partyCaseCheck(w.caseA, w.partyA1)},
		{name: "case A, A2", who: "A2", path: "/cases/" + w.caseA, page: templates.PageMyCase, title: w.refA,
			check: partyCaseCheck(w.caseA, w.partyA2)},
		{name: "case B, B1", who: "B1", path: "/cases/" + w.caseB, page: templates.PageMyCase, title: w.refB,
			check: partyCaseCheck(w.caseB, w.partyB1)},
		{name: "case B, B2", who: "B2", path: "/cases/" + w.caseB, page: templates.PageMyCase, title: w.refB,
			check: partyCaseCheck(w.caseB, w.partyB2)},

		{name: "case A, admin", who: "admin", path: "/cases/" + w.caseA, page: templates.PageCaseMeta, title: w.refA,
			check: adminCaseCheck(w.caseA)},
		{name: "case B, admin", who: "admin", path: "/cases/" + w.caseB, page: templates.PageCaseMeta, title: w.refB,
			check: adminCaseCheck(w.caseB)},

		{name: "add a party to A", who: "mediator", path: "/cases/" + w.caseA + "/parties/new",
			page: templates.PagePartyNew, title: cat["party.add"]},
		{name: "add a party to B", who: "other", path: "/cases/" + w.caseB + "/parties/new",
			page: templates.PagePartyNew, title: cat["party.add"]},

		{name: "release A1's position", who: "A1", path: release(w.caseA, w.subA1), page: templates.PageRelease,
			title: cat["release.title"], check: releaseCheck(w.caseA, w.partyA1, privateA1[2])},
		{name: "release A1's interests", who: "A1", path: release(w.caseA, w.subA1b), page: templates.PageRelease,
			title: cat["release.title"], check: releaseCheck(w.caseA, w.partyA1, bodyA1b)},
		{name: "release what the mediator entered for A2", who: "A2", path: release(w.caseA, w.subA2m),
			page: templates.PageRelease, title: cat["release.title"], check: releaseCheck(w.caseA, w.partyA2, bodyA2m)},
		{name: "release B1's position", who: "B1", path: release(w.caseB, w.subB1), page: templates.PageRelease,
			title: cat["release.title"], check: releaseCheck(w.caseB, w.partyB1, privateB1[1])},

		{name: "record of a held session", who: "mediator", path: "/cases/" + w.caseA + "/sessions/" + w.heldA + "/record",
			page: templates.PageRecord, title: cat["record.title"] + " · " + w.refA},
		{name: "change of a scheduled caucus", who: "mediator", path: "/cases/" + w.caseA + "/sessions/" + w.caucusA1,
			page: templates.PageSession, title: cat["session.change_title"] + " · " + w.refA},
		{name: "week of the mediator", who: "mediator", path: "/calendar", page: templates.PageCalendar,
			title: cat["calendar.week"]},

		// Closing, the mediator's own neutrality and recusals.
		{name: "case file of A", who: "mediator", path: "/cases/" + w.caseA + "/file", page: templates.PageCaseFile,
			title: cat["file.title"] + " · " + w.refA, check: caseFileCheck(w.refA)},
		{name: "interests of the mediator", who: "mediator", path: "/me/interests", page: templates.PageInterests,
			title: cat["interests.title"]},

		{name: "staff accounts", who: "admin", path: "/admin/users", page: templates.PageUsers,
			title: cat["users.title"], check: usersCheck},

		{name: "office, office", who: "office", path: "/office", page: templates.PageOffice, title: cat["office.title"]},
		{name: "office, admin", who: "admin", path: "/office", page: templates.PageOffice, title: cat["office.title"]},

		{name: "403, office opening a case", who: "office", path: "/cases/new", page: templates.PageError,
			status: http.StatusForbidden, title: errTitle(403), check: errorPageCheck("error.forbidden")},
		{name: "403, mediator on the accounts", who: "mediator", path: "/admin/users", page: templates.PageError,
			status: http.StatusForbidden, title: errTitle(403), check: errorPageCheck("error.forbidden")},
		{name: "404, A1 on case B", who: "A1", path: "/cases/" + w.caseB, page: templates.PageError,
			status: http.StatusNotFound, title: errTitle(404), check: errorPageCheck("error.not_found")},
		{name: "404, A1 releasing A2's", who: "A1", path: release(w.caseA, w.subA2m), page: templates.PageError,
			status: http.StatusNotFound, title: errTitle(404), check: errorPageCheck("error.not_found")},
		{name: "404, other mediator on case A", who: "other", path: "/cases/" + w.caseA, page: templates.PageError,
			status: http.StatusNotFound, title: errTitle(404), check: errorPageCheck("error.not_found")},
		{name: "invitation link, anonymous", who: "anonymous", path: "/a/AAAAAAAAAAAAAAAAAAAAAA",
			page: templates.PageEnter, title: cat["enter.title"]},
		{name: "401, invitation of no one", who: "anonymous", method: http.MethodPost, path: "/a/AAAAAAAAAAAAAAAAAAAAAA",
			page: templates.PageError, status: http.StatusUnauthorized, title: cat["error.link_title"],
			check: errorPageCheck("error.invitation_invalid")},

		{name: "a resident's home after its login ended", who: "former resident", path: "/",
			page: templates.PageExpired, title: cat["expired.party_title"], check: expiredCheck(cat, "")},
		{name: "a resident's submission after its login ended", who: "former resident", method: http.MethodPost,
			path: "/cases/" + w.caseA + "/submissions", form: map[string]string{"kind": "position", "body": "车位是我的，有合同。"},
			page: templates.PageExpired, status: http.StatusUnauthorized, title: cat["expired.party_title"],
			check: expiredCheck(cat, "车位是我的，有合同。")},

		// Last: it adds a party to case A.
		{name: "invitation of a new party", who: "mediator", method: http.MethodPost, follow: true,
			path: "/cases/" + w.caseA + "/parties/new", form: map[string]string{"name": "何新" + lang,
				"kind": "person", "side": "third_party", "phone": "010-62345678", "address": "5号楼101"},
			page: templates.PageInvitation, title: cat["slip.title"], check: invitationCheck(w.caseA, "何新"+lang)},
		{name: "correct a party", who: "mediator", path: "/cases/" + w.caseA + "/parties/" + w.partyA1 + "/edit",
			page: templates.PagePartyEdit, title: cat["party.edit"]},
		{name: "an invitation already shown", who: "mediator",
			path: "/cases/" + w.caseA + "/parties/" + w.partyA1 + "/invitation",
			page: templates.PageInvitation, title: cat["slip.title"]},
	}
}

// expiredCheck: a resident whose login ended is told how to get back in and
// whom to call, and gets back what it typed; never the staff sign-in.
func expiredCheck(cat map[string]string, typed string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, _ *pageWorld, _ pageReader, s *pageAnswer, _ string) {
		main := s.main()
		for _, want := range []string{typed, cat["expired.party_step_link"], cat["expired.party_step_pin"]} {
			if !strings.Contains(main, want) {
				t.Errorf("%s: the page lacks %q: %s", s.where, want, main)
			}
		}
		if s.doc.Find(`main input[name="password"], main a[href="/login"]`).Length() != 0 {
			t.Errorf("%s: a resident is sent to the staff sign-in", s.where)
		}
		if s.doc.Find(`main .org-contact a[href^="tel:"]`).Length() != 1 {
			t.Errorf("%s: no number to call", s.where)
		}
	}
}
