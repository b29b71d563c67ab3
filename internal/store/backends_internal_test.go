package store

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"tiaojie/internal/store/etcdtest"
)

// internalBackends is the table of backends for the tests inside the
// package (the outside tests' is backends_test.go): place makes room for a
// new store and returns how to open it, as often as a test reopens it.
var internalBackends = []struct {
	name  string
	place func(tb testing.TB) func() (*DB, error)
}{
	{"bbolt", func(tb testing.TB) func() (*DB, error) {
		path := filepath.Join(tb.TempDir(), "tiaojie.db")
		return func() (*DB, error) { return Open(path, Options{}) }
	}},
	{"etcd", func(tb testing.TB) func() (*DB, error) {
		eo := EtcdOptions{Endpoints: etcdtest.Shared(tb).Endpoints, Prefix: fmt.Sprintf("internal/%d/", internalPrefixes.Add(1))}
		return func() (*DB, error) { return OpenEtcd(eo, Options{}) }
	}},
}

var internalPrefixes atomic.Int64

// onEachBackend runs test on every backend of the table, as subtests named
// after them; open opens the subtest's store (again, when called again),
// closed at cleanup.
func onEachBackend(t *testing.T, test func(t *testing.T, open func() *DB)) {
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			again := b.place(t)
			test(t, func() *DB {
				t.Helper()
				db, err := again()
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			})
		})
	}
}
