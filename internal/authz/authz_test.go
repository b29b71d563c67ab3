package authz

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"tiaojie/internal/mediation"
	"tiaojie/policies"
)

var (
	anonymous  = mediation.Principal{}
	admin      = mediation.Principal{UserID: 1, Role: mediation.RoleAdmin}
	office     = mediation.Principal{UserID: 2, Role: mediation.RoleOffice}
	assigned   = mediation.Principal{UserID: 7, Role: mediation.RoleMediator}
	unassigned = mediation.Principal{UserID: 8, Role: mediation.RoleMediator}
	noRole     = mediation.Principal{UserID: 9}
	party      = mediation.Principal{PartyID: 19, CaseID: 42}
	otherParty = mediation.Principal{PartyID: 20, CaseID: 42}
)

func grants() []Grant {
	return []Grant{
		StaffGrant(1, mediation.RoleAdmin),
		StaffGrant(2, mediation.RoleOffice),
		StaffGrant(7, mediation.RoleMediator),
		StaffGrant(8, mediation.RoleMediator),
		MediatorGrant(7, 42),
		PartyGrant(19, 42),
		PartyGrant(20, 42),
	}
}

func newAuthorizer(t *testing.T) *Authorizer {
	t.Helper()
	a, err := New(grants())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func inCase(kind string, caseID mediation.ID, owner string) Object {
	return Object{Kind: kind, Domain: mediation.CaseDomain(caseID), Owner: owner}
}

func global(kind string) Object { return Object{Kind: kind, Domain: DomainGlobal} }

// code is the outcome of a Check as one of the error codes, "" when allowed.
func code(err error) string { return mediation.ErrorCode(err) }

func TestCheck(t *testing.T) {
	a := newAuthorizer(t)
	sub19, sub20 := mediation.PartySubject(19), mediation.PartySubject(20)
	tests := []struct {
		name string
		p    mediation.Principal
		act  string
		obj  Object
		want string
	}{
		{"anonymous is unauthorized", anonymous, ActRead, inCase(ObjCase, 42, ""), mediation.EUNAUTHORIZED},
		{"anonymous is unauthorized even for stats", anonymous, ActRead, global(ObjStats), mediation.EUNAUTHORIZED},

		{"assigned mediator reads a submission", assigned, ActRead, inCase(ObjSubmission, 42, sub19), ""},
		{"assigned mediator reads contact details", assigned, ActRead, inCase(ObjPartyContact, 42, sub19), ""},
		{"assigned mediator sees nothing of another case", assigned, ActRead, inCase(ObjSubmission, 43, sub19), mediation.ENOTFOUND},
		{"unassigned mediator does not see a submission", unassigned, ActRead, inCase(ObjSubmission, 42, sub19), mediation.ENOTFOUND},
		{"unassigned mediator does not see a case", unassigned, ActRead, inCase(ObjCase, 42, ""), mediation.ENOTFOUND},
		{"unassigned mediator creates a case", unassigned, ActCreate, global(ObjCase), ""},
		{"mediator reads the calendar", unassigned, ActRead, global(ObjCalendar), ""},
		{"mediator may never read stats", assigned, ActRead, global(ObjStats), mediation.EFORBIDDEN},
		{"mediator may never create users", assigned, ActCreate, global(ObjUser), mediation.EFORBIDDEN},

		{"office may never read a case", office, ActRead, inCase(ObjCase, 42, ""), mediation.EFORBIDDEN},
		{"office may never list cases", office, ActList, inCase(ObjCase, 42, ""), mediation.EFORBIDDEN},
		{"office reads stats", office, ActRead, global(ObjStats), ""},

		{"admin may never read a submission", admin, ActRead, inCase(ObjSubmission, 42, sub19), mediation.EFORBIDDEN},
		{"admin may never read contact details", admin, ActRead, inCase(ObjPartyContact, 42, sub19), mediation.EFORBIDDEN},
		{"admin may never read the audit trail", admin, ActRead, inCase(ObjAudit, 42, ""), mediation.EFORBIDDEN},
		{"admin may never read case content", admin, ActRead, inCase(ObjCase, 42, ""), mediation.EFORBIDDEN},
		{"admin reads case metadata", admin, ActReadMeta, inCase(ObjCase, 42, ""), ""},
		{"admin reads metadata of any case", admin, ActReadMeta, inCase(ObjCase, 43, ""), ""},
		{"admin assigns no mediator to a case it does not care for", admin, ActAssign, inCase(ObjMediator, 43, ""), mediation.ENOTFOUND},
		{"admin creates a user", admin, ActCreate, global(ObjUser), ""},

		{"party reads its own submission", party, ActRead, inCase(ObjSubmission, 42, sub19), ""},
		{"party does not see another party's submission", party, ActRead, inCase(ObjSubmission, 42, sub20), mediation.ENOTFOUND},
		{"party reads a released submission of another party", party, ActRead, inCase(ObjReleasedSubmission, 42, sub20), ""},
		{"party releases its own submission", party, ActRelease, inCase(ObjSubmission, 42, sub19), ""},
		{"party does not release another's submission", party, ActRelease, inCase(ObjSubmission, 42, sub20), mediation.ENOTFOUND},
		{"party does not see another party's contact", party, ActRead, inCase(ObjPartyContact, 42, sub20), mediation.ENOTFOUND},
		{"party sees nothing of another case", party, ActReadOverview, inCase(ObjCase, 43, ""), mediation.ENOTFOUND},
		{"party does not see its own submission filed in another case", party, ActRead, inCase(ObjSubmission, 43, sub19), mediation.ENOTFOUND},
		{"party may never read full case content", party, ActRead, inCase(ObjCase, 42, ""), mediation.EFORBIDDEN},
		{"party may never read the audit trail", party, ActRead, inCase(ObjAudit, 42, ""), mediation.EFORBIDDEN},

		{"staff without a role may never do anything", noRole, ActRead, global(ObjCalendar), mediation.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := a.Check(tt.p, tt.act, tt.obj)
			if got := code(err); got != tt.want {
				t.Fatalf("Check(%+v, %s, %+v) = %v, want code %q", tt.p, tt.act, tt.obj, err, tt.want)
			}
			if got := a.Allowed(tt.p, tt.act, tt.obj); got != (tt.want == "") {
				t.Errorf("Allowed = %v, disagrees with Check", got)
			}
		})
	}
}

