package web_test

import (
	"maps"
	"net/http"
	"testing"
	"time"
)

// slot is a time on the day after tomorrow (UTC), at the given hour, as the
// API writes it: an hour's session starting then.
func slot(day, hour int) (string, string) {
	d := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, day)
	start := d.Add(time.Duration(hour) * time.Hour)
	return start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)
}

func sessionBody(kind, party string, day, hour int, location string) map[string]string {
	start, end := slot(day, hour)
	b := map[string]string{"kind": kind, "starts_at": start, "ends_at": end, "location": location}
	if party != "" {
		b["party_id"] = party
	}
	return b
}

// addSessions schedules, through the API, a joint session and a caucus with
// each party in case A (by its mediator), and a joint session in case B,
// recorded as sessJA, sessCA1, sessCA2 and sessJB.
func (w *mxWorld) addSessions(t *testing.T) {
	t.Helper()
	for _, s := range []struct {
		sym  string
		by   *client
		cs   string
		body map[string]string
	}{
		{"sessJA", w.mediator, w.caseA, sessionBody("joint", "", 2, 2, "第一调解室")},
		{"sessCA1", w.mediator, w.caseA, sessionBody("caucus", w.partyA1, 2, 4, "第一调解室")},
		{"sessCA2", w.mediator, w.caseA, sessionBody("caucus", w.partyA2, 2, 6, "3号楼院子")},
		{"sessJB", w.other, w.caseB, sessionBody("joint", "", 2, 2, "社区会议室")},
	} {
		var out idOnly
		s.by.mustJSON("POST", "/api/v1/cases/"+s.cs+"/sessions", s.body, http.StatusCreated, &out)
		w.extra[s.sym] = out.ID
	}
}

// addRecords logs a held joint session in each case (sessHA, sessHB) and
// writes the record of each, as its case's mediator.
func (w *mxWorld) addRecords(t *testing.T) {
	t.Helper()
	for _, s := range []struct {
		sym  string
		by   *client
		cs   string
		body map[string]any
	}{
		{"sessHA", w.mediator, w.caseA, recordBody(w, "A")},
		{"sessHB", w.other, w.caseB, recordBody(w, "B")},
	} {
		held := sessionBody("joint", "", -1, 2, "3号楼院子")
		held["status"] = "held"
		var out idOnly
		s.by.mustJSON("POST", "/api/v1/cases/"+s.cs+"/sessions", held, http.StatusCreated, &out)
		w.extra[s.sym] = out.ID
		s.by.mustJSON("PUT", "/api/v1/cases/"+s.cs+"/sessions/"+out.ID+"/record", s.body, http.StatusOK, nil)
	}
	// Held caucuses with A1 and B1, whose records the page rows write.
	for sym, c := range map[string]struct {
		by        *client
		cs, party string
	}{"sessHCA1": {w.mediator, w.caseA, w.partyA1}, "sessHCB1": {w.other, w.caseB, w.partyB1}} {
		held := sessionBody("caucus", c.party, -1, 4, "3号楼院子")
		held["status"] = "held"
		var out idOnly
		c.by.mustJSON("POST", "/api/v1/cases/"+c.cs+"/sessions", held, http.StatusCreated, &out)
		w.extra[sym] = out.ID
	}
}

// recordBody is a record of a joint session of the case: every party there.
func recordBody(w *mxWorld, cs string) map[string]any {
	att := map[string]bool{w.partyA1: true, w.partyA2: false}
	if cs == "B" {
		att = map[string]bool{w.partyB1: true}
	}
	return map[string]any{"attendance": att, "notes": "双方陈述了意见。", "outcome": "约定下周再谈。"}
}

// sessionsCheck checks a session list: a party sees the joint sessions and
// its own caucus, and of them only time, place and status.
func sessionsCheck(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	items := mxItems(t, raw)
	w.sameIDs(t, items, map[mxWho][]string{pMed: {"sessJA", "sessCA1", "sessCA2"}, pOther: {"sessJB"},
		pA1: {"sessJA", "sessCA1"}, pA2: {"sessJA", "sessCA2"}, pB1: {"sessJB"}}[p]...)
	for _, it := range items {
		checkSessionView(t, p, it)
	}
}

func checkSessionView(t *testing.T, p mxWho, it map[string]any) {
	t.Helper()
	want := "full"
	if p >= pA1 {
		want = "overview"
		for _, k := range []string{"mediator_ids", "reason", "created_by", "room"} {
			if _, ok := it[k]; ok {
				t.Errorf("a party is shown the session's %s: %v", k, it)
			}
		}
	}
	if it["view"] != want {
		t.Errorf("session view %v, want %s", it["view"], want)
	}
}

func sameSession(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var it map[string]any
		mxDecode(t, raw, &it)
		if it["id"] != w.id(t, sym) {
			t.Errorf("answered session %v, want %s", it["id"], sym)
		}
		checkSessionView(t, p, it)
	}
}

