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
	// fullFile has what closing a case needs, whatever its outcome.
	fullFile = completeFile()
)

// completeFile is a case file with an applicant and a respondent, each
// given the notice and identified, a session record, an agreement and the
// record of a failed mediation.
func completeFile() mediation.CaseFile {
	mark := mediation.Mark{At: opened, By: "u:7", Way: mediation.WayMediator}
	return mediation.CaseFile{
		Parties: []mediation.Party{{ID: 1, Side: mediation.SideApplicant}, {ID: 2, Side: mediation.SideRespondent}},
		Dossier: mediation.Dossier{Notices: map[mediation.ID]mediation.Mark{1: mark, 2: mark},
			Identities:  map[mediation.ID]mediation.Mark{1: mark, 2: mark},
			NoAgreement: &mediation.NoAgreementNote{Reason: "双方分歧过大", RemediesExplained: true}},
		Records: 1, Agreement: true}
}

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
	c := &mediation.Case{ID: 42, Title: "楼上漏水", Summary: "楼上卫生间漏水。", Status: s, Mediators: []mediation.ID{7},
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
	without := func(change func(f *mediation.CaseFile)) mediation.CaseFile {
		f := completeFile()
		change(&f)
		return f
	}
	for _, tc := range []struct {
		name    string
		from    mediation.Status
		file    mediation.CaseFile
		summary string
		missing []string
	}{
		{"ErrNoParties", mediation.StatusAgreement, mediation.CaseFile{Agreement: true, Records: 1}, "摘要",
			[]string{"registration"}},
		{"ErrNoSummary", mediation.StatusAgreement, fullFile, "", []string{"registration"}},
		{"ErrNoRespondent", mediation.StatusAgreement, without(func(f *mediation.CaseFile) { f.Parties = f.Parties[:1] }), "摘要",
			[]string{"registration"}},
		{"ErrNoNoticeOfParty2", mediation.StatusAgreement, without(func(f *mediation.CaseFile) { delete(f.Dossier.Notices, 2) }), "摘要",
			[]string{"notice_of_rights:party:2"}},
		{"ErrNothingRecorded", mediation.StatusAgreement, without(func(f *mediation.CaseFile) {
			f.Dossier, f.Records, f.Agreement = mediation.Dossier{}, 0, false
		}), "摘要", []string{"notice_of_rights:party:1", "notice_of_rights:party:2", "identity_confirmed:party:1",
			"identity_confirmed:party:2", "session_record", "agreement"}},
		{"ErrNoReason", mediation.StatusNoAgreement, without(func(f *mediation.CaseFile) { f.Dossier.NoAgreement = nil }), "摘要",
			[]string{"no_agreement_reason", "remedies_explained"}},
		{"ErrRemediesNotExplained", mediation.StatusNoAgreement, without(func(f *mediation.CaseFile) {
			f.Dossier.NoAgreement = &mediation.NoAgreementNote{Reason: "分歧过大"}
		}), "摘要", []string{"remedies_explained"}},
		{"WithdrawnNeedsRegistrationOnly", mediation.StatusWithdrawn, without(func(f *mediation.CaseFile) {
			f.Dossier, f.Records, f.Agreement = mediation.Dossier{}, 0, false
		}), "摘要", nil},
		{"CompleteAgreement", mediation.StatusAgreement, without(func(f *mediation.CaseFile) { f.Dossier.NoAgreement = nil }), "摘要", nil},
		{"CompleteNoAgreement", mediation.StatusNoAgreement, without(func(f *mediation.CaseFile) { f.Agreement = false }), "摘要", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := caseIn(tc.from)
			c.Summary = tc.summary
			err := c.Move(mediation.Transition{To: mediation.StatusClosed}, tc.file, moved)
			if tc.missing == nil {
				if err != nil || c.Status != mediation.StatusClosed || c.Outcome != tc.from {
					t.Fatalf("Move = %v, status %s, outcome %s", err, c.Status, c.Outcome)
				}
				return
			}
			e := asError(t, err)
			if e.Code != mediation.ECONFLICT || !slices.Equal(e.Missing, tc.missing) {
				t.Errorf("error = code %q, missing %v; want %q, %v", e.Code, e.Missing, mediation.ECONFLICT, tc.missing)
			}
			if c.Status != tc.from || c.ClosedAt != nil {
				t.Errorf("a refused close changed the case: status %s, closed %v", c.Status, c.ClosedAt)
			}
		})
	}
}