func TestCheckErrorValues(t *testing.T) {
	a := newAuthorizer(t)
	var e *mediation.Error

	err := a.Check(anonymous, ActRead, global(ObjStats))
	if !errors.As(err, &e) || e.Code != mediation.EUNAUTHORIZED || e.Message != "error.unauthorized" {
		t.Errorf("anonymous: %#v", err)
	}
	err = a.Check(office, ActRead, inCase(ObjCase, 42, ""))
	if !errors.As(err, &e) || !sameError(e, mediation.Forbidden()) {
		t.Errorf("forbidden: %#v", err)
	}
	// A hidden object must be indistinguishable from an absent one, down to
	// the message key.
	err = a.Check(unassigned, ActRead, inCase(ObjSubmission, 42, mediation.PartySubject(19)))
	if !errors.As(err, &e) || !sameError(e, mediation.NotFound()) {
		t.Errorf("not found: %#v", err)
	}
}

func sameError(a, b *mediation.Error) bool {
	return a.Code == b.Code && a.Message == b.Message && len(a.Args) == 0 && len(a.Fields) == 0 &&
		len(a.Allowed) == 0 && len(a.Missing) == 0
}

func TestCheckRejectsObjectWithoutDomain(t *testing.T) {
	a := newAuthorizer(t)
	err := a.Check(admin, ActReadMeta, Object{Kind: ObjCase})
	if err == nil || code(err) != mediation.EINTERNAL {
		t.Fatalf("got %v, want an internal error", err)
	}
}

