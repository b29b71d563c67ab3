package authz

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Load grants every membership of the store exactly what its g line grants:
// each mediator of each case, each party of its case, and the staff roles.
func TestLoadGrantsWhatTheLinesGrant(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	user := func(name string, role mediation.Role) *mediation.User {
		u, err := mediation.NewUser(&mediation.UserInput{Username: name, DisplayName: name, Role: role,
			Password: "correct horse battery"}, now)
		if err != nil {
			t.Fatal(err)
		}
		u.PasswordHash = "$argon2id$test"
		if err := db.CreateUser(u, "system"); err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin, m1, m2 := user("admin", mediation.RoleAdmin), user("wang.fang", mediation.RoleMediator), user("li.xia", mediation.RoleMediator)
	user("zhao.li", mediation.RoleOffice)
	for i, by := range []*mediation.User{m1, m2, m1} {
		c, err := mediation.NewCase(mediation.CaseInput{Title: fmt.Sprint("车位 ", i), Category: mediation.CategoryParking,
			Community: "heping-li", Source: mediation.SourcePartyApplication}, mediation.DefaultPlaces(), by.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCase(c, mediation.UserSubject(by.ID)); err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			p, err := mediation.NewParty(mediation.PartyInput{Name: fmt.Sprint("当事人 ", i, j), Kind: mediation.PartyPerson,
				Side: mediation.SideApplicant}, c.ID, by.ID, now)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.Sum256(fmt.Append(nil, "token", i, j))
			inv := &mediation.Invitation{TokenHash: h[:], CreatedBy: by.ID, CreatedAt: now}
			if err := db.CreateParty(p, inv, mediation.UserSubject(by.ID)); err != nil {
				t.Fatal(err)
			}
		}
	}
	a, err := Load(db)
	if err != nil {
		t.Fatal(err)
	}
	// The same store, spelt out as g lines.
	lines := []Grant{StaffGrant(admin.ID, mediation.RoleAdmin), StaffGrant(m1.ID, mediation.RoleMediator),
		StaffGrant(m2.ID, mediation.RoleMediator), StaffGrant(m2.ID+1, mediation.RoleOffice)}
	members := 0
	if err := db.Members(func(u, c mediation.ID) { lines = append(lines, MediatorGrant(u, c)); members++ },
		func(p, c mediation.ID) { lines = append(lines, PartyGrant(p, c)); members++ }); err != nil {
		t.Fatal(err)
	}
	if members != 3+6 {
		t.Fatalf("%d memberships in the store, want 9", members)
	}
	want, err := New(lines)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(a.grants, want.grants) {
		t.Fatalf("Load granted %v, the lines %v", a.grants, want.grants)
	}
}
