package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The pages, read as their readers read them: every page for every kind of
// user who may see it, in both languages, with goquery.

// pageDoc parses a page.
func pageDoc(t testing.TB, raw []byte) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc
}

// pageMain is the text of a page's <main>, its white space collapsed: what
// the page says, without the header (which names the reader) or the tokens
// its forms carry.
func pageMain(t testing.TB, raw []byte) string {
	t.Helper()
	return squashSpace(pageDoc(t, raw).Find("main").Text())
}

func squashSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// pageCatalogue is the catalogue in one language ("zh-Hans" or "en"): what
// the pages must say.
func pageCatalogue(t testing.TB, lang string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("locales", "active."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s catalogue: %v", lang, err)
	}
	return m
}

// pageAnswer is one answer to a page request.
type pageAnswer struct {
	where  string
	status int
	header http.Header
	raw    []byte
	doc    *goquery.Document // nil unless the answer is HTML
}

func (s *pageAnswer) main() string { return squashSpace(s.doc.Find("main").Text()) }

// browsePage sends a request as a browser does, with the client's headers (its
// language). Every answer but the stylesheet's must not be cached.
func browsePage(t *testing.T, c *client, method, path string, form url.Values) *pageAnswer {
	t.Helper()
	var body io.Reader
	ct := ""
	if form != nil {
		body, ct = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	resp, raw := c.send(t, method, path, body, ct)
	s := &pageAnswer{where: method + " " + path, status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		s.doc = pageDoc(t, raw)
	}
	stylesheet := strings.HasPrefix(path, "/static/") && resp.StatusCode == http.StatusOK
	if cc := resp.Header.Get("Cache-Control"); !stylesheet && cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", s.where, cc)
	}
	return s
}

// openPage GETs a page.
func openPage(t *testing.T, c *client, path string) *pageAnswer {
	t.Helper()
	return browsePage(t, c, http.MethodGet, path, nil)
}

// sendForm posts a form with the CSRF token of the client's csrf cookie.
func sendForm(t *testing.T, c *client, path string, form map[string]string) *pageAnswer {
	t.Helper()
	v := url.Values{}
	for k, x := range form {
		v.Set(k, x)
	}
	v.Set("csrf", mxCSRF(t, c))
	return browsePage(t, c, http.MethodPost, path, v)
}

// wantStatus fails the test unless the answer has the status.
func (s *pageAnswer) wantStatus(t *testing.T, status int) {
	t.Helper()
	if s.status != status {
		text := string(s.raw)
		if s.doc != nil {
			text = s.main()
		}
		t.Fatalf("%s: status %d, want %d: %.400s", s.where, s.status, status, text)
	}
}

// wantRedirect checks a 303 (post-redirect-get) and returns where it goes,
// without the fragment.
func (s *pageAnswer) wantRedirect(t *testing.T, prefix string) string {
	t.Helper()
	s.wantStatus(t, http.StatusSeeOther)
	loc, _, _ := strings.Cut(s.header.Get("Location"), "#")
	if !strings.HasPrefix(loc, prefix) {
		t.Errorf("%s: 303 to %q, want %s…", s.where, s.header.Get("Location"), prefix)
	}
	return loc
}

// pageWorld is newScene's world with what the pages need besides: A1 has
// submissions of two kinds, a mediator entered one on A2's behalf, A2
// released its position to the other parties, and case B has a second party
// B2 who has submitted nothing.
type pageWorld struct {
	*scene
	refA, refB string
	subA1b     string // A1's interests
	subA2m     string // A2's proposal, entered by the mediator
	partyB2    string
	b2         *client
	cat        map[string]map[string]string // language → catalogue
}

const (
	bodyA1b  = "希望晚上十点以后车位空出来。"
	bodyA2m  = "建议物业重新划线。"
	nameB2pg = "吴刚"
)

func newPageWorld(t *testing.T) *pageWorld {
	t.Helper()
	w := &pageWorld{scene: newScene(t), cat: map[string]map[string]string{
		"zh-Hans": pageCatalogue(t, "zh-Hans"), "en": pageCatalogue(t, "en")}}
	var sub idOnly
	w.a1.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/submissions", map[string]string{"kind": "interests",
		"body": bodyA1b}, http.StatusCreated, &sub)
	w.subA1b = sub.ID
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/submissions", map[string]string{"party_id": w.partyA2,
		"kind": "proposal", "body": bodyA2m}, http.StatusCreated, &sub)
	w.subA2m = sub.ID
	w.a2.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/submissions/"+w.subA2+"/release", nil, http.StatusOK, nil)
	var p partyCreated
	w.other.mustJSON("POST", "/api/v1/cases/"+w.caseB+"/parties", map[string]string{"name": nameB2pg,
		"kind": "household", "side": "respondent"}, http.StatusCreated, &p)
	w.partyB2, w.b2 = p.ID, w.app.party(p.Invitation.Token)
	var cs struct {
		Reference string `json:"reference"`
	}
	w.mediator.mustJSON("GET", "/api/v1/cases/"+w.caseA, nil, http.StatusOK, &cs)
	w.refA = cs.Reference
	w.other.mustJSON("GET", "/api/v1/cases/"+w.caseB, nil, http.StatusOK, &cs)
	w.refB = cs.Reference
	return w
}

// A pageReader is someone who reads pages: the header names them with their role.
type pageReader struct {
	c    *client
	name string // display name, "" for the anonymous
	role string // catalogue key of the role
}

func (w *pageWorld) readers() map[string]pageReader {
	return map[string]pageReader{
		"anonymous": {c: w.app.client()},
		"admin":     {c: w.admin, name: "名 admin", role: "role.admin"},
		"office":    {c: w.office, name: "名 office", role: "role.office"},
		"mediator":  {c: w.mediator, name: "名 wang", role: "role.mediator"},
		"other":     {c: w.other, name: "名 li.jianguo", role: "role.mediator"},
		"A1":        {c: w.a1, name: nameA1, role: "role.party"},
		"A2":        {c: w.a2, name: nameA2, role: "role.party"},
		"B1":        {c: w.b1, name: nameB1, role: "role.party"},
		"B2":        {c: w.b2, name: nameB2pg, role: "role.party"},
	}
}

// speak makes every client ask for lang, as a browser set to it does.
func (w *pageWorld) speak(rs map[string]pageReader, lang string) {
	for _, r := range rs {
		if lang == "en" {
			r.c.Header.Set("Accept-Language", "en")
		} else {
			r.c.Header.Del("Accept-Language")
		}
	}
}

