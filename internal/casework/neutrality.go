package casework

import (
	"errors"
	"slices"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// The mediator's own neutrality: its conflict-of-interest profile, and the
// parties' requests that a mediator step aside (回避).

// Interests returns the mediator's own conflict-of-interest profile.
func (s *Service) Interests(p mediation.Principal) (*mediation.Interests, error) {
	if err := s.require(p, authz.ObjInterests, authz.ActRead); err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, authz.ActRead, authz.InterestsObject(p.UserID)); err != nil {
		return nil, err
	}
	return s.db.Interests(p.UserID)
}

// SetInterests replaces the mediator's own profile. A community must be a
// configured one; each list holds at most mediation.MaxInterests entries.
func (s *Service) SetInterests(r *mediation.Request, in mediation.Input) (*mediation.Interests, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjInterests, authz.ActUpdate); err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, authz.ActUpdate, authz.InterestsObject(p.UserID)); err != nil {
		return nil, err
	}
	var ii mediation.InterestsInput
	if err := in(&ii); err != nil {
		return nil, err
	}
	profile, err := mediation.NewInterests(ii, p.UserID, s.places, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	defer s.decided()()
	err = s.db.PutInterests(profile, p.Subject(), keyed(r)...)
	if _, ok := replayed(r, err); !ok && err != nil {
		return nil, err
	}
	return s.db.Interests(p.UserID)
}

// recusing reports whether a request that a mediator of the case step aside
// is pending.
func (s *Service) recusing(caseID mediation.ID) (bool, error) {
	rs, err := s.db.Recusals(caseID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(rs, func(r mediation.Recusal) bool { return r.Pending() }), nil
}

// noPendingRecusal returns ECONFLICT while a request that a mediator of the
// case step aside waits for that mediator to be replaced: no new session is
// scheduled meanwhile.
func (s *Service) noPendingRecusal(caseID mediation.ID) error {
	pending, err := s.recusing(caseID)
	if err != nil {
		return err
	}
	if pending {
		return mediation.Errorf(mediation.ECONFLICT, "error.recusal_pending")
	}
	return nil
}

// RequestRecusal records a party's request that a mediator of its case step
// aside, with its reason. Until the mediator is taken off the case no new
// session is scheduled, and the admins may assign a mediator to the case
// and remove one (role:caretaker). The request is the requesting party's
// and the mediators' to read, no other party's.
func (s *Service) RequestRecusal(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Recusal, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjRecusal, authz.ActCreate); err != nil {
		return nil, err
	}
	defer s.changing()()
	cs, err := s.db.Case(caseID)
	if err != nil {
		return nil, err
	}
	// The request is owned by the party making it, in its own case.
	if err := s.authz.Check(p, authz.ActCreate, authz.OwnObject(authz.ObjRecusal, cs, p.Subject())); err != nil {
		return nil, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return nil, err
	}
	var ri mediation.RecusalInput
	if err := in(&ri); err != nil {
		return nil, err
	}
	rec, err := mediation.NewRecusal(ri, cs, p.PartyID, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateRecusal(rec, p.Subject(), keyed(r)...); err != nil {
		if _, ok := replayed(r, err); !ok {
			return nil, err
		}
		return s.recusalOf(p, caseID, func(o mediation.Recusal) bool { return o.PartyID == p.PartyID && o.UserID == ri.UserID })
	}
	return rec, s.syncCaretakers(cs)
}

// recusalOf is the latest of the case's requests that match, as the
// principal may see it.
func (s *Service) recusalOf(p mediation.Principal, caseID mediation.ID, match func(mediation.Recusal) bool) (*mediation.Recusal, error) {
	rs, err := s.db.Recusals(caseID)
	if err != nil {
		return nil, err
	}
	for i := len(rs) - 1; i >= 0; i-- {
		if match(rs[i]) && s.authz.Allowed(p, authz.ActRead, authz.RecusalObject(&rs[i])) {
			return &rs[i], nil
		}
	}
	return nil, mediation.NotFound()
}

// Recusals lists the case's recusal requests the principal may read, oldest
// first: every one for its mediators, its own for a party.
func (s *Service) Recusals(p mediation.Principal, caseID mediation.ID) ([]mediation.Recusal, error) {
	if err := s.require(p, authz.ObjRecusal, authz.ActRead); err != nil {
		return nil, err
	}
	defer s.decided()()
	cs, err := s.db.Case(caseID)
	if err != nil {
		return nil, err
	}
	// One decision for the list: all of them, or the principal's own.
	all := s.authz.Allowed(p, authz.ActRead, authz.CaseObject(authz.ObjRecusal, cs))
	if !all && !s.authz.Allowed(p, authz.ActRead, authz.OwnObject(authz.ObjRecusal, cs, p.Subject())) {
		return nil, mediation.NotFound()
	}
	rs, err := s.db.Recusals(cs.ID)
	if err != nil {
		return nil, err
	}
	out := []mediation.Recusal{}
	for _, r := range rs {
		if all || mediation.PartySubject(r.PartyID) == p.Subject() {
			out = append(out, r)
		}
	}
	return out, nil
}

// Recusal returns one recusal request of the case the principal may read.
func (s *Service) Recusal(p mediation.Principal, caseID, id mediation.ID) (*mediation.Recusal, error) {
	if err := s.require(p, authz.ObjRecusal, authz.ActRead); err != nil {
		return nil, err
	}
	defer s.decided()()
	return s.recusalOf(p, caseID, func(r mediation.Recusal) bool { return r.ID == id })
}

// FormerMediators names the mediators who left the case, each with when it
// joined and left, so that the parties see every change of who mediates
// their case.
func (s *Service) FormerMediators(cs *mediation.Case) []mediation.Person {
	out := make([]mediation.Person, len(cs.Former))
	for i, d := range cs.Former {
		left := d.Left
		out[i] = mediation.Person{ID: d.UserID, Since: d.Since, Until: &left}
		if u, err := s.db.User(d.UserID); err == nil {
			out[i].Username, out[i].DisplayName, out[i].Active = u.Username, u.DisplayName, u.Active()
		}
	}
	return out
}

// conflictResult is what a conflict-of-interest check found, for its audit
// entry: a hit (refused), an override (a hit added all the same, with its
// justification) or a miss; "" when it was refused before any check ran.
func (s *Service) conflictResult(cs *mediation.Case, user mediation.ID, assigned *mediation.Case, err error) string {
	var e *mediation.Error
	switch {
	case mediation.ErrorCode(err) == mediation.ECONFLICT && errors.As(err, &e) &&
		(e.Message == "error.conflict_of_interest" || e.Message == "error.interests_conflict"):
		return "hit"
	case err != nil:
		return ""
	}
	d, derr := s.db.Dossier(cs.ID)
	if derr == nil && len(d.Overrides) > 0 {
		last := d.Overrides[len(d.Overrides)-1]
		if last.UserID == user && last.At.Equal(assigned.UpdatedAt) {
			return "override"
		}
	}
	return "miss"
}
