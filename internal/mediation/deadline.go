package mediation

// DeadlineKind is which statutory deadline a case has.
type DeadlineKind string

// Deadline kinds.
const (
	// DeadlineTerm: mediation ends within one month of acceptance (one
	// further month when both sides agree to extend it).
	DeadlineTerm DeadlineKind = "term"
	// DeadlinePerformance: an agreement term's own deadline.
	DeadlinePerformance DeadlineKind = "performance"
	// DeadlineJudicialConfirmation: the parties may apply to a court within
	// 30 days of the agreement taking effect.
	DeadlineJudicialConfirmation DeadlineKind = "judicial_confirmation"
	// DeadlineReturnVisit: a return visit 7 days after a performance
	// deadline.
	DeadlineReturnVisit DeadlineKind = "return_visit"
)

// DeadlineKinds lists every deadline kind.
var DeadlineKinds = []DeadlineKind{DeadlineTerm, DeadlinePerformance, DeadlineJudicialConfirmation, DeadlineReturnVisit}

// DeadlineStatus is where a deadline stands today.
type DeadlineStatus string

// Deadline statuses.
const (
	DeadlineOpen    DeadlineStatus = "open"
	DeadlineMet     DeadlineStatus = "met"
	DeadlineOverdue DeadlineStatus = "overdue"
)

// Deadline is one statutory deadline of a case: due at the end (24:00) of
// the day DueOn (YYYY-MM-DD, in the configured zone).
type Deadline struct {
	CaseID ID             `json:"case_id"`
	Kind   DeadlineKind   `json:"kind"`
	DueOn  string         `json:"due_on"`
	Status DeadlineStatus `json:"status"`
	// Term is the agreement term a performance or return-visit deadline
	// belongs to (its index, from 0).
	Term *int `json:"term,omitempty"`
}
