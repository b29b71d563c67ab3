package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

type sessionJSON struct {
	ID          string   `json:"id"`
	CaseID      string   `json:"case_id"`
	Kind        string   `json:"kind"`
	PartyID     string   `json:"party_id"`
	StartsAt    string   `json:"starts_at"`
	EndsAt      string   `json:"ends_at"`
	Location    string   `json:"location"`
	Status      string   `json:"status"`
	Reason      string   `json:"reason"`
	MediatorIDs []string `json:"mediator_ids"`
	View        string   `json:"view"`
}

type clashAnswer struct {
	Error struct {
		Code     string            `json:"code"`
		Fields   map[string]string `json:"fields"`
		Allowed  []string          `json:"allowed"`
		Conflict *struct {
			With      string `json:"with"`
			StartsAt  string `json:"starts_at"`
			EndsAt    string `json:"ends_at"`
			SessionID string `json:"session_id"`
			CaseID    string `json:"case_id"`
		} `json:"conflict"`
	} `json:"error"`
}

// refused sends a booking that must be refused as a double booking with the
// given thing, and returns the refusal.
func refused(t *testing.T, c *client, method, path string, body any, with string) clashAnswer {
	t.Helper()
	status, raw := c.do(method, path, body)
	if status != http.StatusConflict {
		t.Fatalf("%s %s: status %d, want 409: %s", method, path, status, raw)
	}
	var a clashAnswer
	mustUnmarshal(t, raw, &a)
	if a.Error.Code != "conflict" || a.Error.Conflict == nil || a.Error.Conflict.With != with {
		t.Fatalf("%s %s: want a double booking with a %s: %s", method, path, with, raw)
	}
	if len(a.Error.Fields) != 1 {
		t.Errorf("the refusal names %v, want one field to show it beside", a.Error.Fields)
	}
	return a
}

