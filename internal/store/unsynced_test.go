package store_test

import (
	"path/filepath"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// What a database opened unsynced committed is there when the file is
// opened again as a server opens it.
func TestUnsyncedFillReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fill.db")
	db, err := store.OpenUnsynced(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "13900000001")
	c := createCase(t, db, m, "车位", mediation.CategoryParking)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Case(c.ID)
	if err != nil || got.Title != c.Title {
		t.Fatalf("after reopening: %+v, %v", got, err)
	}
	if err := db.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
}
