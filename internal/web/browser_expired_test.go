package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// expireSince ends, on the server, every login made since the time, as the
// idle timeout does.
func expireSince(t *testing.T, a *testApp, since time.Time) {
	t.Helper()
	n, err := a.DB.DeleteExpiredLogins(func(l *store.Login) bool { return !l.CreatedAt.Before(since) })
	if err != nil || n == 0 {
		t.Fatalf("ending the logins: %d %v", n, err)
	}
}

// TestBrowserExpiredResidentKeepsText: a resident whose login ended while
// writing presses 提交 and gets the text back, with the way back in (the
// link, the PIN) and the organisation's number; its "home" is that
// explanation, never the staff sign-in page.
func TestBrowserExpiredResidentKeepsText(t *testing.T) {
	t.Parallel()
	root := browser(t)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			w := newDeskWorld(t)
			var pa partyCreated
			w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/parties", map[string]string{"name": "赵明",
				"kind": "person", "side": "applicant"}, http.StatusCreated, &pa)
			lang := langAt(size.name)
			cat := pageCatalogue(t, lang)
			phone := newTab(t, root, w.a.HTTP.URL, "resident "+size.name, size.width, size.height, size.mobile).inLang(lang)
			since := time.Now()
			phone.open(pa.Invitation.URL)
			phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "135790", "#pin2": "135790"})
			text := "车位是我 2024 年买的，有合同和产权证明。对方说是前业主借给他的。"
			phone.do(chromedp.SetValue(chromedp.CSS("#body"), text))
			expireSince(t, w.a, since)
			phone.follow(chromedp.Click(chromedp.CSS("form.stack button[type=submit]")))
			main := phone.text("main")
			org := mediation.DefaultPlaces().Organisation
			for _, want := range []string{text, cat["expired.party_step_link"], cat["expired.party_step_pin"], org.Name, org.Phone} {
				if !strings.Contains(main, want) {
					t.Errorf("the expired page lacks %q: %s", want, main)
				}
			}
			if strings.Contains(main, cat["field.username"]) || strings.Contains(phone.location(), "/login") {
				t.Errorf("a resident is shown the staff sign-in: %s", main)
			}
			phone.noHorizontalScroll("expired submission")
			phone.screenshot(size.name + "-expired-resident-" + lang)
			phone.open("/")
			if main := phone.text("main"); strings.Contains(phone.location(), "/login") || !strings.Contains(main, cat["expired.party_step_link"]) {
				t.Errorf("a resident's home after its login ended: %s %s", phone.location(), main)
			}
		})
	}
}

// TestBrowserExpiredStaffResubmits: a mediator whose login ended while
// opening a case signs in again on the page it lands on, and the form comes
// back with what was typed, sent with one press.
func TestBrowserExpiredStaffResubmits(t *testing.T) {
	t.Parallel()
	root := browser(t)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			w := newDeskWorld(t)
			lang := langAt(size.name)
			desk := newTab(t, root, w.a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile).inLang(lang)
			since := time.Now()
			w.signIn(t, desk)
			desk.open("/cases/new")
			desk.do(chromedp.SetValue(chromedp.CSS("#title"), "楼上漏水到厨房"),
				chromedp.SetValue(chromedp.CSS("#summary"), "6 号楼 302 厨房天花板渗水，已持续两周。"),
				chromedp.SetValue(chromedp.CSS("#category"), "leak_renovation"),
				chromedp.SetValue(chromedp.CSS("#community"), "dongfeng"),
				chromedp.SetValue(chromedp.CSS("#source"), "party_application"))
			expireSince(t, w.a, since)
			desk.follow(chromedp.Click(chromedp.CSS("form.stack button[type=submit]")))
			if main := desk.text("main"); !strings.Contains(main, "6 号楼 302 厨房天花板渗水") {
				t.Fatalf("the typed summary is not on the page: %s", main)
			}
			desk.screenshot(size.name + "-expired-staff-" + lang)
			desk.submit("form.stack button[type=submit]", map[string]string{"#username": "wang.fang", "#password": w.password})
			desk.follow(chromedp.Click(chromedp.CSS("form.stack button[type=submit]")))
			if main := desk.text("main"); !strings.Contains(main, "楼上漏水到厨房") || !strings.Contains(main, "6 号楼 302 厨房天花板渗水") {
				t.Fatalf("after signing in again and sending: %s %s", desk.location(), main)
			}
			var list listOf[map[string]any]
			w.api.mustJSON("GET", "/api/v1/cases", nil, http.StatusOK, &list)
			if len(list.Items) != 2 {
				t.Errorf("%d cases after the resubmission, want 2", len(list.Items))
			}
		})
	}
}
