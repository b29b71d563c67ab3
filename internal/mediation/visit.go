package mediation

import (
	"fmt"
	"slices"
	"time"
)

// Performance is what a return visit found of one term.
type Performance string

// Performances.
const (
	Performed    Performance = "performed"
	PartlyDone   Performance = "partly"
	NotPerformed Performance = "not_performed"
)

// Performances lists every finding.
var Performances = []Performance{Performed, PartlyDone, NotPerformed}

// Valid reports whether p is a known finding.
func (p Performance) Valid() bool { return slices.Contains(Performances, p) }

// Visit is a return visit (回访) to one party after the agreement took
// effect: whether each term was performed, how satisfied the party is
// (1–5), and notes. Only the case's mediators read it.
type Visit struct {
	ID           ID          `json:"id"`
	CaseID       ID          `json:"case_id"`
	AgreementID  ID          `json:"agreement_id"`
	PartyID      ID          `json:"party_id"`
	VisitedOn    string      `json:"visited_on"`
	Terms        []VisitTerm `json:"terms"`
	Satisfaction int         `json:"satisfaction"`
	Notes        string      `json:"notes"`
	CreatedBy    ID          `json:"created_by"`
	CreatedAt    time.Time   `json:"created_at"`
}

// VisitTerm is the finding on one term of the agreement in effect (its
// index, from 0).
type VisitTerm struct {
	TermIndex   int         `json:"term_index"`
	Performance Performance `json:"performance" validate:"required,enum"`
}

// VisitInput is what a mediator writes of a return visit.
type VisitInput struct {
	PartyID      ID          `json:"party_id"`
	VisitedOn    string      `json:"visited_on"`
	Terms        []VisitTerm `json:"terms"`
	Satisfaction int         `json:"satisfaction" validate:"required,min=1,max=5"`
	Notes        string      `json:"notes" validate:"text,max=4000"`
}

// NewVisit validates the input against the case (its agreement in effect,
// its parties) and today, and returns the visit, not yet stored.
func NewVisit(in VisitInput, c *Case, parties []Party, by ID, now time.Time, today string) (*Visit, error) {
	trim(&in.Notes, &in.VisitedOn)
	if !c.AgreementInEffect() || c.Status != StatusAgreement {
		return nil, &Error{Code: ECONFLICT, Message: "error.visit_needs_agreement", Missing: []string{"agreement"}}
	}
	e := &Error{Code: EINVALID, Message: "error.invalid", Fields: map[string]FieldError{}}
	prefixed(e, "", Validate(&in))
	if !slices.ContainsFunc(parties, func(p Party) bool { return p.ID == in.PartyID }) {
		e.Fields["party_id"] = FieldError{Key: "validation.party"}
	}
	effective := c.Agreed.EffectiveAt.Format(time.DateOnly)
	if d, err := time.Parse(time.DateOnly, in.VisitedOn); in.VisitedOn == "" {
		e.Fields["visited_on"] = FieldError{Key: "validation.required"}
	} else if err != nil || d.Format(time.DateOnly) != in.VisitedOn {
		e.Fields["visited_on"] = FieldError{Key: "validation.date"}
	} else if in.VisitedOn > today {
		e.Fields["visited_on"] = FieldError{Key: "validation.visit_future"}
	} else if in.VisitedOn < effective {
		e.Fields["visited_on"] = FieldError{Key: "validation.visit_before_agreement"}
	}
	if len(in.Terms) == 0 {
		e.Fields["terms"] = FieldError{Key: "validation.required"}
	}
	seen := map[int]bool{}
	for i, t := range in.Terms {
		prefix := fmt.Sprintf("terms[%d].", i)
		if t.TermIndex < 0 || t.TermIndex >= len(c.Agreed.Terms) || seen[t.TermIndex] {
			e.Fields[prefix+"term_index"] = FieldError{Key: "validation.term_index"}
		}
		seen[t.TermIndex] = true
		prefixed(e, prefix, Validate(&in.Terms[i]))
	}
	if len(e.Fields) > 0 {
		return nil, e
	}
	return &Visit{CaseID: c.ID, AgreementID: c.Agreed.AgreementID, PartyID: in.PartyID, VisitedOn: in.VisitedOn,
		Terms: in.Terms, Satisfaction: in.Satisfaction, Notes: in.Notes, CreatedBy: by, CreatedAt: now}, nil
}

// Record brings the case's summary of the agreement in effect up to date
// with the visit: the latest visit's finding on each term it covers, and
// whether a visit on or after the term's deadline covered it.
func (g *Agreed) Record(v *Visit) {
	for _, t := range v.Terms {
		at := &g.Terms[t.TermIndex]
		if v.VisitedOn >= at.LastVisit {
			at.Performance, at.LastVisit = t.Performance, v.VisitedOn
		}
		if v.VisitedOn >= at.Deadline {
			at.Visited = true
		}
	}
}
