// Package authz is the single place where the neutrality rules of
// policies/ are applied to a principal and a stored object.
package authz

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
//
// The rules are casbin's: at start the shipped model and policy are compiled
// by asking casbin itself, for every role, object kind and action the policy
// names, whether it allows the act on any object or only on the subject's
// own (TestCompiledEqualsCasbin checks the table against casbin on every
// combination and grant state). The grants, the store's g lines, are kept in
// a compact table of their own, so that a decision is a few map lookups
// whatever the number of cases, and a revoke is seen by every check that
// starts after it returns.
type Authorizer struct {
	// table is the compiled policy: the scope each (role, kind, action)
	// allows. It and ever are fixed at start and read without locking.
	table map[permission]scope
	// ever holds every (role, kind, action) that has a rule.
	ever map[permission]bool
	// roles are the policy's roles, each with its bit in a roleSet.
	roles []string
	bits  map[string]roleSet
	// rules is table and ever by kind and action, as sets of roles, so that a
	// decision is one lookup whatever the roles held; kinds are the roles
	// each kind of principal can ever hold (kindRoles).
	rules map[kindAct]rule
	kinds [principalKinds]roleSet

	mu     sync.RWMutex
	grants map[holder]roleSet
	// applied is the store revision the grants were last rebuilt at
	// (watch.go).
	applied atomic.Int64
}

type permission struct{ role, obj, act string }

// kindAct is an object kind and an action.
type kindAct struct{ obj, act string }

// rule is what the policy says of one kind and action: the roles that may
// ever do it (ever), on any object (any), on their own objects only (self).
type rule struct{ ever, any, self roleSet }

// scope is what a rule allows: every object of its kind, or only the
// subject's own.
type scope uint8

const (
	scopeNone scope = iota
	scopeSelf
	scopeAny
)

// roleSet is a set of the policy's roles, one bit each.
type roleSet uint32

// holder is who holds roles where: a subject ("u:7", "p:19") in a domain
// (a case's ID, or 0 for DomainGlobal).
type holder struct {
	party bool
	id    uint64
	dom   uint64
}

// New builds an Authorizer from the embedded rules and the given grants,
// rebuilt from the store.
func New(grants []Grant) (*Authorizer, error) {
	c, err := compiledPolicy()
	if err != nil {
		return nil, err
	}
	// The compiled rules are fixed and only read: every Authorizer shares
	// them, each with grants of its own.
	a := &Authorizer{table: c.table, ever: c.ever, roles: c.roles, bits: c.bits, rules: c.rules, kinds: c.kinds,
		grants: map[holder]roleSet{}}
	if err := a.Grant(grants...); err != nil {
		return nil, err
	}
	return a, nil
}

// compiledPolicy compiles the embedded policy once per process: the rules
// are fixed at build time.
var compiledPolicy = sync.OnceValues(func() (*Authorizer, error) {
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, &adapter{})
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	e.EnableAutoSave(false)
	return compile(e)
})

// compile asks casbin, for every role, kind and action of the policy,
// whether a subject holding the role in a case may act there on another's
// object and on its own.
func compile(e *casbin.Enforcer) (*Authorizer, error) {
	ps, err := e.GetPolicy()
	if err != nil {
		return nil, fmt.Errorf("authz: policy: %w", err)
	}
	a := &Authorizer{table: map[permission]scope{}, ever: map[permission]bool{}, bits: map[string]roleSet{},
		grants: map[holder]roleSet{}}
	// The kinds and actions asked about: those a rule names together. The
	// model's matcher allows nothing else (r.obj == p.obj && r.act ==
	// p.act); TestNoRuleNoPermission asks casbin about every other pairing.
	var pairs []kindAct
	for _, p := range ps {
		if len(p) != 5 {
			return nil, fmt.Errorf("authz: policy rule %v: want 5 fields", p)
		}
		// A rule for one domain only would need the domain in the table.
		if p[1] != DomainGlobal {
			return nil, fmt.Errorf("authz: policy rule %v: rules are written for domain %q", p, DomainGlobal)
		}
		if _, ok := a.bits[p[0]]; !ok {
			if len(a.roles) == 32 {
				return nil, errors.New("authz: more than 32 roles")
			}
			a.bits[p[0]] = 1 << len(a.roles)
			a.roles = append(a.roles, p[0])
		}
		a.ever[permission{role: p[0], obj: p[2], act: p[3]}] = true
		if !slices.Contains(pairs, kindAct{p[2], p[3]}) {
			pairs = append(pairs, kindAct{p[2], p[3]})
		}
	}
	const probe, other, dom = "probe:1", "probe:2", "case:1"
	for _, role := range a.roles {
		e.ClearPolicy()
		if err := e.LoadPolicy(); err != nil {
			return nil, fmt.Errorf("authz: policy: %w", err)
		}
		if _, err := e.AddGroupingPolicy(probe, role, dom); err != nil {
			return nil, fmt.Errorf("authz: probe %s: %w", role, err)
		}
		for _, pr := range pairs {
			obj, act := pr.obj, pr.act
			own, err := e.Enforce(probe, dom, obj, act, probe)
			if err != nil {
				return nil, fmt.Errorf("authz: enforce: %w", err)
			}
			others, err := e.Enforce(probe, dom, obj, act, other)
			if err != nil {
				return nil, fmt.Errorf("authz: enforce: %w", err)
			}
			switch {
			case others:
				a.table[permission{role, obj, act}] = scopeAny
			case own:
				a.table[permission{role, obj, act}] = scopeSelf
			}
		}
	}
	a.index()
	return a, nil
}

