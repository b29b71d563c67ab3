package web

import (
	"time"

	"tiaojie/internal/clock"
	"tiaojie/internal/mediation"
)

// deadlineRow is a deadline as the start page lists it.
type deadlineRow struct {
	mediation.Deadline
	Reference string
}

// deadlineRows are the mediator's deadlines due this week (today and the
// six days after) and those overdue, each named by its case's reference.
func (s *Server) deadlineRows(p mediation.Principal, cases []mediation.Visible[mediation.Case]) (due, overdue []deadlineRow, err error) {
	ds, err := s.cw.ListedDeadlines(p, cases)
	if err != nil {
		return nil, nil, err
	}
	refs := make(map[mediation.ID]string, len(cases))
	for _, v := range cases {
		refs[v.Record.ID] = v.Record.Reference
	}
	dueThisWeek := clock.DueWithin(clock.DateOf(time.Now(), s.views.zone), 6)
	for _, d := range ds {
		ref, ok := refs[d.CaseID]
		if !ok {
			continue // a case on another page of the list
		}
		switch {
		case d.Status == mediation.DeadlineOverdue:
			overdue = append(overdue, deadlineRow{Deadline: d, Reference: ref})
		case dueThisWeek(d):
			due = append(due, deadlineRow{Deadline: d, Reference: ref})
		}
	}
	return due, overdue, nil
}