// TestForbiddenIffNeverAllowed ties Check's 403 to MayEver for every kind of
// principal, object kind and action, so the rule lives in one place.
func TestForbiddenIffNeverAllowed(t *testing.T) {
	a := newAuthorizer(t)
	principals := []mediation.Principal{admin, office, assigned, unassigned, noRole, party}
	for _, p := range principals {
		for _, obj := range policies.Objects {
			for _, act := range policies.Actions {
				may := a.MayEver(p, obj, act)
				for _, o := range []Object{inCase(obj, 42, p.Subject()), inCase(obj, 42, ""), inCase(obj, 43, ""), global(obj)} {
					err := a.Check(p, act, o)
					if forbidden := code(err) == mediation.EFORBIDDEN; forbidden == may {
						t.Errorf("%+v %s %+v: MayEver=%v but Check=%v", p, act, o, may, err)
					}
					if err != nil && code(err) != mediation.EFORBIDDEN && code(err) != mediation.ENOTFOUND {
						t.Errorf("%+v %s %+v: unexpected %v", p, act, o, err)
					}
				}
			}
		}
	}
	for _, obj := range policies.Objects {
		for _, act := range policies.Actions {
			if a.MayEver(anonymous, obj, act) {
				t.Errorf("anonymous may ever %s %s", act, obj)
			}
		}
	}
}

func TestMayEver(t *testing.T) {
	a := newAuthorizer(t)
	tests := []struct {
		p        mediation.Principal
		obj, act string
		want     bool
	}{
		{unassigned, ObjSubmission, ActRead, true}, // through role:mediator, in an assigned case
		{unassigned, ObjCase, ActCreate, true},     // through role:mediator_account
		{office, ObjStats, ActRead, true},
		{office, ObjCase, ActRead, false},
		{admin, ObjSubmission, ActRead, false},
		{admin, ObjCase, ActReadMeta, true},
		{party, ObjSubmission, ActRelease, true},
		{party, ObjInvitation, ActCreate, false},
		{noRole, ObjCase, ActList, false},
		{anonymous, ObjCase, ActList, false},
	}
	for _, tt := range tests {
		if got := a.MayEver(tt.p, tt.obj, tt.act); got != tt.want {
			t.Errorf("MayEver(%+v, %s, %s) = %v, want %v", tt.p, tt.obj, tt.act, got, tt.want)
		}
	}
}

func TestGrantAndRevokeAtRuntime(t *testing.T) {
	a := newAuthorizer(t)
	submission := inCase(ObjSubmission, 42, mediation.PartySubject(19))

	if err := a.Check(unassigned, ActRead, submission); code(err) != mediation.ENOTFOUND {
		t.Fatalf("before grant: %v", err)
	}
	if err := a.Grant(MediatorGrant(8, 42)); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(unassigned, ActRead, submission); err != nil {
		t.Fatalf("after grant: %v", err)
	}
	// Granting twice is harmless, and one revoke undoes it.
	if err := a.Grant(MediatorGrant(8, 42)); err != nil {
		t.Fatal(err)
	}
	if err := a.Revoke(MediatorGrant(8, 42)); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(unassigned, ActRead, submission); code(err) != mediation.ENOTFOUND {
		t.Fatalf("after revoke: %v", err)
	}
	// Revoking what is absent, alone or alongside a present grant, is harmless.
	if err := a.Revoke(MediatorGrant(8, 42)); err != nil {
		t.Fatal(err)
	}
	if err := a.Revoke(MediatorGrant(8, 42), PartyGrant(20, 42)); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(otherParty, ActReadOverview, inCase(ObjCase, 42, "")); code(err) != mediation.ENOTFOUND {
		t.Fatalf("revoked party: %v", err)
	}
	if err := a.Check(party, ActReadOverview, inCase(ObjCase, 42, "")); err != nil {
		t.Fatalf("untouched party: %v", err)
	}

	// A staff role is a grant too: an account switched from office to admin.
	if err := a.Revoke(StaffGrant(2, mediation.RoleOffice)); err != nil {
		t.Fatal(err)
	}
	if err := a.Check(office, ActRead, global(ObjStats)); code(err) != mediation.ENOTFOUND {
		t.Fatalf("revoked office: %v", err)
	}
	if err := a.Grant(StaffGrant(2, mediation.RoleAdmin)); err != nil {
		t.Fatal(err)
	}
	promoted := mediation.Principal{UserID: 2, Role: mediation.RoleAdmin}
	if err := a.Check(promoted, ActReadMeta, inCase(ObjCase, 42, "")); err != nil {
		t.Fatalf("promoted: %v", err)
	}
	if err := a.Grant(); err != nil {
		t.Fatalf("empty grant: %v", err)
	}
	if err := a.Revoke(); err != nil {
		t.Fatalf("empty revoke: %v", err)
	}
}

