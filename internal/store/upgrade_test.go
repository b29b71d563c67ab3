package store_test

import (
	"maps"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// testdata/v1.db was written by the code of schema version 1 (the release
// before sign-ins became logins): four staff users (admin, two mediators, an
// office reader), three cases (one with two mediators, one moved to
// mediating, one made with an idempotency key), five parties with their
// invitations (one replaced), three submissions (one released), eight
// sign-ins (three staff, five of parties: one party on two devices), three
// seen-markers, and the audit chain of all of it with two reads. v1Counts is
// the number of keys in each of its buckets.
var v1Counts = map[string]int{
	"audit":                34,
	"audit_by_case":        27,
	"cases":                3,
	"cases_by_mediator":    4,
	"cases_by_status":      3,
	"idempotency":          1,
	"invitations":          5,
	"invitations_by_party": 5,
	"meta":                 2,
	"parties":              5,
	"parties_by_case":      5,
	"sessions":             8,
	"sessions_by_party":    5,
	"submissions":          3,
	"submissions_by_case":  3,
	"submissions_by_party": 3,
	"submissions_released": 1,
	"users":                4,
	"users_by_name":        4,
	"visits":               3,
}

const v1Fixture = "testdata/v1.db"

// bucketCounts counts the keys of every bucket of the bbolt file at path.
func bucketCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	counts := map[string]int{}
	err = b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			counts[string(name)] = bk.Stats().KeyN
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func diffCounts(t *testing.T, got, want map[string]int) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if n, ok := got[name]; !ok {
			t.Errorf("bucket %s is missing", name)
		} else if n != want[name] {
			t.Errorf("bucket %s holds %d keys, want %d", name, n, want[name])
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected bucket %s (%d keys)", name, got[name])
		}
	}
}

// The fixture is what it says it is.
func TestFixtureV1(t *testing.T) {
	diffCounts(t, bucketCounts(t, v1Fixture), v1Counts)
}
