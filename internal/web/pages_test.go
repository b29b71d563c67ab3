package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

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
	loc, _, _ = strings.Cut(loc, "?") // the query carries only a flash message's key
	if !strings.HasPrefix(loc, prefix) {
		t.Errorf("%s: 303 to %q, want %s…", s.where, s.header.Get("Location"), prefix)
	}
	return loc
}

// location is where a 303 leads, with its query (a one-time invitation's
// ID, a flash message's key).
func (s *pageAnswer) location(t *testing.T, prefix string) string {
	t.Helper()
	s.wantRedirect(t, prefix)
	loc, _, _ := strings.Cut(s.header.Get("Location"), "#")
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
	heldA      string                       // a held joint session of case A, with its record
	caucusA1   string                       // a scheduled caucus with A1
	cat        map[string]map[string]string // language → catalogue
	agrB       string                       // case B's agreement, proposed, signed by B1
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
	held := sessionBody("joint", "", -1, 2, "第一调解室")
	held["status"] = "held"
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/sessions", held, http.StatusCreated, &sub)
	w.heldA = sub.ID
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/sessions", sessionBody("caucus", w.partyA1, 2, 2, "3号楼院子"), http.StatusCreated, &sub)
	w.caucusA1 = sub.ID
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
	w.addAgreementPages(t)
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
		// A resident whose login has ended: the browser remembers only that
		// it entered as a party.
		"former resident": {c: w.formerResident()},
	}
}

func (w *pageWorld) formerResident() *client {
	c := w.app.client()
	c.Header.Set("Cookie", "kind=party")
	return c
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
	templates.PageInvitation: `main article.slip, main form[action$="/invitation"]`,
	templates.PageRelease:    `main form[action$="/release"]`,
	templates.PageEnter:      `main form.enter`,
	templates.PageUsers:      `main form[action="/admin/users"]`,
	templates.PageOffice:     `main section.narrow`,
	templates.PageError:      `main section.narrow a[href="/"]`,
	templates.PageRecord:     `main form[action$="/record"]`,
	templates.PageCalendar:   `main ol.week`,
	templates.PageSession:    `main form#move`,
	templates.PagePartyEdit:  `main form[action$="/edit"]`,
	templates.PageExpired:    `main section.expired`,
	// Agreements.
	templates.PageAgreement:      `main article#agreement`,
	templates.PageAgreementPrint: `main article.copy`,
	// Closing, the mediator's own neutrality and recusals.
	templates.PageCaseFile:  `main article.dossier`,
	templates.PageInterests: `main form[action="/me/interests"]`,
}
