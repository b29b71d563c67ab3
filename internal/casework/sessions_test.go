package casework_test

import (
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// The session operations read their input only once the principal may act,
// and a mediator who stepped aside books nothing more in the case, nor sees
// its sessions in its calendar.
func TestSessionsAfterTheDecision(t *testing.T) {
	w := newWorld(t)
	a, b, stranger := w.mediator("a.mediator"), w.mediator("b.mediator"), w.mediator("stranger")
	cs, applicant := w.dispute(a)
	read := false
	in := func(any) error { read = true; return mediation.Invalid("kind", "validation.required", "") }
	for _, tc := range []struct {
		name string
		p    mediation.Principal
		code string
	}{
		{"Anonymous", mediation.Principal{}, mediation.EUNAUTHORIZED},
		{"Admin", w.admin, mediation.EFORBIDDEN},
		{"Stranger", stranger, mediation.ENOTFOUND},
		{"Party", mediation.Principal{PartyID: applicant.ID, CaseID: cs.ID}, mediation.EFORBIDDEN},
	} {
		if _, err := w.cw.ScheduleSession(as(tc.p), cs.ID, in); mediation.ErrorCode(err) != tc.code || read {
			t.Errorf("%s: %v (input read: %v), want %s and unread", tc.name, err, read, tc.code)
		}
	}

	if _, err := w.cw.AssignMediator(as(a), cs.ID, mediation.Given(mediation.Assignment{UserID: b.UserID})); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(48 * time.Hour).Truncate(time.Hour)
	book := func(p mediation.Principal, hour int) error {
		s := start.Add(time.Duration(hour) * time.Hour)
		_, err := w.cw.ScheduleSession(as(p), cs.ID, mediation.Given(mediation.SessionInput{Kind: mediation.SessionJoint,
			StartsAt: s.Format(time.RFC3339), EndsAt: s.Add(time.Hour).Format(time.RFC3339), Location: "3号楼院子"}))
		return err
	}
	if err := book(b, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.cw.RemoveMediator(as(b), cs.ID, b.UserID, mediation.Given(mediation.Removal{Reason: "当事人申请回避"})); err != nil {
		t.Fatal(err)
	}
	if err := book(b, 2); mediation.ErrorCode(err) != mediation.ENOTFOUND {
		t.Errorf("booking after stepping aside: %v, want not found", err)
	}
	entries, err := w.cw.Calendar(b, mediation.Given(mediation.CalendarQuery{From: start.Add(-time.Hour), To: start.Add(24 * time.Hour)}))
	if err != nil || len(entries) != 0 {
		t.Errorf("calendar after stepping aside: %d entries, %v; want none", len(entries), err)
	}
}