// pageMarks tell the pages apart: what only that page has.
var pageMarks = map[templates.Page]string{
	templates.PageLogin:      `main form[action="/login"]`,
	templates.PageCases:      `main form.filters[action="/cases"]`,
	templates.PageCaseNew:    `main form[action="/cases/new"]`,
	templates.PageCase:       `main #audit-h`,
	templates.PageMyCase:     `main #mine-h`,
	templates.PageCaseMeta:   `main #med-h`,
	templates.PagePartyNew:   `main form[action$="/parties/new"]`,
	templates.PageInvitation: `main article.slip`,
	templates.PageRelease:    `main form[action$="/release"]`,
	templates.PageEnter:      `main form.enter`,
	templates.PageUsers:      `main form[action="/admin/users"]`,
	templates.PageOffice:     `main section.narrow`,
	templates.PageError:      `main section.narrow a[href="/"]`,
}

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
	if href, _ := doc.Find("header a.lang").Attr("href"); !strings.HasPrefix(href, "/lang?to="+other+"&") {
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
			page: templates.PageError, status: http.StatusUnauthorized, title: errTitle(401),
			check: errorPageCheck("error.invitation_invalid")},

		// Last: it adds a party to case A.
		{name: "invitation of a new party", who: "mediator", method: http.MethodPost,
			path: "/cases/" + w.caseA + "/parties/new", form: map[string]string{"name": "何新" + lang,
				"kind": "person", "side": "third_party", "phone": "13600136000", "address": "5号楼101"},
			page: templates.PageInvitation, title: cat["slip.title"], check: invitationCheck(w.caseA, "何新"+lang)},
	}
}

// TestPagesForEveryReader renders every page for each kind of user who may see
// it, in Chinese (the default) and in English (Accept-Language), and checks
// what each reader relies on.
func TestPagesForEveryReader(t *testing.T) {
	w := newPageWorld(t)
	rs := w.readers()
	seen := map[templates.Page]bool{}
	for _, p := range templates.Pages {
		if pageMarks[p] == "" {
			t.Errorf("page %s: no mark to tell it apart in pageMarks", p)
		}
	}
	for _, lang := range []string{"zh-Hans", "en"} {
		t.Run(lang, func(t *testing.T) {
			w.speak(rs, lang)
			for _, v := range w.visits(lang) {
				t.Run(v.name, func(t *testing.T) {
					r := rs[v.who]
					if v.method == "" {
						v.method = http.MethodGet
					}
					if v.status == 0 {
						v.status = http.StatusOK
					}
					var s *pageAnswer
					if v.method == http.MethodPost {
						s = sendForm(t, r.c, v.path, v.form)
					} else {
						s = openPage(t, r.c, v.path)
					}
					w.checkPage(t, s, r, v, lang)
					if lang == "en" {
						if han := untranslated(s.doc, w.data()); han != "" {
							t.Errorf("%s: Chinese left on the English page: %s", s.where, han)
						}
					}
					seen[v.page] = true
					if v.check != nil {
						v.check(t, w, r, s, lang)
					}
				})
			}
		})
	}
	for _, p := range templates.Pages {
		if !seen[p] {
			t.Errorf("page %s was rendered for no one", p)
		}
	}
}

// data are the strings the scene stores (names, titles, texts, places): they
// stay as written in any language.
func (w *pageWorld) data() []string {
	d := slices.Concat(everySceneSecret, []string{bodyA1b, bodyA2m, nameB2pg, "何新zh-Hans", "何新en", "5号楼101", "名 "})
	for _, c := range mediation.DefaultPlaces().Communities {
		d = append(d, c.Name, c.Street)
	}
	// Longest first, so that no part of a longer one is taken away alone.
	slices.SortFunc(d, func(a, b string) int { return len(b) - len(a) })
	return d
}

// untranslated is the Chinese left on a page once the data are taken away:
// its text, the attributes people read (placeholder, aria-label, title, alt)
// and the title, but not the switch to Chinese, which names its language in
// that language.
func untranslated(doc *goquery.Document, data []string) string {
	body := doc.Find("html").Clone()
	body.Find("a.lang").Remove()
	texts := []string{body.Text()}
	body.Find("[placeholder], [aria-label], [title], [alt]").Each(func(_ int, e *goquery.Selection) {
		for _, a := range []string{"placeholder", "aria-label", "title", "alt"} {
			texts = append(texts, e.AttrOr(a, ""))
		}
	})
	text := strings.Join(texts, " ")
	for _, d := range data {
		text = strings.ReplaceAll(text, d, " ")
	}
	var han []string
	for _, f := range strings.Fields(text) {
		if containsHan(f) {
			han = append(han, f)
		}
	}
	return strings.Join(han, " ")
}

// apiParties is the case's parties as its mediators read them.
func (w *pageWorld) apiParties(t *testing.T, caseID string) []map[string]string {
	t.Helper()
	by := w.mediator
	if caseID == w.caseB {
		by = w.other
	}
	var l listOf[map[string]any]
	by.mustJSON("GET", "/api/v1/cases/"+caseID+"/parties", nil, http.StatusOK, &l)
	var out []map[string]string
	for _, it := range l.Items {
		m := map[string]string{}
		for k, v := range it {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		out = append(out, m)
	}
	return out
}

// apiSubmissions is every submission of the case, as its mediators read them.
func (w *pageWorld) apiSubmissions(t *testing.T, caseID string) []submissionJSON {
	t.Helper()
	by := w.mediator
	if caseID == w.caseB {
		by = w.other
	}
	var l listOf[submissionJSON]
	by.mustJSON("GET", "/api/v1/cases/"+caseID+"/submissions", nil, http.StatusOK, &l)
	return l.Items
}

// casesListCheck: the list shows exactly the cases named (by reference), with
// their titles where the reader may read them (true) and without where not.
func casesListCheck(refs map[string]bool) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, _ string) {
		titles := map[string]string{w.refA: titleA, w.refB: titleB}
		var got []string
		s.doc.Find("main li.case-row").Each(func(_ int, row *goquery.Selection) {
			ref := squashSpace(row.Find(".ref").Text())
			got = append(got, ref)
			hasTitle := strings.Contains(row.Text(), titles[ref])
			if showTitle, ok := refs[ref]; ok && hasTitle != showTitle {
				t.Errorf("%s: case %s pageAnswer with title %v, want %v", s.where, ref, hasTitle, showTitle)
			}
			if row.Find(".badge").Length() < 2 {
				t.Errorf("%s: case %s without status and category badges", s.where, ref)
			}
		})
		want := make([]string, 0, len(refs))
		for ref := range refs {
			want = append(want, ref)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: cases %v, want %v", s.where, got, want)
		}
	}
}

