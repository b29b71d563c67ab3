package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// browser is the headless Chromium the test drives. The browser tests share
// one Chromium, started by the first of them: each test works in browser
// contexts of its own (newTab), so no cookie, storage or cache passes from
// one test to another, and no test pays for a browser's start. Without
// Chromium the test says so and is skipped, except in CI, where a missing
// browser fails it.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is not installed; CI must install it (apt-get install -y chromium)")
		}
		t.Skip("skipped: Chromium is not installed (apt-get install -y chromium), so the pages cannot be driven in a real browser")
	}
	chromium.once.Do(func() { chromium.start(path) })
	if chromium.err != nil {
		t.Fatalf("start Chromium: %v", chromium.err)
	}
	// A bound on the test's time in the browser, so that a hung page fails
	// the test rather than the whole run; generous, because a loaded machine
	// running the tests side by side is slow.
	ctx, cancel := context.WithTimeout(chromium.ctx, 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// chromium is the browser the tests share, stopped by TestMain.
var chromium sharedChromium

type sharedChromium struct {
	once sync.Once
	ctx  context.Context // its first tab, which the tests' tabs open beside
	stop func()
	err  error
}

func (c *sharedChromium) start(path string) {
	dir, err := os.MkdirTemp("", "tiaojie-chromium-")
	if err != nil {
		c.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(dir),
		// A resident's phone in China asks for Chinese; so does this browser.
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	c.ctx = ctx
	c.stop = func() { cancel(); cancelAlloc(); os.RemoveAll(dir) }
	if err := chromedp.Do(ctx); err != nil {
		c.err = err
	}
}

// TestMain runs the tests, then stops the shared Chromium, if one started.
func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.stop != nil {
		chromium.stop()
	}
	os.Exit(code)
}

// tab is one browser context (its own cookies) at one screen size.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	name string
	// narrow tabs (a phone) check every page they reach for sideways scroll.
	narrow bool
}

func newTab(t *testing.T, root context.Context, base, name string, width, height int64, mobile bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	tb := &tab{t: t, ctx: ctx, base: base, name: name, narrow: width <= 400}
	tb.do(chromedp.EmulateViewport(width, height, opts...))
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", tb.name, err)
	}
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.base + path))
	tb.checkWidth()
}

// checkWidth measures, on a phone, that the page just reached does not scroll
// sideways, and runs axe-core on it at any size (pages only: the API's JSON
// is not for people; browser_axe_test.go).
func (tb *tab) checkWidth() {
	tb.t.Helper()
	loc := tb.location()
	if strings.Contains(loc, "/api/") || strings.HasSuffix(loc, ".ics") {
		return
	}
	if tb.narrow {
		tb.noHorizontalScroll(strings.TrimPrefix(loc, tb.base))
	}
	tb.checkAxe(strings.TrimPrefix(loc, tb.base))
}

// submit fills the named fields of the form around button and presses it,
// then waits for the next page.
func (tb *tab) submit(button string, fields map[string]string) {
	tb.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for sel, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(sel), v))
	}
	tb.do(steps...)
	tb.follow(chromedp.Click(chromedp.CSS(button)))
}

// follow runs an action that navigates, and waits for the page it leads to.
func (tb *tab) follow(action chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if _, err := chromedp.RunResponse(tb.ctx, action); err != nil {
		tb.t.Fatalf("%s: %v", tb.name, err)
	}
	tb.checkWidth()
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: text of %s: %v", tb.name, sel, err)
	}
	return s
}

func (tb *tab) location() string {
	tb.t.Helper()
	u, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.t.Fatal(err)
	}
	return u
}

func (tb *tab) eval(js string) any {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[any](js))
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, js, err)
	}
	return v
}

// screenshot writes the page to TIAOJIE_SCREENSHOTS/<name>.png when that
// variable names a folder.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	dir := os.Getenv("TIAOJIE_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// noHorizontalScroll fails when the page is wider than the screen.
func (tb *tab) noHorizontalScroll(page string) {
	tb.t.Helper()
	if wide := tb.eval(`document.documentElement.scrollWidth > window.innerWidth`); wide != false {
		tb.t.Errorf("%s: %s scrolls sideways (scrollWidth %v, innerWidth %v)", tb.name, page,
			tb.eval(`document.documentElement.scrollWidth`), tb.eval(`window.innerWidth`))
	}
}

