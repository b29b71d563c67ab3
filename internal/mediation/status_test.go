package mediation_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

var (
	opened = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	moved  = time.Date(2026, 3, 20, 15, 30, 0, 0, time.UTC)
	// fullFile has what closing a case needs.
	fullFile = mediation.CaseFile{Applicants: 1, Respondents: 2}
)

// legal is the status machine as the product defines it, written out here
// independently of the code.
var legal = map[mediation.Status][]mediation.Status{
	mediation.StatusIntake:      {mediation.StatusMediating, mediation.StatusWithdrawn},
	mediation.StatusMediating:   {mediation.StatusAgreement, mediation.StatusNoAgreement, mediation.StatusWithdrawn},
	mediation.StatusAgreement:   {mediation.StatusClosed},
	mediation.StatusNoAgreement: {mediation.StatusClosed},
	mediation.StatusWithdrawn:   {mediation.StatusClosed},
	mediation.StatusClosed:      {mediation.StatusMediating},
}

func caseIn(s mediation.Status) *mediation.Case {
	c := &mediation.Case{ID: 42, Title: "楼上漏水", Status: s, Mediators: []mediation.ID{7},
		OpenedAt: opened, UpdatedAt: opened}
	if s == mediation.StatusClosed {
		closedAt := opened.Add(time.Hour)
		c.ClosedAt = &closedAt
	}
	return c
}

func strs[T ~string](ss []T) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func TestStatusMachine(t *testing.T) {
	if len(mediation.Statuses) != 6 {
		t.Fatalf("Statuses = %v: the table below needs updating", mediation.Statuses)
	}
	for _, from := range mediation.Statuses {
		if got := mediation.NextStatuses(from); !slices.Equal(got, legal[from]) {
			t.Errorf("NextStatuses(%s) = %v, want %v", from, got, legal[from])
		}
		for _, to := range mediation.Statuses {
			name := string(from) + "→" + string(to)
			if slices.Contains(legal[from], to) {
				name = "Legal/" + name
			} else {
				name = "ErrIllegal/" + name
			}
			t.Run(name, func(t *testing.T) {
				c := caseIn(from)
				if to == mediation.StatusAgreement {
					c.Agreed = inEffect // what status agreement needs
				}
				before := *c
				err := c.Move(mediation.Transition{To: to, Reason: "双方同意"}, fullFile, moved)
				if slices.Contains(legal[from], to) {
					if err != nil {
						t.Fatalf("Move: %v", err)
					}
					if c.Status != to || !c.UpdatedAt.Equal(moved) {
						t.Errorf("after Move: status %s, updated %v; want %s, %v", c.Status, c.UpdatedAt, to, moved)
					}
					if to == mediation.StatusClosed {
						if c.ClosedAt == nil || !c.ClosedAt.Equal(moved) {
							t.Errorf("ClosedAt = %v, want %v", c.ClosedAt, moved)
						}
					} else if c.ClosedAt != nil {
						t.Errorf("ClosedAt = %v after moving to %s, want none", c.ClosedAt, to)
					}
					return
				}
				e := asError(t, err)
				if e.Code != mediation.ECONFLICT {
					t.Fatalf("code = %q, want %q", e.Code, mediation.ECONFLICT)
				}
				if want := strs(mediation.NextStatuses(from)); !slices.Equal(e.Allowed, want) {
					t.Errorf("Allowed = %v, want %v", e.Allowed, want)
				}
				if c.Status != before.Status || !c.UpdatedAt.Equal(before.UpdatedAt) || c.ClosedAt != before.ClosedAt {
					t.Errorf("a refused move changed the case: %+v", c)
				}
			})
		}
	}
}

func TestNextStatusesIsACopy(t *testing.T) {
	next := mediation.NextStatuses(mediation.StatusIntake)
	next[0] = mediation.StatusClosed
	if got := mediation.NextStatuses(mediation.StatusIntake); got[0] != mediation.StatusMediating {
		t.Errorf("changing the result of NextStatuses changed the machine: %v", got)
	}
}

