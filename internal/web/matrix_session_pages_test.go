package web_test

import (
	"strings"
	"testing"
	"time"
)

// localSlot is slot as a browser's datetime-local field writes it, in the
// pages' zone.
func localSlot(day, hour int) (string, string) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	start, end := slot(day, hour)
	s, _ := time.Parse(time.RFC3339, start)
	e, _ := time.Parse(time.RFC3339, end)
	return s.In(shanghai).Format("2006-01-02T15:04"), e.In(shanghai).Format("2006-01-02T15:04")
}

func sessionForm(day, hour int) func(*mxWorld, mxWho) any {
	return func(*mxWorld, mxWho) any {
		start, end := localSlot(day, hour)
		return map[string]string{"form": "session", "kind": "joint", "starts_at": start, "ends_at": end, "location": "3号楼院子"}
	}
}

// sessionStatusForm is the session page's status form, with a reason.
func sessionStatusForm(to string) func(*mxWorld, mxWho) any {
	return func(*mxWorld, mxWho) any {
		return map[string]string{"form": "status", "status": to, "reason": "当事人临时出差。"}
	}
}

// sessionMoveForm is the session page's form that moves a session.
func sessionMoveForm(day, hour int) func(*mxWorld, mxWho) any {
	return func(*mxWorld, mxWho) any {
		start, end := localSlot(day, hour)
		return map[string]string{"form": "move", "starts_at": start, "ends_at": end, "location": "社区会议室"}
	}
}

// sessionPageMatrix is the table's rows for the session pages.
func sessionPageMatrix() map[string][]mxRow {
	caseA, caseB := map[string]string{"case": "A"}, map[string]string{"case": "B"}
	records := func(t *testing.T, w *mxWorld) { w.addSessions(t); w.addRecords(t) }
	recordForm := func(party string) func(w *mxWorld, p mxWho) any {
		return func(w *mxWorld, p mxWho) any {
			id, _ := w.lookup(party)
			return map[string]string{"expected": id, "attended": id, "notes": "单独听取了意见。"}
		}
	}
	return map[string][]mxRow{
		"POST /cases/:case/sessions": {
			{name: "case A", at: caseA, body: sessionForm(3, 2), location: mxToCase("A"),
				setup: func(t *testing.T, w *mxWorld) { w.addSessions(t) },
				want:  statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "case B", at: caseB, body: sessionForm(3, 2), location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			// sessJA takes this hour: the form comes back with the refusal.
			{name: "double booking in A", at: caseA, body: sessionForm(2, 2),
				want: statuses{401, 403, 403, 409, 404, 403, 403, 403}},
			{name: "without CSRF token", at: caseA, body: sessionForm(4, 2), noCSRF: true, want: allStatus(403),
				errorGroup: "csrf"},
		},
		"GET /cases/:case/sessions/:session/record": {
			{name: "held in A", at: map[string]string{"case": "A", "session": "sessHA"}, setup: records,
				want: statuses{303, 403, 403, 200, 404, 403, 403, 403}},
			{name: "held in B", at: map[string]string{"case": "B", "session": "sessHB"},
				want: statuses{303, 403, 403, 404, 200, 403, 403, 403}},
			{name: "B's under case A", at: map[string]string{"case": "A", "session": "sessHB"},
				want: statuses{303, 403, 403, 404, 404, 403, 403, 403}},
		},
		"POST /cases/:case/sessions/:session/record": {
			{name: "A1's caucus", at: map[string]string{"case": "A", "session": "sessHCA1"}, setup: records,
				body: recordForm("A1"), location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "B1's caucus", at: map[string]string{"case": "B", "session": "sessHCB1"},
				body: recordForm("B1"), location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "without CSRF token", at: map[string]string{"case": "A", "session": "sessHCA1"},
				body: recordForm("A1"), noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"GET /cases/:case/sessions/:session": {
			{name: "joint in A", at: map[string]string{"case": "A", "session": "sessJA"},
				setup: func(t *testing.T, w *mxWorld) { w.addSessions(t) },
				want:  statuses{303, 403, 403, 200, 404, 403, 403, 403}},
			{name: "joint in B", at: map[string]string{"case": "B", "session": "sessJB"},
				want: statuses{303, 403, 403, 404, 200, 403, 403, 403}},
			{name: "B's under case A", at: map[string]string{"case": "A", "session": "sessJB"},
				want: statuses{303, 403, 403, 404, 404, 403, 403, 403}},
		},
		"POST /cases/:case/sessions/:session": {
			{name: "postpone A2's caucus", at: map[string]string{"case": "A", "session": "sessCA2"},
				setup: func(t *testing.T, w *mxWorld) { w.addSessions(t) },
				body:  sessionStatusForm("postponed"), location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "move B's joint session", at: map[string]string{"case": "B", "session": "sessJB"},
				body: sessionMoveForm(5, 2), location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "without CSRF token", at: map[string]string{"case": "A", "session": "sessCA2"},
				body: sessionStatusForm("cancelled"), noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /calendar/feed": {
			{name: "new address", want: statuses{401, 403, 403, 200, 200, 403, 403, 403},
				check: mxOnPage(func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					if !strings.Contains(string(raw), "/feeds/") {
						t.Errorf("no feed address on the page")
					}
				})},
			{name: "without CSRF token", noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"GET /calendar": {{name: "own week", setup: func(t *testing.T, w *mxWorld) { w.addSessions(t) },
			want: statuses{303, 403, 403, 200, 200, 403, 403, 403}}},
	}
}
