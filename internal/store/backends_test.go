package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// The table of backends that the store's tests run on. A test wrapped in
// onBackends runs once on each, as subtests named after them, and every
// database MustOpenDB opens in it is on that backend. The tests that alter a
// bbolt file on purpose, or its lock, stay on bbolt.
var backends = []testBackend{
	{name: "bbolt", place: func(tb testing.TB) func(store.Options) (*store.DB, error) {
		path := filepath.Join(tb.TempDir(), "tiaojie.db")
		return func(opt store.Options) (*store.DB, error) { return store.Open(path, opt) }
	}},
	// One embedded member for the package, each database under a key
	// prefix of its own.
	{name: "etcd", place: func(tb testing.TB) func(store.Options) (*store.DB, error) {
		eo := store.EtcdOptions{Endpoints: etcdtest.Shared(tb).Endpoints,
			Prefix: fmt.Sprintf("test/%d/", prefixes.Add(1))}
		return func(opt store.Options) (*store.DB, error) { return store.OpenEtcd(eo, opt) }
	}},
}

// A testBackend places a new, empty store: place returns how to open it,
// as often as a test reopens it.
type testBackend struct {
	name  string
	place func(tb testing.TB) func(store.Options) (*store.DB, error)
}

var (
	prefixes atomic.Int64
	// chosen maps the name of a test that onBackends started to its backend.
	chosen sync.Map
	// reopeners maps an open *store.DB to how to open its store again.
	reopeners sync.Map
)

// onBackends runs test on every backend of the table.
func onBackends(t *testing.T, test func(t *testing.T)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			chosen.Store(t.Name(), b)
			test(t)
		})
	}
}

// backendOf is the backend that onBackends chose for tb or a test it runs
// in; bbolt when none did.
func backendOf(tb testing.TB) testBackend {
	for name := tb.Name(); ; {
		if b, ok := chosen.Load(name); ok {
			return b.(testBackend)
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return backends[0]
		}
		name = name[:i]
	}
}

func reopenerOf(db *store.DB) func(store.Options) (*store.DB, error) {
	if again, ok := reopeners.Load(db); ok {
		return again.(func(store.Options) (*store.DB, error))
	}
	path := db.Path()
	return func(opt store.Options) (*store.DB, error) { return store.Open(path, opt) }
}

func TestMain(m *testing.M) {
	code := m.Run()
	etcdtest.StopShared()
	os.Exit(code)
}
