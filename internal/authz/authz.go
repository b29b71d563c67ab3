// Package authz is the single place where the neutrality rules of
// policies/ are applied to a principal and a stored object.
package authz

import (
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"tiaojie/internal/mediation"
	"tiaojie/policies"
)

// Object is an object as loaded from the store. Domain is the case domain
// ("case:N") or DomainGlobal; Owner is the casbin subject of its owner ("p:19")
// or "". Both must come from the stored record, never from the request.
type Object struct {
	Kind   string
	Domain string
	Owner  string
}

// Authorizer decides every access. It is safe for concurrent use.
type Authorizer struct {
	e *casbin.SyncedEnforcer
	// ever holds every (role, kind, action) that has a rule. The rules are
	// fixed at build time, so it is read without locking.
	ever map[permission]bool
}

type permission struct{ role, obj, act string }

// New builds an Authorizer from the embedded rules and the given grants,
// rebuilt from the store.
func New(grants []Grant) (*Authorizer, error) {
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, &adapter{grants: grants})
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	// Grants change in memory only; with auto-save on, casbin would first
	// try the load-only adapter and fail.
	e.EnableAutoSave(false)

	ps, err := e.GetPolicy()
	if err != nil {
		return nil, fmt.Errorf("authz: policy: %w", err)
	}
	a := &Authorizer{e: e, ever: make(map[permission]bool, len(ps))}
	for _, p := range ps {
		if len(p) != 5 {
			return nil, fmt.Errorf("authz: policy rule %v: want 5 fields", p)
		}
		a.ever[permission{role: p[0], obj: p[2], act: p[3]}] = true
	}
	return a, nil
}

// Grant adds grants in memory; call it after the store transaction that
// records them has committed. Granting an existing grant is a no-op.
func (a *Authorizer) Grant(gs ...Grant) error {
	rs, err := rules(gs)
	if err != nil || len(rs) == 0 {
		return err
	}
	if _, err := a.e.AddGroupingPoliciesEx(rs); err != nil {
		return fmt.Errorf("authz: grant: %w", err)
	}
	return nil
}

// Revoke removes grants in memory; call it after the store transaction that
// removes them has committed. Revoking an absent grant is a no-op.
func (a *Authorizer) Revoke(gs ...Grant) error {
	rs, err := rules(gs)
	if err != nil || len(rs) == 0 {
		return err
	}
	if _, err := a.e.RemoveGroupingPolicies(rs); err != nil {
		return fmt.Errorf("authz: revoke: %w", err)
	}
	return nil
}

// rolesOf lists every role a principal of this kind can ever hold, in any
// case. The order of the checks follows Principal.Subject so that the roles
// and the subject always describe the same person.
func rolesOf(p mediation.Principal) []string {
	switch {
	case p.UserID != 0:
		switch p.Role {
		case mediation.RoleAdmin:
			return []string{roleAdmin, roleCaretaker}
		case mediation.RoleOffice:
			return []string{roleOffice}
		case mediation.RoleMediator:
			return []string{roleMediatorAccount, roleMediator}
		}
	case p.PartyID != 0:
		return []string{roleParty}
	}
	return nil
}

// MayEver reports whether a principal of this kind could ever perform act on
// an object of kind obj, in some case, owned by someone. Handlers use it to
// answer 403 before loading anything, so a 403 never reveals whether a record
// exists.
func (a *Authorizer) MayEver(p mediation.Principal, obj, act string) bool {
	for _, r := range rolesOf(p) {
		if a.ever[permission{role: r, obj: obj, act: act}] {
			return true
		}
	}
	return false
}

// Check is the one access decision: nil when p may perform act on obj; an
// EUNAUTHORIZED error when no one is signed in; Forbidden when p's kind of
// principal may never do this; NotFound when it may in general but not here,
// so that an object p may not see looks exactly like an absent one.
func (a *Authorizer) Check(p mediation.Principal, act string, obj Object) error {
	if p.Anonymous() {
		return mediation.Unauthorized()
	}
	if !a.MayEver(p, obj.Kind, act) {
		return mediation.Forbidden()
	}
	// An object without a domain is a handler bug; refusing it keeps a
	// missing field from being decided as if it were some domain.
	if obj.Domain == "" {
		return fmt.Errorf("authz: %s object has no domain", obj.Kind)
	}
	ok, err := a.e.Enforce(p.Subject(), obj.Domain, obj.Kind, act, obj.Owner)
	if err != nil {
		return fmt.Errorf("authz: enforce: %w", err)
	}
	if !ok {
		return mediation.NotFound()
	}
	return nil
}

// Allowed is Check as a boolean, for filtering lists; any error denies.
func (a *Authorizer) Allowed(p mediation.Principal, act string, obj Object) bool {
	return a.Check(p, act, obj) == nil
}