func TestInvalidGrants(t *testing.T) {
	bad := []Grant{
		StaffGrant(3, mediation.Role("janitor")),
		{Subject: "u:7", Role: roleMediator, Domain: DomainGlobal}, // mediator of every case
		{Subject: "p:19", Role: roleParty, Domain: DomainGlobal},   // party of every case
		{Subject: "p:19", Role: roleAdmin, Domain: DomainGlobal},   // a party as staff
		{Subject: "u:7", Role: roleParty, Domain: "case:42"},       // staff as a party
		{Subject: "u:1", Role: roleAdmin, Domain: "case:42"},       // global role in one case
		{Subject: "role:admin", Role: roleAdmin, Domain: DomainGlobal},
		{Subject: "u:0", Role: roleMediator, Domain: "case:42"},
		{Subject: "u:07", Role: roleMediator, Domain: "case:42"},
		{Subject: "u:7", Role: roleMediator, Domain: "case:"},
		{Subject: "u:7", Role: roleMediator, Domain: ""},
		{Subject: "", Role: roleMediator, Domain: "case:42"},
	}
	a := newAuthorizer(t)
	for _, g := range bad {
		if _, err := New([]Grant{g}); err == nil {
			t.Errorf("New accepted %+v", g)
		}
		if err := a.Grant(g); err == nil {
			t.Errorf("Grant accepted %+v", g)
		}
		if err := a.Revoke(g); err == nil {
			t.Errorf("Revoke accepted %+v", g)
		}
	}
	// A batch with one bad grant changes nothing.
	if err := a.Grant(MediatorGrant(8, 42), bad[1]); err == nil {
		t.Fatal("Grant accepted a batch with a bad grant")
	}
	if err := a.Check(unassigned, ActRead, inCase(ObjCase, 42, "")); code(err) != mediation.ENOTFOUND {
		t.Fatalf("partial batch applied: %v", err)
	}
}

func TestGrantConstructors(t *testing.T) {
	tests := []struct {
		got, want Grant
	}{
		{MediatorGrant(7, 42), Grant{"u:7", "role:mediator", "case:42"}},
		{PartyGrant(19, 42), Grant{"p:19", "role:party", "case:42"}},
		{StaffGrant(1, mediation.RoleAdmin), Grant{"u:1", "role:admin", "*"}},
		{StaffGrant(2, mediation.RoleOffice), Grant{"u:2", "role:office", "*"}},
		{StaffGrant(3, mediation.RoleMediator), Grant{"u:3", "role:mediator_account", "*"}},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %+v, want %+v", tt.got, tt.want)
		}
		if err := tt.got.validate(); err != nil {
			t.Errorf("%+v: %v", tt.got, err)
		}
	}
	for _, r := range mediation.Roles {
		if err := StaffGrant(1, r).validate(); err != nil {
			t.Errorf("staff role %q has no global role: %v", r, err)
		}
	}
}

func TestAdapterIsLoadOnly(t *testing.T) {
	ad := &adapter{}
	errs := []error{
		ad.SavePolicy(nil),
		ad.AddPolicy("g", "g", []string{"u:7", roleMediator, "case:42"}),
		ad.RemovePolicy("g", "g", []string{"u:7", roleMediator, "case:42"}),
		ad.RemoveFilteredPolicy("g", "g", 0, "u:7"),
		ad.AddPolicies("g", "g", [][]string{{"u:7", roleMediator, "case:42"}}),
		ad.RemovePolicies("g", "g", [][]string{{"u:7", roleMediator, "case:42"}}),
	}
	for i, err := range errs {
		if !errors.Is(err, errLoadOnly) {
			t.Errorf("write %d: got %v, want errLoadOnly", i, err)
		}
	}
}

