package mediation

import (
	"slices"
	"time"
)

// transitions is the case status machine. A closed case may be reopened by a
// mediator who gives a reason.
var transitions = map[Status][]Status{
	StatusIntake:      {StatusMediating, StatusWithdrawn},
	StatusMediating:   {StatusAgreement, StatusNoAgreement, StatusWithdrawn},
	StatusAgreement:   {StatusClosed},
	StatusNoAgreement: {StatusClosed},
	StatusWithdrawn:   {StatusClosed},
	StatusClosed:      {StatusMediating},
}

// NextStatuses lists the statuses a case in status s may move to.
func NextStatuses(s Status) []Status { return slices.Clone(transitions[s]) }

// Transition is a mediator's request to move a case to another status.
type Transition struct {
	To     Status `json:"to" validate:"required,enum"`
	Reason string `json:"reason" validate:"text,max=1000"`
}

// needsReason reports whether moving from one status to another must be explained.
func needsReason(from, to Status) bool {
	return to == StatusWithdrawn || to == StatusNoAgreement || from == StatusClosed
}

// CaseFile summarises what the case file holds, for the check before closing.
type CaseFile struct {
	Applicants  int
	Respondents int
}

// Missing lists what the case file still lacks before the case may close.
func (f CaseFile) Missing() []string {
	var m []string
	if f.Applicants == 0 {
		m = append(m, "applicant")
	}
	if f.Respondents == 0 {
		m = append(m, "respondent")
	}
	return m
}

// Move applies the transition to the case. It returns ECONFLICT, naming the
// legal next statuses, when the move is illegal, and ECONFLICT with Missing
// when the case file is incomplete for closing.
func (c *Case) Move(t Transition, file CaseFile, now time.Time) error {
	trim(&t.Reason)
	if err := Validate(&t); err != nil {
		return err
	}
	legal := transitions[c.Status]
	if !slices.Contains(legal, t.To) {
		allowed := make([]string, len(legal))
		for i, s := range legal {
			allowed[i] = string(s)
		}
		return &Error{Code: ECONFLICT, Message: "error.transition_illegal", Allowed: allowed,
			Args: map[string]any{"From": string(c.Status), "To": string(t.To)}}
	}
	if needsReason(c.Status, t.To) && t.Reason == "" {
		return Invalid("reason", "validation.required", "")
	}
	if t.To == StatusAgreement && !c.AgreementInEffect() {
		return &Error{Code: ECONFLICT, Message: "error.agreement_not_in_effect", Missing: []string{"agreement"}}
	}
	if t.To == StatusClosed {
		if missing := file.Missing(); len(missing) > 0 {
			return &Error{Code: ECONFLICT, Message: "error.case_file_incomplete", Missing: missing}
		}
		c.ClosedAt = &now
	} else {
		c.ClosedAt = nil
	}
	c.Status = t.To
	c.UpdatedAt = now
	return nil
}