// sessionMatrix is the table's rows for the session routes.
func sessionMatrix() map[string][]mxRow {
	const sessions = "/api/v1/cases/:case/sessions"
	const one = sessions + "/:session"
	setup := func(t *testing.T, w *mxWorld) { w.addSessions(t) }
	records := func(t *testing.T, w *mxWorld) { w.addSessions(t); w.addRecords(t) }
	const record = one + "/record"
	rows := map[string][]mxRow{
		// A second identical record changes nothing, so the rows do not
		// disturb one another.
		"PUT " + record: {
			{name: "held in A", at: map[string]string{"case": "A", "session": "sessHA"}, setup: records,
				body: func(w *mxWorld, _ mxWho) any { return recordBody(w, "A") },
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "held in B", at: map[string]string{"case": "B", "session": "sessHB"},
				body: func(w *mxWorld, _ mxWho) any { return recordBody(w, "B") },
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
			{name: "scheduled in A", at: map[string]string{"case": "A", "session": "sessJA"},
				body: func(w *mxWorld, _ mxWho) any { return recordBody(w, "A") },
				want: statuses{401, 403, 403, 409, 404, 403, 403, 403}},
			{name: "B's under case A", at: map[string]string{"case": "A", "session": "sessHB"},
				body: func(w *mxWorld, _ mxWho) any { return recordBody(w, "B") },
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},
		"GET " + record: {
			{name: "held in A", at: map[string]string{"case": "A", "session": "sessHA"}, setup: records,
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}, check: recordCheck("sessHA")},
			{name: "held in B", at: map[string]string{"case": "B", "session": "sessHB"},
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}, check: recordCheck("sessHB")},
			{name: "A's caucus, no record yet", at: map[string]string{"case": "A", "session": "sessCA1"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},
		// want: anonymous, admin, office, assigned mediator (of A),
		// unassigned mediator (of B only), A1, A2, B1.
		"POST " + sessions: {
			{name: "joint in A", at: map[string]string{"case": "A"},
				body: fixedBody(sessionBody("joint", "", 3, 2, "第一调解室")),
				want: statuses{401, 403, 403, 201, 404, 403, 403, 403}, check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					var it map[string]any
					mxDecode(t, raw, &it)
					checkSessionView(t, p, it)
				}},
			{name: "joint in B", at: map[string]string{"case": "B"},
				body: fixedBody(sessionBody("joint", "", 3, 2, "3号楼院子")),
				want: statuses{401, 403, 403, 404, 201, 403, 403, 403}},
			{name: "caucus in A with a party of B", at: map[string]string{"case": "A"},
				body: func(w *mxWorld, _ mxWho) any { return sessionBody("caucus", w.partyB1, 3, 6, "3号楼院子") },
				want: statuses{401, 403, 403, 422, 404, 403, 403, 403}},
		},
		"GET " + sessions: {
			{name: "case A", at: map[string]string{"case": "A"}, setup: setup,
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: sessionsCheck},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: sessionsCheck},
		},
		"GET " + one: {
			{name: "joint in A", at: map[string]string{"case": "A", "session": "sessJA"}, setup: setup,
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: sameSession("sessJA")},
			{name: "A1's caucus", at: map[string]string{"case": "A", "session": "sessCA1"},
				want: statuses{401, 403, 403, 200, 404, 200, 404, 404}, check: sameSession("sessCA1")},
			{name: "A2's caucus", at: map[string]string{"case": "A", "session": "sessCA2"},
				want: statuses{401, 403, 403, 200, 404, 404, 200, 404}, check: sameSession("sessCA2")},
			{name: "joint in B", at: map[string]string{"case": "B", "session": "sessJB"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: sameSession("sessJB")},
			{name: "B's under case A", at: map[string]string{"case": "A", "session": "sessJB"},
				want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
		},
		// Moving a session to where it is changes nothing the second time.
		"PATCH " + one: {
			{name: "joint in A", at: map[string]string{"case": "A", "session": "sessJA"}, setup: setup,
				body: fixedBody(map[string]string{"location": "第二调解室"}),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}, check: sameSession("sessJA")},
			{name: "A1's caucus", at: map[string]string{"case": "A", "session": "sessCA1"},
				body: fixedBody(map[string]string{"location": "社区会议室"}),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "joint in B", at: map[string]string{"case": "B", "session": "sessJB"},
				body: fixedBody(map[string]string{"location": "3号楼院子"}),
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
			{name: "B's under case A", at: map[string]string{"case": "A", "session": "sessJB"},
				body: fixedBody(map[string]string{"location": "3号楼院子"}),
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},
	}
	maps.Copy(rows, calendarMatrix())
	return rows
}

func recordCheck(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var r struct {
			SessionID string `json:"session_id"`
			Version   int    `json:"version"`
			Notes     string `json:"notes"`
		}
		mxDecode(t, raw, &r)
		if r.SessionID != w.id(t, sym) || r.Version != 1 || r.Notes == "" {
			t.Errorf("record %s: %s", sym, raw)
		}
	}
}
