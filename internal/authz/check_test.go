package authz

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"tiaojie/internal/mediation"
	"tiaojie/policies"
)

// referenceCheck is Check as the compiled table and casbin's subject
// strings define it (TestCompiledEqualsCasbin checks enforce against
// casbin): the principal's subject spelt out, each role its kind can hold
// asked in turn.
func referenceCheck(a *Authorizer, p mediation.Principal, act string, obj Object) error {
	if p.Anonymous() {
		return mediation.Unauthorized()
	}
	ever := false
	for _, role := range kindRoles[kindOf(p)] {
		ever = ever || a.ever[permission{role: role, obj: obj.Kind, act: act}]
	}
	if !ever {
		return mediation.Forbidden()
	}
	if obj.Domain == "" {
		return errors.New("no domain")
	}
	h, ok := holderOf(p.Subject(), obj.Domain)
	if !ok {
		return mediation.NotFound()
	}
	global := h
	global.dom = 0
	held := a.grants[h] | a.grants[global]
	for i, role := range a.roles {
		if held&(1<<i) == 0 {
			continue
		}
		switch a.table[permission{role, obj.Kind, act}] {
		case scopeAny:
			return nil
		case scopeSelf:
			if obj.Owner == p.Subject() {
				return nil
			}
		}
	}
	return mediation.NotFound()
}

// TestCheckEqualsReference decides, for every kind of principal, every
// kind and action a rule names, every domain and owner, in grant states
// that give each principal its roles, exactly as the subject-string
// reference does: the principal's holder and the per-kind role sets change
// how a decision is computed, not what it is.
func TestCheckEqualsReference(t *testing.T) {
	admin := mediation.Principal{UserID: 7, Role: mediation.RoleAdmin}
	office := mediation.Principal{UserID: 8, Role: mediation.RoleOffice}
	mediator := mediation.Principal{UserID: 9, Role: mediation.RoleMediator}
	party := mediation.Principal{PartyID: 19, CaseID: 42}
	unknownRole := mediation.Principal{UserID: 10, Role: "nobody"}
	principals := []mediation.Principal{{}, admin, office, mediator, party, unknownRole,
		{UserID: 9, PartyID: 19, Role: mediation.RoleMediator}}
	a, err := New([]Grant{StaffGrant(7, mediation.RoleAdmin), CaretakerGrant(7, 42), StaffGrant(8, mediation.RoleOffice),
		StaffGrant(9, mediation.RoleMediator), MediatorGrant(9, 42), PartyGrant(19, 42)})
	if err != nil {
		t.Fatal(err)
	}
	var kinds, acts []string
	for p := range a.ever {
		if !slices.Contains(kinds, p.obj) {
			kinds = append(kinds, p.obj)
		}
		if !slices.Contains(acts, p.act) {
			acts = append(acts, p.act)
		}
	}
	kinds, acts = append(kinds, "no_such_kind"), append(acts, "no_such_act")
	domains := []string{"case:42", "case:43", DomainGlobal, "", "case:", "case:042", "u:7"}
	owners := []string{"", "u:7", "u:8", "u:9", "p:19", "p:20", "p:019", "u:19", "p:9"}
	n := 0
	for _, p := range principals {
		for _, kind := range kinds {
			for _, act := range acts {
				for _, dom := range domains {
					for _, owner := range owners {
						obj := Object{Kind: kind, Domain: dom, Owner: owner}
						got, want := a.Check(p, act, obj), referenceCheck(a, p, act, obj)
						if fmt.Sprint(mediation.ErrorCode(got), got == nil) != fmt.Sprint(mediation.ErrorCode(want), want == nil) {
							t.Fatalf("%+v %s %+v: Check %v, reference %v", p, act, obj, got, want)
						}
						if mayEver := a.MayEver(p, kind, act); mayEver != (mediation.ErrorCode(want) != mediation.EFORBIDDEN && !p.Anonymous()) {
							t.Fatalf("%+v %s %s: MayEver %v, reference %v", p, act, kind, mayEver, want)
						}
						n++
					}
				}
			}
		}
	}
	t.Logf("%d decisions equal to the reference", n)
}

// TestCheckAllocatesNothing: a decision builds no subject string.
func TestCheckAllocatesNothing(t *testing.T) {
	a, err := New([]Grant{StaffGrant(9, mediation.RoleMediator), MediatorGrant(9, 42), PartyGrant(19, 42)})
	if err != nil {
		t.Fatal(err)
	}
	mediator := mediation.Principal{UserID: 9, Role: mediation.RoleMediator}
	party := mediation.Principal{PartyID: 19, CaseID: 42}
	own := Object{Kind: ObjSubmission, Domain: "case:42", Owner: "p:19"}
	if n := testing.AllocsPerRun(100, func() {
		if a.Check(mediator, ActRead, own) != nil || a.Check(party, ActRead, own) != nil {
			t.Fatal("denied")
		}
	}); n != 0 {
		t.Fatalf("%v allocations a decision", n)
	}
}

// TestNoRuleNoPermission: casbin allows no pairing of a kind and an action
// that no rule names together, whatever role is held, so the compiler asks
// casbin only about the pairings the rules name.
func TestNoRuleNoPermission(t *testing.T) {
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		t.Fatal(err)
	}
	e, err := casbin.NewEnforcer(m, &adapter{})
	if err != nil {
		t.Fatal(err)
	}
	e.EnableAutoSave(false)
	ps, err := e.GetPolicy()
	if err != nil {
		t.Fatal(err)
	}
	named := map[kindAct]bool{}
	var kinds, acts, roles []string
	for _, p := range ps {
		named[kindAct{p[2], p[3]}] = true
		for _, v := range []struct {
			list *[]string
			s    string
		}{{&kinds, p[2]}, {&acts, p[3]}, {&roles, p[0]}} {
			if !slices.Contains(*v.list, v.s) {
				*v.list = append(*v.list, v.s)
			}
		}
	}
	asked := 0
	for _, role := range roles {
		for _, dom := range []string{"case:1", DomainGlobal} {
			if _, err := e.AddGroupingPolicy("probe:1", role, dom); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, kind := range kinds {
		for _, act := range acts {
			if named[kindAct{kind, act}] {
				continue
			}
			for _, owner := range []string{"probe:1", "probe:2", ""} {
				ok, err := e.Enforce("probe:1", "case:1", kind, act, owner)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					t.Fatalf("casbin allows %s %s, which no rule names together", act, kind)
				}
				asked++
			}
		}
	}
	if asked == 0 {
		t.Fatal("every pairing is named: nothing asked")
	}
	t.Logf("%d decisions on pairings no rule names, every one denied, holding all %d roles", asked, len(roles))
}
