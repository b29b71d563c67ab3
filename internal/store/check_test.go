package store_test

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// indexedWorld fills a database so that every index has entries: users, a
// case with two mediators, two parties with invitations, a released and an
// unreleased submission, a party's login and case audit entries.
func indexedWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	c := createCase(t, w.db, w.mediator, "车位被占", mediation.CategoryParking)
	if _, err := w.db.AssignMediator(c.ID, w.mediator2.ID, "u:1"); err != nil {
		t.Fatal(err)
	}
	p1 := createParty(t, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
	p2 := createParty(t, w.db, c, w.mediator, "钱丽", mediation.SideRespondent, "")
	s1 := createSubmission(t, w.db, c.ID, p1.ID, "车位是我买的。")
	createSubmission(t, w.db, c.ID, p2.ID, "前业主借给我用的。")
	if _, err := w.db.ReleaseSubmission(s1.ID, mediation.PartySubject(p1.ID)); err != nil {
		t.Fatal(err)
	}
	err := w.db.CreateLogin(&store.Login{ID: []byte("login-of-p1-0016"), SecretHash: tokenHash("s"),
		PartyID: p1.ID, CaseID: c.ID, CreatedAt: testTime, LastSeen: testTime}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// indexErrors lists the problems of a CheckIndexes error; each must be an
// *store.IndexError.
func indexErrors(t *testing.T, err error) []*store.IndexError {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []*store.IndexError
	for _, e := range errs {
		var ie *store.IndexError
		if !errors.As(e, &ie) {
			t.Errorf("a problem that is not an IndexError: %v", e)
			continue
		}
		out = append(out, ie)
	}
	return out
}

// corruptCopy takes a verified copy of db and changes it with bbolt directly.
func corruptCopy(t *testing.T, db *store.DB, change func(tx *bolt.Tx) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := db.BackupFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(change); err != nil {
		t.Fatal(err)
	}
	return path
}

func checkIndexesOf(t *testing.T, path string) []*store.IndexError {
	t.Helper()
	db, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return indexErrors(t, db.CheckIndexes())
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

var indexBuckets = []string{"cases_by_mediator", "cases_by_status", "parties_by_case", "submissions_by_case",
	"submissions_released", "invitations_by_party", "users_by_name",
	"logins_by_party", "audit_by_case"}

func TestCheckIndexes(t *testing.T) {
	w := indexedWorld(t)
	// The world's two submissions, the first released. A submission's ID is
	// its creation's number in the audit chain.
	subs := bucketKeys(t, w.db, "submissions")
	if len(subs) != 2 {
		t.Fatalf("the world has %d submissions, want 2", len(subs))
	}
	s1, s2 := []byte(subs[0]), []byte(subs[1])
	n1, n2 := binary.BigEndian.Uint64(s1), binary.BigEndian.Uint64(s2)

	t.Run("Clean", func(t *testing.T) {
		if err := w.db.CheckIndexes(); err != nil {
			t.Fatalf("CheckIndexes of a clean database: %v", err)
		}
		if _, err := w.db.Verify(nil); err != nil {
			t.Fatalf("Verify of a clean database: %v", err)
		}
		for _, name := range indexBuckets {
			if len(bucketKeys(t, w.db, name)) == 0 {
				t.Errorf("the world leaves %s empty, so the tests below prove nothing for it", name)
			}
		}
	})

	// Deleting any entry of any index is reported as missing, naming the
	// bucket and the record.
	for _, name := range indexBuckets {
		t.Run("ErrMissingEntry/"+name, func(t *testing.T) {
			var deleted []byte
			path := corruptCopy(t, w.db, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte(name))
				k, _ := b.Cursor().First()
				deleted = slices.Clone(k)
				return b.Delete(k)
			})
			got := checkIndexesOf(t, path)
			if len(got) != 1 || got[0].Bucket != name || !strings.HasPrefix(got[0].Problem, "missing") {
				t.Fatalf("after deleting %s [%x]: %v", name, deleted, got)
			}
			t.Log(got[0])
		})
	}

	// An entry pointing to no record is reported, naming the bucket.
	dangling := map[string][2][]byte{
		"cases_by_mediator":    {append(u64(1), u64(999)...), nil},
		"cases_by_status":      {append([]byte("mediating\x00"), u64(999)...), nil},
		"parties_by_case":      {append(u64(1), u64(999)...), nil},
		"submissions_by_case":  {append(u64(1), u64(999)...), u64(1)},
		"submissions_released": {append(u64(1), u64(999)...), nil},
		"invitations_by_party": {u64(999), tokenHash("no such invitation")},
		"users_by_name":        {[]byte("ghost"), u64(999)},
		"logins_by_party":      {append(u64(1), []byte("no-such-login")...), nil},
		"audit_by_case":        {append(u64(1), u64(999999)...), nil},
	}
	for _, name := range indexBuckets {
		t.Run("ErrDanglingEntry/"+name, func(t *testing.T) {
			kv := dangling[name]
			path := corruptCopy(t, w.db, func(tx *bolt.Tx) error { return tx.Bucket([]byte(name)).Put(kv[0], kv[1]) })
			got := checkIndexesOf(t, path)
			if len(got) != 1 || got[0].Bucket != name || !strings.Contains(got[0].Problem, "does not exist") {
				t.Fatalf("after adding %s [%x]: %v", name, kv[0], got)
			}
			t.Log(got[0])
		})
	}

	t.Run("ErrStatusChangedWithoutIndex", func(t *testing.T) {
		path := corruptCopy(t, w.db, func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("cases"))
			k, v := b.Cursor().First()
			var c map[string]any
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
			c["status"] = "mediating"
			v, _ = json.Marshal(c)
			return b.Put(slices.Clone(k), v)
		})
		got := checkIndexesOf(t, path)
		var texts []string
		for _, e := range got {
			texts = append(texts, e.Error())
		}
		want := []string{
			"index cases_by_status [intake, case 1]: case 1 has status mediating, not intake",
			"index cases_by_status [mediating, case 1]: missing: case 1 (status mediating) has no entry here",
		}
		if !slices.Equal(texts, want) {
			t.Fatalf("got\n\t%q\nwant\n\t%q", texts, want)
		}
	})

	t.Run("ErrEntryDisagrees", func(t *testing.T) {
		// A's submission filed under the other case: both directions show.
		path := corruptCopy(t, w.db, func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("submissions_by_case"))
			if err := b.Delete(append(u64(1), s1...)); err != nil {
				return err
			}
			return b.Put(append(u64(2), s1...), u64(1))
		})
		got := checkIndexesOf(t, path)
		if len(got) != 2 || got[0].Bucket != "submissions_by_case" || got[0].Problem != fmt.Sprintf("submission %d belongs to case 1, not case 2", n1) ||
			!strings.HasPrefix(got[1].Problem, "missing") {
			t.Fatalf("got %v", got)
		}
	})

	// An entry carrying another author than its submission's, or none, is
	// reported once, naming both.
	for name, value := range map[string][]byte{"other": u64(2), "none": nil} {
		t.Run("ErrEntryCarriesAnotherAuthor/"+name, func(t *testing.T) {
			path := corruptCopy(t, w.db, func(tx *bolt.Tx) error {
				return tx.Bucket([]byte("submissions_by_case")).Put(append(u64(1), s1...), value)
			})
			got := checkIndexesOf(t, path)
			want := fmt.Sprintf("submission %d was written by party 1, not party 2", n1)
			if value == nil {
				want = "the value (0 bytes) is not party ID (8 bytes)"
			}
			if len(got) != 1 || got[0].Bucket != "submissions_by_case" || got[0].Problem != want {
				t.Fatalf("got %v, want the one problem %q", got, want)
			}
		})
	}

	// An entry pointing to a record that says otherwise is reported in the
	// words of the index's declaration; so is a key not laid out as declared.
	disagreeing := map[string]struct {
		key, value []byte
		problem    string
	}{
		"cases_by_mediator":    {append(u64(3), u64(1)...), nil, "case 1 is mediated by mediator 1, mediator 2, not mediator 3"},
		"cases_by_status":      {append([]byte("closed\x00"), u64(1)...), nil, "case 1 has status intake, not closed"},
		"parties_by_case":      {append(u64(2), u64(1)...), nil, "party 1 is a party of case 1, not case 2"},
		"submissions_by_case":  {append(u64(2), s1...), u64(1), fmt.Sprintf("submission %d belongs to case 1, not case 2", n1)},
		"submissions_released": {append(u64(1), s2...), nil, fmt.Sprintf("submission %d is not released: its author never consented", n2)},
		"invitations_by_party": {u64(7), tokenHash("token-赵明"), "invitation " + hex.EncodeToString(tokenHash("token-赵明")[:8]) + "… belongs to party 1, not party 7"},
		"users_by_name":        {[]byte("ghost"), u64(1), `user 1 has username "wang", not "ghost"`},
		"logins_by_party":      {append(u64(2), []byte("login-of-p1-0016")...), nil, "login 6c6f67696e2d6f66… belongs to party 1, not party 2"},
		"audit_by_case":        {append(u64(1), u64(1)...), nil, "audit entry 1 is about no case"},
	}
	for _, name := range indexBuckets {
		t.Run("ErrEntryDisagreesWithRecord/"+name, func(t *testing.T) {
			d := disagreeing[name]
			path := corruptCopy(t, w.db, func(tx *bolt.Tx) error { return tx.Bucket([]byte(name)).Put(d.key, d.value) })
			got := checkIndexesOf(t, path)
			if len(got) != 1 || got[0].Bucket != name || !strings.HasPrefix(got[0].Problem, d.problem) {
				t.Fatalf("after adding %s [%x]: %v\nwant the problem %q", name, d.key, got, d.problem)
			}
		})
		t.Run("ErrLayout/"+name, func(t *testing.T) {
			// Any username is a key; its value must be a user ID.
			key, value, want := []byte{0, 1, 2}, u64(1), "000102"
			if name == "users_by_name" {
				key, value, want = []byte("ghost"), []byte{0, 1, 2}, `"ghost"`
			}
			path := corruptCopy(t, w.db, func(tx *bolt.Tx) error { return tx.Bucket([]byte(name)).Put(key, value) })
			got := checkIndexesOf(t, path)
			if len(got) == 0 || got[0].Bucket != name || got[0].Key != want || !strings.Contains(got[0].Problem, "(3 bytes) is not") {
				t.Fatalf("after adding %s [%x]: %v", name, key, got)
			}
			t.Log(got[0])
		})
	}

	t.Run("ErrEveryProblemReported", func(t *testing.T) {
		path := corruptCopy(t, w.db, func(tx *bolt.Tx) error {
			for _, name := range []string{"cases_by_mediator", "parties_by_case", "audit_by_case"} {
				b := tx.Bucket([]byte(name))
				var keys [][]byte
				b.ForEach(func(k, _ []byte) error { keys = append(keys, slices.Clone(k)); return nil })
				for _, k := range keys {
					if err := b.Delete(k); err != nil {
						return err
					}
				}
			}
			return nil
		})
		got := checkIndexesOf(t, path)
		want := len(bucketKeys(t, w.db, "cases_by_mediator")) + len(bucketKeys(t, w.db, "parties_by_case")) +
			len(bucketKeys(t, w.db, "audit_by_case"))
		if len(got) != want {
			t.Errorf("%d problems reported, want %d (one per deleted entry)", len(got), want)
		}
		// VerifyBackup reports them too, while the pages and chain are sound.
		head, err := store.VerifyBackup(path)
		if err == nil || !strings.Contains(err.Error(), "index cases_by_mediator") || strings.Contains(err.Error(), "audit chain") {
			t.Errorf("VerifyBackup: %v", err)
		}
		if want, _ := w.db.AuditHead(); head != want {
			t.Errorf("VerifyBackup head %v, want %v", head, want)
		}
	})
}
