package mediation

// Principal is whoever makes a request: a staff user, a party holding an
// invitation session, or nobody.
type Principal struct {
	UserID  ID
	Role    Role // staff role; empty for parties
	PartyID ID
	CaseID  ID // the one case a party belongs to
}

// Anonymous reports whether no one is signed in.
func (p Principal) Anonymous() bool { return p.UserID == 0 && p.PartyID == 0 }

// IsParty reports whether the principal is a party of a case.
func (p Principal) IsParty() bool { return p.PartyID != 0 }

// Subject is the principal's casbin subject: "u:7", "p:19", or "" when anonymous.
func (p Principal) Subject() string {
	switch {
	case p.UserID != 0:
		return UserSubject(p.UserID)
	case p.PartyID != 0:
		return PartySubject(p.PartyID)
	}
	return ""
}

// UserSubject is the casbin subject of a staff user.
func UserSubject(id ID) string { return "u:" + id.String() }

// PartySubject is the casbin subject of a party.
func PartySubject(id ID) string { return "p:" + id.String() }

// CaseDomain is the casbin domain of a case.
func CaseDomain(id ID) string { return "case:" + id.String() }
