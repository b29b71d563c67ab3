package authz

import (
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Load builds the Authorizer with every grant rebuilt from the store: each
// staff account's role, each mediator's assignments and each party's case.
func Load(db *store.DB) (*Authorizer, error) {
	users, err := db.AllUsers()
	if err != nil {
		return nil, err
	}
	var grants []Grant
	for _, u := range users {
		grants = append(grants, StaffGrant(u.ID, u.Role))
	}
	err = db.Members(
		func(user, caseID mediation.ID) { grants = append(grants, MediatorGrant(user, caseID)) },
		func(party, caseID mediation.ID) { grants = append(grants, PartyGrant(party, caseID)) })
	if err != nil {
		return nil, err
	}
	return New(grants)
}
