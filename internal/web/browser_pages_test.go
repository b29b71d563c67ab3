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
	root := browser(t)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			w := newDeskWorld(t)
			desk := newTab(t, root, w.a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile)
			w.signIn(t, desk)
			desk.open("/cases/" + w.caseID + "/parties/new")
			desk.submit("form.stack button[type=submit]", map[string]string{"#name": "张卫国", "#phone": "010-62345678"})
			if link := desk.text(".slip .link a"); !strings.Contains(link, "/a/") {
				t.Fatalf("no invitation after adding the party: %s", desk.text("main"))
			}
			desk.screenshot(size.name + "-invitation-zh")
			desk.follow(chromedp.Reload())
			if n := w.partiesNamed(t, "张卫国"); n != 1 {
				t.Fatalf("%d parties named 张卫国 after a reload", n)
			}
			main := desk.text("main")
			if strings.Contains(main, "/a/") || !strings.Contains(main, "生成新的邀请链接") {
				t.Fatalf("after a reload: %s", main)
			}
			desk.screenshot(size.name + "-invitation-again-zh")
		})
	}
}
