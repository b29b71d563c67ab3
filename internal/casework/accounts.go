package casework

import (
	"slices"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// UpdateUser changes a staff account (the admin only): its display name and
// phone, a new password (a reset: the account's logins end), or whether it
// is active. A deactivated account's logins end at once and it holds no
// grant any more; a case it leaves without an active mediator comes into
// the admins' care. It returns ENOTFOUND for an absent account and
// ECONFLICT for an admin deactivating itself.
func (s *Service) UpdateUser(r *mediation.Request, id mediation.ID, in mediation.Input) (*mediation.User, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjUser, authz.ActUpdate); err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, authz.ActUpdate, authz.GlobalObject(authz.ObjUser)); err != nil {
		return nil, err
	}
	var patch mediation.UserPatch
	if err := in(&patch); err != nil {
		return nil, err
	}
	if err := mediation.Validate(&patch); err != nil {
		return nil, err
	}
	if patch.Active != nil && !*patch.Active && id == p.UserID {
		return nil, mediation.Errorf(mediation.ECONFLICT, "error.deactivate_self")
	}
	// Hashing takes a while and decides nothing: it runs before the lock.
	var hash string
	if patch.Password != nil {
		var err error
		if hash, err = s.auth.HashPassword(*patch.Password); err != nil {
			return nil, err
		}
	}
	defer s.changing()()
	now := s.db.Now().UTC()
	u, err := s.db.UpdateUser(id, p.Subject(), func(u *mediation.User) (store.UserChange, error) {
		fields, err := patch.Apply(u, now)
		return store.UserChange{Fields: fields, PasswordHash: hash,
			EndLogins: hash != "" || !u.Active()}, err
	}, keyed(r)...)
	if _, ok := replayed(r, err); ok {
		u, err = s.db.User(id)
	}
	if err != nil {
		return nil, err
	}
	return u, s.syncAccounts()
}

// ChangePassword sets a staff user's own password, given the current one;
// every other login of the account ends. A wrong current password is
// EINVALID on "current".
func (s *Service) ChangePassword(r *mediation.Request, login []byte, in mediation.Input) error {
	p := r.Principal
	if err := s.require(p, authz.ObjPassword, authz.ActUpdate); err != nil {
		return err
	}
	if err := s.authz.Check(p, authz.ActUpdate, authz.PasswordObject(p.UserID)); err != nil {
		return err
	}
	var pc mediation.PasswordChange
	if err := in(&pc); err != nil {
		return err
	}
	if err := mediation.Validate(&pc); err != nil {
		return err
	}
	u, err := s.db.User(p.UserID)
	if err != nil {
		return err
	}
	if ok, err := s.auth.Verify(pc.Current, u.PasswordHash); err != nil {
		return err
	} else if !ok {
		return mediation.Invalid("current", "validation.password_wrong", "")
	}
	hash, err := s.auth.HashPassword(pc.New)
	if err != nil {
		return err
	}
	defer s.decided()()
	_, err = s.db.UpdateUser(p.UserID, p.Subject(), func(*mediation.User) (store.UserChange, error) {
		return store.UserChange{Fields: []string{"password"}, PasswordHash: hash, EndLogins: true, Keep: login,
			Action: mediation.AuditPasswordChange}, nil
	}, keyed(r)...)
	if _, ok := replayed(r, err); ok {
		return nil
	}
	return err
}

// syncCaretakers brings the admins' care of the case into line with the
// case and the accounts as the store has them: every active admin holds
// role:caretaker on it while none of its mediators is active, and no admin
// holds it otherwise.
func (s *Service) syncCaretakers(cs *mediation.Case) error {
	users, err := s.db.AllUsers()
	if err != nil {
		return err
	}
	active := activeAccounts(users)
	recusing, err := s.recusing(cs.ID)
	if err != nil {
		return err
	}
	unattended := authz.InCare(cs, func(id mediation.ID) bool { return active[id] }, recusing)
	var grant, revoke []authz.Grant
	for _, u := range users {
		if u.Role != mediation.RoleAdmin {
			continue
		}
		g := authz.CaretakerGrant(u.ID, cs.ID)
		if unattended && u.Active() {
			grant = append(grant, g)
		} else {
			revoke = append(revoke, g)
		}
	}
	if err := s.authz.Revoke(revoke...); err != nil {
		return err
	}
	return s.authz.Grant(grant...)
}

// syncAccounts brings every grant that depends on whether an account is
// active into line with the store, after an account changed: each account's
// staff role, each mediator's assignments and the admins' care of every
// case. Accounts change seldom, so it looks at all of them.
func (s *Service) syncAccounts() error {
	users, err := s.db.AllUsers()
	if err != nil {
		return err
	}
	active := activeAccounts(users)
	var grant, revoke []authz.Grant
	sort := func(g authz.Grant, on bool) {
		if on {
			grant = append(grant, g)
		} else {
			revoke = append(revoke, g)
		}
	}
	for _, u := range users {
		sort(authz.StaffGrant(u.ID, u.Role), u.Active())
	}
	attended, known := map[mediation.ID]bool{}, map[mediation.ID]bool{}
	var cases []mediation.ID
	err = s.db.Members(func(user, caseID mediation.ID) {
		if !known[caseID] {
			known[caseID] = true
			cases = append(cases, caseID)
		}
		attended[caseID] = attended[caseID] || active[user]
		sort(authz.MediatorGrant(user, caseID), active[user])
	}, func(mediation.ID, mediation.ID) {})
	if err != nil {
		return err
	}
	recusing, err := s.db.Recusing()
	if err != nil {
		return err
	}
	for _, c := range cases {
		for _, u := range users {
			if u.Role == mediation.RoleAdmin {
				sort(authz.CaretakerGrant(u.ID, c), u.Active() && (!attended[c] || slices.Contains(recusing, c)))
			}
		}
	}
	if err := s.authz.Revoke(revoke...); err != nil {
		return err
	}
	return s.authz.Grant(grant...)
}

func activeAccounts(users []mediation.User) map[mediation.ID]bool {
	active := make(map[mediation.ID]bool, len(users))
	for _, u := range users {
		active[u.ID] = u.Active()
	}
	return active
}
