package mediation

import "time"

// MaxSubmissionBody is the longest body a submission may have, in characters.
const MaxSubmissionBody = 20000

// Submission is what a party puts before the mediators. What it says never
// changes once stored (a correction is a new submission naming the one it
// supersedes); only the author's consent to release it to all parties is
// added later.
type Submission struct {
	ID      ID             `json:"id"`
	CaseID  ID             `json:"case_id"`
	PartyID ID             `json:"party_id"` // the author
	Kind    SubmissionKind `json:"kind"`
	Body    string         `json:"body"`
	// EnteredBy is the mediator who typed it in on the party's behalf, or zero
	// when the party entered it itself.
	EnteredBy  ID         `json:"entered_by,omitempty"`
	Supersedes ID         `json:"supersedes,omitempty"`
	Released   bool       `json:"released"`
	ReleasedAt *time.Time `json:"released_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// SubmissionInput is what a party (or a mediator on its behalf) writes.
type SubmissionInput struct {
	// PartyID names the author when a mediator enters it; a party may omit it.
	PartyID    ID             `json:"party_id"`
	Kind       SubmissionKind `json:"kind" validate:"required,enum"`
	Body       string         `json:"body" validate:"text,required,max=20000"`
	Supersedes ID             `json:"supersedes"`
}

// NewSubmission validates the input and returns the submission by the given
// party, entered by enteredBy (zero when the party itself).
func NewSubmission(in SubmissionInput, caseID, party, enteredBy ID, now time.Time) (*Submission, error) {
	trim(&in.Body)
	if err := Validate(&in); err != nil {
		return nil, err
	}
	return &Submission{CaseID: caseID, PartyID: party, Kind: in.Kind, Body: in.Body,
		EnteredBy: enteredBy, Supersedes: in.Supersedes, CreatedAt: now}, nil
}

// Release makes the submission readable by every party of the case, with the
// author's consent recorded by the time. Releasing twice changes nothing.
func (s *Submission) Release(now time.Time) bool {
	if s.Released {
		return false
	}
	s.Released = true
	s.ReleasedAt = &now
	return true
}

// AcceptsSubmissions returns ECONFLICT when the case takes no more submissions.
func (c *Case) AcceptsSubmissions() error { return c.Status.AcceptsSubmissions() }

// AcceptsSubmissions returns ECONFLICT when a case in status s takes no more
// submissions: for a caller that read the status alone.
func (s Status) AcceptsSubmissions() error {
	if s == StatusClosed || s == StatusWithdrawn {
		return Errorf(ECONFLICT, "error.case_closed")
	}
	return nil
}