// mediatorCaseCheck: the mediators' page lists every party with phone and
// address, and shows every party's submissions in its own column, grouped by
// kind in the order of the kinds, each under its kind's heading.
func mediatorCaseCheck(caseID string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		cat := w.cat[lang]
		doc := s.doc
		parties := w.apiParties(t, caseID)
		rows := doc.Find("main table.parties tbody tr")
		if rows.Length() != len(parties) {
			t.Errorf("%s: %d party rows, want %d", s.where, rows.Length(), len(parties))
		}
		for _, pt := range parties {
			row := rows.FilterFunction(func(_ int, r *goquery.Selection) bool {
				return strings.Contains(r.Find("td").First().Text(), pt["name"])
			})
			if row.Length() != 1 {
				t.Errorf("%s: party %s has %d rows", s.where, pt["name"], row.Length())
				continue
			}
			for _, want := range []string{pt["phone"], pt["address"], cat["side."+pt["side"]]} {
				if want != "" && !strings.Contains(row.Text(), want) {
					t.Errorf("%s: party %s's row lacks %q: %s", s.where, pt["name"], want, squashSpace(row.Text()))
				}
			}
			if row.Find(`form[action$="/parties/`+pt["id"]+`/invitation"]`).Length() != 1 {
				t.Errorf("%s: party %s cannot be invited anew", s.where, pt["name"])
			}
			col := doc.Find(`main .columns .column[data-party="` + pt["id"] + `"]`)
			if col.Length() != 1 || !strings.Contains(col.Find("h3").Text(), pt["name"]) {
				t.Errorf("%s: party %s has %d columns", s.where, pt["name"], col.Length())
			}
		}
		subs := w.apiSubmissions(t, caseID)
		if len(subs) == 0 {
			t.Fatalf("case %s has no submissions to show", caseID)
		}
		kinds := map[string][]string{} // party → the kinds of its groups, in page order
		doc.Find("main .columns .column").Each(func(_ int, col *goquery.Selection) {
			col.Find("h4").Each(func(_ int, h *goquery.Selection) {
				kinds[col.AttrOr("data-party", "")] = append(kinds[col.AttrOr("data-party", "")], squashSpace(h.Text()))
			})
		})
		for party, got := range kinds {
			var want []string
			for _, k := range mediation.SubmissionKinds {
				if slices.ContainsFunc(subs, func(s submissionJSON) bool { return s.PartyID == party && s.Kind == string(k) }) {
					want = append(want, cat["submission_kind."+string(k)])
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: party %s's groups %q, want %q", s.where, party, got, want)
			}
		}
		for _, sub := range subs {
			art := doc.Find("main #submission-" + sub.ID)
			if art.Length() != 1 {
				t.Errorf("%s: submission %s pageAnswer %d times", s.where, sub.ID, art.Length())
				continue
			}
			if col := art.Closest(".column").AttrOr("data-party", ""); col != sub.PartyID {
				t.Errorf("%s: submission %s of party %s in the column of %q", s.where, sub.ID, sub.PartyID, col)
			}
			if got, want := squashSpace(art.PrevAllFiltered("h4").First().Text()), cat["submission_kind."+sub.Kind]; got != want {
				t.Errorf("%s: submission %s (%s) under %q, want %q", s.where, sub.ID, sub.Kind, got, want)
			}
			if !strings.Contains(art.Find(".body").Text(), sub.Body) {
				t.Errorf("%s: submission %s does not show its text", s.where, sub.ID)
			}
			if entered := strings.Contains(art.Find(".meta").Text(), cat["submission.entered_by_mediator"]); entered != (sub.EnteredBy != "") {
				t.Errorf("%s: submission %s marked entered by a mediator: %v", s.where, sub.ID, entered)
			}
		}
		if doc.Find("main table.audit tbody tr").Length() == 0 {
			t.Errorf("%s: no audit trail", s.where)
		}
		if doc.Find(`main form[action="/cases/`+caseID+`/transitions"]`).Length() != 1 {
			t.Errorf("%s: no form to change the status", s.where)
		}
		checkDate(t, s, lang)
	}
}

// checkDate: the opening date is written the reader's way.
func checkDate(t *testing.T, s *pageAnswer, lang string) {
	t.Helper()
	format := map[string]*regexp.Regexp{
		"zh-Hans": regexp.MustCompile(`^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$`),
		"en":      regexp.MustCompile(`^\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}$`),
	}[lang]
	found := false
	s.doc.Find("main dl.facts dd").Each(func(_ int, dd *goquery.Selection) {
		found = found || format.MatchString(squashSpace(dd.Text()))
	})
	if !found {
		t.Errorf("%s: no date written as %s: %s", s.where, format, squashSpace(s.doc.Find("main dl.facts").Text()))
	}
}

// partyCaseCheck: a party's page shows its own submissions and what others
// released, the other parties' names and sides, never their phones,
// addresses or unreleased submissions.
func partyCaseCheck(caseID, party string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, r pageReader, s *pageAnswer, lang string) {
		cat := w.cat[lang]
		doc := s.doc
		facts := squashSpace(doc.Find("main dl.facts").Text())
		for _, pt := range w.apiParties(t, caseID) {
			if pt["id"] == party {
				continue
			}
			if !strings.Contains(facts, paren(cat, pt["name"], cat["side."+pt["side"]])) {
				t.Errorf("%s: other party %s and its side not pageAnswer: %s", s.where, pt["name"], facts)
			}
			for _, private := range []string{pt["phone"], pt["address"], pt["represents"]} {
				if private != "" && bytes.Contains(s.raw, []byte(private)) {
					t.Errorf("%s: shows %s's %q", s.where, pt["name"], private)
				}
			}
		}
		var mine, shared []string
		for _, sub := range w.apiSubmissions(t, caseID) {
			switch {
			case sub.PartyID == party:
				mine = append(mine, sub.ID)
			case sub.Released:
				shared = append(shared, sub.ID)
			default:
				if bytes.Contains(s.raw, []byte(sub.Body)) {
					t.Errorf("%s: shows another party's unreleased submission %q", s.where, sub.Body)
				}
			}
		}
		ids := func(sel string) []string {
			var out []string
			doc.Find(sel).Each(func(_ int, a *goquery.Selection) {
				out = append(out, strings.TrimPrefix(a.AttrOr("id", ""), "submission-"))
			})
			return out
		}
		if got := ids(`main section[aria-labelledby="mine-h"] article.submission`); !slices.Equal(got, mine) {
			t.Errorf("%s: own submissions %v, want %v", s.where, got, mine)
		}
		if got := ids(`main section[aria-labelledby="shared-h"] article.submission`); !slices.Equal(got, shared) {
			t.Errorf("%s: released submissions %v, want %v", s.where, got, shared)
		}
		if len(mine) == 0 && !strings.Contains(s.main(), cat["mycase.none_yet"]) {
			t.Errorf("%s: says nothing of having submitted nothing", s.where)
		}
		if doc.Find(`main form[action="/cases/`+caseID+`/submissions"] textarea[name="body"]`).Length() != 1 {
			t.Errorf("%s: no form to submit", s.where)
		}
		if !strings.Contains(squashSpace(doc.Find("main h1").Text()), map[bool]string{true: titleA, false: titleB}[caseID == w.caseA]) {
			t.Errorf("%s: the heading lacks the case's title: %s", s.where, squashSpace(doc.Find("main h1").Text()))
		}
	}
}

