package casework

import (
	"time"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// partyFor loads a party of the case for an act on it: ENOTFOUND when the
// party is of another case or the principal may not reach it.
func (s *Service) partyFor(p mediation.Principal, caseID, partyID mediation.ID, act string) (*mediation.Party, error) {
	if err := s.require(p, authz.ObjParty, act); err != nil {
		return nil, err
	}
	party, err := s.db.Party(partyID)
	if err != nil {
		return nil, err
	}
	if party.CaseID != caseID {
		return nil, mediation.NotFound()
	}
	if err := s.authz.Check(p, act, authz.PartyObject(authz.ObjParty, party)); err != nil {
		return nil, err
	}
	return party, nil
}

// PartyToEdit returns a party's full record for the form that corrects it
// (the case's mediators only).
func (s *Service) PartyToEdit(p mediation.Principal, caseID, partyID mediation.ID) (*mediation.Party, error) {
	defer s.decided()()
	return s.partyFor(p, caseID, partyID, authz.ActUpdate)
}

// UpdateParty corrects a party's name, kind, side, phone, address or what it
// represents (the case's mediators only), audited with the fields changed.
// A correction that changes nothing stores nothing. It returns ECONFLICT
// when the corrected party appears to be one of the case's mediators.
func (s *Service) UpdateParty(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Party, error) {
	defer s.decided()()
	party, err := s.partyFor(r.Principal, caseID, partyID, authz.ActUpdate)
	if err != nil {
		return nil, err
	}
	if err := s.guardOpenID(caseID); err != nil {
		return nil, err
	}
	var patch mediation.PartyPatch
	if err := in(&patch); err != nil {
		return nil, err
	}
	updated, changed, err := party.Apply(patch)
	if err != nil || len(changed) == 0 {
		return updated, err
	}
	err = s.db.UpdateParty(updated, changed, s.db.Now().UTC(), r.Principal.Subject())
	s.auditConflictCheck(r.Principal, caseID, "party", partyCheckResult(err))
	if err != nil {
		return nil, err
	}
	return updated, nil
}

// RemoveParty takes a party that has never entered off the case (a
// duplicate, the wrong person), with a reason (the case's mediators only):
// its invitation stops working and its grant goes. A party that has entered,
// or has anything on the file, stays (ECONFLICT).
func (s *Service) RemoveParty(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Party, error) {
	defer s.changing()()
	party, err := s.partyFor(r.Principal, caseID, partyID, authz.ActRemove)
	if err != nil {
		return nil, err
	}
	if err := s.guardOpenID(caseID); err != nil {
		return nil, err
	}
	var rm mediation.PartyRemoval
	if err := in(&rm); err != nil {
		return nil, err
	}
	if err := rm.Validate(); err != nil {
		return nil, err
	}
	removed, err := s.db.RemoveParty(party.CaseID, party.ID, rm.Reason, s.db.Now().UTC(), r.Principal.Subject())
	if err != nil {
		return nil, err
	}
	return removed, s.authz.Revoke(authz.PartyGrant(removed.ID, removed.CaseID))
}

// PartyEntries says when each party of the case first entered, for its
// mediators (a party that has not entered is absent).
func (s *Service) PartyEntries(p mediation.Principal, caseID mediation.ID) (map[mediation.ID]time.Time, error) {
	defer s.decided()()
	if _, err := s.loadCase(p, caseID, authz.ObjPartyContact, authz.ActRead); err != nil {
		return nil, err
	}
	return s.db.PartyEntries(caseID)
}