func TestNamesMatchPolicies(t *testing.T) {
	objects := []string{ObjUser, ObjCase, ObjMediator, ObjParty, ObjPartyContact, ObjInvitation,
		ObjSubmission, ObjReleasedSubmission, ObjAudit, ObjStats, ObjBackup, ObjCalendar, ObjPassword, ObjPIN,
		ObjSession, ObjCaucus, ObjSessionRecord, ObjDeadline,
		ObjAttachment,
		// Agreements and return visits.
		ObjAgreement, ObjAgreementDraft, ObjSignature, ObjAgreementDecline, ObjVisit,
		// Closing, the mediator's own neutrality and recusals.
		ObjCaseFile, ObjInterests, ObjRecusal}
	actions := []string{ActCreate, ActRead, ActReadMeta, ActReadOverview, ActList, ActUpdate,
		ActTransition, ActAssign, ActRemove, ActRelease, ActRedeem, ActReset}
	for _, c := range []struct {
		name      string
		ours, its []string
	}{{"objects", objects, policies.Objects}, {"actions", actions, policies.Actions}} {
		a, b := slices.Sorted(slices.Values(c.ours)), slices.Sorted(slices.Values(c.its))
		if !slices.Equal(a, b) {
			t.Errorf("%s: authz has %v, policies has %v", c.name, a, b)
		}
	}
}

