package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// TestBrowserAttachPhoto drives the attachment form in Chromium: a resident,
// on a phone, attaches a photo (a portrait taken sideways, with EXIF and a
// script after it) to its submission and sees its preview, upright; the
// mediator sees the preview beside the submission's text on the case page.
func TestBrowserAttachPhoto(t *testing.T) {
	t.Parallel()
	root := browser(t)
	a := newApp(t)
	desk := a.client()
	_, password := a.user(mediation.RoleMediator, "wang.fang")
	desk.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang.fang", "password": password}, http.StatusOK, nil)
	var cs idOnly
	desk.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "地下车位被占用", "category": "parking",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
	var pt partyCreated
	desk.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": "赵明", "kind": "person",
		"side": "applicant"}, http.StatusCreated, &pt)

	// A sensor's landscape frame of a portrait photo: orientation 6.
	photo := filepath.Join(t.TempDir(), "IMG_20261130_081500.jpg")
	if err := os.WriteFile(photo, evidencetest.PhonePhoto(evidencetest.Picture(1200, 900, true), 90, 6), 0o600); err != nil {
		t.Fatal(err)
	}

	phone := newTab(t, root, a.HTTP.URL, "resident", 360, 740, true)
	phone.do(chromedp.Navigate(a.HTTP.URL + pt.Invitation.URL))
	phone.submit("form.stack button[type=submit]", map[string]string{"#pin": "135790", "#pin2": "135790"})
	body := "B2-117 车位被占用，照片是今天早上拍的。"
	phone.submit("form.stack button[type=submit]", map[string]string{"#body": body})
	if accept := phone.eval(`document.querySelector('form.attach input[type=file]').accept`); accept != "image/*,application/pdf" {
		t.Fatalf("the file input accepts %v", accept)
	}
	phone.do(chromedp.SetUploadFiles(chromedp.CSS("form.attach input[type=file]"), []string{photo}))
	phone.follow(chromedp.Click(chromedp.CSS("form.attach button[type=submit]")))
	preview := `(() => { const img = document.querySelector('article.submission .evidence img');
		return img && img.complete ? [img.naturalWidth, img.naturalHeight] : null })()`
	got := loaded(phone, preview)
	dims, ok := got.([]any)
	// Upright: the portrait's preview is 240 × 320.
	if !ok || len(dims) != 2 || dims[0] != float64(240) || dims[1] != float64(320) {
		t.Fatalf("the resident's preview: %v: %s", got, phone.text("main"))
	}
	phone.noHorizontalScroll("my case with a photo")
	phone.screenshot("phone-attachment")
	// The preview opens the photo itself, which shows though it is served
	// in a sandbox.
	href := phone.eval(`document.querySelector('article.submission .evidence a.photo').href`)
	phone.do(chromedp.Navigate(href.(string)))
	full := `(() => { const img = document.images[0]; return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null })()`
	var shown any
	for range 50 {
		if shown = phone.eval(full); shown != nil {
			break
		}
		phone.do(chromedp.Sleep(100 * time.Millisecond))
	}
	if d, ok := shown.([]any); !ok || d[0] != float64(900) || d[1] != float64(1200) {
		t.Errorf("the photo opened from its preview: %v", shown)
	}
	phone.open("/cases/" + cs.ID)
	phone.open("/lang?to=en")
	phone.open("/cases/" + cs.ID)
	if !strings.Contains(phone.text("form.attach"), "Add a photo or PDF") {
		t.Errorf("the English form: %s", phone.text("form.attach"))
	}
	phone.noHorizontalScroll("my case with a photo, in English")
	phone.screenshot("phone-attachment-en")

	// The mediator sees it beside the text, at desktop and at phone size.
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 360, 740, true}} {
		m := newTab(t, root, a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile)
		m.open("/login")
		m.submit("form.stack button[type=submit]", map[string]string{"#username": "wang.fang", "#password": password})
		m.open("/cases/" + cs.ID)
		beside := m.eval(`(() => { const a = document.querySelector('article.submission .evidence img').closest('article');
			return a.querySelector('.body').textContent })()`)
		if beside != body {
			t.Errorf("%s: the preview is not beside the text: %v", size.name, beside)
		}
		if got, ok := loaded(m, preview).([]any); !ok || len(got) != 2 || got[0] != float64(240) {
			t.Errorf("%s: the mediator's preview did not load: %v", size.name, got)
		}
		m.noHorizontalScroll("case page with a photo")
		m.screenshot(size.name + "-case-attachment")
	}
}

// loaded waits (a few seconds at most) for the first preview on the page to
// have loaded, scrolled into view (previews load lazily), and returns what
// measure says of it, or nil.
func loaded(tb *tab, measure string) any {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS("article.submission .evidence img")))
	tb.eval(`document.querySelector('article.submission .evidence img').scrollIntoView()`)
	for range 50 {
		if got := tb.eval(measure); got != nil {
			return got
		}
		tb.do(chromedp.Sleep(100 * time.Millisecond))
	}
	return nil
}
