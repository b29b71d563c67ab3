package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/auth"
)

// mxSharedScene are the page routes that only read: they run on one scene.
// GET /lang without ?to= chooses the default language, so it changes nothing
// either.
var mxSharedScene = map[string]bool{
	"GET /static/:file": true, "GET /": true, "GET /lang": true, "GET /login": true, "GET /office": true,
	"GET /cases": true, "GET /cases/new": true, "GET /cases/:case": true, "GET /cases/:case/parties/new": true,
	"GET /cases/:case/submissions/:submission/release": true, "GET /admin/users": true,
}

// mxPageFace is what an error page says to anyone: its title and its <main>
// (its header names the reader; its forms carry the reader's CSRF token).
func mxPageFace(t testing.TB, raw []byte) string {
	return squashSpace(pageDoc(t, raw).Find("head title").Text()) + " | " + pageMain(t, raw)
}

// mxIsPage says whether a route answers HTML (as the server's isPage does).
func mxIsPage(template string) bool {
	return !strings.HasPrefix(template, "/api/") && !slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, template)
}

// mxCaseOf is each party's case.
var mxCaseOf = map[mxWho]string{pA1: "A", pA2: "A", pB1: "B"}

func mxTo(path string) func(*mxWorld, mxWho) string {
	return func(*mxWorld, mxWho) string { return path }
}

func mxToCase(sym string) func(*mxWorld, mxWho) string {
	return func(w *mxWorld, _ mxWho) string { id, _ := w.lookup(sym); return "/cases/" + id }
}

// mxHome is where / (and /cases, for whom it is not the page) sends each
// principal: the anonymous to sign in, a party to its case, the office to its
// page, the other staff to the cases.
func mxHome(w *mxWorld, p mxWho) string {
	switch p {
	case pAnon:
		return "/login"
	case pOffice:
		return "/office"
	case pA1, pA2, pB1:
		id, _ := w.lookup(mxCaseOf[p])
		return "/cases/" + id
	}
	return "/cases"
}

// mxSendPage makes one request as c for a page: a form is sent form-encoded.
func mxSendPage(t *testing.T, c *client, method, path string, form url.Values) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if method == http.MethodPost {
		r = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.app.HTTP.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, raw
}

// mxCSRF is the value of c's csrf cookie, which the forms repeat. A client
// without one gets it as a browser does, from a page: the sign-in page, or
// for the signed in (whom it redirects) an error page.
func mxCSRF(t *testing.T, c *client) string {
	t.Helper()
	u := mustParse(t, c.app.HTTP.URL)
	find := func() string {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "csrf" {
				return ck.Value
			}
		}
		return ""
	}
	for _, path := range []string{"", "/login", "/cases/" + mxAbsentID} {
		if path != "" {
			mxSendPage(t, c, http.MethodGet, path, nil)
		}
		if v := find(); v != "" {
			return v
		}
	}
	t.Fatal("no page set the csrf cookie")
	return ""
}

