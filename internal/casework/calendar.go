package casework

import (
	"time"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// The window a subscribed feed covers: a month back, a year ahead.
const (
	feedPast   = 31 * 24 * time.Hour
	feedFuture = 366 * 24 * time.Hour
)

// entries are the sessions the principal may see, with their cases'
// references.
func (s *Service) entries(p mediation.Principal, sessions []mediation.Session) ([]mediation.CalendarEntry, error) {
	refs := map[mediation.ID]string{}
	out := []mediation.CalendarEntry{}
	for i := range sessions {
		v := s.visibleSession(p, &sessions[i])
		if v.Level == mediation.LevelNone {
			continue // a case the mediator has since stepped aside from
		}
		ref, ok := refs[v.Record.CaseID]
		if !ok {
			cs, err := s.db.Case(v.Record.CaseID)
			if err != nil {
				return nil, err
			}
			ref, refs[cs.ID] = cs.Reference, cs.Reference
		}
		out = append(out, mediation.CalendarEntry{Session: v, CaseReference: ref})
	}
	return out, nil
}

// Calendar lists the sessions the mediator attends in the range, across
// every case it is assigned to, earliest first.
func (s *Service) Calendar(p mediation.Principal, in mediation.Input) ([]mediation.CalendarEntry, error) {
	if err := s.require(p, authz.ObjCalendar, authz.ActRead); err != nil {
		return nil, err
	}
	defer s.decided()()
	if err := s.authz.Check(p, authz.ActRead, authz.GlobalObject(authz.ObjCalendar)); err != nil {
		return nil, err
	}
	var q mediation.CalendarQuery
	if err := in(&q); err != nil {
		return nil, err
	}
	return s.calendar(p, q)
}

func (s *Service) calendar(p mediation.Principal, q mediation.CalendarQuery) ([]mediation.CalendarEntry, error) {
	sessions, err := s.db.Sessions(store.SessionFilter{Mediator: p.UserID, From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	return s.entries(p, sessions)
}

// CaseCalendar is the case's sessions the principal may see (a party: the
// joint sessions and its own caucuses), for a calendar.
func (s *Service) CaseCalendar(p mediation.Principal, caseID mediation.ID) ([]mediation.CalendarEntry, error) {
	defer s.decided()()
	sessions, err := s.caseSessions(p, caseID)
	if err != nil {
		return nil, err
	}
	return s.entries(p, sessions)
}

// IssueFeed makes a new secret address for the mediator's calendar feed and
// returns its token, this one time; the address before stops working.
func (s *Service) IssueFeed(r *mediation.Request) (string, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjCalendar, authz.ActUpdate); err != nil {
		return "", err
	}
	defer s.decided()()
	if err := s.authz.Check(p, authz.ActUpdate, authz.GlobalObject(authz.ObjCalendar)); err != nil {
		return "", err
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	f := &mediation.Feed{UserID: p.UserID, TokenHash: auth.HashToken(token), CreatedAt: s.db.Now().UTC()}
	if err := s.db.IssueFeed(f, p.Subject()); err != nil {
		return "", err
	}
	return token, nil
}

// Feed is the calendar behind a feed's secret token, for whoever holds it
// (a phone's calendar holds no login): the sessions of its mediator from a
// month ago to a year ahead, decided as for the mediator. A token that is
// not a feed's, or one replaced since, is ENOTFOUND.
func (s *Service) Feed(token string) ([]mediation.CalendarEntry, error) {
	if !auth.ValidTokenSyntax(token) {
		return nil, mediation.NotFound()
	}
	defer s.decided()()
	f, err := s.db.Feed(auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	u, err := s.db.User(f.UserID)
	if err != nil {
		return nil, err
	}
	p := mediation.Principal{UserID: u.ID, Role: u.Role}
	if !s.authz.Allowed(p, authz.ActRead, authz.GlobalObject(authz.ObjCalendar)) {
		return nil, mediation.NotFound()
	}
	now := s.db.Now()
	return s.calendar(p, mediation.CalendarQuery{From: now.Add(-feedPast), To: now.Add(feedFuture)})
}