// index derives rules and kinds from table, ever and the roles.
func (a *Authorizer) index() {
	a.rules = map[kindAct]rule{}
	for p := range a.ever {
		r := a.rules[kindAct{p.obj, p.act}]
		r.ever |= a.bits[p.role]
		a.rules[kindAct{p.obj, p.act}] = r
	}
	for p, sc := range a.table {
		r := a.rules[kindAct{p.obj, p.act}]
		switch sc {
		case scopeAny:
			r.any |= a.bits[p.role]
		case scopeSelf:
			r.self |= a.bits[p.role]
		}
		a.rules[kindAct{p.obj, p.act}] = r
	}
	for k := range principalKinds {
		for _, role := range kindRoles[k] {
			a.kinds[k] |= a.bits[role]
		}
	}
}

// Grant adds grants; call it after the store transaction that records them
// has committed. Granting an existing grant is a no-op.
func (a *Authorizer) Grant(gs ...Grant) error {
	return a.change(gs, func(held, r roleSet) roleSet { return held | r })
}

// Revoke removes grants; call it after the store transaction that removes
// them has committed. Once it returns, no check allows what they allowed.
// Revoking an absent grant is a no-op.
func (a *Authorizer) Revoke(gs ...Grant) error {
	return a.change(gs, func(held, r roleSet) roleSet { return held &^ r })
}