func TestMoveReasons(t *testing.T) {
	for _, tc := range []struct {
		from, to   mediation.Status
		needReason bool
	}{
		{mediation.StatusIntake, mediation.StatusMediating, false},
		{mediation.StatusIntake, mediation.StatusWithdrawn, true},
		{mediation.StatusMediating, mediation.StatusAgreement, false},
		{mediation.StatusMediating, mediation.StatusNoAgreement, true},
		{mediation.StatusMediating, mediation.StatusWithdrawn, true},
		{mediation.StatusAgreement, mediation.StatusClosed, false},
		{mediation.StatusNoAgreement, mediation.StatusClosed, false},
		{mediation.StatusWithdrawn, mediation.StatusClosed, false},
		{mediation.StatusClosed, mediation.StatusMediating, true},
	} {
		for _, reason := range []string{"", " \t\n "} {
			name := string(tc.from) + "→" + string(tc.to)
			if tc.needReason {
				name = "ErrReasonRequired/" + name
			} else {
				name = "NoReasonNeeded/" + name
			}
			t.Run(name, func(t *testing.T) {
				c := caseIn(tc.from)
				if tc.to == mediation.StatusAgreement {
					c.Agreed = inEffect
				}
				err := c.Move(mediation.Transition{To: tc.to, Reason: reason}, fullFile, moved)
				if !tc.needReason {
					if err != nil {
						t.Fatalf("Move with reason %q: %v", reason, err)
					}
					return
				}
				wantField(t, err, "reason", "validation.required")
				if c.Status != tc.from {
					t.Errorf("status = %s after a refused move, want %s", c.Status, tc.from)
				}
			})
		}
	}

	t.Run("ErrReasonTooLong", func(t *testing.T) {
		c := caseIn(mediation.StatusIntake)
		err := c.Move(mediation.Transition{To: mediation.StatusWithdrawn, Reason: strings.Repeat("撤", 1001)}, fullFile, moved)
		wantField(t, err, "reason", "validation.max")
	})
	t.Run("ReasonOfMaxLength", func(t *testing.T) {
		c := caseIn(mediation.StatusIntake)
		if err := c.Move(mediation.Transition{To: mediation.StatusWithdrawn, Reason: strings.Repeat("撤", 1000)}, fullFile, moved); err != nil {
			t.Fatal(err)
		}
	})
	// The reason is free text written into the audit trail: it must be printable.
	t.Run("ErrReasonControlCharacter", func(t *testing.T) {
		c := caseIn(mediation.StatusIntake)
		err := c.Move(mediation.Transition{To: mediation.StatusWithdrawn, Reason: "撤回\x1b[2K\x00"}, fullFile, moved)
		wantField(t, err, "reason", "validation.text")
	})
	t.Run("ErrTargetRequired", func(t *testing.T) {
		c := caseIn(mediation.StatusIntake)
		wantField(t, c.Move(mediation.Transition{}, fullFile, moved), "to", "validation.required")
	})
	t.Run("ErrTargetUnknown", func(t *testing.T) {
		c := caseIn(mediation.StatusIntake)
		wantField(t, c.Move(mediation.Transition{To: "archived"}, fullFile, moved), "to", "validation.enum")
	})
}

func TestCloseNeedsCaseFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    mediation.CaseFile
		missing []string
	}{
		{"ErrNoParties", mediation.CaseFile{}, []string{"applicant", "respondent"}},
		{"ErrNoRespondent", mediation.CaseFile{Applicants: 2}, []string{"respondent"}},
		{"ErrNoApplicant", mediation.CaseFile{Respondents: 1}, []string{"applicant"}},
		{"Complete", mediation.CaseFile{Applicants: 1, Respondents: 1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseIn(mediation.StatusAgreement)
			err := c.Move(mediation.Transition{To: mediation.StatusClosed}, tc.file, moved)
			if tc.missing == nil {
				if err != nil || c.Status != mediation.StatusClosed {
					t.Fatalf("Move = %v, status %s", err, c.Status)
				}
				return
			}
			e := asError(t, err)
			if e.Code != mediation.ECONFLICT || !slices.Equal(e.Missing, tc.missing) {
				t.Errorf("error = code %q, missing %v; want %q, %v", e.Code, e.Missing, mediation.ECONFLICT, tc.missing)
			}
			if c.Status != mediation.StatusAgreement || c.ClosedAt != nil {
				t.Errorf("a refused close changed the case: status %s, closed %v", c.Status, c.ClosedAt)
			}
		})
	}
}