// TestConcurrentGrantAndCheck runs under -race: grants change while requests
// are decided.
func TestConcurrentGrantAndCheck(t *testing.T) {
	a := newAuthorizer(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		caseID := mediation.ID(100 + i)
		go func() {
			defer wg.Done()
			for range 200 {
				if err := a.Grant(MediatorGrant(8, caseID)); err != nil {
					t.Error(err)
					return
				}
				if err := a.Revoke(MediatorGrant(8, caseID)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				err := a.Check(unassigned, ActRead, inCase(ObjCase, caseID, ""))
				if c := code(err); c != "" && c != mediation.ENOTFOUND {
					t.Errorf("unexpected %v", err)
					return
				}
				if err := a.Check(assigned, ActRead, inCase(ObjCase, 42, "")); err != nil {
					t.Errorf("stable grant lost: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := a.Check(unassigned, ActRead, inCase(ObjCase, 100, "")); code(err) != mediation.ENOTFOUND {
		t.Fatalf("after all revokes: %v", err)
	}
}

// TestCompiledEqualsCasbin checks the compiled decisions against casbin
// itself, on the shipped model and policy, for every subject, domain, kind,
// action a rule names and owner (none, the subject, another), in every grant
// state the store can put a subject in: no grant, each grant validation
// allows, and a global role beside each per-case one (an assigned mediator).
func TestCompiledEqualsCasbin(t *testing.T) {
	probe, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every (kind, action) a rule names, and two no rule names: what no
	// rule names is denied alike for any kind and action.
	type pair struct{ kind, act string }
	var pairs []pair
	for p := range probe.ever {
		if !slices.Contains(pairs, pair{p.obj, p.act}) {
			pairs = append(pairs, pair{p.obj, p.act})
		}
	}
	pairs = append(pairs, pair{ObjCase, "no_such_act"}, pair{"no_such_kind", ActRead})
	subjects := []string{"u:7", "p:19"}
	domains := []string{"case:42", "case:43", DomainGlobal}
	owners := []string{"", "u:7", "p:19"}

	// Every single grant validation lets the store make: each role held by
	// each kind of subject, globally or in case:42, as Grant.validate
	// allows it.
	var singles [][]string
	for _, sub := range subjects {
		for _, role := range probe.roles {
			for _, dom := range []string{"case:42", DomainGlobal} {
				if (Grant{Subject: sub, Role: role, Domain: dom}).validate() == nil {
					singles = append(singles, []string{sub, role, dom})
				}
			}
		}
	}
	if len(singles) < len(probe.roles) {
		t.Fatalf("only %d grants validate for %d roles", len(singles), len(probe.roles))
	}
	states := [][][]string{nil}
	for _, g := range singles {
		states = append(states, [][]string{g})
	}
	for _, role := range probe.roles {
		states = append(states, [][]string{{"u:7", "role:mediator_account", DomainGlobal}, {"u:7", role, "case:42"}})
	}
	var decisions atomic.Int64
	for i, state := range states {
		// The subjects the state grants something, or both when it grants
		// nothing: another subject's answers do not depend on it.
		asked := subjects
		if len(state) > 0 {
			asked = []string{state[0][0]}
		}
		t.Run(fmt.Sprint("state", i), func(t *testing.T) {
			t.Parallel()
			m, err := model.NewModelFromString(policies.Model) // an enforcer writes to its model
			if err != nil {
				t.Fatal(err)
			}
			e, err := casbin.NewEnforcer(m, &adapter{})
			if err != nil {
				t.Fatal(err)
			}
			e.EnableAutoSave(false)
			a, err := New(nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range state {
				if _, err := e.AddGroupingPolicy(g[0], g[1], g[2]); err != nil {
					t.Fatal(err)
				}
				h, _ := holderOf(g[0], g[2])
				a.grants[h] |= a.bits[g[1]]
			}
			for _, sub := range asked {
				for _, dom := range domains {
					for _, pr := range pairs {
						kind, act := pr.kind, pr.act
						{
							for _, owner := range owners {
								want, err := e.Enforce(sub, dom, kind, act, owner)
								if err != nil {
									t.Fatal(err)
								}
								if got := a.enforce(sub, dom, kind, act, owner); got != want {
									t.Fatalf("grants %v: %s %s %s %s owner %q: compiled %v, casbin %v",
										state, sub, dom, kind, act, owner, got, want)
								}
								decisions.Add(1)
							}
						}
					}
				}
			}
		})
	}
	t.Cleanup(func() { t.Logf("%d grant states, %d decisions equal to casbin's", len(states), decisions.Load()) })
}

// Once Revoke returns, no check allows what the grant allowed, however many
// checks run beside it.
func TestNoAllowSurvivesARevoke(t *testing.T) {
	a := newAuthorizer(t)
	obj := inCase(ObjSubmission, 42, mediation.PartySubject(19))
	for range 200 {
		if err := a.Grant(MediatorGrant(8, 42)); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						a.Check(unassigned, ActRead, obj)
					}
				}
			})
		}
		if err := a.Revoke(MediatorGrant(8, 42)); err != nil {
			t.Fatal(err)
		}
		err := a.Check(unassigned, ActRead, obj)
		close(stop)
		wg.Wait()
		if code(err) != mediation.ENOTFOUND {
			t.Fatalf("a check after the revoke returned: %v", err)
		}
	}
}

// BenchmarkCheck decides one read of a party's submission by its case's
// mediator, with the grants of 10 and of 100,000 cases loaded: the decision
// must not grow with the number of cases.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		b.Run(fmt.Sprint(n, "cases"), func(b *testing.B) {
			gs := []Grant{StaffGrant(7, mediation.RoleMediator)}
			for i := range n {
				c := mediation.ID(i + 1)
				gs = append(gs, MediatorGrant(7, c), PartyGrant(2*c, c), PartyGrant(2*c+1, c))
			}
			a, err := New(gs)
			if err != nil {
				b.Fatal(err)
			}
			obj := inCase(ObjSubmission, mediation.ID(n/2+1), mediation.PartySubject(mediation.ID(n+2)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for range b.N {
				if err := a.Check(assigned, ActRead, obj); err != nil {
					b.Fatal(err)
				}
			}
			// The processor time the decisions took, beside the wall time
			// that a shared machine stretches.
			b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// processCPU is the processor time the process has used, user and system,
// in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
