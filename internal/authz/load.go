package authz

import (
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Load builds the Authorizer with every grant rebuilt from the store: each
// active staff account's role, each active mediator's assignments, each
// party's case, and each active admin's care of every case left without an
// active mediator or with a pending recusal request.
func Load(db *store.DB) (*Authorizer, error) {
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
				grants = append(grants, MediatorGrant(user, caseID))
			}
		},
		func(party, caseID mediation.ID) { grants = append(grants, PartyGrant(party, caseID)) })
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
	return New(grants)
}
