package web_test

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAgreement drives an agreement from draft to print in Chromium:
// a mediator drafts and proposes it on a desktop; two residents, each on a
// phone, read it and sign it with their name and PIN; the mediator signs;
// the printed 协议书 shows both signatures, and Chromium's PDF of it is A4
// and holds the parties' names, every term and the digest.
func TestBrowserAgreement(t *testing.T) {
	t.Parallel()
	root := browser(t)
	sc := newParkingScene(t)
	a, med, password, cs, pA, pB := sc.a, sc.med, sc.password, sc.cs, sc.pA, sc.pB
	mediating(med, cs.ID)
	casePath := "/cases/" + cs.ID
	terms := []struct{ obligor, text, manner, place, deadline string }{
		{pB.ID, "钱丽于期限内将车辆移出B-12车位，此后不再占用。", "自行移车", "3号楼地下车库", shanghaiDay(3)},
		{pA.ID, "赵明向钱丽支付停车费补偿五百元。", "微信转账", "", shanghaiDay(10)},
	}

	// The mediator drafts and proposes, on a desktop.
	desk := newTab(t, root, a.HTTP.URL, "mediator", 1280, 900, false)
	desk.open("/login")
	desk.submit("form.stack button[type=submit]", map[string]string{"#username": "li.jing", "#password": password})
	desk.open(casePath)
	desk.do(chromedp.Click(chromedp.CSS("details.onbehalf:has(#draft) summary")))
	fields := map[string]string{"#a-facts": "钱丽长期占用赵明购买的B-12车位，双方多次争吵。",
		"#a-disputed": "B-12车位的使用权及占用期间的补偿。", "#a-resp": "钱丽未经同意占用车位，应承担主要责任。",
		"#a-remarks": "本协议一式三份，双方各执一份，调解委员会存档一份。"}
	for i, tm := range terms {
		k := string(rune('0' + i))
		fields["#term_obligor_"+k], fields["#term_text_"+k], fields["#term_manner_"+k] = tm.obligor, tm.text, tm.manner
		fields["#term_deadline_"+k] = tm.deadline
		if tm.place != "" {
			fields["#term_place_"+k] = tm.place
		}
	}
	desk.noHorizontalScroll("case page with the drafting form")
	desk.screenshot("desktop-agreement-draft-form")
	desk.submit("#draft button[type=submit]", fields)
	if !strings.Contains(desk.location(), "/agreements/") {
		t.Fatalf("after drafting at %s: %s", desk.location(), desk.text("main"))
	}
	// The address carries the flash's key after the redirect: the path is
	// the agreement's.
	agreementPath, _, _ := strings.Cut(strings.TrimPrefix(desk.location(), a.HTTP.URL), "?")
	if got := desk.text("main .flash"); !strings.Contains(got, "调解协议已保存为新版本") {
		t.Errorf("after drafting, the flash: %q", got)
	}
	desk.follow(chromedp.Click(chromedp.CSS("#propose button")))
	digest := desk.text("#digest")
	if len(digest) != 64 || !strings.Contains(desk.text("main .badges"), "待签署") {
		t.Fatalf("after proposing: digest %q, %s", digest, desk.text("main .badges"))
	}
	desk.screenshot("desktop-agreement-proposed")

	// Each resident, on a phone, reads it and signs for itself.
	for _, r := range []struct{ who, link, name string }{{"A", pA.Invitation.URL, "赵明"}, {"B", pB.Invitation.URL, "钱丽"}} {
		phone := newTab(t, root, a.HTTP.URL, "resident "+r.who, 360, 740, true)
		phone.open(r.link)
		phone.submit("form.stack button[type=submit]", map[string]string{"#pin": "246801", "#pin2": "246801"})
		phone.follow(chromedp.Click(chromedp.CSS(`#agreements a[href*="/agreements/"]`)))
		body := phone.text("#agreement")
		for _, tm := range terms {
			if !strings.Contains(body, tm.text) {
				t.Errorf("resident %s does not read the term %q: %s", r.who, tm.text, body)
			}
		}
		if phone.text("#digest") != digest {
			t.Errorf("resident %s reads digest %q, want %q", r.who, phone.text("#digest"), digest)
		}
		phone.noHorizontalScroll("the agreement to sign")
		phone.screenshot("phone-agreement-to-sign-" + r.who)
		// A wrong PIN: refused beside the PIN, nothing signed.
		phone.submit("#sign button[type=submit]", map[string]string{"#confirm_name": r.name, "#pin": "135799"})
		if got := phone.text("#sign .field-error"); !strings.Contains(got, "PIN 不正确") {
			t.Errorf("resident %s, wrong PIN: %q", r.who, got)
		}
		phone.submit("#sign button[type=submit]", map[string]string{"#confirm_name": r.name, "#pin": "246801"})
		if got := phone.text("#signatures"); !strings.Contains(got, "您已签署") || !strings.Contains(got, r.name) {
			t.Errorf("resident %s after signing: %s", r.who, got)
		}
		phone.noHorizontalScroll("the agreement signed")
		phone.screenshot("phone-agreement-signed-" + r.who)
		href := phone.eval(`document.querySelector('a.lang').href`)
		phone.do(chromedp.Navigate(href.(string)))
		phone.noHorizontalScroll("the agreement in English")
		phone.screenshot("phone-agreement-signed-en-" + r.who)
	}

	// The mediator signs: the agreement takes effect and the case with it.
	desk.open(agreementPath)
	desk.submit("#sign button[type=submit]", map[string]string{"#confirm_name": "名 li.jing"})
	if got := desk.text("main .badges"); !strings.Contains(got, "已生效") {
		t.Fatalf("after the mediator signed: %s", got)
	}
	desk.screenshot("desktop-agreement-effective")
	desk.open(casePath)
	if got := desk.text("main .heading .badges"); !strings.Contains(got, "达成协议") {
		t.Errorf("case status after the agreement took effect: %s", got)
	}
	desk.noHorizontalScroll("case page with the agreement in effect")
	desk.screenshot("desktop-case-agreement")

	// The printed 协议书: both signatures, one copy per party and one for the file.
	desk.open(agreementPath + "/print")
	sigs := desk.text("article.copy .doc-signatures")
	if !strings.Contains(sigs, "赵明") || !strings.Contains(sigs, "钱丽") || !strings.Contains(sigs, "名 li.jing") {
		t.Errorf("the printed signatures: %s", sigs)
	}
	if n := desk.eval(`document.querySelectorAll('article.copy').length`); n != float64(3) {
		t.Errorf("%v copies printed, want 3", n)
	}
	desk.screenshot("desktop-agreement-print")
	pdf, err := chromedp.Run(desk.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "agreement.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("TIAOJIE_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "agreement.pdf"), pdf, 0o644)
	}
	info := pdfTool(t, "pdfinfo", file)
	// A4 is 595.28 x 841.89 pts; Chromium rounds to its own units.
	size := regexp.MustCompile(`Page size:\s+([0-9.]+) x ([0-9.]+) pts`).FindStringSubmatch(info)
	if size == nil {
		t.Fatalf("pdfinfo names no page size: %s", info)
	}
	w, _ := strconv.ParseFloat(size[1], 64)
	h, _ := strconv.ParseFloat(size[2], 64)
	if math.Abs(w-595) > 1.5 || math.Abs(h-842) > 1.5 {
		t.Errorf("the PDF's pages are %v x %v pts, not A4 (595 x 842)", w, h)
	}
	if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info); m == nil {
		t.Errorf("pdfinfo names no page count: %s", info)
	} else if n, _ := strconv.Atoi(m[1]); n < 3 {
		t.Errorf("the PDF has %d pages, fewer than its 3 copies", n)
	}
	// -raw keeps the text in the order it was written; white space (line
	// breaks in a long term or in the digest) is taken out.
	text := strings.Join(strings.Fields(pdfTool(t, "pdftotext", "-raw", "-enc", "UTF-8", file, "-")), "")
	want := []string{"人民调解协议书", "赵明", "钱丽", digest, "三十日内"}
	for _, tm := range terms {
		want = append(want, tm.text, tm.manner, tm.deadline)
	}
	for _, w := range want {
		if !strings.Contains(text, strings.Join(strings.Fields(w), "")) {
			t.Errorf("the PDF's text lacks %q", w)
		}
	}
	// The English print, for the screenshots.
	href := desk.eval(`document.querySelector('a.lang').href`)
	desk.do(chromedp.Navigate(href.(string)))
	desk.screenshot("desktop-agreement-print-en")
	desk.open(agreementPath + "?compare=1")
	desk.screenshot("desktop-agreement-en")
	// The mediator's pages fit a phone too.
	medPhone := newTab(t, root, a.HTTP.URL, "mediator phone", 360, 740, true)
	medPhone.open("/login")
	medPhone.submit("form.stack button[type=submit]", map[string]string{"#username": "li.jing", "#password": password})
	medPhone.open(casePath)
	medPhone.do(chromedp.Click(chromedp.CSS("details.onbehalf:has(#visit-form) summary")))
	medPhone.noHorizontalScroll("case page with the visits' form")
	medPhone.screenshot("phone-mediator-case-agreement")
	medPhone.open(agreementPath)
	medPhone.noHorizontalScroll("the mediator's agreement page")
	medPhone.screenshot("phone-mediator-agreement")
	phone := newTab(t, root, a.HTTP.URL, "resident A again", 360, 740, true)
	phone.open(pA.Invitation.URL)
	phone.submit("form.stack button[type=submit]", map[string]string{"#pin": "246801"})
	phone.open(agreementPath + "/print")
	phone.noHorizontalScroll("the printed agreement on a phone")
	phone.screenshot("phone-agreement-print")
}

// pdfTool runs one of poppler's tools and answers its output.
func pdfTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must install poppler-utils", name)
		}
		t.Skipf("skipped: %s is not installed (apt-get install -y poppler-utils)", name)
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", name, err, out)
	}
	return string(out)
}