func TestSessionDoubleBooking(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	inA, inB := "/api/v1/cases/"+s.caseA+"/sessions", "/api/v1/cases/"+s.caseB+"/sessions"
	var joint sessionJSON
	s.mediator.mustJSON("POST", inA, sessionBody("joint", "", 2, 2, "第一调解室"), http.StatusCreated, &joint)
	if joint.Status != "scheduled" || joint.View != "full" || len(joint.MediatorIDs) != 1 ||
		joint.MediatorIDs[0] != s.mediatorUser.ID.String() {
		t.Fatalf("scheduled: %+v", joint)
	}

	t.Run("MediatorInTheSameCase", func(t *testing.T) {
		a := refused(t, s.mediator, "POST", inA, sessionBody("caucus", s.partyA1, 2, 2, "3号楼院子"), "mediator")
		if a.Error.Conflict.SessionID != joint.ID || a.Error.Conflict.CaseID != s.caseA {
			t.Errorf("the mediator may see the session in the way, but is not told which: %+v", a.Error.Conflict)
		}
		if _, ok := a.Error.Fields["mediator_ids"]; !ok {
			t.Errorf("fields %v", a.Error.Fields)
		}
	})
	t.Run("RoomAcrossCasesShowsOnlyTheTime", func(t *testing.T) {
		status, raw := s.other.do("POST", inB, sessionBody("joint", "", 2, 2, "第一调解室"))
		if status != http.StatusConflict {
			t.Fatalf("status %d: %s", status, raw)
		}
		var a clashAnswer
		mustUnmarshal(t, raw, &a)
		c := a.Error.Conflict
		if c == nil || c.With != "room" || c.SessionID != "" || c.CaseID != "" || c.StartsAt != joint.StartsAt || c.EndsAt != joint.EndsAt {
			t.Errorf("another case's session must show its time only: %s", raw)
		}
		for _, hidden := range append([]string{titleA, nameA1, nameA2, `"` + joint.ID + `"`}, everythingOfA...) {
			if strings.Contains(string(raw), hidden) {
				t.Errorf("the refusal shows %q of case A: %s", hidden, raw)
			}
		}
	})
	t.Run("PartyOfAJointSession", func(t *testing.T) {
		s.app.user("mediator", "zhang.wei")
		var zhang struct {
			Items []struct {
				ID       string `json:"id"`
				Username string `json:"username"`
			} `json:"items"`
		}
		s.admin.mustJSON("GET", "/api/v1/users", nil, http.StatusOK, &zhang)
		var zid string
		for _, u := range zhang.Items {
			if u.Username == "zhang.wei" {
				zid = u.ID
			}
		}
		s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/mediators", map[string]string{"user_id": zid}, http.StatusOK, nil)
		body := map[string]any{"kind": "caucus", "party_id": s.partyA2, "location": "3号楼院子", "mediator_ids": []string{zid}}
		start, end := slot(2, 2)
		body["starts_at"], body["ends_at"] = start, end
		refused(t, s.mediator, "POST", inA, body, "party")
		// An hour later, when the joint session has ended, the party is free.
		body["starts_at"], body["ends_at"] = slot(2, 3)
		s.mediator.mustJSON("POST", inA, body, http.StatusCreated, nil)
	})
	t.Run("MediatorAcrossCases", func(t *testing.T) {
		s.other.mustJSON("POST", "/api/v1/cases/"+s.caseB+"/mediators", map[string]string{"user_id": s.mediatorUser.ID.String()}, http.StatusOK, nil)
		body := map[string]any{"kind": "joint", "location": "社区会议室", "mediator_ids": []string{s.mediatorUser.ID.String()}}
		body["starts_at"], body["ends_at"] = slot(2, 2)
		a := refused(t, s.other, "POST", inB, body, "mediator")
		if a.Error.Conflict.SessionID != "" {
			t.Errorf("li may not see case A's session, but is told its ID: %+v", a.Error.Conflict)
		}
		// wang, mediator of both cases, is told which.
		a = refused(t, s.mediator, "POST", inB, body, "mediator")
		if a.Error.Conflict.SessionID != joint.ID {
			t.Errorf("wang may see the session in the way: %+v", a.Error.Conflict)
		}
	})
	t.Run("BackToBackIsNoOverlap", func(t *testing.T) {
		s.mediator.mustJSON("POST", inA, sessionBody("joint", "", 2, 1, "第一调解室"), http.StatusCreated, nil)
	})
	t.Run("RescheduleOntoATakenSlot", func(t *testing.T) {
		var later sessionJSON
		s.mediator.mustJSON("POST", inA, sessionBody("caucus", s.partyA1, 2, 8, "第一调解室"), http.StatusCreated, &later)
		start, end := slot(2, 2)
		refused(t, s.mediator, "PATCH", inA+"/"+later.ID, map[string]string{"starts_at": start, "ends_at": end}, "mediator")
		start, end = slot(2, 9)
		var moved sessionJSON
		s.mediator.mustJSON("PATCH", inA+"/"+later.ID, map[string]string{"starts_at": start, "ends_at": end}, http.StatusOK, &moved)
		if moved.StartsAt != start || moved.EndsAt != end {
			t.Errorf("rescheduled to %s–%s, want %s–%s", moved.StartsAt, moved.EndsAt, start, end)
		}
	})
	t.Run("CancelledFreesTheSlot", func(t *testing.T) {
		status, raw := s.mediator.do("PATCH", inA+"/"+joint.ID, map[string]string{"status": "cancelled"})
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), `"reason"`) {
			t.Fatalf("cancelling without a reason: %d %s", status, raw)
		}
		var cancelled sessionJSON
		s.mediator.mustJSON("PATCH", inA+"/"+joint.ID, map[string]string{"status": "cancelled", "reason": "当事人生病"}, http.StatusOK, &cancelled)
		if cancelled.Status != "cancelled" || cancelled.Reason != "当事人生病" {
			t.Fatalf("cancelled: %+v", cancelled)
		}
		s.other.mustJSON("POST", inB, sessionBody("joint", "", 2, 2, "第一调解室"), http.StatusCreated, nil)
		// A cancelled session stays cancelled.
		status, raw = s.mediator.do("PATCH", inA+"/"+joint.ID, map[string]string{"status": "scheduled"})
		var a clashAnswer
		mustUnmarshal(t, raw, &a)
		if status != http.StatusConflict || len(a.Error.Allowed) != 0 {
			t.Errorf("reopening a cancelled session: %d %s", status, raw)
		}
	})
	t.Run("PostponedWithReason", func(t *testing.T) {
		var later sessionJSON
		s.mediator.mustJSON("POST", inA, sessionBody("caucus", s.partyA2, 3, 2, "3号楼院子"), http.StatusCreated, &later)
		var p sessionJSON
		s.mediator.mustJSON("PATCH", inA+"/"+later.ID, map[string]string{"status": "postponed", "reason": "调解员出差"}, http.StatusOK, &p)
		if p.Status != "postponed" {
			t.Fatalf("postponed: %+v", p)
		}
		start, end := slot(4, 2)
		s.mediator.mustJSON("PATCH", inA+"/"+later.ID, map[string]string{"starts_at": start, "ends_at": end}, http.StatusOK, &p)
		if p.Status != "scheduled" || p.StartsAt != start {
			t.Errorf("a postponed session given a new time is scheduled again: %+v", p)
		}
	})
	t.Run("HeldOnlyOnceStarted", func(t *testing.T) {
		var later sessionJSON
		s.mediator.mustJSON("POST", inA, sessionBody("caucus", s.partyA2, 5, 2, "3号楼院子"), http.StatusCreated, &later)
		status, raw := s.mediator.do("PATCH", inA+"/"+later.ID, map[string]string{"status": "held"})
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), `"starts_at"`) {
			t.Errorf("held before it started: %d %s", status, raw)
		}
		var held sessionJSON
		s.mediator.mustJSON("POST", inA, sessionBody("joint", "", -1, 2, "3号楼院子"), http.StatusUnprocessableEntity, nil)
		body := sessionBody("joint", "", -1, 2, "3号楼院子")
		body["status"] = "held"
		s.mediator.mustJSON("POST", inA, body, http.StatusCreated, &held)
		if held.Status != "held" {
			t.Errorf("logged: %+v", held)
		}
	})
}