// adminCaseCheck: the admin's page is the case's metadata and mediators:
// no title, no party, no submission.
func adminCaseCheck(caseID string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, _ string) {
		for _, secret := range everySceneSecret {
			if bytes.Contains(s.raw, []byte(secret)) {
				t.Errorf("%s: the admin is pageAnswer %q", s.where, secret)
			}
		}
		for _, b := range []string{bodyA1b, bodyA2m, nameB2pg} {
			if bytes.Contains(s.raw, []byte(b)) {
				t.Errorf("%s: the admin is pageAnswer %q", s.where, b)
			}
		}
		if n := s.doc.Find("main .submission, main table.parties, main .summary").Length(); n > 0 {
			t.Errorf("%s: the admin's page shows case content (%d elements)", s.where, n)
		}
		mediator := map[bool]string{true: "名 wang", false: "名 li.jianguo"}[caseID == w.caseA]
		if !strings.Contains(s.doc.Find("main ul.mediators").Text(), mediator) {
			t.Errorf("%s: mediators %q lack %s", s.where, squashSpace(s.doc.Find("main ul.mediators").Text()), mediator)
		}
		if s.doc.Find(`main form[action="/cases/`+caseID+`/mediators"] select[name="user_id"] option`).Length() == 0 {
			t.Errorf("%s: no mediator to assign", s.where)
		}
	}
}

// releaseCheck: the author confirms releasing its submission, told which
// parties will be able to read it: every other party of the case.
func releaseCheck(caseID, author, body string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		cat := w.cat[lang]
		if !strings.Contains(s.doc.Find("main .submission .body").Text(), body) {
			t.Errorf("%s: does not show what is released", s.where)
		}
		var got, want []string
		s.doc.Find("main ul li").Each(func(_ int, li *goquery.Selection) { got = append(got, squashSpace(li.Text())) })
		for _, pt := range w.apiParties(t, caseID) {
			if pt["id"] != author {
				want = append(want, paren(cat, pt["name"], cat["side."+pt["side"]]))
			}
		}
		if len(want) == 0 {
			want = []string{cat["release.nobody_yet"]}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: names the readers %q, want %q", s.where, got, want)
		}
		if !strings.Contains(s.main(), cat["release.who"]) || !strings.Contains(s.main(), cat["release.final"]) {
			t.Errorf("%s: does not say who will read it and that it is final: %s", s.where, s.main())
		}
	}
}

func usersCheck(t *testing.T, _ *pageWorld, _ pageReader, s *pageAnswer, _ string) {
	var names []string
	s.doc.Find("main table.users tbody tr td:first-child").Each(func(_ int, td *goquery.Selection) {
		names = append(names, squashSpace(td.Text()))
	})
	slices.Sort(names)
	if want := []string{"admin", "li.jianguo", "office", "wang"}; !slices.Equal(names, want) {
		t.Errorf("%s: accounts %v, want %v", s.where, names, want)
	}
	if bytes.Contains(s.raw, []byte("pw-")) || bytes.Contains(s.raw, []byte("$argon2")) {
		t.Errorf("%s: shows a password or its hash", s.where)
	}
}

// errorPageCheck: an error page says what went wrong in the reader's language
// and nothing of the server's insides.
func errorPageCheck(key string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		main := s.main()
		if !strings.Contains(main, w.cat[lang][key]) {
			t.Errorf("%s: error page does not say %q: %s", s.where, w.cat[lang][key], main)
		}
		for _, inside := range []string{"error.", "echo", "bolt", "casbin", "goroutine", ".go", "panic", "request_id"} {
			if strings.Contains(strings.ToLower(main), inside) {
				t.Errorf("%s: error page shows %q: %s", s.where, inside, main)
			}
		}
		if lang == "en" && containsHan(main) {
			t.Errorf("%s: English error page in Chinese: %s", s.where, main)
		}
	}
}

// invitationCheck: the new party's invitation, shown once: a link that works,
// the same link as a QR code, and the printable slip with the notice of rights
// and duties (告知书).
func invitationCheck(caseID, name string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		cat := w.cat[lang]
		slip := s.doc.Find("main article.slip")
		link := slip.Find(`a[href*="/a/"]`)
		href := link.AttrOr("href", "")
		if link.Length() != 1 || squashSpace(link.Text()) != href || !strings.HasPrefix(href, w.app.HTTP.URL+"/a/") {
			t.Fatalf("%s: invitation link %q (%d)", s.where, href, link.Length())
		}
		if svg := slip.Find(".qr svg"); svg.Length() != 1 || svg.Find("path").AttrOr("d", "") == "" {
			t.Errorf("%s: no QR code", s.where)
		}
		notice := squashSpace(slip.Find("h2").Text())
		if !strings.Contains(notice, cat["slip.notice_title"]) || slip.Find("ol.notice li").Length() < 4 {
			t.Errorf("%s: no notice of rights and duties: %s", s.where, notice)
		}
		if lang == "zh-Hans" && !strings.Contains(notice, "告知书") {
			t.Errorf("%s: the notice is not called 告知书: %s", s.where, notice)
		}
		if text := squashSpace(slip.Text()); !strings.Contains(text, name) || !strings.Contains(text, w.refA) {
			t.Errorf("%s: the slip does not name %s and the case %s: %s", s.where, name, w.refA, text)
		}
		// The link opens a page whose button signs its party in and
		// leaves the address bar.
		c := w.app.client()
		landing := strings.TrimPrefix(href, w.app.HTTP.URL)
		openPage(t, c, landing).wantStatus(t, http.StatusOK)
		to := sendForm(t, c, landing, nil).wantRedirect(t, "/cases/"+caseID)
		if to != "/cases/"+caseID {
			t.Errorf("the invitation leads to %s", to)
		}
		page := openPage(t, c, to)
		page.wantStatus(t, http.StatusOK)
		if got := squashSpace(page.doc.Find("header .who").Text()); !strings.HasPrefix(got, name+" · ") {
			t.Errorf("the invitation signed in %q, want %s", got, name)
		}
	}
}

