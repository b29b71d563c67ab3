package web_test

import (
	"tiaojie/internal/mediation"

	"bytes"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

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
		// The case has an active mediator: the admin chooses none.
		if s.doc.Find(`main form[action^="/cases/`+caseID+`/mediators"]`).Length() != 0 {
			t.Errorf("%s: the admin is offered to change the mediators of an attended case", s.where)
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
		org := mediation.DefaultPlaces().Organisation // configured: as written
		if lang == "en" && containsHan(strings.NewReplacer(org.Name, "", org.Address, "").Replace(main)) {
			t.Errorf("%s: English error page in Chinese: %s", s.where, main)
		}
	}
}

// invitationCheck: the new party's invitation, shown once: a link that works,
// the same link as a QR code, and the printable slip with the notice of rights
// and duties (告知书), once in each language whatever the page's: the Chinese
// copy is chosen to print, and each copy's link opens in its language.
func invitationCheck(caseID, name string) func(*testing.T, *pageWorld, pageReader, *pageAnswer, string) {
	return func(t *testing.T, w *pageWorld, _ pageReader, s *pageAnswer, lang string) {
		if n := s.doc.Find("main article.slip").Length(); n != 2 {
			t.Errorf("%s: %d slips, want one in each language", s.where, n)
		}
		if chosen := s.doc.Find(`input[name="slip-lang"]:checked`).AttrOr("value", ""); chosen != "zh-Hans" {
			t.Errorf("%s: the slip chosen to print is %q, want zh-Hans", s.where, chosen)
		}
		for _, slipLang := range []string{"zh-Hans", "en"} {
			cat := w.cat[slipLang]
			slip := s.doc.Find(`main article.slip[lang="` + slipLang + `"]`)
			if s.doc.Find(`input[name="slip-lang"][value="`+slipLang+`"]`).Length() != 1 {
				t.Errorf("%s: no choice of the %s slip", s.where, slipLang)
			}
			link := slip.Find(`a[href*="/a/"]`)
			href := link.AttrOr("href", "")
			if link.Length() != 1 || squashSpace(link.Text()) != href || !strings.HasPrefix(href, w.app.HTTP.URL+"/a/") ||
				!strings.HasSuffix(href, "?lang="+slipLang) {
				t.Fatalf("%s: %s invitation link %q (%d)", s.where, slipLang, href, link.Length())
			}
			if svg := slip.Find(".qr svg"); svg.Length() != 1 || svg.Find("path").AttrOr("d", "") == "" {
				t.Errorf("%s: no QR code on the %s slip", s.where, slipLang)
			}
			if title := squashSpace(slip.Find("h1").Text()); title != cat["slip.title"] {
				t.Errorf("%s: the %s slip is titled %q", s.where, slipLang, title)
			}
			notice := squashSpace(slip.Find("h2").Text())
			if !strings.Contains(notice, cat["slip.notice_title"]) || slip.Find("ol.notice li").Length() < 4 {
				t.Errorf("%s: no notice of rights and duties on the %s slip: %s", s.where, slipLang, notice)
			}
			if slipLang == "zh-Hans" && !strings.Contains(notice, "告知书") {
				t.Errorf("%s: the notice is not called 告知书: %s", s.where, notice)
			}
			if text := squashSpace(slip.Text()); !strings.Contains(text, name) || !strings.Contains(text, w.refA) {
				t.Errorf("%s: the %s slip does not name %s and the case %s: %s", s.where, slipLang, name, w.refA, text)
			}
			// The link opens a page in the slip's language whose button
			// signs its party in, leaves the address bar and keeps the
			// language.
			c := w.app.client()
			landing := strings.TrimPrefix(href, w.app.HTTP.URL)
			opened := openPage(t, c, landing)
			opened.wantStatus(t, http.StatusOK)
			if got := opened.doc.Find("html").AttrOr("lang", ""); got != slipLang {
				t.Errorf("the %s slip's link opens a page in %q", slipLang, got)
			}
			pins := map[string]string{"pin": testPIN, "pin2": testPIN}
			if slipLang != "zh-Hans" { // the PIN was set from the first copy
				delete(pins, "pin2")
			}
			to := sendForm(t, c, landing, pins).wantRedirect(t, "/cases/"+caseID)
			if to != "/cases/"+caseID {
				t.Errorf("the invitation leads to %s", to)
			}
			page := openPage(t, c, to)
			page.wantStatus(t, http.StatusOK)
			if got := squashSpace(page.doc.Find("header .who").Text()); !strings.HasPrefix(got, name+" · ") {
				t.Errorf("the invitation signed in %q, want %s", got, name)
			}
			if got := page.doc.Find("html").AttrOr("lang", ""); got != slipLang {
				t.Errorf("after entering from the %s slip the case page is in %q", slipLang, got)
			}
		}
	}
}