// TestSessionRace sends bookings of one slot at once: the check and the
// write are one transaction, so exactly one is stored.
func TestSessionRace(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	const n = 12
	for _, tc := range []struct {
		name string
		body func(i int) map[string]string
	}{
		{"SameMediator", func(i int) map[string]string { return sessionBody("joint", "", 2, 2, "3号楼院子") }},
		{"SameParty", func(i int) map[string]string { return sessionBody("caucus", s.partyA1, 2, 5, "3号楼院子") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			codes := make([]int, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					j, _ := json.Marshal(tc.body(i))
					req, _ := http.NewRequest("POST", s.app.HTTP.URL+"/api/v1/cases/"+s.caseA+"/sessions", bytes.NewReader(j))
					req.Header.Set("Content-Type", "application/json")
					<-start
					resp, err := s.mediator.http.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
					codes[i] = resp.StatusCode
				})
			}
			close(start)
			wg.Wait()
			created, refused := 0, 0
			for _, c := range codes {
				switch c {
				case http.StatusCreated:
					created++
				case http.StatusConflict:
					refused++
				}
			}
			if created != 1 || refused != n-1 {
				t.Errorf("answers %v: %d created, %d refused; want exactly one created", codes, created, refused)
			}
		})
	}
	var list struct{ Items []sessionJSON }
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/sessions", nil, http.StatusOK, &list)
	if len(list.Items) != 2 {
		t.Errorf("%d sessions stored, want 2", len(list.Items))
	}
}