// TestPageLanguage: Simplified Chinese by default, English on request by
// Accept-Language or by the switch, which a cookie remembers.
func TestPageLanguage(t *testing.T) {
	a := newApp(t)
	en, zh := pageCatalogue(t, "en"), pageCatalogue(t, "zh-Hans")
	lang := func(s *pageAnswer) string { return s.doc.Find("html").AttrOr("lang", "") }

	c := a.client()
	if s := openPage(t, c, "/login"); lang(s) != "zh-Hans" || !strings.Contains(s.main(), zh["login.title"]) {
		t.Errorf("default language %q: %s", lang(s), s.main())
	}
	for _, accept := range []string{"en", "en-GB,en;q=0.9", "en-US, zh;q=0.5"} {
		c.Header.Set("Accept-Language", accept)
		s := openPage(t, c, "/login")
		if lang(s) != "en" {
			t.Errorf("Accept-Language %q: lang %q", accept, lang(s))
		}
		if containsHan(s.main()) || !strings.Contains(s.main(), en["login.title"]) {
			t.Errorf("Accept-Language %q: not all English: %s", accept, s.main())
		}
	}
	c.Header.Set("Accept-Language", "fr")
	if s := openPage(t, c, "/login"); lang(s) != "zh-Hans" {
		t.Errorf("Accept-Language fr: lang %q, want the default", lang(s))
	}

	// The switch remembers the choice over what the browser asks for, and
	// goes back where it was.
	c.Header.Set("Accept-Language", "zh-CN")
	switched := openPage(t, c, "/lang?to=en&back=/login")
	if loc := switched.wantRedirect(t, "/login"); loc != "/login" {
		t.Errorf("the switch goes to %s", loc)
	}
	if s := openPage(t, c, "/login"); lang(s) != "en" || containsHan(s.main()) {
		t.Errorf("after switching to English: lang %q: %s", lang(s), s.main())
	} else if u := mustParse(t, s.doc.Find("header a.lang").AttrOr("href", "")); u.Path != "/lang" ||
		u.Query().Get("to") != "zh-Hans" || u.Query().Get("back") != "/login" {
		t.Errorf("the switch back is %q", u)
	}
	openPage(t, c, "/lang?to=zh-Hans&back=/login").wantRedirect(t, "/login")
	c.Header.Set("Accept-Language", "en")
	if s := openPage(t, c, "/login"); lang(s) != "zh-Hans" {
		t.Errorf("after switching back: lang %q", lang(s))
	}

	// The switch goes back only to a path here.
	for _, back := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
		s := openPage(t, c, "/lang?to=en&back="+url.QueryEscape(back))
		if loc := s.wantRedirect(t, "/"); loc != "/" {
			t.Errorf("back=%s: goes to %q", back, loc)
		}
	}
}

// TestPageStylesheet: the stylesheet is served under a name made from its
// content, cached for good; any other name is the 404 page.
func TestPageStylesheet(t *testing.T) {
	a := newApp(t)
	c := a.client()
	href := openPage(t, c, "/login").doc.Find(`link[rel="stylesheet"]`).AttrOr("href", "")
	s := openPage(t, c, href)
	s.wantStatus(t, http.StatusOK)
	if ct := s.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := s.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=") {
		t.Errorf("Cache-Control %q", cc)
	}
	css, err := fs.ReadFile(templates.FS, "static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.raw, css) {
		t.Error("the stylesheet served is not templates/static/style.css")
	}
	sum := sha256.Sum256(css)
	hash := strings.TrimSuffix(strings.TrimPrefix(href, "/static/style."), ".css")
	if len(hash) < 8 || !strings.HasPrefix(hex.EncodeToString(sum[:]), hash) {
		t.Errorf("stylesheet name %q is not made from its content", href)
	}
	for _, other := range []string{"/static/style.css", "/static/style.000000000000.css", "/static/" + "x" + strings.TrimPrefix(href, "/static/")} {
		s := openPage(t, c, other)
		s.wantStatus(t, http.StatusNotFound)
		if s.doc == nil || s.header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: not the 404 page (%s, %s)", other, s.header.Get("Content-Type"), s.header.Get("Cache-Control"))
		}
	}
}

// TestPageNotFoundForOthersObjects: what another party (or an unassigned
// mediator) may not see is the 404 page, exactly as for an ID that does not
// exist, in the reader's language.
func TestPageNotFoundForOthersObjects(t *testing.T) {
	w := newPageWorld(t)
	rs := w.readers()
	release := func(caseID, sub string) string { return "/cases/" + caseID + "/submissions/" + sub + "/release" }
	for _, lang := range []string{"zh-Hans", "en"} {
		w.speak(rs, lang)
		for _, c := range []struct {
			who, hidden, absent string
		}{
			{"A1", "/cases/" + w.caseB, "/cases/" + mxAbsentID},
			{"B1", "/cases/" + w.caseA, "/cases/" + mxAbsentID},
			{"A1", release(w.caseA, w.subA2), release(w.caseA, mxAbsentID)},
			{"A1", release(w.caseA, w.subA2m), release(w.caseA, mxAbsentID)},
			{"A2", release(w.caseA, w.subA1), release(w.caseA, mxAbsentID)},
			{"A1", release(w.caseB, w.subB1), release(mxAbsentID, w.subB1)},
			{"A1", release(w.caseA, w.subB1), release(w.caseA, mxAbsentID)},
			{"other", "/cases/" + w.caseA, "/cases/" + mxAbsentID},
			{"other", "/cases/" + w.caseA + "/parties/new", "/cases/" + mxAbsentID + "/parties/new"},
			{"mediator", "/cases/" + w.caseB + "/parties/new", "/cases/" + mxAbsentID + "/parties/new"},
		} {
			r := rs[c.who]
			hidden, absent := openPage(t, r.c, c.hidden), openPage(t, r.c, c.absent)
			hidden.wantStatus(t, http.StatusNotFound)
			absent.wantStatus(t, http.StatusNotFound)
			if hidden.main() != absent.main() || hidden.doc.Find("title").Text() != absent.doc.Find("title").Text() {
				t.Errorf("%s as %s (%s): %q, but for an absent ID %q", c.hidden, c.who, lang, hidden.main(), absent.main())
			}
			if got := hidden.doc.Find("html").AttrOr("lang", ""); got != lang {
				t.Errorf("%s as %s: 404 page in %q, want %q", c.hidden, c.who, got, lang)
			}
			if !strings.Contains(hidden.main(), w.cat[lang]["error.not_found"]) {
				t.Errorf("%s as %s: %s", c.hidden, c.who, hidden.main())
			}
		}
	}
}