// mxWhoAmI names the session c now holds ("user:7", "party:19"), or "" for
// none.
func mxWhoAmI(t *testing.T, c *client) string {
	t.Helper()
	status, raw := mxSend(t, c, http.MethodGet, "/api/v1/me", nil)
	if status == http.StatusUnauthorized {
		return ""
	}
	var me struct {
		Kind string `json:"kind"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Party struct {
			ID string `json:"id"`
		} `json:"party"`
	}
	mxDecode(t, raw, &me)
	if me.Kind == "party" {
		return "party:" + me.Party.ID
	}
	return "user:" + me.User.ID
}

// mxStylesheet finds the stylesheet's hashed name in a page's <link>.
func mxStylesheet(t *testing.T, w *mxWorld) string {
	t.Helper()
	status, _, raw := mxSendPage(t, w.app.client(), http.MethodGet, "/login", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /login: %d", status)
	}
	href, _ := pageDoc(t, raw).Find(`link[rel="stylesheet"]`).Attr("href")
	file, ok := strings.CutPrefix(href, "/static/")
	if !ok || !strings.HasSuffix(file, ".css") {
		t.Fatalf("stylesheet at %q", href)
	}
	return file
}

// mxInvitationSetup lets each principal redeem from a loopback address of its
// own and gives it tokens of its own: an unknown one, one that was replaced,
// and its own "absent" one. Failed redemptions are limited per token and per
// address (5 and 10 a minute): eight principals trying the same tokens from
// one address would be refused with 429 before they were judged.
func mxInvitationSetup(t *testing.T, w *mxWorld) {
	var a3 partyCreated
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/parties", map[string]string{"name": nameA3,
		"kind": "person", "side": "third_party"}, http.StatusCreated, &a3)
	old := a3.Invitation.Token
	for p := range mxWhoCount {
		var inv struct {
			Token string `json:"token"`
		}
		w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/parties/"+a3.ID+"/invitation", nil,
			http.StatusCreated, &inv)
		w.extra["replaced@"+p.String()], old = old, inv.Token
		unknown, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		w.extra["unknown@"+p.String()] = unknown
		w.extra["absent@"+p.String()] = fmt.Sprint(990000 + int(p))
	}
	for p := range mxWhoCount {
		tr := &http.Transport{DialContext: (&net.Dialer{
			LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+p))}}).DialContext}
		w.as(p).http.Transport = tr
		t.Cleanup(tr.CloseIdleConnections)
	}
	w.extra["tokenA1"] = w.tokenA1
}

// runPageCell sends one row of a page route as p and checks the answer: its
// status; a 303's Location; a page's Content-Type and Cache-Control (no-store
// but for the stylesheet under its hashed name); that it shows nothing hidden
// from p; that an error is an error page; and that a form refused for want of
// a session, a right or a CSRF token, or sent by the anonymous, wrote nothing.
func runPageCell(t *testing.T, w *mxWorld, p mxWho, r mxRow, method, path, where string, body any, got *mxAnswers) {
	t.Helper()
	c := w.as(p)
	form := url.Values{}
	switch m := body.(type) {
	case map[string]string:
		for k, v := range m {
			form.Set(k, v)
		}
	case url.Values: // a field repeated, as checkboxes send it
		for k, vs := range m {
			form[k] = vs
		}
	}
	var before boltState
	if method == http.MethodPost {
		token := mxCSRF(t, c)
		if !r.noCSRF {
			form.Set("csrf", token)
		}
		// A session last seen over a minute ago is touched (written) by its
		// next request: that one, so that the form writes only what it does.
		mxSend(t, c, http.MethodGet, "/api/v1/me", nil)
		before = boltSnapshot(t, w.app)
	}
	var status int
	var h http.Header
	var raw []byte
	if f, ok := body.(mxFile); ok {
		status, h, raw = mxSendUpload(t, c, path, f, form)
	} else {
		status, h, raw = mxSendPage(t, c, method, path, form)
	}
	got.add(mxAnswer{where: where, status: status, body: raw, page: true, group: r.errorGroup})
	if status != r.want[p] {
		t.Errorf("%s: got %d, want %d: %.300s", where, status, r.want[p], pageMainOrRaw(raw))
		return
	}
	refused := status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound
	if method == http.MethodPost && (refused || p == pAnon && !r.becomes) {
		if changes := boltSnapshot(t, w.app).changesSince(before); changes != "" {
			t.Errorf("%s: answered %d, but the database changed: %s", where, status, changes)
		}
	}
	stylesheet := strings.HasPrefix(path, "/static/") && status == http.StatusOK
	icon := path == "/favicon.ico" && status == http.StatusOK
	if cc := h.Get("Cache-Control"); stylesheet && !strings.Contains(cc, "immutable") ||
		icon && !strings.HasPrefix(cc, "public") || !stylesheet && !icon && cc != "no-store" {
		t.Errorf("%s: Cache-Control %q", where, cc)
	}
	if status == http.StatusSeeOther {
		want := "/login"
		if r.location != nil {
			want = r.location(w, p)
		}
		loc, _, _ := strings.Cut(h.Get("Location"), "#")
		loc, _, _ = strings.Cut(loc, "?") // the query carries only a flash message's key
		if prefix, ok := strings.CutSuffix(want, "*"); ok && !strings.HasPrefix(loc, prefix) || !ok && loc != want {
			t.Errorf("%s: 303 to %q, want %q", where, h.Get("Location"), want)
		}
	} else {
		wantType := "text/html"
		if stylesheet {
			wantType = "text/css"
		}
		if strings.HasPrefix(path, "/feeds/") && status == http.StatusOK {
			wantType = "text/calendar"
		}
		if icon {
			wantType = "image/x-icon"
		}
		if strings.Contains(path, "/attachments/") && status == http.StatusOK {
			wantType = mxAttachmentType(raw)
		}
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
			t.Errorf("%s: Content-Type %q, want %s", where, ct, wantType)
		}
	}
	if !r.becomes {
		for _, s := range hiddenFrom[p] {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s: page shows %q to %s", where, s, p)
			}
		}
	}
	if status >= 400 {
		checkErrorPage(t, where, status, raw)
		return
	}
	if r.check != nil {
		r.check(t, w, p, raw)
	}
}

// checkErrorPage checks that an error answer of a page is a page: in the
// reader's language (here the default), its status in the title, nothing of
// the server's insides; a form shown again says what to mend.
func checkErrorPage(t *testing.T, where string, status int, raw []byte) {
	t.Helper()
	doc := pageDoc(t, raw)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "zh-Hans" {
		t.Errorf("%s: html lang %q", where, lang)
	}
	if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
		if doc.Find(".form-error, .field-error").Length() == 0 {
			t.Errorf("%s: %d page says nothing of what to mend: %s", where, status, pageMain(t, raw))
		}
		return
	}
	// A link that no longer works is said in plain words, without a code.
	if h1 := strings.TrimSpace(doc.Find("main h1").Text()); !strings.HasPrefix(h1, fmt.Sprint(status)) &&
		doc.Find("main .link-gone").Length() == 0 {
		t.Errorf("%s: error page headed %q", where, h1)
	}
	for _, inside := range []string{"error.", "echo", "bolt", "casbin", "goroutine", ".go:"} {
		if strings.Contains(pageMain(t, raw), inside) {
			t.Errorf("%s: error page shows %q: %s", where, inside, pageMain(t, raw))
		}
	}
}

// pageMainOrRaw is an answer's <main> when it has one, for messages.
func pageMainOrRaw(raw []byte) string {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil || doc.Find("main").Length() == 0 {
		return string(raw)
	}
	return strings.Join(strings.Fields(doc.Find("main").Text()), " ")
}

// mxOnPage runs a check of a page's content on pages only, not on the
// redirects of the same row.
func mxOnPage(check func(t *testing.T, w *mxWorld, p mxWho, raw []byte)) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		if len(raw) > 0 {
			check(t, w, p, raw)
		}
	}
}

// casesPageCheck: a mediator's list shows the titles of its cases; the
// admin's shows every case, without titles (hiddenFrom checks that).
func casesPageCheck(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	rows := pageDoc(t, raw).Find("li.case-row")
	want := map[mxWho]int{pAdmin: 2, pMed: 1, pOther: 1}[p]
	if rows.Length() != want {
		t.Errorf("%d cases listed, want %d", rows.Length(), want)
	}
	title := map[mxWho]string{pMed: titleA, pOther: titleB}[p]
	if title != "" && !strings.Contains(rows.Text(), title) {
		t.Errorf("the list does not show %q: %s", title, rows.Text())
	}
}

// casePageCheck: the mediators' page shows every party whole and every
// submission; a party's page its own submission and the other parties'
// names; the admin's page no content at all.
func casePageCheck(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		must := map[string]map[mxWho][]string{
			"A": {pMed: slices.Concat([]string{titleA, nameA1, nameA2}, privateA1, privateA2),
				pA1: {titleA, nameA1, nameA2, privateA1[2]}, pA2: {titleA, nameA2, nameA1, privateA2[2]}},
			"B": {pOther: slices.Concat([]string{titleB, nameB1}, privateB1), pB1: {titleB, nameB1, privateB1[1]}},
		}[sym][p]
		main := pageMain(t, raw)
		for _, s := range must {
			if !strings.Contains(main, s) {
				t.Errorf("case %s page does not show %q to %s: %s", sym, s, p, main)
			}
		}
		if p == pAdmin && pageDoc(t, raw).Find("main .submission, main table.parties").Length() > 0 {
			t.Errorf("the admin's case page shows content: %s", main)
		}
	}
}

// invitationPageCheck: the invitation is shown as a link and a QR code, on
// a slip in each language.
func invitationPageCheck(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
	doc := pageDoc(t, raw)
	for _, lang := range []string{"zh-Hans", "en"} {
		slip := doc.Find(`.slip[lang="` + lang + `"]`)
		if href, _ := slip.Find(`a[href*="/a/"]`).Attr("href"); href == "" || slip.Find("svg").Length() != 1 {
			t.Errorf("invitation page without a %s slip's link or QR code: %s", lang, pageMain(t, raw))
		}
	}
}

// releasePageCheck: the author confirms, told who will be able to read it.
func releasePageCheck(t *testing.T, _ *mxWorld, p mxWho, raw []byte) {
	main := pageMain(t, raw)
	for _, name := range map[mxWho][]string{pA1: {nameA2}, pA2: {nameA1}}[p] {
		if !strings.Contains(main, name) {
			t.Errorf("the release page does not name %s: %s", name, main)
		}
	}
	if pageDoc(t, raw).Find(`main form[method="post"] input[name="csrf"]`).Length() != 1 {
		t.Errorf("the release page has no confirmation form: %s", main)
	}
}
