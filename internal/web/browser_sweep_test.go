package web_test

import (
	"net/http"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// TestBrowserStaffAndErrorPages reaches, in Chinese and in English, on a
// phone and at a desk, the pages no other browser test does: the sign-in
// refused, the admin's list of cases, a case as the admin sees it, the user
// accounts with a refused form, the office's start page, an unknown
// invitation link and the error pages. Each is checked as every page the
// browser tests reach is (no sideways scroll at 360 px, axe-core at WCAG AA);
// here also that each speaks the language chosen.
func TestBrowserStaffAndErrorPages(t *testing.T) {
	t.Parallel()
	root := browser(t)
	w := newDeskWorld(t)
	_, adminPW := w.a.user(mediation.RoleAdmin, "guanli")
	_, officePW := w.a.user(mediation.RoleOffice, "jiedao")
	cs := "/cases/" + w.caseID
	var party partyCreated
	w.api.mustJSON("POST", "/api/v1/cases/"+w.caseID+"/parties", map[string]string{"name": "赵明", "kind": "person", "side": "applicant"}, http.StatusCreated, &party)
	for _, lang := range []string{"zh-Hans", "en"} {
		for _, size := range sizes {
			t.Run(lang+"-"+size.name, func(t *testing.T) {
				tb := newTab(t, root, w.a.HTTP.URL, lang+" "+size.name, size.width, size.height, size.mobile)
				speaks := func(what string) {
					t.Helper()
					if got := tb.eval(`document.documentElement.lang`); got != lang {
						t.Errorf("%s is in %v, want %s", what, got, lang)
					}
				}
				tb.open("/lang?to=" + lang + "&back=/login")
				speaks("the sign-in page")
				tb.submit("form.stack button[type=submit]", map[string]string{"#username": "guanli", "#password": "not the password"})
				if tb.eval(`document.querySelector('main .form-error, main .field-error') !== null`) != true {
					t.Errorf("a wrong password is not refused on the page: %s", tb.text("main"))
				}
				tb.screenshot(size.name + "-login-refused-" + lang)
				tb.submit("form.stack button[type=submit]", map[string]string{"#username": "guanli", "#password": adminPW})
				speaks("the admin's case list")
				tb.screenshot(size.name + "-admin-cases-" + lang)
				tb.open(cs)
				speaks("the case as the admin sees it")
				tb.open("/admin/users")
				speaks("the user accounts")
				tb.submit("form.stack button[type=submit]", map[string]string{"#username": "li.si", "#display_name": "李四",
					"#phone": "12345", "#password": "一个足够长的口令"})
				if tb.eval(`document.querySelector('#phone[aria-invalid="true"]') !== null`) != true {
					t.Errorf("a bad phone number is not marked on the users form: %s", tb.text("main"))
				}
				tb.screenshot(size.name + "-admin-users-refused-" + lang)
				tb.open("/office")
				tb.open("/cases/999999")
				speaks("a case that is not there")
				tb.screenshot(size.name + "-admin-404-" + lang)

				// The office's start page, in its own browser.
				office := newTab(t, root, w.a.HTTP.URL, lang+" office "+size.name, size.width, size.height, size.mobile)
				office.open("/lang?to=" + lang + "&back=/login")
				office.submit("form.stack button[type=submit]", map[string]string{"#username": "jiedao", "#password": officePW})
				if !strings.HasSuffix(office.location(), "/office") {
					t.Errorf("the office lands at %s", office.location())
				}
				office.open(cs)

				// A resident with a link that is not (or no longer) one.
				phone := newTab(t, root, w.a.HTTP.URL, lang+" resident "+size.name, size.width, size.height, size.mobile)
				phone.open("/lang?to=" + lang + "&back=/")
				phone.open("/a/AAAAAAAAAAAAAAAAAAAAAA")
				phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "135790"})
				if got := phone.eval(`document.documentElement.lang`); got != lang {
					t.Errorf("the unknown link's page is in %v", got)
				}
				if phone.eval(`document.querySelector('main .org-contact .tel') !== null`) != true {
					t.Errorf("the unknown link's page names nobody to call: %s", phone.text("main"))
				}
				phone.screenshot(size.name + "-link-gone-" + lang)
				phone.open(cs)
			})
		}
	}
}