// TestPageErrors: error pages are pages in the reader's language, chosen by
// Accept-Language or the remembered switch, without internal details.
func TestPageErrors(t *testing.T) {
	w := newPageWorld(t)
	anon := w.app.client()
	for _, lang := range []string{"zh-Hans", "en"} {
		cat := w.cat[lang]
		// The English reader here chose by the switch, not by its browser.
		if lang == "en" {
			for _, c := range []*client{w.office, w.a1, anon, w.mediator} {
				openPage(t, c, "/lang?to=en&back=/").wantStatus(t, http.StatusSeeOther)
			}
		}
		for _, c := range []struct {
			name   string
			c      *client
			method string
			path   string
			form   map[string]string
			status int
			key    string
		}{
			{"role may not", w.office, "GET", "/cases/new", nil, 403, "error.forbidden"},
			{"role may not post", w.a1, "POST", "/cases/new", map[string]string{"title": "x"}, 403, "error.forbidden"},
			{"other party's case", w.a1, "GET", "/cases/" + w.caseB, nil, 404, "error.not_found"},
			{"no such page", w.a1, "GET", "/nowhere", nil, 404, "error.not_found"},
			{"method not allowed", w.a1, "DELETE", "/cases/" + w.caseA, nil, 404, "error.not_found"},
			{"form without a session", anon, "POST", "/cases/new", map[string]string{"title": "x"}, 401, "error.unauthorized"},
			{"invitation of no one", anon, "POST", "/a/AAAAAAAAAAAAAAAAAAAAAA", nil, 401, "error.invitation_invalid"},
			{"form without its token", w.mediator, "POST-NO-TOKEN", "/cases/new", map[string]string{"title": "x"}, 403, "error.csrf"},
		} {
			t.Run(lang+"/"+c.name, func(t *testing.T) {
				before := boltFingerprint(t, w.app)
				var s *pageAnswer
				switch c.method {
				case "POST":
					s = sendForm(t, c.c, c.path, c.form)
				case "POST-NO-TOKEN":
					mxCSRF(t, c.c)
					v := url.Values{}
					for k, x := range c.form {
						v.Set(k, x)
					}
					s = browsePage(t, c.c, http.MethodPost, c.path, v)
				default:
					s = browsePage(t, c.c, c.method, c.path, nil)
				}
				s.wantStatus(t, c.status)
				if after := boltFingerprint(t, w.app); c.method != "GET" && after != before {
					t.Errorf("%s: the database changed", s.where)
				}
				if s.doc == nil {
					t.Fatalf("%s: not a page: %s %s", s.where, s.header.Get("Content-Type"), s.raw)
				}
				if got := s.doc.Find("html").AttrOr("lang", ""); got != lang {
					t.Errorf("%s: lang %q, want %q", s.where, got, lang)
				}
				title := fmt.Sprintf("%d %s", c.status, cat[fmt.Sprintf("error.title_%d", c.status)])
				if got := squashSpace(s.doc.Find("main h1").Text()); got != title {
					t.Errorf("%s: headed %q, want %q", s.where, got, title)
				}
				errorPageCheck(c.key)(t, w, pageReader{}, s, lang)
				if s.doc.Find(`main a[href="/"]`).Length() != 1 {
					t.Errorf("%s: no way home", s.where)
				}
			})
		}
	}
}