// TestBrowserStory drives the pages in Chromium: a mediator opens a case and
// invites two residents; each resident, on a phone, submits a position in
// Chinese and cannot reach the other's by any link; the mediator sees both
// side by side; switching to English changes every label.
func TestBrowserStory(t *testing.T) {
	t.Parallel()
	root := browser(t)
	a := newApp(t)
	_, password := a.user(mediation.RoleMediator, "wang.fang")

	desk := newTab(t, root, a.HTTP.URL, "mediator", 1280, 900, false)
	desk.open("/")
	desk.screenshot("desktop-login")
	desk.submit("form.stack button[type=submit]", map[string]string{"#username": "wang.fang", "#password": password})
	if !strings.HasSuffix(desk.location(), "/cases") {
		t.Fatalf("after sign-in at %s: %s", desk.location(), desk.text("main"))
	}
	desk.open("/cases/new")
	desk.submit("form.stack button[type=submit]", map[string]string{
		"#title": "3 号楼地下车位被占用", "#category": "parking", "#community": "heping-li",
		"#source": "party_application", "#summary": "B2-117 车位被长期占用"})
	caseURL, _, _ := strings.Cut(desk.location(), "?") // ?done=: the flash
	if !regexp.MustCompile(`/cases/\d+$`).MatchString(caseURL) {
		t.Fatalf("after opening the case at %s: %s", caseURL, desk.text("main"))
	}
	casePath := strings.TrimPrefix(caseURL, a.HTTP.URL)

	invite := func(name, side, phone string) string {
		desk.open(casePath + "/parties/new")
		desk.do(chromedp.Click(chromedp.CSS("input[name=side][value=" + side + "]")))
		desk.submit("form.stack button[type=submit]", map[string]string{"#name": name, "#phone": phone})
		link := desk.text(".slip .link a")
		if !strings.Contains(link, "/a/") {
			t.Fatalf("no invitation link on the slip: %s", desk.text("main"))
		}
		if qr := desk.eval(`[...document.querySelectorAll('.qr svg path')].filter(p => p.checkVisibility()).length`); qr != float64(1) {
			t.Fatalf("not one QR code on the slip as shown: %v", qr)
		}
		return link
	}
	linkA := invite("赵明", "applicant", "13800138001")
	desk.screenshot("desktop-invitation")
	linkB := invite("钱丽", "respondent", "13900139002")

	residents := map[string]*tab{}
	bodies := map[string]string{"A": "车位是我 2024 年买的，有合同和产权证明。", "B": "前业主口头借给我用，我不知道已经卖了。"}
	links := map[string]string{"A": linkA, "B": linkB}
	for _, who := range []string{"A", "B"} {
		phone := newTab(t, root, a.HTTP.URL, "resident "+who, 360, 740, true)
		residents[who] = phone
		phone.do(chromedp.Navigate(links[who]))
		phone.noHorizontalScroll("invitation landing")
		if who == "A" {
			phone.screenshot("phone-invitation-landing")
		}
		phone.submit("form.stack button[type=submit]", map[string]string{"#pin": "135790", "#pin2": "135790"})
		if loc := phone.location(); strings.Contains(loc, "/a/") || !strings.HasSuffix(loc, casePath) {
			t.Fatalf("resident %s landed at %s; the token must leave the address bar", who, loc)
		}
		phone.noHorizontalScroll("my case")
		phone.submit("form.stack button[type=submit]", map[string]string{"#body": bodies[who]})
		if got := phone.text("main"); !strings.Contains(got, bodies[who]) {
			t.Fatalf("resident %s does not see its own submission: %s", who, got)
		}
		phone.noHorizontalScroll("my case with a submission")
	}
	residents["A"].screenshot("phone-my-case")

	// Neither resident finds the other's submission on its page, by the API,
	// or by editing the URL.
	caseID, _ := mediation.ParseID(strings.TrimPrefix(casePath, "/cases/"))
	subs, _, err := a.DB.Submissions(store.SubmissionFilter{Case: caseID, Limit: 200})
	if err != nil || len(subs) != 2 {
		t.Fatalf("submissions in the store: %v %v", subs, err)
	}
	for _, who := range []string{"A", "B"} {
		phone := residents[who]
		other := "B"
		if who == "B" {
			other = "A"
		}
		var otherID string
		for _, s := range subs {
			if s.Body == bodies[other] {
				otherID = s.ID.String()
			}
		}
		phone.open(casePath)
		if strings.Contains(phone.text("main"), bodies[other]) {
			t.Fatalf("resident %s sees the other's submission on its page", who)
		}
		for _, path := range []string{
			"/api/v1/cases/" + strings.TrimPrefix(casePath, "/cases/") + "/submissions/" + otherID,
			casePath + "/submissions/" + otherID + "/release",
		} {
			phone.open(path)
			if body := phone.text("body"); strings.Contains(body, bodies[other]) || !strings.Contains(body, "404") && !strings.Contains(body, "not_found") {
				t.Fatalf("resident %s at %s: %s", who, path, body)
			}
		}
	}

	// The mediator sees both, side by side.
	desk.open(casePath)
	if n := desk.eval(`document.querySelectorAll('.columns .column').length`); n != float64(2) {
		t.Fatalf("mediator sees %v columns", n)
	}
	main := desk.text(".columns")
	for _, b := range bodies {
		if !strings.Contains(main, b) {
			t.Fatalf("mediator does not see %q side by side: %s", b, main)
		}
	}
	desk.screenshot("desktop-case")

	// English changes every label: no Chinese catalogue text is left on the
	// page, only what people wrote.
	href := desk.eval(`document.querySelector('a.lang').href`)
	desk.do(chromedp.Navigate(href.(string)))
	if lang := desk.eval(`document.documentElement.lang`); lang != "en" {
		t.Fatalf("lang after the switch: %v", lang)
	}
	page := desk.text("body")
	// Place names are configured data, not labels: they stay as written.
	var places []string
	for _, com := range mediation.DefaultPlaces().Communities {
		places = append(places, com.Name, com.Street)
	}
	for _, label := range chineseLabels(t) {
		if strings.Contains(page, label) && !slices.ContainsFunc(places, func(p string) bool { return strings.Contains(p, label) }) {
			t.Errorf("English page still shows the Chinese label %q", label)
		}
	}
	for _, want := range []string{"Parties", "Submissions, side by side", "Audit trail", "Sign out"} {
		if !strings.Contains(page, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	desk.screenshot("desktop-case-en")
	residents["B"].open(casePath)
	residents["B"].screenshot("phone-my-case-b")
}

// chineseLabels is every Chinese text of the catalogue long enough not to
// occur by chance in what people wrote.
func chineseLabels(t *testing.T) []string {
	var out []string
	for _, v := range pageCatalogue(t, "zh-Hans") {
		if !strings.Contains(v, "{{") && len([]rune(v)) >= 2 && regexp.MustCompile(`\p{Han}`).MatchString(v) {
			out = append(out, v)
		}
	}
	return out
}
