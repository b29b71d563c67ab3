package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserSlipLanguage: the invitation slip's language is chosen on the
// slip's page when it is printed, whatever the mediator's interface speaks.
// In Chinese and in English, on a phone and on a desk, the page opens with
// the Chinese slip; choosing English shows and prints the English one alone
// (read back from Chromium's PDF) without a reload, so the one-time link
// stays; the English slip's link opens the resident's pages in English.
func TestBrowserSlipLanguage(t *testing.T) {
	t.Parallel()
	root := browser(t)
	w := newDeskWorld(t)
	for _, ui := range []string{"zh-Hans", "en"} {
		for _, size := range sizes {
			t.Run(ui+"-"+size.name, func(t *testing.T) {
				desk := newTab(t, root, w.a.HTTP.URL, "mediator "+ui+" "+size.name, size.width, size.height, size.mobile)
				if ui == "en" {
					desk.open("/lang?to=en")
				}
				w.signIn(t, desk)
				desk.open("/cases/" + w.caseID + "/parties/new")
				name := "张卫国-" + ui + "-" + size.name
				desk.submit("form.stack button[type=submit]", map[string]string{"#name": name, "#phone": "010-62345678"})
				at := desk.location()
				if lang := desk.eval(`document.documentElement.lang`); lang != ui {
					t.Fatalf("the invitation page is in %v, want the interface's %s", lang, ui)
				}
				shown := func() (lang, title, link string) {
					t.Helper()
					v := desk.eval(`(() => { const s = [...document.querySelectorAll('article.slip')].filter(e => e.checkVisibility());
						return s.length === 1 ? [s[0].lang, s[0].querySelector('h1').textContent, s[0].querySelector('.link a').href] : [String(s.length)] })()`).([]any)
					if len(v) != 3 {
						t.Fatalf("%v slips shown, want one", v[0])
					}
					return v[0].(string), v[1].(string), v[2].(string)
				}
				lang, title, zhLink := shown()
				if lang != "zh-Hans" || title != "调解邀请函" || !strings.HasSuffix(zhLink, "?lang=zh-Hans") {
					t.Fatalf("the page opens with the %s slip %q (%s), want the Chinese one", lang, title, zhLink)
				}
				desk.screenshot(size.name + "-slip-zh-ui-" + ui)
				// Choosing by the label, as a person taps it.
				desk.do(chromedp.Click(chromedp.CSS(`label:has(#slip-lang-en)`)))
				lang, title, enLink := shown()
				if lang != "en" || title != "Invitation to mediation" || !strings.HasSuffix(enLink, "?lang=en") {
					t.Fatalf("after choosing English the %s slip %q (%s) shows", lang, title, enLink)
				}
				if strings.TrimSuffix(enLink, "?lang=en") != strings.TrimSuffix(zhLink, "?lang=zh-Hans") {
					t.Errorf("the two slips carry different links: %s, %s", zhLink, enLink)
				}
				if desk.location() != at {
					t.Errorf("choosing the slip's language left the page: %s", desk.location())
				}
				desk.noHorizontalScroll("invitation with the English slip")
				desk.screenshot(size.name + "-slip-en-ui-" + ui)
				if !size.mobile {
					printed := printedText(t, desk, "slip-en-ui-"+ui)
					for _, want := range []string{"Invitation to mediation", "Notice of the parties' rights and duties", name, "?lang=en"} {
						if !strings.Contains(printed, strings.Join(strings.Fields(want), "")) {
							t.Errorf("the printed English slip lacks %q: %s", want, printed)
						}
					}
					for _, not := range []string{"调解邀请函", "告知书", "邀请函的语言", "Language of the slip"} {
						if strings.Contains(printed, not) {
							t.Errorf("the printed English slip carries %q", not)
						}
					}
					desk.do(chromedp.Click(chromedp.CSS(`label:has(#slip-lang-zh-Hans)`)))
					if printed := printedText(t, desk, "slip-zh-ui-"+ui); !strings.Contains(printed, "调解邀请函") ||
						strings.Contains(printed, "Invitation to mediation") {
						t.Errorf("the printed Chinese slip: %s", printed)
					}
				}

				// The resident, whose phone asks for Chinese, scans the
				// English slip: its pages speak English, and keep to it.
				phone := newTab(t, root, w.a.HTTP.URL, "resident "+ui+" "+size.name, 360, 740, true)
				phone.do(chromedp.Navigate(enLink))
				phone.noHorizontalScroll("invitation landing from the English slip")
				if lang := phone.eval(`document.documentElement.lang`); lang != "en" {
					t.Fatalf("the English slip's link opens a page in %v", lang)
				}
				phone.submit("form.enter button[type=submit]", map[string]string{"#pin": "135790", "#pin2": "135790"})
				if lang := phone.eval(`document.documentElement.lang`); lang != "en" || strings.Contains(phone.location(), "/a/") {
					t.Fatalf("after entering from the English slip: %v at %s", lang, phone.location())
				}
				phone.open("/cases/" + w.caseID)
				if lang := phone.eval(`document.documentElement.lang`); lang != "en" {
					t.Errorf("the resident's case page is in %v after entering from the English slip", lang)
				}
				if size.name == "desktop" && ui == "en" {
					phone.screenshot("phone-my-case-from-en-slip")
				}
			})
		}
	}
}

// printedText prints the tab's page to PDF, as the browser's print dialog
// does, and answers its text without spaces (pdftotext).
func printedText(t *testing.T, tb *tab, name string) string {
	t.Helper()
	yes := true
	res, err := chromedp.Call(tb.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	file := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(file, res.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(pdfTool(t, "pdftotext", file, "-")), "")
}