// TestPageCSRF: a form is taken only with the token of the csrf cookie the
// server set, from this origin; a refused form is the 403 page and writes
// nothing.
func TestPageCSRF(t *testing.T) {
	w := newPageWorld(t)
	u := mustParse(t, w.app.HTTP.URL)
	good := map[string]string{"title": "楼道堆物", "category": "neighbour", "community": "dongfeng",
		"source": "party_application"}
	for _, c := range []struct {
		name   string
		cookie *string // the csrf cookie the browser holds: nil keeps the server's
		field  *string // the form's csrf field: nil sends the cookie's value
		header map[string]string
		key    string
	}{
		{name: "no field", field: new(""), key: "error.csrf"},
		{name: "another token", field: new("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), key: "error.csrf"},
		{name: "no cookie", cookie: new(""), field: new("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), key: "error.csrf"},
		// A cookie planted empty (or with a value of the planter's choosing)
		// must not make an empty (or that) field pass: a token is only one
		// the server could have made.
		{name: "empty cookie and field", cookie: new("="), field: new(""), key: "error.csrf"},
		{name: "planted short token", cookie: new("x"), field: new("x"), key: "error.csrf"},
		{name: "from another site", header: map[string]string{"Origin": "http://evil.example",
			"Sec-Fetch-Site": "cross-site"}, key: "error.forbidden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The mediator wang, in a browser of its own (newScene's password).
			cl := w.app.client()
			cl.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang", "password": "pw-wang-密码"},
				http.StatusOK, nil)
			token := mxCSRF(t, cl)
			switch {
			case c.cookie == nil:
			case *c.cookie == "":
				cl.http.Jar.SetCookies(u, []*http.Cookie{{Name: "csrf", Path: "/", MaxAge: -1}})
			case *c.cookie == "=":
				cl.http.Jar.SetCookies(u, []*http.Cookie{{Name: "csrf", Value: "", Path: "/"}})
			default:
				cl.http.Jar.SetCookies(u, []*http.Cookie{{Name: "csrf", Value: *c.cookie, Path: "/"}})
			}
			v := url.Values{}
			for k, x := range good {
				v.Set(k, x)
			}
			if c.field == nil {
				v.Set("csrf", token)
			} else if *c.field != "" {
				v.Set("csrf", *c.field)
			}
			for k, x := range c.header {
				cl.Header.Set(k, x)
			}
			before := boltFingerprint(t, w.app)
			s := browsePage(t, cl, http.MethodPost, "/cases/new", v)
			if after := boltFingerprint(t, w.app); after != before {
				t.Errorf("%s: answered %d, but the database changed", c.name, s.status)
			}
			s.wantStatus(t, http.StatusForbidden)
			if s.doc == nil {
				t.Fatalf("not a page: %s", s.raw)
			}
			errorPageCheck(c.key)(t, w, pageReader{}, s, "zh-Hans")
		})
	}
}

// A formCase is a form sent with something to mend.
type formCase struct {
	name   string
	who    func(w *pageWorld) *client
	path   string // where the form posts, and the page's form's action
	form   map[string]string
	status int
	page   templates.Page
	field  string            // the field whose message must stand next to it
	kept   map[string]string // what the form must show again as typed
}

// formValue is what a form shows in its field name.
func formValue(form *goquery.Selection, name string) string {
	f := form.Find(`[name="` + name + `"]`)
	switch goquery.NodeName(f.First()) {
	case "textarea":
		return f.First().Text()
	case "select":
		return f.First().Find("option[selected]").AttrOr("value", "")
	case "input":
		if t := f.First().AttrOr("type", ""); t == "radio" || t == "checkbox" {
			return f.Filter("[checked]").AttrOr("value", "")
		}
		return f.First().AttrOr("value", "")
	}
	return "(no field " + name + ")"
}

// TestPageFormsBadInput: a form with something to mend is answered with the
// same form (422, or 409 for a conflict), as typed, the message next to the
// field, and nothing written.
func TestPageFormsBadInput(t *testing.T) {
	w := newPageWorld(t)
	// A case whose page shows no submission, so that showing its form again
	// reads (and audits) none.
	var cs idOnly
	w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "空卷宗", "category": "other",
		"community": "qingnian-lu", "source": "party_application"}, http.StatusCreated, &cs)
	var c1 partyCreated
	caseC := cs.ID
	w.mediator.mustJSON("POST", "/api/v1/cases/"+caseC+"/parties", map[string]string{"name": "郑一",
		"kind": "person", "side": "applicant"}, http.StatusCreated, &c1)
	w.admin.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/mediators", map[string]string{"user_id": w.otherUser.ID.String()},
		http.StatusOK, nil)
	// A withdrawn case with a party: it takes no more submissions.
	w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "已撤回的案件", "category": "pets",
		"community": "xinhua", "source": "party_application"}, http.StatusCreated, &cs)
	withdrawn := cs.ID
	var d1 partyCreated
	w.mediator.mustJSON("POST", "/api/v1/cases/"+withdrawn+"/parties", map[string]string{"name": "冯二",
		"kind": "person", "side": "applicant"}, http.StatusCreated, &d1)
	d1c := w.app.party(d1.Invitation.Token)
	w.mediator.mustJSON("POST", "/api/v1/cases/"+withdrawn+"/transitions", map[string]string{"to": "withdrawn",
		"reason": "申请人撤回申请"}, http.StatusOK, nil)
	office, err := w.app.DB.UserByName("office")
	if err != nil {
		t.Fatal(err)
	}
	officeID := office.ID.String()
	long := strings.Repeat("长", 20001)
	mediator := func(w *pageWorld) *client { return w.mediator }
	for _, c := range []formCase{
		{name: "case without title", who: mediator, path: "/cases/new", page: templates.PageCaseNew,
			form: map[string]string{"title": "", "category": "noise", "community": "dongfeng",
				"source": "referred_police", "summary": "楼上每晚十一点后跳绳"},
			status: 422, field: "title",
			kept: map[string]string{"title": "", "category": "noise", "community": "dongfeng",
				"source": "referred_police", "summary": "楼上每晚十一点后跳绳"}},
		{name: "party with a 21-digit phone", who: mediator, path: "/cases/" + w.caseA + "/parties/new",
			page: templates.PagePartyNew,
			form: map[string]string{"name": "何新", "kind": "household", "side": "third_party",
				"phone": "123456789012345678901", "address": "5号楼101", "represents": "业主委员会"},
			status: 422, field: "phone",
			kept: map[string]string{"name": "何新", "kind": "household", "side": "third_party",
				"phone": "123456789012345678901", "address": "5号楼101", "represents": "业主委员会"}},
		{name: "party's empty submission", who: func(w *pageWorld) *client { return w.b2 },
			path: "/cases/" + w.caseB + "/submissions", page: templates.PageMyCase,
			form: map[string]string{"kind": "evidence", "body": ""}, status: 422, field: "body",
			kept: map[string]string{"kind": "evidence", "body": ""}},
		{name: "party's overlong submission", who: func(w *pageWorld) *client { return w.b2 },
			path: "/cases/" + w.caseB + "/submissions", page: templates.PageMyCase,
			form: map[string]string{"kind": "proposal", "body": long}, status: 422, field: "body",
			kept: map[string]string{"kind": "proposal", "body": long}},
		{name: "empty submission entered for a party", who: mediator, path: "/cases/" + caseC + "/submissions",
			page: templates.PageCase, form: map[string]string{"party_id": c1.ID, "kind": "interests", "body": ""},
			status: 422, field: "body", kept: map[string]string{"party_id": c1.ID, "kind": "interests", "body": ""}},
		{name: "account with a bad username", who: func(w *pageWorld) *client { return w.admin },
			path: "/admin/users", page: templates.PageUsers,
			form: map[string]string{"username": "Zhou Min", "display_name": "周敏", "role": "office",
				"phone": "13512345678", "password": "一个足够长的口令"},
			status: 422, field: "username",
			kept: map[string]string{"username": "Zhou Min", "display_name": "周敏", "role": "office",
				"phone": "13512345678", "password": ""}},
		{name: "recusal without reason", who: func(w *pageWorld) *client { return w.admin },
			path: "/cases/" + w.caseA + "/mediators/" + w.otherUser.ID.String() + "/remove",
			page: templates.PageCaseMeta, form: map[string]string{"reason": "  "}, status: 422, field: "reason",
			kept: map[string]string{}},
		{name: "assigning an office account", who: func(w *pageWorld) *client { return w.admin },
			path: "/cases/" + w.caseB + "/mediators", page: templates.PageCaseMeta,
			form: map[string]string{"user_id": officeID}, status: 422, field: "user_id",
			kept: map[string]string{}},
		{name: "submission to a withdrawn case", who: func(*pageWorld) *client { return d1c },
			path: "/cases/" + withdrawn + "/submissions", page: templates.PageMyCase,
			form: map[string]string{"kind": "position", "body": "还想补充一句"}, status: 409},
		{name: "illegal transition", who: mediator, path: "/cases/" + caseC + "/transitions",
			page: templates.PageCase, form: map[string]string{"to": "closed", "reason": "双方和解"}, status: 409,
			kept: map[string]string{"reason": "双方和解"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := c.who(w)
			before := boltFingerprint(t, w.app)
			s := sendForm(t, cl, c.path, c.form)
			if after := boltFingerprint(t, w.app); after != before {
				t.Errorf("%s: answered %d, but the database changed", s.where, s.status)
			}
			s.wantStatus(t, c.status)
			if s.doc == nil || s.doc.Find(pageMarks[c.page]).Length() == 0 {
				t.Fatalf("%s: not the %s page again", s.where, c.page)
			}
			checkLabels(t, s)
			checkCSRFFields(t, cl, s)
			if c.field == "" {
				if msg := squashSpace(s.doc.Find("main .form-error").Text()); msg == "" {
					t.Errorf("%s: %d without a message: %s", s.where, s.status, s.main())
				}
				if len(c.kept) == 0 {
					return
				}
			}
			form := s.doc.Find(`main form[action="` + c.path + `"]`)
			if form.Length() != 1 {
				t.Fatalf("%s: %d forms posting to %s", s.where, form.Length(), c.path)
			}
			for name, want := range c.kept {
				if got := formValue(form, name); got != want {
					t.Errorf("%s: field %s shows %.60q, want %.60q as typed", s.where, name, got, want)
				}
			}
			if c.field == "" {
				return
			}
			field := form.Find(`[name="` + c.field + `"]`)
			if t := field.First().AttrOr("type", ""); t == "radio" {
				field = field.First().Closest("fieldset")
			}
			next := field.First().Next()
			if !next.HasClass("field-error") && form.Find(`input:not([type="hidden"]), select, textarea`).Length() == 1 {
				next = form.Next() // a form of one field may say it right below
			}
			if !next.HasClass("field-error") || squashSpace(next.Text()) == "" {
				where := "nowhere"
				if fe := s.doc.Find("main .field-error"); fe.Length() > 0 {
					where = "after <" + goquery.NodeName(fe.First().Prev()) + " class=" +
						strings.TrimSpace(fe.First().Prev().AttrOr("class", "")) + ">"
				}
				t.Errorf("%s: no message next to field %s; the field errors %q stand %s", s.where, c.field,
					squashSpace(s.doc.Find("main .field-error").Text()), where)
			}
		})
	}
}

