package casework

import (
	"errors"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// CaseForNewParty returns the case for a principal who may add a party to it
// (the form to add one).
func (s *Service) CaseForNewParty(p mediation.Principal, id mediation.ID) (*mediation.Case, error) {
	defer s.decided()()
	return s.loadCase(p, id, authz.ObjParty, authz.ActCreate)
}

// AddParty adds a party to the case with its first invitation, whose token
// is returned this one time: a replayed request returns the party without
// it, since the token is never stored. It returns ECONFLICT when the party
// appears to be one of the case's mediators.
func (s *Service) AddParty(r *mediation.Request, id mediation.ID, in mediation.Input) (*mediation.Party, string, error) {
	defer s.changing()()
	p := r.Principal
	cs, err := s.loadCase(p, id, authz.ObjParty, authz.ActCreate)
	if err != nil {
		return nil, "", err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return nil, "", err
	}
	var pi mediation.PartyInput
	if err := in(&pi); err != nil {
		return nil, "", err
	}
	party, err := mediation.NewParty(pi, cs.ID, p.UserID, s.db.Now().UTC())
	if err != nil {
		return nil, "", err
	}
	token, inv, err := s.auth.NewInvitation(0, cs.ID, p.UserID)
	if err != nil {
		return nil, "", err
	}
	err = s.db.CreateParty(party, inv, p.Subject(), keyed(r)...)
	if rp, ok := replayed(r, err); ok {
		token = ""
		party, err = s.db.Party(rp.ID())
	} else {
		s.auditConflictCheck(p, cs.ID, "party", partyCheckResult(err))
	}
	if err != nil {
		return nil, "", err
	}
	return party, token, s.authz.Grant(authz.PartyGrant(party.ID, cs.ID))
}

// Parties lists the parties of the case the principal may see, in the order
// they were added, each with the view of it the principal may read: every
// record in full for the mediators; for a party, itself in full and the
// others' names and sides.
func (s *Service) Parties(p mediation.Principal, id mediation.ID) ([]mediation.Visible[mediation.Party], error) {
	defer s.decided()()
	cs, err := s.loadCase(p, id, authz.ObjParty, authz.ActRead)
	if err != nil {
		return nil, err
	}
	return s.visibleParties(p, cs.ID)
}

// visibleParties lists the parties of a case the principal may see.
func (s *Service) visibleParties(p mediation.Principal, caseID mediation.ID) ([]mediation.Visible[mediation.Party], error) {
	parties, err := s.db.Parties(caseID)
	if err != nil {
		return nil, err
	}
	var out []mediation.Visible[mediation.Party]
	for i := range parties {
		if level := s.partyLevel(p, &parties[i]); level != mediation.LevelNone {
			out = append(out, mediation.Visible[mediation.Party]{Record: &parties[i], Level: level})
		}
	}
	return out, nil
}

// partyLevel is the richest view of the party the principal may read.
func (s *Service) partyLevel(p mediation.Principal, pt *mediation.Party) mediation.Level {
	switch {
	case s.authz.Allowed(p, authz.ActRead, authz.PartyObject(authz.ObjPartyContact, pt)):
		return mediation.LevelFull
	case s.authz.Allowed(p, authz.ActRead, authz.PartyObject(authz.ObjParty, pt)):
		return mediation.LevelPublic
	}
	return mediation.LevelNone
}

// ResetPIN clears a party's forgotten PIN (its case's mediators only): the
// party's logins end, the act is audited, and the party is told at its next
// entry who reset it and when, and sets a new one.
func (s *Service) ResetPIN(r *mediation.Request, caseID, partyID mediation.ID) (*mediation.Party, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjPIN, authz.ActReset); err != nil {
		return nil, err
	}
	defer s.decided()()
	party, err := s.db.Party(partyID)
	if err != nil {
		return nil, err
	}
	if party.CaseID != caseID {
		return nil, mediation.NotFound()
	}
	if err := s.authz.Check(p, authz.ActReset, authz.PartyObject(authz.ObjPIN, party)); err != nil {
		return nil, err
	}
	if err := s.guardOpenID(party.CaseID); err != nil {
		return nil, err
	}
	return party, s.db.ResetPIN(party.ID, p.UserID, p.Subject())
}

// Reinvite replaces a party's invitation: the old link stops working and the
// logins made from it end. The new token is returned this one time.
func (s *Service) Reinvite(r *mediation.Request, caseID, partyID mediation.ID) (*mediation.Party, string, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjInvitation, authz.ActCreate); err != nil {
		return nil, "", err
	}
	defer s.decided()()
	party, err := s.db.Party(partyID)
	if err != nil {
		return nil, "", err
	}
	if party.CaseID != caseID {
		return nil, "", mediation.NotFound()
	}
	if err := s.authz.Check(p, authz.ActCreate, authz.PartyObject(authz.ObjInvitation, party)); err != nil {
		return nil, "", err
	}
	if err := s.guardOpenID(party.CaseID); err != nil {
		return nil, "", err
	}
	token, inv, err := s.auth.NewInvitation(party.ID, party.CaseID, p.UserID)
	if err != nil {
		return nil, "", err
	}
	return party, token, s.db.IssueInvitation(inv, p.Subject())
}

// partyCheckResult is what the check that a new party is none of the case's
// mediators found, for its audit entry ("" when refused before it ran).
func partyCheckResult(err error) string {
	var e *mediation.Error
	switch {
	case errors.As(err, &e) && e.Message == "error.conflict_of_interest":
		return "hit"
	case err != nil:
		return ""
	}
	return "miss"
}
