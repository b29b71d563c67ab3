package web_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// feedUIDs parses an iCalendar answer and returns its events' UIDs.
func feedUIDs(t *testing.T, raw []byte) []string {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse the feed: %v\n%s", err, raw)
	}
	var uids []string
	for _, ev := range cal.Events() {
		uids = append(uids, ev.Id())
	}
	slices.Sort(uids)
	return uids
}

// feedOf checks that an iCalendar answer holds exactly the named sessions.
func feedOf(who map[mxWho][]string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var want []string
		for _, sym := range who[p] {
			want = append(want, "session-"+w.id(t, sym)+"@tiaojie")
		}
		slices.Sort(want)
		if got := feedUIDs(t, raw); !slices.Equal(got, want) {
			t.Errorf("feed events %v, want %v", got, want)
		}
	}
}

// calendarMatrix is the table's rows for the calendars and feeds.
func calendarMatrix() map[string][]mxRow {
	setup := func(t *testing.T, w *mxWorld) { w.addSessions(t) }
	own := map[mxWho][]string{pMed: {"sessJA", "sessCA1", "sessCA2"}, pOther: {"sessJB"}}
	seen := map[mxWho][]string{pMed: {"sessJA", "sessCA1", "sessCA2"}, pOther: {"sessJB"},
		pA1: {"sessJA", "sessCA1"}, pA2: {"sessJA", "sessCA2"}, pB1: {"sessJB"}}
	return map[string][]mxRow{
		"GET /api/v1/cases/:case/deadlines": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}, check: deadlinesOf("A")},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}, check: deadlinesOf("B")},
		},
		"GET /api/v1/deadlines": {{name: "own cases", want: statuses{401, 403, 403, 200, 200, 403, 403, 403},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				deadlinesOf(map[mxWho]string{pMed: "A", pOther: "B"}[p])(t, w, p, raw)
			}}},
		"GET /api/v1/calendar": {{name: "own sessions, the coming week", setup: setup,
			want: statuses{401, 403, 403, 200, 200, 403, 403, 403},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				var l listOf[struct {
					Session       map[string]any `json:"session"`
					CaseReference string         `json:"case_reference"`
				}]
				mxDecode(t, raw, &l)
				var ids []map[string]any
				for _, it := range l.Items {
					ids = append(ids, it.Session)
					if it.CaseReference == "" {
						t.Errorf("calendar item without its case's reference: %s", raw)
					}
				}
				w.sameIDs(t, ids, own[p]...)
			}}},
		"GET /api/v1/calendar.ics": {{name: "own sessions", setup: setup,
			want: statuses{401, 403, 403, 200, 200, 403, 403, 403}, check: feedOf(own)}},
		"POST /api/v1/calendar/feed": {{name: "new address",
			want: statuses{401, 403, 403, 201, 201, 403, 403, 403},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				var out struct{ URL string }
				mxDecode(t, raw, &out)
				if !strings.HasPrefix(out.URL, "/feeds/") || !strings.HasSuffix(out.URL, ".ics") {
					t.Errorf("feed address %q", out.URL)
				}
			}}},
		// The secret in the address is the access: whoever holds it reads
		// wang's feed, signed in or not.
		"GET /feeds/:feed": {{name: "wang's feed", at: map[string]string{"feed": "feedWang"},
			setup: func(t *testing.T, w *mxWorld) {
				w.addSessions(t)
				var out struct{ URL string }
				w.mediator.mustJSON("POST", "/api/v1/calendar/feed", nil, http.StatusCreated, &out)
				w.extra["feedWang"] = strings.TrimPrefix(out.URL, "/feeds/")
			},
			want: allStatus(200), check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				feedOf(map[mxWho][]string{p: own[pMed]})(t, w, p, raw)
			}}},
		"GET /api/v1/cases/:case/sessions.ics": {
			{name: "case A", at: map[string]string{"case": "A"}, setup: setup,
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: feedOf(seen)},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: feedOf(seen)},
		},
	}
}

// deadlinesOf checks that the answer is the open term of the case alone.
func deadlinesOf(cs string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var l listOf[struct {
			CaseID string `json:"case_id"`
			Kind   string `json:"kind"`
			DueOn  string `json:"due_on"`
			Status string `json:"status"`
		}]
		mxDecode(t, raw, &l)
		if len(l.Items) != 1 || l.Items[0].CaseID != w.id(t, cs) || l.Items[0].Kind != "term" || l.Items[0].Status != "open" {
			t.Errorf("deadlines of case %s: %s", cs, raw)
		}
	}
}
