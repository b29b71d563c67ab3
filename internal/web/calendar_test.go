package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// parseFeed fetches an iCalendar as c and parses it with the library.
func parseFeed(t *testing.T, c *client, path string) (*ics.Calendar, []byte, http.Header) {
	t.Helper()
	resp, raw := c.send(t, "GET", path, nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("GET %s: parse: %v\n%s", path, err, raw)
	}
	return cal, raw, resp.Header
}

func prop(ev *ics.VEvent, p ics.ComponentProperty) string {
	if v := ev.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	inA := "/api/v1/cases/" + s.caseA + "/sessions"
	var joint, caucusA1, caucusA2 sessionJSON
	s.mediator.mustJSON("POST", inA, sessionBody("joint", "", 2, 2, "第一调解室"), http.StatusCreated, &joint)
	s.mediator.mustJSON("POST", inA, sessionBody("caucus", s.partyA1, 2, 4, "3号楼院子"), http.StatusCreated, &caucusA1)
	s.mediator.mustJSON("POST", inA, sessionBody("caucus", s.partyA2, 2, 6, "3号楼院子"), http.StatusCreated, &caucusA2)
	s.mediator.mustJSON("PATCH", inA+"/"+caucusA2.ID, map[string]string{"status": "cancelled", "reason": "钱丽出差"}, http.StatusOK, nil)
	var caseA struct{ Reference string }
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA, nil, http.StatusOK, &caseA)

	var feed struct{ URL string }
	s.mediator.mustJSON("POST", "/api/v1/calendar/feed", nil, http.StatusCreated, &feed)
	phone := s.app.client() // a phone's calendar: no login, only the address
	cal, raw, _ := parseFeed(t, phone, feed.URL)

	// No party's name, phone, address, words, nor the case's title.
	for _, hidden := range append([]string{titleA, nameA1, nameA2, "钱丽出差"}, everythingOfA...) {
		if strings.Contains(string(raw), hidden) {
			t.Errorf("the feed holds %q:\n%s", hidden, raw)
		}
	}
	want := map[string]struct {
		s      sessionJSON
		status string
	}{
		"session-" + joint.ID + "@tiaojie":    {joint, "CONFIRMED"},
		"session-" + caucusA1.ID + "@tiaojie": {caucusA1, "CONFIRMED"},
		"session-" + caucusA2.ID + "@tiaojie": {caucusA2, "CANCELLED"},
	}
	if n := len(cal.Events()); n != len(want) {
		t.Fatalf("%d events, want %d:\n%s", n, len(want), raw)
	}
	for _, ev := range cal.Events() {
		w, ok := want[ev.Id()]
		if !ok {
			t.Errorf("unexpected event %q", ev.Id())
			continue
		}
		start, err := ev.GetStartAt()
		wantStart, _ := time.Parse(time.RFC3339, w.s.StartsAt)
		if err != nil || !start.Equal(wantStart) {
			t.Errorf("%s: DTSTART %v (%v), want %v", ev.Id(), start, err, wantStart)
		}
		end, err := ev.GetEndAt()
		wantEnd, _ := time.Parse(time.RFC3339, w.s.EndsAt)
		if err != nil || !end.Equal(wantEnd) {
			t.Errorf("%s: DTEND %v (%v), want %v", ev.Id(), end, err, wantEnd)
		}
		if got := prop(ev, ics.ComponentPropertyLocation); got != w.s.Location {
			t.Errorf("%s: LOCATION %q, want %q", ev.Id(), got, w.s.Location)
		}
		if got := prop(ev, ics.ComponentPropertyStatus); got != w.status {
			t.Errorf("%s: STATUS %q, want %s", ev.Id(), got, w.status)
		}
		if got := prop(ev, ics.ComponentPropertySummary); !strings.Contains(got, caseA.Reference) {
			t.Errorf("%s: SUMMARY %q does not name case %s", ev.Id(), got, caseA.Reference)
		}
		if _, err := ev.GetDtStampTime(); err != nil {
			t.Errorf("%s: DTSTAMP: %v", ev.Id(), err)
		}
		if w.status == "CANCELLED" && prop(ev, ics.ComponentPropertySequence) != "1" {
			t.Errorf("%s: SEQUENCE %q after one change, want 1", ev.Id(), prop(ev, ics.ComponentPropertySequence))
		}
	}

	// The cookie feed is the same calendar.
	if cal, _, _ := parseFeed(t, s.mediator, "/api/v1/calendar.ics"); len(cal.Events()) != 3 {
		t.Errorf("calendar.ics: %d events, want 3", len(cal.Events()))
	}

	// A new address replaces the old, which then answers 404.
	var again struct{ URL string }
	s.mediator.mustJSON("POST", "/api/v1/calendar/feed", nil, http.StatusCreated, &again)
	if again.URL == feed.URL {
		t.Fatal("the rotated address is the old one")
	}
	if resp, _ := phone.send(t, "GET", feed.URL, nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the old address answers %d, want 404", resp.StatusCode)
	}
	parseFeed(t, phone, again.URL)
	if resp, _ := phone.send(t, "GET", strings.TrimSuffix(again.URL, ".ics"), nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the address without .ics answers %d", resp.StatusCode)
	}

	// A party downloads its own sessions: the joint one and its caucus.
	cal, raw, h := parseFeed(t, s.a1, "/api/v1/cases/"+s.caseA+"/sessions.ics")
	if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
	}
	var uids []string
	for _, ev := range cal.Events() {
		uids = append(uids, ev.Id())
	}
	if strings.Join(uids, " ") != "session-"+joint.ID+"@tiaojie session-"+caucusA1.ID+"@tiaojie" {
		t.Errorf("party A1's calendar holds %v", uids)
	}
	if strings.Contains(string(raw), nameA2) || strings.Contains(string(raw), nameA1) {
		t.Errorf("party A1's calendar names a party:\n%s", raw)
	}
}
