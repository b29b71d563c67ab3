package authz

import (
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Load builds the Authorizer with every grant rebuilt from the store, read at
// one revision (Applied says which): each active staff account's role, each
// active mediator's assignments, each party's case, and each active admin's
// care of every case left without an active mediator or with a pending
// recusal request.
func Load(db *store.DB) (*Authorizer, error) {
	// The compiled policy (casbin asked about every rule) is built while
	// the store is read.
	go compiledPolicy()
	m, err := db.Membership()
	if err != nil {
		return nil, err
	}
	a, err := New(GrantsOf(m))
	if err != nil {
		return nil, err
	}
	a.applied.Store(m.Revision)
	return a, nil
}

// GrantsOf are the grants that follow from who belongs where.
func GrantsOf(m *store.Membership) []Grant {
	active := map[mediation.ID]bool{}
	var admins []mediation.ID
	var grants []Grant
	for _, u := range m.Users {
		if !u.Active() {
			continue
		}
		active[u.ID] = true
		grants = append(grants, StaffGrant(u.ID, u.Role))
		if u.Role == mediation.RoleAdmin {
			admins = append(admins, u.ID)
		}
	}
	attended, known := map[mediation.ID]bool{}, map[mediation.ID]bool{}
	var cases []mediation.ID
	for _, md := range m.Mediators {
		if !known[md.Case] {
			known[md.Case] = true
			cases = append(cases, md.Case)
		}
		if active[md.ID] {
			attended[md.Case] = true
			grants = append(grants, MediatorGrant(md.ID, md.Case))
		}
	}
	for _, p := range m.Parties {
		grants = append(grants, PartyGrant(p.ID, p.Case))
	}
	// A pending recusal puts the case in the admins' care too.
	for _, c := range m.Recusing {
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
	return grants
}