// TestPageFormsRedirect: a good form is answered 303 to what it changed
// (post-redirect-get), which then shows the change.
func TestPageFormsRedirect(t *testing.T) {
	w := newPageWorld(t)

	s := sendForm(t, w.mediator, "/cases/new", map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
		"community": "heping-li", "source": "party_application", "summary": "楼上卫生间漏水"})
	casePath := s.wantRedirect(t, "/cases/")
	page := openPage(t, w.mediator, casePath)
	page.wantStatus(t, http.StatusOK)
	if !strings.Contains(page.doc.Find("main h1").Text(), "漏水纠纷") {
		t.Errorf("the new case's page: %s", page.main())
	}

	s = sendForm(t, w.mediator, casePath+"/transitions", map[string]string{"to": "mediating", "reason": "双方同意调解"})
	if loc := s.wantRedirect(t, casePath); loc != casePath {
		t.Errorf("transition goes to %s", loc)
	}
	if page := openPage(t, w.mediator, casePath); page.doc.Find("main .badge.status-mediating").Length() != 1 {
		t.Errorf("after the transition: %s", page.main())
	}

	s = sendForm(t, w.b2, "/cases/"+w.caseB+"/submissions", map[string]string{"kind": "position", "body": "我家没有噪音。"})
	loc := s.wantRedirect(t, "/cases/"+w.caseB)
	if frag := s.header.Get("Location"); !strings.Contains(frag, "#submission-") {
		t.Errorf("the submission redirects to %s, not to it", frag)
	}
	page = openPage(t, w.b2, loc)
	mine := page.doc.Find(`main section[aria-labelledby="mine-h"] article.submission`)
	if mine.Length() != 1 || !strings.Contains(mine.Text(), "我家没有噪音。") {
		t.Fatalf("B2's page after submitting: %s", page.main())
	}
	sub := strings.TrimPrefix(mine.AttrOr("id", ""), "submission-")
	if page := openPage(t, w.b1, "/cases/"+w.caseB); strings.Contains(page.main(), "我家没有噪音。") {
		t.Error("B1 reads B2's unreleased submission")
	}

	s = sendForm(t, w.b2, "/cases/"+w.caseB+"/submissions/"+sub+"/release", nil)
	s.wantRedirect(t, "/cases/"+w.caseB)
	shared := openPage(t, w.b1, "/cases/"+w.caseB).doc.Find(`main section[aria-labelledby="shared-h"]`)
	if !strings.Contains(shared.Text(), "我家没有噪音。") || !strings.Contains(shared.Text(), nameB2pg) {
		t.Errorf("B1 does not read B2's released submission: %s", squashSpace(shared.Text()))
	}

	s = sendForm(t, w.admin, "/admin/users", map[string]string{"username": "zhou.min", "display_name": "周敏",
		"role": "mediator", "password": "一个足够长的口令"})
	if loc := s.wantRedirect(t, "/admin/users"); loc != "/admin/users" {
		t.Errorf("new account goes to %s", loc)
	}
	if page := openPage(t, w.admin, "/admin/users"); !strings.Contains(page.main(), "zhou.min") {
		t.Errorf("the new account is not listed: %s", page.main())
	}

	s = sendForm(t, w.admin, "/cases/"+w.caseA+"/mediators", map[string]string{"user_id": w.otherUser.ID.String()})
	if loc := s.wantRedirect(t, "/cases/"+w.caseA); loc != "/cases/"+w.caseA {
		t.Errorf("assigning goes to %s", loc)
	}
	if page := openPage(t, w.other, "/cases/"+w.caseA); page.status != http.StatusOK || page.doc.Find(pageMarks[templates.PageCase]).Length() != 1 {
		t.Errorf("the assigned mediator does not get case A's page: %d", page.status)
	}

	// Sign in and out with the forms.
	c := w.app.client()
	_, password := w.app.user(mediation.RoleMediator, "sun.li")
	if loc := sendForm(t, c, "/login", map[string]string{"username": "sun.li", "password": password}).wantRedirect(t, "/"); loc != "/" {
		t.Errorf("signing in goes to %s", loc)
	}
	if loc := openPage(t, c, "/").wantRedirect(t, "/cases"); loc != "/cases" {
		t.Errorf("home of a mediator is %s", loc)
	}
	if loc := sendForm(t, c, "/logout", nil).wantRedirect(t, "/login"); loc != "/login" {
		t.Errorf("signing out goes to %s", loc)
	}
	if loc := openPage(t, c, "/cases").wantRedirect(t, "/login"); loc != "/login" {
		t.Errorf("after signing out /cases goes to %s", loc)
	}
}

// TestPageLoginFailure: a failed sign-in shows the form again with the name
// as typed, never the password, and a message.
func TestPageLoginFailure(t *testing.T) {
	a := newApp(t)
	a.user(mediation.RoleMediator, "wang")
	c := a.client()
	s := sendForm(t, c, "/login", map[string]string{"username": "wang", "password": "wrong password"})
	s.wantStatus(t, http.StatusUnauthorized)
	form := s.doc.Find(`main form[action="/login"]`)
	if formValue(form, "username") != "wang" || formValue(form, "password") != "" {
		t.Errorf("the form again: username %q, password %q", formValue(form, "username"), formValue(form, "password"))
	}
	if bytes.Contains(s.raw, []byte("wrong password")) {
		t.Error("the page repeats the password")
	}
	if msg := squashSpace(s.doc.Find("main .form-error").Text()); msg != pageCatalogue(t, "zh-Hans")["error.login_failed"] {
		t.Errorf("message %q", msg)
	}
}

// paren is a text with a note in the catalogue's punctuation for the language.
func paren(cat map[string]string, text, note string) string {
	return strings.NewReplacer("{{.Text}}", text, "{{.Note}}", note).Replace(cat["punct.paren"])
}
