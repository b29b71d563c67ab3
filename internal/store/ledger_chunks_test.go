package store_test

import (
	"errors"
	"testing"

	"tiaojie/internal/store"
)

// A register larger than one etcd transaction (120 cases, each some twenty
// keys) is stored in several, each of whole cases; on bbolt in one. A run
// that stopped midway is carried on by the same register, skipping what
// it stored; a register stored whole is not stored again.
func TestImportLedgerInTransactions(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		db := MustOpenDB(t)
		const n = 120
		cases, parties := store.Register(n)
		// A run that stopped after 20 cases: its record says 20.
		p, err := db.ImportLedgerKeyed("register-1", cases[:20], parties[:20], "system")
		if err != nil || p.Stored != 20 {
			t.Fatalf("first 20: %+v %v", p, err)
		}
		cases, parties = store.Register(n)
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
		cases, parties = store.Register(n)
		if p, err := db.ImportLedgerKeyed("register-1", cases, parties, "system"); !errors.Is(err, store.ErrLedgerImported) || p.Stored != n {
			t.Errorf("again: %+v %v", p, err)
		}
		if cs, _, _ := db.Cases(store.CaseFilter{All: true, Limit: 1000}); len(cs) != n {
			t.Errorf("%d cases after the register again", len(cs))
		}
	})
}
