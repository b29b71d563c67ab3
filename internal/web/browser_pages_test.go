package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// sizes are the screens the page tests run at: a cheap Android phone and a
// desk.
var sizes = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"phone", 360, 740, true}, {"desktop", 1280, 900, false}}

// langAt is the language a test that tries its pages once a size tries them
// in: the phone in Chinese, the desk in English, so that both are seen.
func langAt(size string) string {
	if size == "desktop" {
		return "en"
	}
	return "zh-Hans"
}

// inLang switches a fresh tab to lang before its first page.
func (tb *tab) inLang(lang string) *tab {
	if lang != "zh-Hans" {
		tb.open("/lang?to=" + lang)
	}
	return tb
}

// deskWorld is a mediator with a phone number and a case, signed in through
// the API for set-ups.
type deskWorld struct {
	a        *testApp
	api      *client
	caseID   string
	password string
}

func newDeskWorld(t *testing.T) *deskWorld {
	t.Helper()
	a := newApp(t)
	u, err := a.Auth.CreateUser(&mediation.UserInput{Username: "wang.fang", DisplayName: "王芳",
		Role: mediation.RoleMediator, Phone: "13912345678", Password: "一个足够长的口令"}, "system")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Authz.Grant(authz.StaffGrant(u.ID, u.Role)); err != nil {
		t.Fatal(err)
	}
	w := &deskWorld{a: a, api: a.client(), password: "一个足够长的口令"}
	w.api.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang.fang", "password": w.password}, http.StatusOK, nil)
	var cs idOnly
	w.api.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "3 号楼地下车位被占用", "category": "parking",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
	w.caseID = cs.ID
	return w
}

// signIn opens a browser tab at the size and signs the mediator in.
func (w *deskWorld) signIn(t *testing.T, tb *tab) {
	t.Helper()
	tb.open("/login")
	tb.submit("form.stack button[type=submit]", map[string]string{"#username": "wang.fang", "#password": w.password})
	if !strings.HasSuffix(tb.location(), "/cases") {
		t.Fatalf("after sign-in at %s: %s", tb.location(), tb.text("main"))
	}
}

func (w *deskWorld) partiesNamed(t *testing.T, name string) int {
	t.Helper()
	var list listOf[map[string]any]
	w.api.mustJSON("GET", "/api/v1/cases/"+w.caseID+"/parties", nil, http.StatusOK, &list)
	n := 0
	for _, p := range list.Items {
		if p["name"] == name {
			n++
		}
	}
	return n
}

// TestBrowserReloadAddsNoParty: adding a party leads to its invitation; a
// reload of that page (the browser's own, which after a form used to post
// it again) adds no second party and shows no token, but offers a new link.
func TestBrowserReloadAddsNoParty(t *testing.T) {
	t.Parallel()
	root := browser(t)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			w := newDeskWorld(t)
			lang := langAt(size.name)
			desk := newTab(t, root, w.a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile).inLang(lang)
			w.signIn(t, desk)
			desk.open("/cases/" + w.caseID + "/parties/new")
			desk.submit("form.stack button[type=submit]", map[string]string{"#name": "张卫国", "#phone": "010-62345678"})
			if link := desk.text(".slip .link a"); !strings.Contains(link, "/a/") {
				t.Fatalf("no invitation after adding the party: %s", desk.text("main"))
			}
			desk.screenshot(size.name + "-invitation-" + lang)
			desk.follow(chromedp.Reload())
			if n := w.partiesNamed(t, "张卫国"); n != 1 {
				t.Fatalf("%d parties named 张卫国 after a reload", n)
			}
			main := desk.text("main")
			if strings.Contains(main, "/a/") || !strings.Contains(main, pageCatalogue(t, lang)["invitation.new_link"]) {
				t.Fatalf("after a reload: %s", main)
			}
			desk.screenshot(size.name + "-invitation-again-" + lang)
		})
	}
}