func TestSessionRecord(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	inA := "/api/v1/cases/" + s.caseA + "/sessions"
	var caucus, joint sessionJSON
	s.mediator.mustJSON("POST", inA, sessionBody("caucus", s.partyA1, 2, 2, "3号楼院子"), http.StatusCreated, &caucus)
	held := sessionBody("joint", "", -1, 2, "第一调解室")
	held["status"] = "held"
	s.mediator.mustJSON("POST", inA, held, http.StatusCreated, &joint)

	// A scheduled session has no record until it is held.
	caucusRecord := map[string]any{"attendance": map[string]bool{s.partyA1: true}, "notes": "单独听取了赵明的意见。"}
	status, raw := s.mediator.do("PUT", inA+"/"+caucus.ID+"/record", caucusRecord)
	if status != http.StatusConflict {
		t.Errorf("record of a scheduled session: %d %s", status, raw)
	}
	// A caucus's attendance names its one party.
	status, _ = s.mediator.do("PUT", inA+"/"+joint.ID+"/record", caucusRecord)
	if status != http.StatusUnprocessableEntity {
		t.Errorf("a joint session's record naming one party of two: %d", status)
	}

	type record struct {
		Version    int             `json:"version"`
		Attendance map[string]bool `json:"attendance"`
		Outcome    string          `json:"outcome"`
	}
	body := map[string]any{"attendance": map[string]bool{s.partyA1: true, s.partyA2: false},
		"notes": "赵明到场，钱丽未到。", "outcome": "改期再谈。"}
	var r record
	s.mediator.mustJSON("PUT", inA+"/"+joint.ID+"/record", body, http.StatusOK, &r)
	if r.Version != 1 || !r.Attendance[s.partyA1] || r.Attendance[s.partyA2] {
		t.Fatalf("first version: %+v", r)
	}
	s.mediator.mustJSON("PUT", inA+"/"+joint.ID+"/record", body, http.StatusOK, &r)
	if r.Version != 1 {
		t.Errorf("the same record again made version %d", r.Version)
	}
	body["outcome"] = "双方同意下周三再谈。"
	s.mediator.mustJSON("PUT", inA+"/"+joint.ID+"/record", body, http.StatusOK, &r)
	s.mediator.mustJSON("GET", inA+"/"+joint.ID+"/record", nil, http.StatusOK, &r)
	if r.Version != 2 || r.Outcome != "双方同意下周三再谈。" {
		t.Errorf("second version: %+v", r)
	}

	// Each change is audited, naming the parts changed, never their text.
	var trail struct {
		Items []struct {
			Action string            `json:"action"`
			Object string            `json:"object"`
			Detail map[string]string `json:"detail"`
		} `json:"items"`
	}
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/audit?limit=200", nil, http.StatusOK, &trail)
	var changes []string
	for _, e := range trail.Items {
		if e.Action == "record.write" && e.Object == "session:"+joint.ID {
			changes = append(changes, e.Detail["version"]+":"+e.Detail["changed"])
		}
	}
	if strings.Join(changes, " ") != "2:outcome 1:attendance,next_steps,notes,outcome,proposals" &&
		strings.Join(changes, " ") != "1:attendance,next_steps,notes,outcome,proposals 2:outcome" {
		t.Errorf("record changes audited as %q", changes)
	}
	_, raw = s.mediator.do("GET", "/api/v1/cases/"+s.caseA+"/audit?limit=200", nil)
	if strings.Contains(string(raw), "改期") || strings.Contains(string(raw), "下周三") {
		t.Errorf("the audit trail holds the record's text")
	}

	// No party reads it, not even one who attended; nor sees it in a
	// session's answer.
	for _, c := range []*client{s.a1, s.a2, s.b1} {
		if status, _ := c.do("GET", inA+"/"+joint.ID+"/record", nil); status != http.StatusForbidden {
			t.Errorf("a party reading the record: %d", status)
		}
		_, raw := c.do("GET", inA+"/"+joint.ID, nil)
		if strings.Contains(string(raw), "下周三") {
			t.Errorf("a party's session answer holds the record: %s", raw)
		}
	}

	// Once the case is closed the record is kept as it is.
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/transitions", map[string]string{"to": "withdrawn", "reason": "申请人撤回"}, http.StatusOK, nil)
	if status, raw := s.mediator.do("PUT", inA+"/"+joint.ID+"/record", body); status != http.StatusConflict {
		t.Errorf("record of a withdrawn case's session: %d %s", status, raw)
	}
}
