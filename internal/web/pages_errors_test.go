package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tiaojie/templates"
)

// TestPageLanguage: Simplified Chinese by default, English on request by
// Accept-Language or by the switch, which a cookie remembers.
func TestPageLanguage(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
				if c.key == "error.invitation_invalid" { // said in plain words, without a code
					title = cat["error.link_title"]
				}
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
	t.Parallel()
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