// TestBrowserEveryPageFitsAPhone visits every page a mediator, a resident and
// the admin reach, at 360 px, in Chinese and in English: none scrolls
// sideways (scrollWidth), the header stays within two lines even for a long
// name, and the parties table is a stack of cards.
func TestBrowserEveryPageFitsAPhone(t *testing.T) {
	t.Parallel()
	root := browser(t)
	w := newDeskWorld(t)
	long := "欧阳青青（东风社区人民调解委员会专职调解员）"
	u, err := w.a.Auth.CreateUser(&mediation.UserInput{Username: "ouyang", DisplayName: long,
		Role: mediation.RoleMediator, Phone: "010-62345678-12", Password: w.password}, "system")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.a.Authz.Grant(authz.StaffGrant(u.ID, u.Role)); err != nil {
		t.Fatal(err)
	}
	w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/mediators", map[string]string{"user_id": u.ID.String()}, http.StatusOK, nil)
	var org, res partyCreated
	w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/parties", map[string]string{"name": "北京市朝阳区和平里物业管理有限责任公司第三分公司",
		"kind": "organization", "side": "respondent", "phone": "0755-1234567-801", "address": "朝阳区和平里东街 11 号院 3 号楼 2 单元 1502 室",
		"represents": "Heping-li Property Management Co., Ltd. (third branch), acting for building 3"}, http.StatusCreated, &org)
	w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/parties", map[string]string{"name": "赵明",
		"kind": "person", "side": "applicant", "phone": "13800138001"}, http.StatusCreated, &res)
	w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/submissions", map[string]string{"party_id": org.ID,
		"kind": "position", "body": "Parking space B2-117 is part of the common area under contract HP-2019-0042-B."}, http.StatusCreated, nil)
	w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	cs := "/cases/" + w.caseID

	for _, lang := range []string{"zh-Hans", "en"} {
		t.Run(lang, func(t *testing.T) {
			desk := newTab(t, root, w.a.HTTP.URL, "mediator "+lang, 360, 740, true)
			if lang == "en" {
				desk.open("/lang?to=en")
			}
			desk.open("/login")
			desk.submit("form.stack button[type=submit]", map[string]string{"#username": "ouyang", "#password": w.password})
			if h := desk.eval(`document.querySelector('.bar').getBoundingClientRect().height`).(float64); h > 110 {
				t.Errorf("%s: the header is %v px high at 360 px", lang, h)
			}
			pages := []struct{ path, shot string }{{"/cases", "cases"}, {"/cases?q=%E8%B5%B5", "cases-search"}, {"/cases/new", "case-new"},
				{cs, "case-page"}, {cs + "/parties/new", "party-new"}, {cs + "/parties/" + org.ID + "/edit", "party-edit"},
				{cs + "/parties/" + org.ID + "/invitation", "invitation-again"}, {"/calendar", "calendar"}, {"/cases/999999", "404"}}
			for _, pg := range pages {
				path := pg.path
				desk.open(path)
				desk.screenshot("phone-" + pg.shot + "-" + lang)
				if path == cs {
					if d := desk.eval(`getComputedStyle(document.querySelector('table.parties tr')).display`); d != "block" {
						t.Errorf("%s: the parties table is not cards at 360 px: %v", lang, d)
					}
					desk.screenshot("phone-case-" + lang)
				}
			}
			desk.open(cs + "/parties/new")
			desk.submit("form.stack button[type=submit]", map[string]string{"#name": "Zhang Weiguo-" + lang, "#phone": "010-62345678"})
			desk.screenshot("phone-new-invitation-" + lang)

			phone := newTab(t, root, w.a.HTTP.URL, "resident "+lang, 360, 740, true)
			if lang == "en" {
				phone.open("/lang?to=en")
			}
			var pa partyCreated
			w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/parties/"+res.ID+"/invitation", nil, http.StatusCreated, &pa.Invitation)
			phone.open(pa.Invitation.URL)
			pins := map[string]string{"#pin": "135790", "#pin2": "135790"}
			if lang == "en" { // the PIN was set in Chinese
				delete(pins, "#pin2")
			}
			phone.submit("form.enter button[type=submit]", pins)
			phone.screenshot("phone-my-case-" + lang)
			if main := phone.text("main"); !strings.Contains(main, "13912345678") || !strings.Contains(main, mediation.DefaultPlaces().Organisation.Phone) {
				t.Errorf("%s: the resident's page lacks the mediator's or the organisation's number: %s", lang, main)
			}
			phone.open("/cases/999999")

			// The same pages at a desk, for the screenshots (and axe-core).
			wide := newTab(t, root, w.a.HTTP.URL, "mediator desktop "+lang, 1280, 900, false)
			if lang == "en" {
				wide.open("/lang?to=en")
			}
			wide.open("/login")
			wide.submit("form.stack button[type=submit]", map[string]string{"#username": "ouyang", "#password": w.password})
			for _, pg := range pages {
				wide.open(pg.path)
				wide.screenshot("desktop-" + pg.shot + "-" + lang)
			}
			resident := newTab(t, root, w.a.HTTP.URL, "resident desktop "+lang, 1280, 900, false)
			if lang == "en" {
				resident.open("/lang?to=en")
			}
			w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/parties/"+res.ID+"/invitation", nil, http.StatusCreated, &pa.Invitation)
			resident.open(pa.Invitation.URL)
			resident.submit("form.enter button[type=submit]", map[string]string{"#pin": "135790"})
			resident.screenshot("desktop-my-case-" + lang)
		})
	}
}

