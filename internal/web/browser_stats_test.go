package web_test

import (
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// TestBrowserOffice: the street office reads October's tables on a phone
// and at a desk, in Chinese and in English, without sideways scrolling;
// withheld cells show a dash, and both charts are drawn.
func TestBrowserOffice(t *testing.T) {
	t.Parallel()
	root := browser(t)
	w := newStatsWorld(t)
	w.app.DB.Now = time.Now // sign-ins at the real time: the browser's cookies keep to it
	_, password := w.app.user(mediation.RoleOffice, "jiedao")
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 360, 740, true}, {"desktop", 1280, 900, false}} {
		tb := newTab(t, root, w.app.HTTP.URL, "office-"+size.name, size.width, size.height, size.mobile)
		tb.open("/login")
		tb.submit("form.stack button[type=submit]", map[string]string{"#username": "jiedao", "#password": password})
		for _, lang := range []string{"zh-Hans", "en"} {
			tb.open("/lang?to=" + lang + "&back=/office")
			tb.open("/office?period=2026-10")
			if got := tb.text("h1"); !strings.Contains(got, map[string]string{"zh-Hans": "街道", "en": "Street office"}[lang]) {
				t.Errorf("%s %s: heading %q", size.name, lang, got)
			}
			if n := tb.eval(`document.querySelectorAll('svg.chart').length`); n != float64(2) {
				t.Errorf("%s %s: %v charts, want 2", size.name, lang, n)
			}
			if n := tb.eval(`document.querySelectorAll('table.stats-table').length`); n != float64(8) {
				t.Errorf("%s %s: %v tables, want 8", size.name, lang, n)
			}
			if n := tb.eval(`document.querySelectorAll('td[data-suppressed]').length`); n == float64(0) {
				t.Errorf("%s %s: no withheld cell shown", size.name, lang)
			}
			tb.noHorizontalScroll("/office " + lang)
			tb.screenshot("office-" + size.name + "-" + lang)
		}
	}
}
