package casework

import (
	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// SignIn checks a staff user's password and starts a login. An unknown
// username and a wrong password answer the same (EUNAUTHORIZED), after the
// same work.
func (s *Service) SignIn(username, password string) (mediation.Credential, *mediation.User, error) {
	cred, u, err := s.auth.Login(username, password)
	return mediation.Credential(cred), u, err
}

// Enter exchanges a party's invitation token and PIN for a login on its
// case (the first entry sets the PIN). Only the signed-out and parties (a
// phone shared in a household) may redeem one: a staff login answers
// EFORBIDDEN before the token is looked at, so that no mediator or admin
// enters a case as one of its parties. A wrong PIN is EUNAUTHORIZED
// (error.pin_wrong), a malformed one EINVALID on "pin".
func (s *Service) Enter(p mediation.Principal, token, pin string) (mediation.Credential, *mediation.Party, error) {
	if !p.Anonymous() && !s.authz.MayEver(p, authz.ObjInvitation, authz.ActRedeem) {
		return mediation.Credential{}, nil, mediation.Errorf(mediation.EFORBIDDEN, "enter.staff")
	}
	cred, party, err := s.auth.Redeem(token, pin)
	return mediation.Credential(cred), party, err
}

// ValidToken reports whether token has the shape of an invitation token, so
// that a malformed link is answered as absent before anything is looked up.
func (s *Service) ValidToken(token string) bool { return auth.ValidTokenSyntax(token) }

// Authenticate turns a login cookie into the principal it belongs to, and
// returns the login's id. Every failure is EUNAUTHORIZED, whatever its cause.
func (s *Service) Authenticate(cookie string) (mediation.Principal, []byte, error) {
	return s.auth.Authenticate(cookie)
}

// SignOut ends a login.
func (s *Service) SignOut(id []byte) error { return s.auth.Logout(id) }

// Me is who the principal is: a staff user's account, or a party with its
// own record and its case.
func (s *Service) Me(p mediation.Principal) (*mediation.User, mediation.Visible[mediation.Party], mediation.Visible[mediation.Case], error) {
	var party mediation.Visible[mediation.Party]
	var cs mediation.Visible[mediation.Case]
	switch {
	case p.Anonymous():
		return nil, party, cs, mediation.Unauthorized()
	case p.IsParty():
		defer s.decided()()
		pt, err := s.db.Party(p.PartyID)
		if err != nil {
			return nil, party, cs, err
		}
		c, err := s.db.Case(p.CaseID)
		if err != nil {
			return nil, party, cs, err
		}
		party = mediation.Visible[mediation.Party]{Record: pt, Level: s.partyLevel(p, pt)}
		cs = mediation.Visible[mediation.Case]{Record: c, Level: s.caseLevel(p, c)}
		return nil, party, cs, nil
	}
	u, err := s.db.User(p.UserID)
	return u, party, cs, err
}

// DisplayName is how a page names the signed-in principal: a party's name or
// a staff user's display name; "" when it cannot be found.
func (s *Service) DisplayName(p mediation.Principal) string {
	if p.IsParty() {
		if party, err := s.db.Party(p.PartyID); err == nil {
			return party.Name
		}
		return ""
	}
	if u, err := s.db.User(p.UserID); err == nil {
		return u.DisplayName
	}
	return ""
}

// Entry is what the holder of an invitation token is told before entering:
// whether the party has a PIN, who reset it and when, and the mediators to
// call. The token is the credential here, as for Enter; an unknown or
// expired one is EUNAUTHORIZED.
func (s *Service) Entry(token string) (*mediation.Entry, error) {
	if !auth.ValidTokenSyntax(token) {
		return nil, mediation.Unauthorized()
	}
	inv, err := s.db.Invitation(auth.HashToken(token))
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		return nil, mediation.Unauthorized()
	} else if err != nil {
		return nil, err
	}
	return s.entry(inv)
}

// OwnEntry is Entry for a signed-in party, about its own invitation: its
// page says who reset its PIN and when.
func (s *Service) OwnEntry(p mediation.Principal) (*mediation.Entry, error) {
	if !p.IsParty() {
		return nil, mediation.NotFound()
	}
	inv, err := s.db.PartyInvitation(p.PartyID)
	if err != nil {
		return nil, err
	}
	return s.entry(inv)
}

func (s *Service) entry(inv *mediation.Invitation) (*mediation.Entry, error) {
	e := &mediation.Entry{PartyID: inv.PartyID, HasPIN: inv.PINHash != "", ResetAt: inv.PINResetAt}
	if inv.PINResetBy != 0 {
		if u, err := s.db.User(inv.PINResetBy); err == nil {
			e.ResetBy = u.DisplayName
		}
	}
	cs, err := s.db.Case(inv.CaseID)
	if err != nil {
		return nil, err
	}
	for _, id := range cs.Mediators {
		if u, err := s.db.User(id); err == nil && u.Active() {
			e.Mediators = append(e.Mediators, mediation.Contact{ID: u.ID, Name: u.DisplayName, Phone: u.Phone})
		}
	}
	return e, nil
}
