package casework

import (
	"errors"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// sessionLevel is how much of a session the principal may see: all of it
// for the case's mediators; its time, place and status for a party that may
// see it (a joint session, its own caucus).
func (s *Service) sessionLevel(p mediation.Principal, sess *mediation.Session) mediation.Level {
	obj := authz.SessionObject(sess)
	switch {
	case s.authz.Allowed(p, authz.ActUpdate, obj):
		return mediation.LevelFull
	case s.authz.Allowed(p, authz.ActRead, obj):
		return mediation.LevelOverview
	}
	return mediation.LevelNone
}

func (s *Service) visibleSession(p mediation.Principal, sess *mediation.Session) mediation.Visible[mediation.Session] {
	return mediation.Visible[mediation.Session]{Record: sess, Level: s.sessionLevel(p, sess)}
}

// booked turns the store's double booking into the answer its reader may
// see: the other session's time always, its ID and case only when the
// reader may see that session (another case's session is a time, nothing
// more).
func (s *Service) booked(p mediation.Principal, err error) error {
	var b *mediation.Booked
	if !errors.As(err, &b) {
		return err
	}
	c := mediation.Clash{With: b.With, StartsAt: b.Session.StartsAt, EndsAt: b.Session.EndsAt}
	if s.authz.Allowed(p, authz.ActRead, authz.SessionObject(&b.Session)) {
		c.SessionID, c.CaseID = b.Session.ID, b.Session.CaseID
	}
	return mediation.DoubleBooked(c)
}

// ScheduleSession schedules a session of the case, or logs one that took
// place (status held). It returns EINVALID naming each bad field, ECONFLICT
// for a closed case, and ECONFLICT with the clash (as far as the reader may
// see it) when the session would overlap another sharing a mediator, a
// configured room or a party; the check and the write are one transaction,
// so of two bookings of one slot exactly one succeeds.
func (s *Service) ScheduleSession(r *mediation.Request, caseID mediation.ID, in mediation.Input) (mediation.Visible[mediation.Session], error) {
	var none mediation.Visible[mediation.Session]
	p := r.Principal
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjSession, authz.ActCreate)
	if err != nil {
		return none, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return none, err
	}
	if err := s.noPendingRecusal(cs.ID); err != nil {
		return none, err
	}
	var si mediation.SessionInput
	if err := in(&si); err != nil {
		return none, err
	}
	if err := cs.AcceptsSessions(); err != nil {
		return none, err
	}
	parties, err := s.db.Parties(cs.ID)
	if err != nil {
		return none, err
	}
	ids := make([]mediation.ID, len(parties))
	for i, pt := range parties {
		ids[i] = pt.ID
	}
	sess, err := mediation.NewSession(si, cs, ids, s.places, p.UserID, s.db.Now().UTC())
	if err != nil {
		return none, err
	}
	if err := s.db.CreateSession(sess, p.Subject(), keyed(r)...); err != nil {
		rp, ok := replayed(r, err)
		if !ok {
			return none, s.booked(p, err)
		}
		if sess, err = s.db.Session(rp.ID()); err != nil {
			return none, err
		}
	}
	return s.visibleSession(p, sess), nil
}

// loadSession loads a session of the case as the principal may do act to it;
// a session of another case, or one it may not see, is ENOTFOUND.
func (s *Service) loadSession(p mediation.Principal, caseID, id mediation.ID, act string) (*mediation.Session, error) {
	sess, err := s.db.Session(id)
	if err != nil {
		return nil, err
	}
	if sess.CaseID != caseID {
		return nil, mediation.NotFound()
	}
	if err := s.authz.Check(p, act, authz.SessionObject(sess)); err != nil {
		return nil, err
	}
	return sess, nil
}

// caseSessions loads the case's sessions for a principal who may read its
// sessions: every one, or a party's joint sessions and its own caucuses
// (which index is read is a matter of speed; each is still decided).
func (s *Service) caseSessions(p mediation.Principal, caseID mediation.ID) ([]mediation.Session, error) {
	cs, err := s.loadCase(p, caseID, authz.ObjSession, authz.ActRead)
	if err != nil {
		return nil, err
	}
	f := store.SessionFilter{Case: cs.ID}
	if p.IsParty() {
		f.Party = p.PartyID
	}
	return s.db.Sessions(f)
}

// Sessions lists the case's sessions the principal may see, earliest first:
// every one for its mediators; the joint sessions and its own caucuses for a
// party, read through their own indexes.
func (s *Service) Sessions(p mediation.Principal, caseID mediation.ID) ([]mediation.Visible[mediation.Session], error) {
	defer s.decided()()
	sessions, err := s.caseSessions(p, caseID)
	if err != nil {
		return nil, err
	}
	out := []mediation.Visible[mediation.Session]{}
	for i := range sessions {
		if v := s.visibleSession(p, &sessions[i]); v.Level != mediation.LevelNone {
			out = append(out, v)
		}
	}
	return out, nil
}

// Session returns one session of the case the principal may see.
func (s *Service) Session(p mediation.Principal, caseID, id mediation.ID) (mediation.Visible[mediation.Session], error) {
	if err := s.require(p, authz.ObjSession, authz.ActRead); err != nil {
		return mediation.Visible[mediation.Session]{}, err
	}
	defer s.decided()()
	sess, err := s.loadSession(p, caseID, id, authz.ActRead)
	if err != nil {
		return mediation.Visible[mediation.Session]{}, err
	}
	return s.visibleSession(p, sess), nil
}

// SessionToChange returns a session of the case that the principal may
// change, for the form that changes it: as ChangeSession decides, 403 for a
// kind of principal that never may, 404 for a session it may not change.
func (s *Service) SessionToChange(p mediation.Principal, caseID, id mediation.ID) (mediation.Visible[mediation.Session], error) {
	if err := s.require(p, authz.ObjSession, authz.ActUpdate); err != nil {
		return mediation.Visible[mediation.Session]{}, err
	}
	defer s.decided()()
	sess, err := s.loadSession(p, caseID, id, authz.ActUpdate)
	if err != nil {
		return mediation.Visible[mediation.Session]{}, err
	}
	return s.visibleSession(p, sess), nil
}

// ChangeSession reschedules or moves a session, or changes its status
// (held once it has started; cancelled or postponed with a reason). An
// illegal status change is ECONFLICT naming the allowed ones; a new time or
// place is checked for double booking as ScheduleSession checks it.
func (s *Service) ChangeSession(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Session], error) {
	var none mediation.Visible[mediation.Session]
	p := r.Principal
	if err := s.require(p, authz.ObjSession, authz.ActUpdate); err != nil {
		return none, err
	}
	defer s.decided()()
	sess, err := s.loadSession(p, caseID, id, authz.ActUpdate)
	if err != nil {
		return none, err
	}
	if err := s.guardOpenID(sess.CaseID); err != nil {
		return none, err
	}
	var patch mediation.SessionPatch
	if err := in(&patch); err != nil {
		return none, err
	}
	now := s.db.Now().UTC()
	changed, err := s.db.UpdateSession(sess.ID, p.Subject(), func(sess *mediation.Session) (bool, error) {
		return sess.Apply(patch, s.places, now)
	}, keyed(r)...)
	if _, ok := replayed(r, err); ok {
		changed, err = s.db.Session(sess.ID)
	}
	if err != nil {
		return none, s.booked(p, err)
	}
	return s.visibleSession(p, changed), nil
}
