package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSessions drives the session pages in Chromium, on a desktop and
// on a phone: a mediator schedules a joint session and a caucus, is refused
// a double booking beside the start time, logs a held session and writes its
// record; each resident sees its own sessions only and takes them to a
// calendar; the week view fits a phone.
func TestBrowserSessions(t *testing.T) {
	t.Parallel()
	root := browser(t)
	sc := newParkingScene(t)
	a, med, password, cs, pA, pB := sc.a, sc.med, sc.password, sc.cs, sc.pA, sc.pB
	casePath := "/cases/" + cs.ID

	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 360, 740, true}} {
		t.Run(size.name, func(t *testing.T) {
			day := 2
			if size.mobile {
				day = 4
			}
			desk := newTab(t, root, a.HTTP.URL, "mediator "+size.name, size.width, size.height, size.mobile)
			desk.open("/login")
			desk.submit("form.stack button[type=submit]", map[string]string{"#username": "li.jing", "#password": password})
			schedule := func(kind, party string, d, hour int, place, status string) {
				t.Helper()
				desk.open(casePath)
				desk.do(chromedp.Click(chromedp.CSS("details.onbehalf:has(#schedule) summary")))
				start, end := localSlot(d, hour)
				fields := map[string]string{"#s-kind": kind, "#s-party": party, "#s-start": start, "#s-end": end,
					"#s-loc": place, "#s-status": status}
				desk.submit("#schedule button[type=submit]", fields)
			}
			schedule("joint", "", day, 2, "第一调解室", "scheduled")
			schedule("caucus", pA.ID, day, 4, "3号楼院子", "scheduled")
			// The desktop run books two, the phone's two more.
			if n := desk.eval(`document.querySelectorAll('article.session').length`); n != float64(2+3*boolInt(size.mobile)) {
				t.Errorf("%v sessions listed", n)
			}
			// The same hour again: refused, beside the start time.
			schedule("joint", "", day, 2, "社区会议室", "scheduled")
			if got := desk.text("#s-start-error"); !strings.Contains(got, "调解员在这个时段已有另一场会谈") {
				t.Errorf("the refusal beside the start: %q", got)
			}
			if open := desk.eval(`document.querySelector('#schedule').closest('details').open`); open != true {
				t.Error("the form with the refusal is closed")
			}
			if open := desk.eval(`document.querySelector('form[action$="/submissions"]').closest('details').open`); open != false {
				t.Error("the refusal of a booking opens the submission form too")
			}
			desk.noHorizontalScroll("case page with a refused booking")
			desk.screenshot(size.name + "-session-refused")

			// The caucus just booked with 赵明: postponed on the desk, moved
			// to a later hour on the phone.
			desk.open(casePath)
			change := desk.eval(`[...document.querySelectorAll('article.session')].find(a =>
				a.querySelector('h3').textContent.includes('赵明') && a.textContent.includes('已安排'))
				.querySelector('a:not([href$="/record"])').href`)
			desk.do(chromedp.Navigate(change.(string)))
			if size.mobile {
				start, end := localSlot(day, 7)
				desk.submit("#move button[type=submit]", map[string]string{"#m-start": start, "#m-end": end, "#m-loc": "社区会议室"})
			} else {
				// Postponing needs a reason: refused beside it, the choice kept.
				desk.do(chromedp.Click(chromedp.CSS(`input[name=status][value=postponed]`)))
				desk.follow(chromedp.Click(chromedp.CSS("#status button[type=submit]")))
				if got := desk.text("#status .field-error"); got == "" {
					t.Error("postponing without a reason: no message beside the reason")
				}
				if kept := desk.eval(`document.querySelector('input[name=status][value=postponed]').checked`); kept != true {
					t.Error("the refused form forgot the chosen status")
				}
				desk.noHorizontalScroll("session page with a refusal")
				desk.screenshot(size.name + "-session-change-refused")
				desk.submit("#status button[type=submit]", map[string]string{"#st-reason": "赵明临时出差，另约时间。"})
			}
			// The query carries only the flash message's key.
			if !regexp.MustCompile(`^` + regexp.QuoteMeta(a.HTTP.URL+casePath) + `(\?done=\w+)?#session-`).MatchString(desk.location()) {
				t.Fatalf("after changing the caucus at %s: %s", desk.location(), desk.text("main"))
			}
			if size.mobile {
				if got := desk.text(`article.session:target`); !strings.Contains(got, "社区会议室") || !strings.Contains(got, "已安排") {
					t.Errorf("the moved caucus: %s", got)
				}
			} else if got := desk.text(`article.session:target`); !strings.Contains(got, "已延期") || !strings.Contains(got, "另约时间") {
				t.Errorf("the postponed caucus: %s", got)
			}

			// A talk in the courtyard yesterday, logged, and its record.
			schedule("joint", "", -1, 2+day, "3号楼院子", "held")
			desk.follow(chromedp.Click(chromedp.CSS(`a[href$="/record"]`)))
			desk.do(chromedp.Click(chromedp.CSS(`input[name=attended][value="` + pA.ID + `"]`)))
			desk.noHorizontalScroll("record form")
			desk.submit("form.stack button[type=submit]", map[string]string{"#notes": "赵明到场陈述，钱丽未到。",
				"#outcome": "约定下周再谈。"})
			if !strings.HasPrefix(desk.location(), a.HTTP.URL+casePath) {
				t.Fatalf("after the record at %s: %s", desk.location(), desk.text("main"))
			}
			desk.noHorizontalScroll("case page with sessions")
			desk.screenshot(size.name + "-case-sessions")

			desk.open("/calendar")
			week := desk.text("ol.week")
			if !strings.Contains(week, cs.Reference) || strings.Contains(week, "赵明") {
				t.Errorf("the week: %s", week)
			}
			desk.follow(chromedp.Click(chromedp.CSS(`form[action="/calendar/feed"] button`)))
			feed := desk.text(".link code")
			if !strings.Contains(feed, "/feeds/") || !strings.HasSuffix(feed, ".ics") {
				t.Errorf("feed address %q", feed)
			}
			desk.noHorizontalScroll("week")
			desk.screenshot(size.name + "-week")
			href := desk.eval(`document.querySelector('a.lang').href`)
			desk.do(chromedp.Navigate(href.(string)))
			desk.noHorizontalScroll("week in English")
			desk.screenshot(size.name + "-week-en")
			desk.open(casePath)
			desk.screenshot(size.name + "-case-sessions-en")
		})
	}

	// A caucus with 钱丽 only: 赵明 must never see it.
	med.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/sessions", sessionBody("caucus", pB.ID, 5, 6, "第二调解室"), http.StatusCreated, nil)
	for _, r := range []struct {
		who, link, own, other string
	}{{"A", pA.Invitation.URL, "赵明", "第二调解室"}, {"B", pB.Invitation.URL, "钱丽", "never"}} {
		phone := newTab(t, root, a.HTTP.URL, "resident "+r.who, 360, 740, true)
		phone.open(r.link)
		// The first entry sets the party's PIN.
		phone.submit("form.stack button[type=submit]", map[string]string{"#pin": "246801", "#pin2": "246801"})
		sessions := phone.text("section[aria-labelledby=sessions-h]")
		if strings.Contains(sessions, r.other) {
			t.Errorf("resident %s sees another party's caucus: %s", r.who, sessions)
		}
		// 赵明's postponed caucus shows as postponed, without the mediators'
		// reason.
		if r.who == "A" && (!strings.Contains(sessions, "已延期") || strings.Contains(sessions, "另约时间")) {
			t.Errorf("resident A's postponed caucus: %s", sessions)
		}
		if !strings.Contains(sessions, "联合会谈") || strings.Contains(sessions, "赵明") || strings.Contains(sessions, "钱丽") {
			t.Errorf("resident %s's sessions: %s", r.who, sessions)
		}
		// Adding them to a calendar: the link is this party's iCalendar.
		ics := phone.eval(`(() => { const x = new XMLHttpRequest();
			x.open('GET', document.querySelector('a[href$="sessions.ics"]').href, false); x.send(); return x.responseText })()`)
		if s, _ := ics.(string); !strings.HasPrefix(s, "BEGIN:VCALENDAR") || strings.Contains(s, "赵明") || strings.Contains(s, r.other) {
			t.Errorf("resident %s's calendar: %v", r.who, ics)
		}
		phone.noHorizontalScroll("my sessions")
		phone.screenshot("phone-my-sessions-" + r.who)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
