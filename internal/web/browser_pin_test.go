package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// TestBrowserPIN drives the resident's PIN pages in Chromium on a 360-pixel
// phone, in Chinese and in English: the first entry sets the PIN (twice),
// a later entry needs it, a wrong one says how many tries are left and whom
// to call, with the mediator's number, and after the mediator resets it the
// page says who did and when.
func TestBrowserPIN(t *testing.T) {
	t.Parallel()
	root := browser(t)
	a := newApp(t)
	u, err := a.Auth.CreateUser(&mediation.UserInput{Username: "wang.fang", DisplayName: "王芳",
		Role: mediation.RoleMediator, Phone: "13912345678", Password: "一个足够长的口令"}, "system")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Authz.Grant(authz.StaffGrant(u.ID, u.Role)); err != nil {
		t.Fatal(err)
	}
	desk := a.client()
	desk.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang.fang", "password": "一个足够长的口令"}, http.StatusOK, nil)
	var cs idOnly
	desk.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "楼上漏水", "category": "leak_renovation",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)

	for _, lang := range []string{"zh-Hans", "en"} {
		var pa partyCreated
		desk.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": "赵明 " + lang,
			"kind": "person", "side": "applicant"}, http.StatusCreated, &pa)
		want := map[string]map[string]string{
			"zh-Hans": {"set": "以后进入案件时需要输入这个密码", "again": "再输入一次密码", "wrong": "还可以再试4次",
				"mismatch": "两次输入的密码不一样", "reset": "王芳", "resetWord": "重置了您的密码"},
			"en": {"set": "You will need this PIN every time you enter your case", "again": "Enter the PIN again",
				"wrong": "You have 4 more tries", "mismatch": "The two PINs are not the same", "reset": "王芳",
				"resetWord": "reset your PIN"},
		}[lang]
		phone := newTab(t, root, a.HTTP.URL, "resident "+lang, 360, 740, true)
		speak := func() {
			if lang == "en" {
				phone.open("/lang?to=en")
			}
		}
		speak()
		phone.open(pa.Invitation.URL)
		phone.noHorizontalScroll("set PIN")
		if got := phone.text("main"); !strings.Contains(got, want["set"]) || !strings.Contains(got, want["again"]) {
			t.Fatalf("%s: the first entry does not ask for a PIN twice: %s", lang, got)
		}
		phone.screenshot("phone-pin-set-" + lang)
		phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "112233", "#pin2": "112234"})
		if got := phone.text("main"); !strings.Contains(got, want["mismatch"]) {
			t.Errorf("%s: two different PINs: %s", lang, got)
		}
		phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "112233", "#pin2": "112233"})
		if loc := phone.location(); !strings.HasSuffix(loc, "/cases/"+cs.ID) {
			t.Fatalf("%s: after setting the PIN at %s: %s", lang, loc, phone.text("main"))
		}
		phone.follow(chromedp.Click(chromedp.CSS("form[action='/logout'] button")))

		// Later, on this phone or another: the link alone is not enough.
		speak()
		phone.open(pa.Invitation.URL)
		if phone.eval(`document.querySelector('#pin2') === null`) != true {
			t.Errorf("%s: a later entry asks to set the PIN again", lang)
		}
		phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "999999"})
		got := phone.text("main")
		if !strings.Contains(got, want["wrong"]) || !strings.Contains(got, "13912345678") || !strings.Contains(got, "王芳") {
			t.Errorf("%s: a wrong PIN does not say how many tries are left and whom to call: %s", lang, got)
		}
		phone.noHorizontalScroll("wrong PIN")
		phone.screenshot("phone-pin-wrong-" + lang)
		phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "112233"})
		if loc := phone.location(); !strings.HasSuffix(loc, "/cases/"+cs.ID) {
			t.Fatalf("%s: the right PIN does not enter: %s", lang, phone.text("main"))
		}

		// The mediator resets it: the party's login ends, and its next entry
		// says who reset it and when, and asks for a new one.
		desk.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties/"+pa.ID+"/pin-reset", nil, http.StatusNoContent, nil)
		phone.open("/cases/" + cs.ID)
		if phone.eval(`document.querySelector('#mine-h') !== null`) == true {
			t.Errorf("%s: the party's login outlived the PIN reset", lang)
		}
		// What it finds instead says how to get back in, never the staff sign-in.
		if phone.eval(`document.querySelector('main section.expired') !== null && document.querySelector('#password') === null`) != true {
			t.Errorf("%s: after the reset the resident finds: %s", lang, phone.text("main"))
		}
		speak()
		phone.open(pa.Invitation.URL)
		got = phone.text("main")
		if !strings.Contains(got, want["reset"]) || !strings.Contains(got, want["resetWord"]) || !strings.Contains(got, want["again"]) {
			t.Errorf("%s: after a reset the page does not say who reset the PIN: %s", lang, got)
		}
		phone.noHorizontalScroll("PIN reset")
		phone.screenshot("phone-pin-reset-" + lang)
		phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "445566", "#pin2": "445566"})
		if got := phone.text("main"); !strings.Contains(got, want["resetWord"]) {
			t.Errorf("%s: the case page does not say the PIN was reset: %s", lang, got)
		}
		phone.screenshot("phone-my-case-after-reset-" + lang)
	}
}