// TestBrowserStatusFormKeepsItsChoice: a final status without a reason or
// confirmation comes back with the chosen status still chosen, the page
// opened at an error summary that links to each field; with both, it goes
// through and a one-line message says so.
func TestBrowserStatusFormKeepsItsChoice(t *testing.T) {
	t.Parallel()
	root := browser(t)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			w := newDeskWorld(t)
			w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
			lang := langAt(size.name)
			cat := pageCatalogue(t, lang)
			desk := newTab(t, root, w.a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile).inLang(lang)
			w.signIn(t, desk)
			desk.open("/cases/" + w.caseID)
			if first := desk.eval(`document.querySelector('#to').value`); first != "" {
				t.Errorf("the status form starts on %v, not on a prompt", first)
			}
			desk.do(chromedp.SetValue(chromedp.CSS("#to"), "withdrawn"))
			desk.follow(chromedp.Click(chromedp.CSS("form.status-form button[type=submit]")))
			if got := desk.eval(`document.querySelector('#to').value`); got != "withdrawn" {
				t.Fatalf("after the error the status form shows %v, want withdrawn: %s", got, desk.text("main"))
			}
			if focused := desk.eval(`document.activeElement && document.activeElement.id`); focused != "problem" {
				t.Errorf("the page does not open at the error summary (focus on %v)", focused)
			}
			if top := desk.eval(`document.querySelector('#problem').getBoundingClientRect().top`).(float64); top < 0 || top > float64(size.height) {
				t.Errorf("the error summary is off screen: top %v", top)
			}
			for _, field := range []string{"reason", "confirm"} {
				if desk.eval(`document.querySelector('#problem a[href="#`+field+`"]') !== null`) != true {
					t.Errorf("the error summary does not link to %s: %s", field, desk.text("#problem"))
				}
			}
			desk.screenshot(size.name + "-status-error-" + lang)
			desk.do(chromedp.SetValue(chromedp.CSS("#reason"), "申请人已与对方私下和解，撤回申请"),
				chromedp.Click(chromedp.CSS("#confirm")))
			desk.follow(chromedp.Click(chromedp.CSS("form.status-form button[type=submit]")))
			if flash := desk.text("main .flash"); !strings.Contains(flash, cat["flash.status_changed"]) {
				t.Errorf("no message after the change: %q", flash)
			}
			var cs map[string]any
			w.api.mustJSON("GET", "/api/v1/cases/"+w.caseID, nil, http.StatusOK, &cs)
			if cs["status"] != "withdrawn" {
				t.Errorf("status %v after the confirmed change", cs["status"])
			}
			if trail := desk.text("main .trail"); !strings.Contains(trail, cat["status.mediating"]+" → "+cat["status.withdrawn"]) || !strings.Contains(trail, "申请人已与对方私下和解") {
				t.Errorf("the trail does not say the change in words: %s", trail)
			}
			desk.screenshot(size.name + "-status-done-" + lang)
		})
	}
}
