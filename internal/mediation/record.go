package mediation

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// The longest a record's texts may be, in characters.
const (
	MaxRecordNotes = 20000
	MaxRecordText  = 4000
)

// SessionRecord is the mediation record (调解笔录) of a held session: who
// attended, what was discussed and proposed, how it ended and what comes
// next. Only the case's mediators ever read it. It may be rewritten until the
// case closes; each version is audited, and Version counts them.
type SessionRecord struct {
	SessionID ID  `json:"session_id"`
	CaseID    ID  `json:"case_id"`
	Version   int `json:"version"`
	// Attendance says, for each party expected (every party of the case at
	// a joint session, the one party at a caucus), whether it came; keyed by
	// the party's ID.
	Attendance map[string]bool `json:"attendance"`
	Notes      string          `json:"notes"`
	Proposals  string          `json:"proposals"`
	Outcome    string          `json:"outcome"`
	NextSteps  string          `json:"next_steps"`
	UpdatedBy  ID              `json:"updated_by"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// RecordInput is what a mediator writes into a session's record.
type RecordInput struct {
	Attendance map[string]bool `json:"attendance"`
	Notes      string          `json:"notes" validate:"text,max=20000"`
	Proposals  string          `json:"proposals" validate:"text,max=4000"`
	Outcome    string          `json:"outcome" validate:"text,max=4000"`
	NextSteps  string          `json:"next_steps" validate:"text,max=4000"`
}

// NewRecord validates the input and returns the record of the held session
// s, written by the mediator by; expected are the parties whose attendance
// it states (each must be named, and no other).
func NewRecord(in RecordInput, s *Session, expected []ID, by ID, now time.Time) (*SessionRecord, error) {
	if s.Status != SessionHeld {
		return nil, Errorf(ECONFLICT, "error.record_not_held")
	}
	trim(&in.Notes, &in.Proposals, &in.Outcome, &in.NextSteps)
	if err := Validate(&in); err != nil {
		return nil, err
	}
	want := make([]string, len(expected))
	for i, id := range expected {
		want[i] = id.String()
	}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(in.Attendance)); !slices.Equal(got, want) {
		return nil, Invalid("attendance", "validation.attendance", "")
	}
	if strings.TrimSpace(in.Notes+in.Outcome) == "" {
		return nil, Invalid("notes", "validation.required", "")
	}
	return &SessionRecord{SessionID: s.ID, CaseID: s.CaseID, Attendance: in.Attendance, Notes: in.Notes,
		Proposals: in.Proposals, Outcome: in.Outcome, NextSteps: in.NextSteps, UpdatedBy: by, UpdatedAt: now}, nil
}

// Changed names the parts of the record that differ from old, for the audit
// trail (which never holds their text).
func (r *SessionRecord) Changed(old *SessionRecord) []string {
	if old == nil {
		return []string{"attendance", "next_steps", "notes", "outcome", "proposals"}
	}
	var out []string
	if !maps.Equal(r.Attendance, old.Attendance) {
		out = append(out, "attendance")
	}
	for _, f := range []struct {
		name     string
		was, now string
	}{{"next_steps", old.NextSteps, r.NextSteps}, {"notes", old.Notes, r.Notes},
		{"outcome", old.Outcome, r.Outcome}, {"proposals", old.Proposals, r.Proposals}} {
		if f.was != f.now {
			out = append(out, f.name)
		}
	}
	return out
}
