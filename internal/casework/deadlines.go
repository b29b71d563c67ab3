package casework

import (
	"slices"
	"strings"

	"tiaojie/internal/authz"
	"tiaojie/internal/clock"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// today is the day it is in the configured zone.
func (s *Service) today() clock.Date { return clock.DateOf(s.db.Now(), s.zone) }

// CaseDeadlines are the statutory deadlines of the case, earliest first, for
// its mediators.
func (s *Service) CaseDeadlines(p mediation.Principal, caseID mediation.ID) ([]mediation.Deadline, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjDeadline, authz.ActRead)
	if err != nil {
		return nil, err
	}
	return clock.Deadlines(clock.FactsOf(cs, s.zone), s.today()), nil
}

// Deadlines are the deadlines of every case the mediator is assigned to,
// earliest first.
func (s *Service) Deadlines(p mediation.Principal) ([]mediation.Deadline, error) {
	if err := s.require(p, authz.ObjDeadline, authz.ActList); err != nil {
		return nil, err
	}
	defer s.decided()()
	if err := s.authz.Check(p, authz.ActList, authz.GlobalObject(authz.ObjDeadline)); err != nil {
		return nil, err
	}
	today := s.today()
	out := []mediation.Deadline{}
	for f := (store.CaseFilter{Mediator: p.UserID, Limit: 200}); ; {
		cases, next, err := s.db.Cases(f)
		if err != nil {
			return nil, err
		}
		for i := range cases {
			if s.authz.Allowed(p, authz.ActRead, authz.CaseObject(authz.ObjDeadline, &cases[i])) {
				out = append(out, clock.Deadlines(clock.FactsOf(&cases[i], s.zone), today)...)
			}
		}
		if next == 0 {
			break
		}
		f.Cursor = next
	}
	slices.SortStableFunc(out, func(a, b mediation.Deadline) int { return strings.Compare(a.DueOn, b.DueOn) })
	return out, nil
}

// ListedDeadlines are the deadlines of the listed cases the principal may
// read them of, earliest first: what a case list shows beside its rows,
// computed from the cases already loaded, so that a page of the list costs
// no more with more cases.
func (s *Service) ListedDeadlines(p mediation.Principal, cases []mediation.Visible[mediation.Case]) ([]mediation.Deadline, error) {
	if err := s.require(p, authz.ObjDeadline, authz.ActList); err != nil {
		return nil, err
	}
	defer s.decided()()
	today := s.today()
	out := make([]mediation.Deadline, 0, len(cases)) // most cases have one deadline: their term
	for _, v := range cases {
		if s.authz.Allowed(p, authz.ActRead, authz.CaseObject(authz.ObjDeadline, v.Record)) {
			out = append(out, clock.Deadlines(clock.FactsOf(v.Record, s.zone), today)...)
		}
	}
	slices.SortStableFunc(out, func(a, b mediation.Deadline) int { return strings.Compare(a.DueOn, b.DueOn) })
	return out, nil
}
