package store_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
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

// v1Moved are the buckets schema version 2 renamed.
var v1Moved = map[string]string{"sessions": "logins", "sessions_by_party": "logins_by_party", "visits": "seen"}

// copyFixture copies testdata/v1.db into a new temporary directory.
func copyFixture(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(v1Fixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// bucketContents is every key and value of a bucket of the file at path.
func bucketContents(t *testing.T, path, name string) map[string]string {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out := map[string]string{}
	b.View(func(tx *bolt.Tx) error {
		if bk := tx.Bucket([]byte(name)); bk != nil {
			bk.ForEach(func(k, v []byte) error { out[string(k)] = string(v); return nil })
		}
		return nil
	})
	return out
}

func schemaVersionOf(t *testing.T, path string) uint64 {
	t.Helper()
	v := bucketContents(t, path, "meta")["schema_version"]
	if len(v) != 8 {
		t.Fatalf("meta/schema_version = %x", v)
	}
	return binary.BigEndian.Uint64([]byte(v))
}

func TestUpgradeFromV1(t *testing.T) {
	path := copyFixture(t)

	// A read-only open cannot upgrade: it says so, and changes nothing.
	if db, err := store.OpenReadOnly(path); err == nil {
		db.Close()
		t.Fatal("OpenReadOnly of a version 1 file succeeded")
	} else if !errors.Is(err, store.ErrOlderSchema) {
		t.Errorf("OpenReadOnly of a version 1 file: %v, want ErrOlderSchema", err)
	}
	before := map[string]map[string]string{}
	for from := range v1Moved {
		before[from] = bucketContents(t, path, from)
	}
	// Each party's own submissions, as version 1's index of them says.
	own := map[mediation.ID][]mediation.ID{}
	for k := range bucketContents(t, path, "submissions_by_party") {
		party := mediation.ID(binary.BigEndian.Uint64([]byte(k[:8])))
		own[party] = append(own[party], mediation.ID(binary.BigEndian.Uint64([]byte(k[8:]))))
	}

	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("Open of a version 1 file: %v", err)
	}
	t.Cleanup(func() { checkFile(t, db, path) })
	if _, err := db.Verify(nil); err != nil {
		t.Errorf("Verify after the upgrade: %v", err)
	}

	// Every login is found by its id, and says what its record said.
	var staff, party int
	for id := range before["sessions"] {
		l, err := db.Login([]byte(id))
		if err != nil {
			t.Errorf("Login(%x) after the upgrade: %v", id, err)
			continue
		}
		if !bytes.Equal(l.ID, []byte(id)) || len(l.SecretHash) != 32 || l.CreatedAt.IsZero() {
			t.Errorf("Login(%x) = %+v", id, l)
		}
		switch {
		case l.UserID != 0 && l.PartyID == 0:
			staff++
		case l.PartyID != 0 && l.CaseID != 0 && l.UserID == 0:
			party++
		default:
			t.Errorf("Login(%x) is neither a staff user's nor a party's: %+v", id, l)
		}
	}
	if staff != 3 || party != 5 {
		t.Errorf("%d staff and %d party logins, want 3 and 5", staff, party)
	}
	// A party's own submissions are found as before, from the authors the
	// case's entries carry now.
	if len(own) < 2 {
		t.Fatalf("the fixture's submissions are by %d parties, too few to tell them apart", len(own))
	}
	for party, want := range own {
		p, err := db.Party(party)
		if err != nil {
			t.Fatal(err)
		}
		subs, _, err := db.Submissions(store.SubmissionFilter{Case: p.CaseID, Author: party, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []mediation.ID
		for _, s := range subs {
			got = append(got, s.ID)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("party %d's own submissions after the upgrade = %v, want %v", party, got, want)
		}
	}
	// The seen-markers still count: wang saw case 1 up to submission 1 of 2.
	wang, err := db.UserByName("wang")
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := db.Activity(wang.ID, []mediation.ID{1}); err != nil || n[0] != 1 {
		t.Errorf("unseen of wang in case 1 = %v, %v; want 1", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	if v := schemaVersionOf(t, path); v != 5 {
		t.Errorf("schema version after the upgrade = %d, want 5", v)
	}
	want := maps.Clone(v1Counts)
	for from, to := range v1Moved {
		want[to] = want[from]
		delete(want, from)
	}
	// The buckets of the mediation's sessions came later and start empty;
	// "sessions" is no longer version 1's sign-ins.
	for _, b := range []string{"sessions", "sessions_by_case", "sessions_by_mediator", "sessions_by_party",
		"sessions_by_room", "sessions_joint", "session_records", "feeds", "feeds_by_user",
		"agreements", "agreements_by_case", "return_visits", "return_visits_by_case",
		"dossiers", "interests", "recusals", "recusals_by_case"} {
		want[b] = 0
	}
	// Version 3 built the statistics counters from the three cases (each
	// opened in a month, category, community and source of its own) and
	// recorded the zone they are dated in.
	want["stats_counters"] = 3
	want["stats_published"] = 0 // nothing published yet
	want["meta"]++
	// Version 4 put each submission's author into its entry of
	// submissions_by_case, and deleted submissions_by_party.
	delete(want, "submissions_by_party")
	// So do the attachments' buckets.
	for _, b := range []string{"attachments", "attachments_by_submission", "attachments_by_case", "blobs"} {
		want[b] = 0
	}
	diffCounts(t, bucketCounts(t, path), want)
	for from, to := range v1Moved {
		if got := bucketContents(t, path, to); !maps.Equal(got, before[from]) {
			t.Errorf("bucket %s does not hold exactly what %s held", to, from)
		}
	}

	// Opening the upgraded file again changes nothing more.
	re, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	re.Close()
	diffCounts(t, bucketCounts(t, path), want)
	if db, err := store.OpenReadOnly(path); err != nil {
		t.Errorf("OpenReadOnly after the upgrade: %v", err)
	} else {
		db.Close()
	}
}

// A file written by a newer program is refused, by Open and by OpenReadOnly,
// and left as it was.
func TestErrSchemaNewerThanProgram(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), binary.BigEndian.AppendUint64(nil, 6))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	if db, err := store.Open(path, store.Options{}); err == nil {
		db.Close()
		t.Error("Open of a version 6 file succeeded")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a version 6 file: %v, want it to say newer", err)
	}
	if db, err := store.OpenReadOnly(path); err == nil {
		db.Close()
		t.Error("OpenReadOnly of a version 6 file succeeded")
	} else if !strings.Contains(err.Error(), "newer") || errors.Is(err, store.ErrOlderSchema) {
		t.Errorf("OpenReadOnly of a version 6 file: %v, want it to say newer", err)
	}
	if v := schemaVersionOf(t, path); v != 6 {
		t.Errorf("schema version = %d after the refusals, want 6 untouched", v)
	}
}
