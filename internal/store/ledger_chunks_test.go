package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// registerOf is a register of n cases, closed at the month's last evening in
// UTC (the next morning in Shanghai), over n/3 months and three categories,
// so that its counters are many and move with the zone.
func registerOf(n int) ([]*mediation.Case, [][]*mediation.Party) {
	places := mediation.DefaultPlaces()
	cats := []mediation.Category{mediation.CategoryNoise, mediation.CategoryParking, mediation.CategoryPets}
	var cases []*mediation.Case
	var parties [][]*mediation.Party
	for i := range n {
		month := time.Date(2018, time.Month(1+i/3), 1, 0, 0, 0, 0, time.UTC)
		accepted := month.AddDate(0, 0, 2)
		closed := month.AddDate(0, 1, 0).Add(-3 * time.Hour) // 21:00 UTC on the last day
		e := mediation.LedgerEntry{Line: i + 2, AcceptedOn: accepted, ClosedOn: &closed, Category: cats[i%3],
			Community: "heping-li", Source: mediation.SourcePartyApplication, Outcome: mediation.StatusAgreement,
			Sessions: 1 + i%4, Applicant: fmt.Sprintf("申请人%d", i), Respondent: fmt.Sprintf("被申请人%d", i)}
		cases, parties = append(cases, e.Case(places)), append(parties, e.Parties())
	}
	return cases, parties
}

// A register larger than one etcd transaction (120 cases, each some twenty
// keys) is stored in several, each of whole cases; on bbolt in one. A run
// that stopped midway is carried on by the same register, skipping what
// it stored; a register stored whole is not stored again.
func TestImportLedgerInTransactions(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		db := MustOpenDB(t)
		const n = 120
		cases, parties := registerOf(n)
		// A run that stopped after 20 cases: its record says 20.
		p, err := db.ImportLedgerKeyed("register-1", cases[:20], parties[:20], "system")
		if err != nil || p.Stored != 20 {
			t.Fatalf("first 20: %+v %v", p, err)
		}
		cases, parties = registerOf(n)
		p, err = db.ImportLedgerKeyed("register-1", cases, parties, "system")
		if err != nil {
			t.Fatal(err)
		}
		if p.Stored != n || p.Earlier != 20 || p.Total != n {
			t.Errorf("progress %+v", p)
		}
		if backendOf(t).name == "etcd" && p.Transactions < 3 || backendOf(t).name == "bbolt" && p.Transactions != 1 {
			t.Errorf("%d transactions on %s", p.Transactions, backendOf(t).name)
		}
		t.Logf("%s: %d cases in %d transactions", backendOf(t).name, n-20, p.Transactions)
		cs, _, err := db.Cases(store.CaseFilter{All: true, Limit: 1000})
		if err != nil || len(cs) != n {
			t.Fatalf("%d cases, %v", len(cs), err)
		}
		if _, err := db.Verify(nil); err != nil {
			t.Errorf("Verify: %v", err)
		}
		cases, parties = registerOf(n)
		if p, err := db.ImportLedgerKeyed("register-1", cases, parties, "system"); !errors.Is(err, store.ErrLedgerImported) || p.Stored != n {
			t.Errorf("again: %+v %v", p, err)
		}
		if cs, _, _ := db.Cases(store.CaseFilter{All: true, Limit: 1000}); len(cs) != n {
			t.Errorf("%d cases after the register again", len(cs))
		}
	})
}
