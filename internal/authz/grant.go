package authz

import (
	"fmt"
	"strings"

	"tiaojie/internal/mediation"
)

// Grant is one casbin g line: Subject holds Role in Domain.
type Grant struct {
	Subject string
	Role    string
	Domain  string
}

// MediatorGrant makes a staff user the assigned mediator of one case.
func MediatorGrant(userID, caseID mediation.ID) Grant {
	return Grant{Subject: mediation.UserSubject(userID), Role: roleMediator, Domain: mediation.CaseDomain(caseID)}
}

// PartyGrant makes a party a party of its case.
func PartyGrant(partyID, caseID mediation.ID) Grant {
	return Grant{Subject: mediation.PartySubject(partyID), Role: roleParty, Domain: mediation.CaseDomain(caseID)}
}

// CaretakerGrant lets an admin assign a mediator to (and remove one from) a
// case that has no active mediator left. It is derived from the store: see
// Unattended.
func CaretakerGrant(adminID, caseID mediation.ID) Grant {
	return Grant{Subject: mediation.UserSubject(adminID), Role: roleCaretaker, Domain: mediation.CaseDomain(caseID)}
}

// Unattended reports whether none of the case's mediators is an active
// account, given whether a user is active: then, and only then, the admins
// hold CaretakerGrant on it.
func Unattended(cs *mediation.Case, active func(mediation.ID) bool) bool {
	for _, m := range cs.Mediators {
		if active(m) {
			return false
		}
	}
	return true
}

// StaffGrant gives a staff account the global role that goes with its staff
// role. An unknown staff role yields a grant that validation rejects, so that
// it cannot silently become a grant of nothing.
func StaffGrant(userID mediation.ID, role mediation.Role) Grant {
	g := Grant{Subject: mediation.UserSubject(userID), Domain: DomainGlobal}
	switch role {
	case mediation.RoleAdmin:
		g.Role = roleAdmin
	case mediation.RoleOffice:
		g.Role = roleOffice
	case mediation.RoleMediator:
		g.Role = roleMediatorAccount
	}
	return g
}

// validate refuses grants the store should never produce. The matcher honours
// any grant in "*" in every case, so a per-case role or a party slipping into
// "*" would silently reach every case; and a role granted to a role would
// chain permissions in ways policy.csv does not show.
func (g Grant) validate() error {
	var subjectPrefix string
	global := false
	switch g.Role {
	case roleAdmin, roleOffice, roleMediatorAccount:
		subjectPrefix, global = "u:", true
	case roleMediator, roleCaretaker:
		subjectPrefix = "u:"
	case roleParty:
		subjectPrefix = "p:"
	default:
		return fmt.Errorf("authz: grant %v: unknown role", g)
	}
	if !hasID(g.Subject, subjectPrefix) {
		return fmt.Errorf("authz: grant %v: subject must be %sN", g, subjectPrefix)
	}
	if global && g.Domain != DomainGlobal {
		return fmt.Errorf("authz: grant %v: %s is granted only in %q", g, g.Role, DomainGlobal)
	}
	if !global && !hasID(g.Domain, "case:") {
		return fmt.Errorf("authz: grant %v: %s is granted only in a case domain", g, g.Role)
	}
	return nil
}

// hasID reports whether s is prefix followed by a non-zero decimal id, the
// only shape mediation's subject and domain helpers produce.
func hasID(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return false
	}
	_, ok = mediation.ParseID(rest)
	return ok
}
