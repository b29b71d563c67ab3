package casework

import (
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// CreateUser makes a staff account (the admin only). It returns ECONFLICT
// when the username is taken.
func (s *Service) CreateUser(r *mediation.Request, in mediation.Input) (*mediation.User, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjUser, authz.ActCreate); err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, authz.ActCreate, authz.GlobalObject(authz.ObjUser)); err != nil {
		return nil, err
	}
	var ui mediation.UserInput
	if err := in(&ui); err != nil {
		return nil, err
	}
	// Hashing the password takes a while and decides nothing: it runs before
	// the lock is taken.
	u, err := s.auth.NewUser(&ui)
	if err != nil {
		return nil, err
	}
	defer s.changing()()
	err = s.db.CreateUser(u, p.Subject(), keyed(r)...)
	if rp, ok := replayed(r, err); ok {
		return s.db.User(rp.ID())
	} else if err != nil {
		return nil, err
	}
	return u, s.authz.Grant(authz.StaffGrant(u.ID, u.Role))
}

// Users lists a page of the staff accounts (the admin only).
func (s *Service) Users(p mediation.Principal, page mediation.Input) ([]mediation.User, mediation.ID, error) {
	if err := s.require(p, authz.ObjUser, authz.ActRead); err != nil {
		return nil, 0, err
	}
	if err := s.authz.Check(p, authz.ActRead, authz.GlobalObject(authz.ObjUser)); err != nil {
		return nil, 0, err
	}
	var pg mediation.Page
	if err := page(&pg); err != nil {
		return nil, 0, err
	}
	return s.db.Users(pg.Cursor, pg.Limit)
}