func (a *Authorizer) change(gs []Grant, op func(held, r roleSet) roleSet) error {
	type change struct {
		h    holder
		role roleSet
	}
	cs := make([]change, len(gs))
	for i, g := range gs {
		h, role, err := a.resolve(g)
		if err != nil {
			return err
		}
		cs[i] = change{h, role}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range cs {
		if held := op(a.grants[c.h], c.role); held != 0 {
			a.grants[c.h] = held
		} else {
			delete(a.grants, c.h)
		}
	}
	return nil
}

// resolve is the holder and the role of a valid grant.
func (a *Authorizer) resolve(g Grant) (holder, roleSet, error) {
	if err := g.validate(); err != nil {
		return holder{}, 0, err
	}
	h, ok := holderOf(g.Subject, g.Domain)
	role, known := a.bits[g.Role]
	if !ok || !known {
		return holder{}, 0, fmt.Errorf("authz: grant %v: not a subject, domain and role of the policy", g)
	}
	return h, role, nil
}

// domainOf reads a domain: the case of "case:42", 0 for DomainGlobal.
func domainOf(domain string) (uint64, bool) {
	if domain == DomainGlobal {
		return 0, true
	}
	rest, ok := strings.CutPrefix(domain, "case:")
	id, valid := mediation.ParseID(rest)
	return uint64(id), ok && valid
}

// holderOf reads a subject ("u:7", "p:19") and a domain ("case:42", "*").
func holderOf(subject, domain string) (holder, bool) {
	var h holder
	switch {
	case strings.HasPrefix(subject, "u:"):
	case strings.HasPrefix(subject, "p:"):
		h.party = true
	default:
		return h, false
	}
	id, ok := mediation.ParseID(subject[2:])
	if !ok {
		return h, false
	}
	h.id = uint64(id)
	h.dom, ok = domainOf(domain)
	return h, ok
}

// enforce is the compiled matcher: the roles the subject holds in the domain
// and in DomainGlobal, each asked whether it allows act on obj for its owner.
func (a *Authorizer) enforce(sub, dom, obj, act, owner string) bool {
	h, ok := holderOf(sub, dom)
	if !ok {
		return false
	}
	return a.decide(h, a.rules[kindAct{obj, act}], owner)
}

// decide is enforce on a holder already read, with the rule of the object's
// kind and action: one lookup of the grants, and no string built.
func (a *Authorizer) decide(h holder, r rule, owner string) bool {
	if r.any|r.self == 0 {
		return false
	}
	global := h
	global.dom = 0
	a.mu.RLock()
	held := a.grants[h] | a.grants[global]
	a.mu.RUnlock()
	return held&r.any != 0 || held&r.self != 0 && h.owns(owner)
}

// owns reports whether owner ("u:7", "p:19") is the holder's own subject,
// as Principal.Subject would spell it.
func (h holder) owns(owner string) bool {
	prefix := "u:"
	if h.party {
		prefix = "p:"
	}
	rest, ok := strings.CutPrefix(owner, prefix)
	if !ok {
		return false
	}
	id, ok := mediation.ParseID(rest)
	return ok && uint64(id) == h.id
}

// principalHolder is the holder a principal is in the domain: what
// holderOf(p.Subject(), dom) reads, without spelling the subject.
func principalHolder(p mediation.Principal, dom string) (holder, bool) {
	var h holder
	switch {
	case p.UserID != 0:
		h.id = uint64(p.UserID)
	case p.PartyID != 0:
		h.party, h.id = true, uint64(p.PartyID)
	default:
		return h, false
	}
	var ok bool
	h.dom, ok = domainOf(dom)
	return h, ok
}

// The kinds of principal, each with the roles it can ever hold, in any
// case. The order of the checks in kindOf follows Principal.Subject so that
// the roles and the subject always describe the same person.
const (
	kindNone = iota
	kindAdmin
	kindOffice
	kindMediator
	kindParty
	principalKinds
)

var kindRoles = [principalKinds][]string{
	kindAdmin:    {roleAdmin, roleCaretaker},
	kindOffice:   {roleOffice},
	kindMediator: {roleMediatorAccount, roleMediator},
	kindParty:    {roleParty},
}

func kindOf(p mediation.Principal) int {
	switch {
	case p.UserID != 0:
		switch p.Role {
		case mediation.RoleAdmin:
			return kindAdmin
		case mediation.RoleOffice:
			return kindOffice
		case mediation.RoleMediator:
			return kindMediator
		}
	case p.PartyID != 0:
		return kindParty
	}
	return kindNone
}

// MayEver reports whether a principal of this kind could ever perform act on
// an object of kind obj, in some case, owned by someone. Handlers use it to
// answer 403 before loading anything, so a 403 never reveals whether a record
// exists.
func (a *Authorizer) MayEver(p mediation.Principal, obj, act string) bool {
	return a.rules[kindAct{obj, act}].ever&a.kinds[kindOf(p)] != 0
}

// Check is the one access decision: nil when p may perform act on obj; an
// EUNAUTHORIZED error when no one is signed in; Forbidden when p's kind of
// principal may never do this; NotFound when it may in general but not here,
// so that an object p may not see looks exactly like an absent one.
func (a *Authorizer) Check(p mediation.Principal, act string, obj Object) error {
	if p.Anonymous() {
		return mediation.Unauthorized()
	}
	r := a.rules[kindAct{obj.Kind, act}]
	if r.ever&a.kinds[kindOf(p)] == 0 {
		return mediation.Forbidden()
	}
	// An object without a domain is a handler bug; refusing it keeps a
	// missing field from being decided as if it were some domain.
	if obj.Domain == "" {
		return fmt.Errorf("authz: %s object has no domain", obj.Kind)
	}
	h, ok := principalHolder(p, obj.Domain)
	if !ok || !a.decide(h, r, obj.Owner) {
		return mediation.NotFound()
	}
	return nil
}

// Allowed is Check as a boolean, for filtering lists; any error denies.
func (a *Authorizer) Allowed(p mediation.Principal, act string, obj Object) bool {
	return a.Check(p, act, obj) == nil
}
