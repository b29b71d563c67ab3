package authz

import (
	"fmt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Load builds the Authorizer with every grant rebuilt from the store: each
// active staff account's role, each active mediator's assignments, each
// party's case, and each active admin's care of every case left without an
// active mediator or with a pending recusal request.
func Load(db *store.DB) (*Authorizer, error) {
	// The compiled policy (casbin asked about every rule) is built while
	// the store is read.
	go compiledPolicy()
	users, err := db.AllUsers()
	if err != nil {
		return nil, err
	}
	active := map[mediation.ID]bool{}
	var admins []mediation.ID
	var grants []Grant
	for _, u := range users {
		if !u.Active() {
			continue
		}
		active[u.ID] = true
		grants = append(grants, StaffGrant(u.ID, u.Role))
		if u.Role == mediation.RoleAdmin {
			admins = append(admins, u.ID)
		}
	}
	// The per-case grants, one for each membership of the store: as
	// holders, not spelt out as g lines, since there are as many as the
	// cases have mediators and parties.
	var members []member
	attended, known := map[mediation.ID]bool{}, map[mediation.ID]bool{}
	var cases []mediation.ID
	err = db.Members(
		func(user, caseID mediation.ID) {
			if !known[caseID] {
				known[caseID] = true
				cases = append(cases, caseID)
			}
			if active[user] {
				attended[caseID] = true
				members = append(members, member{holder{id: uint64(user), dom: uint64(caseID)}, roleMediator})
			}
		},
		func(party, caseID mediation.ID) {
			members = append(members, member{holder{party: true, id: uint64(party), dom: uint64(caseID)}, roleParty})
		})
	if err != nil {
		return nil, err
	}
	// A pending recusal puts the case in the admins' care too.
	recusing, err := db.Recusing()
	if err != nil {
		return nil, err
	}
	for _, c := range recusing {
		attended[c] = false
		if !known[c] {
			known[c] = true
			cases = append(cases, c)
		}
	}
	for _, c := range cases {
		if !attended[c] {
			for _, a := range admins {
				grants = append(grants, CaretakerGrant(a, c))
			}
		}
	}
	a, err := New(grants)
	if err != nil {
		return nil, err
	}
	if err := a.grantMembers(members); err != nil {
		return nil, err
	}
	return a, nil
}

// A member is a per-case grant as Load reads it from the store.
type member struct {
	h    holder
	role string
}

// grantMembers adds the members' grants, as Grant would their g lines.
func (a *Authorizer) grantMembers(ms []member) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range ms {
		if m.h.id == 0 || m.h.dom == 0 {
			return fmt.Errorf("authz: grant %s to %+v: no subject or no case", m.role, m.h)
		}
		a.grants[m.h] |= a.bits[m.role]
	}
	return nil
}
