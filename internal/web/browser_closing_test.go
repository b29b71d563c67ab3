package web_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"tiaojie/internal/mediation"
)

// TestBrowserClosing drives the checklist and the recusal form in Chromium:
// two residents enter on phones (shown the notice of their rights, which the
// file then records), one asks on its 360 px page that the mediator step
// aside; the mediator, on a phone and on a desktop, sees the checklist with
// its ticks and the request, confirms an identity from the checklist, and
// opens the printable case file.
func TestBrowserClosing(t *testing.T) {
	t.Parallel()
	root := browser(t)
	a := newApp(t)
	med, mu := a.staff(mediation.RoleMediator, "wang.fang")
	_, password := a.user(mediation.RoleMediator, "li.jing")
	var cs idOnly
	med.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "3 号楼地下车位被占用", "category": "parking",
		"community": "heping-li", "source": "party_application", "summary": "赵明称车位系其购买，钱丽称前业主借给她使用。"},
		http.StatusCreated, &cs)
	casePath := "/cases/" + cs.ID
	var pA, pB partyCreated
	med.mustJSON("POST", "/api/v1"+casePath+"/parties", map[string]string{"name": "赵明", "kind": "person", "side": "applicant",
		"address": "和平里3号楼501"}, http.StatusCreated, &pA)
	med.mustJSON("POST", "/api/v1"+casePath+"/parties", map[string]string{"name": "钱丽", "kind": "person", "side": "respondent"},
		http.StatusCreated, &pB)
	med.mustJSON("POST", "/api/v1"+casePath+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)

	residents := map[string]*tab{}
	for who, link := range map[string]string{"A": pA.Invitation.URL, "B": pB.Invitation.URL} {
		phone := newTab(t, root, a.HTTP.URL, "resident "+who, 360, 740, true)
		residents[who] = phone
		phone.open(link)
		if got := phone.text("details.rights"); !strings.Contains(got, "如实陈述纠纷事实") {
			t.Errorf("resident %s is not shown its rights and duties at entry: %q", who, got)
		}
		phone.noHorizontalScroll("entry with the notice of rights")
		if who == "A" {
			phone.screenshot("phone-entry-rights")
		}
		phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "135790", "#pin2": "135790"})
	}

	// Resident A asks that the mediator step aside, on its phone.
	phoneA := residents["A"]
	phoneA.do(chromedp.Click(chromedp.CSS("#recusal details.onbehalf summary")))
	phoneA.noHorizontalScroll("recusal form")
	phoneA.screenshot("phone-recusal-form")
	sectionShot(phoneA, "#recusal", "phone-recusal-section")
	phoneA.submit("#recusal form button[type=submit]", map[string]string{"#r-user": mu.ID.String(),
		"#r-reason": "王调解员是钱丽的表哥，我担心调解不公正。"})
	if got := phoneA.text("#recusal"); !strings.Contains(got, "待更换调解员") {
		t.Errorf("resident A's page after the request: %q", got)
	}
	phoneA.noHorizontalScroll("recusal requested")
	phoneA.screenshot("phone-recusal-pending")
	residents["B"].open(casePath)
	if got := residents["B"].text("main"); strings.Contains(got, "表哥") {
		t.Error("resident B's page shows A's request")
	}

	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 360, 740, true}, {"desktop", 1280, 900, false}} {
		desk := newTab(t, root, a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile)
		desk.open("/login")
		desk.submit("form.stack button[type=submit]", map[string]string{"#username": "wang.fang", "#password": "pw-wang.fang-密码"})
		desk.open(casePath + "#closing")
		ticks := desk.eval(`[...document.querySelectorAll('#closing ul.checklist li')].map(li => li.dataset.item + '=' + li.className).join(' ')`)
		for _, want := range []string{"registration=done", "notice_of_rights:party:" + pA.ID + "=done",
			"identity_confirmed:party:" + pB.ID + "=todo", "session_record=todo"} {
			if !strings.Contains(ticks.(string), want) {
				t.Errorf("%s: checklist %q lacks %s", size.name, ticks, want)
			}
		}
		if got := desk.text("#closing .recusal"); !strings.Contains(got, "表哥") {
			t.Errorf("%s: the mediators' page does not show the request: %q", size.name, got)
		}
		desk.noHorizontalScroll("case page with the checklist")
		desk.screenshot(size.name + "-checklist")
		sectionShot(desk, "#closing", size.name+"-checklist-section")
		if size.mobile {
			desk.submit(`form[action$="/parties/`+pA.ID+`/identity"] button[type=submit]`,
				map[string]string{"#method-" + pA.ID: "居民身份证"})
			if got := desk.eval(`document.querySelector('#closing li[data-item="identity_confirmed:party:` + pA.ID + `"]').className`); got != "done" {
				t.Errorf("A's identity after the form: %v", got)
			}
			desk.noHorizontalScroll("checklist with an identity confirmed")
			desk.open("/me/interests")
			desk.noHorizontalScroll("interests page")
			desk.screenshot("phone-interests")
		}
		desk.open(casePath + "/file")
		desk.noHorizontalScroll("case file")
		desk.screenshot(size.name + "-case-file")
		if !size.mobile {
			printedA4(t, desk, []string{"人民调解卷宗", "3 号楼地下车位被占用", "赵明", "钱丽", "居民身份证"})
		}
		if !size.mobile {
			desk.open("/lang?to=en&back=" + casePath)
			desk.open(casePath + "#closing")
			if got := desk.text("#closing"); !strings.Contains(got, "Case file checklist") {
				t.Errorf("English checklist: %q", got)
			}
			desk.screenshot("desktop-checklist-en")
			sectionShot(desk, "#closing", "desktop-checklist-section-en")
			desk.open("/me/interests")
			desk.screenshot("desktop-interests-en")
		}
	}
	_ = password
}

// printedA4 prints the tab's page to PDF as the browser's print dialog does
// (the page's own @page size) and checks that its pages are A4 and its text
// holds want.
func printedA4(t *testing.T, tb *tab, want []string) {
	t.Helper()
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (poppler-utils)", tool)
			}
			t.Logf("%s is not installed (poppler-utils): the printed file is not read back", tool)
			return
		}
	}
	yes := true
	res, err := chromedp.Call(tb.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file.pdf")
	if err := os.WriteFile(file, res.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("TIAOJIE_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "case-file.pdf"), res.Data, 0o644)
	}
	info, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	// pdfinfo names the paper of a page 210 × 297 mm, give or take a point.
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("the printed case file is not A4:\n%s", info)
	}
	text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
			t.Errorf("the printed case file lacks %q", w)
		}
	}
	if strings.Contains(flat, "退出") {
		t.Error("the printed case file carries the page's header")
	}
}

// sectionShot writes one element of the page to TIAOJIE_SCREENSHOTS/<name>.png,
// so that a long page's part can be looked at in full size.
func sectionShot(tb *tab, sel, name string) {
	tb.t.Helper()
	dir := os.Getenv("TIAOJIE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}
