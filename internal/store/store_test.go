package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// MustOpenDB opens a new database, on the backend the test runs on (bbolt in
// tb.TempDir(), unless onBackends chose another). At cleanup it closes the
// database, reopens it, and fails the test unless the backend's check, the
// audit chain and every index pass.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpenDBWith(tb, store.Options{})
}

// mustOpenDBWith is MustOpenDB with options (for example a long ReadAuditDelay,
// so that only FlushReads or Close write read entries).
func mustOpenDBWith(tb testing.TB, opt store.Options) *store.DB {
	tb.Helper()
	again := backendOf(tb).place(tb)
	db, err := again(opt)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	db.Now = newClock().Now
	reopeners.Store(db, again)
	tb.Cleanup(func() { checkStore(tb, db, again) })
	return db
}

// checkFile closes db (a second Close is harmless), reopens its file at path
// and runs Tx.Check, VerifyAudit and CheckIndexes on it.
func checkFile(tb testing.TB, db *store.DB, path string) {
	tb.Helper()
	checkStore(tb, db, func(opt store.Options) (*store.DB, error) { return store.Open(path, opt) })
}

// checkStore closes db (a second Close is harmless), opens its store again
// and runs the backend's check, VerifyAudit and CheckIndexes on it.
func checkStore(tb testing.TB, db *store.DB, again func(store.Options) (*store.DB, error)) {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Errorf("Close: %v", err)
	}
	re, err := again(store.Options{})
	if err != nil {
		tb.Errorf("reopen for check: %v", err)
		return
	}
	defer re.Close()
	if err := re.Check(); err != nil {
		tb.Errorf("Check: %v", err)
	}
	if _, err := re.VerifyAudit(nil); err != nil {
		tb.Errorf("VerifyAudit: %v", err)
	}
	if err := re.CheckIndexes(); err != nil {
		tb.Errorf("CheckIndexes: %v", err)
	}
}

// reopen closes db and opens its store again; the new DB is checked at cleanup.
func reopen(tb testing.TB, db *store.DB) *store.DB {
	tb.Helper()
	again := reopenerOf(db)
	if err := db.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
	re, err := again(store.Options{})
	if err != nil {
		tb.Fatalf("reopen: %v", err)
	}
	re.Now = newClock().Now
	reopeners.Store(re, again)
	tb.Cleanup(func() { checkStore(tb, re, again) })
	return re
}

// clock is a deterministic clock that moves a second forward at every reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

var testTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// world is a small set of records that most tests start from.
type world struct {
	db        *store.DB
	mediator  *mediation.User // 王调解, on every case of the world
	mediator2 *mediation.User // 李调解, on no case yet
	office    *mediation.User // a street-office reader: not a mediator
}

func newWorld(t testing.TB) *world {
	t.Helper()
	db := MustOpenDB(t)
	return &world{db: db,
		mediator:  createUser(t, db, "wang", "王调解", mediation.RoleMediator, "13900000001"),
		mediator2: createUser(t, db, "lixia", "李调解", mediation.RoleMediator, "13900000002"),
		office:    createUser(t, db, "zhao", "赵统计", mediation.RoleOffice, ""),
	}
}

func createUser(t testing.TB, db *store.DB, username, name string, role mediation.Role, phone string) *mediation.User {
	t.Helper()
	u, err := mediation.NewUser(&mediation.UserInput{Username: username, DisplayName: name, Role: role,
		Phone: phone, Password: "correct horse battery"}, testTime)
	if err != nil {
		t.Fatalf("NewUser(%s): %v", username, err)
	}
	u.PasswordHash = "$argon2id$test"
	if err := db.CreateUser(u, "system"); err != nil {
		t.Fatalf("CreateUser(%s): %v", username, err)
	}
	return u
}

func newCase(t testing.TB, by mediation.ID, title string, cat mediation.Category) *mediation.Case {
	t.Helper()
	c, err := mediation.NewCase(mediation.CaseInput{Title: title, Category: cat, Community: "heping-li",
		Summary: "楼上卫生间漏水，楼下天花板发霉。", Source: mediation.SourcePartyApplication},
		mediation.DefaultPlaces(), by, testTime)
	if err != nil {
		t.Fatalf("NewCase: %v", err)
	}
	return c
}

func createCase(t testing.TB, db *store.DB, by *mediation.User, title string, cat mediation.Category) *mediation.Case {
	t.Helper()
	c := newCase(t, by.ID, title, cat)
	if err := db.CreateCase(c, mediation.UserSubject(by.ID)); err != nil {
		t.Fatalf("CreateCase(%s): %v", title, err)
	}
	return c
}

func newParty(t testing.TB, caseID mediation.ID, by mediation.ID, name string, side mediation.Side, phone string) *mediation.Party {
	t.Helper()
	p, err := mediation.NewParty(mediation.PartyInput{Name: name, Kind: mediation.PartyPerson, Side: side,
		Phone: phone, Address: "和平里 3 号楼"}, caseID, by, testTime)
	if err != nil {
		t.Fatalf("NewParty(%s): %v", name, err)
	}
	return p
}

func tokenHash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func newInvitation(token string, by mediation.ID) *mediation.Invitation {
	return &mediation.Invitation{TokenHash: tokenHash(token), CreatedBy: by, CreatedAt: testTime}
}

// createParty stores a party with the invitation whose token is "token-" + name.
func createParty(t testing.TB, db *store.DB, c *mediation.Case, by *mediation.User, name string, side mediation.Side, phone string) *mediation.Party {
	t.Helper()
	p := newParty(t, c.ID, by.ID, name, side, phone)
	if err := db.CreateParty(p, newInvitation("token-"+name, by.ID), mediation.UserSubject(by.ID)); err != nil {
		t.Fatalf("CreateParty(%s): %v", name, err)
	}
	return p
}

func newSubmission(t testing.TB, caseID, party mediation.ID, body string) *mediation.Submission {
	t.Helper()
	s, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: body},
		caseID, party, 0, testTime)
	if err != nil {
		t.Fatalf("NewSubmission: %v", err)
	}
	return s
}

func createSubmission(t testing.TB, db *store.DB, caseID, party mediation.ID, body string) *mediation.Submission {
	t.Helper()
	s := newSubmission(t, caseID, party, body)
	if err := db.CreateSubmission(s, mediation.PartySubject(party)); err != nil {
		t.Fatalf("CreateSubmission(%q): %v", body, err)
	}
	return s
}

func transition(t testing.TB, db *store.DB, id mediation.ID, to mediation.Status, reason string) *mediation.Case {
	t.Helper()
	c, err := db.TransitionCase(id, "u:1", mediation.Transition{To: to, Reason: reason})
	if err != nil {
		t.Fatalf("TransitionCase(%d → %s): %v", id, to, err)
	}
	return c
}

// wantCode fails unless err is a mediation error with the given code.
func wantCode(t testing.TB, err error, code string) *mediation.Error {
	t.Helper()
	if got := mediation.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	var e *mediation.Error
	errors.As(err, &e)
	return e
}

// fingerprint hashes every key, value and sequence of every bucket, after the
// pending read audits are written, so that any change to the file shows.
func fingerprint(t testing.TB, db *store.DB) map[string]string {
	t.Helper()
	db.FlushReads()
	out := map[string]string{}
	err := db.ViewBuckets(func(names []string, bucket func(string) store.TestBucket) error {
		for _, name := range names {
			b := bucket(name)
			if b == nil {
				continue
			}
			h := sha256.New()
			fmt.Fprintf(h, "seq %d\n", b.Sequence())
			err := b.ForEach(func(k, v []byte) error {
				writeLenPrefixed(h, k)
				writeLenPrefixed(h, v)
				return nil
			})
			if err != nil {
				return err
			}
			out[name] = hex.EncodeToString(h.Sum(nil))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fingerprint: %v", err)
	}
	return out
}

func writeLenPrefixed(w io.Writer, b []byte) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(b)))
	w.Write(n[:])
	w.Write(b)
}

// sameFingerprint fails naming every bucket that changed.
func sameFingerprint(t testing.TB, before, after map[string]string) {
	t.Helper()
	var changed []string
	for name := range before {
		if before[name] != after[name] {
			changed = append(changed, name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			changed = append(changed, name)
		}
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		t.Errorf("the failed mutation changed buckets %v", changed)
	}
}

func ids[T any](items []T, id func(T) mediation.ID) []mediation.ID {
	out := []mediation.ID{}
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

func caseIDs(cs []mediation.Case) []mediation.ID {
	return ids(cs, func(c mediation.Case) mediation.ID { return c.ID })
}

func subIDs(ss []mediation.Submission) []mediation.ID {
	return ids(ss, func(s mediation.Submission) mediation.ID { return s.ID })
}

func partyIDs(ps []mediation.Party) []mediation.ID {
	return ids(ps, func(p mediation.Party) mediation.ID { return p.ID })
}

func key8(id mediation.ID) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(id))
}

func pairKey(owner, member mediation.ID) string {
	return string(binary.BigEndian.AppendUint64(key8(owner), uint64(member)))
}

// bucketKeys lists the keys of a bucket, read directly from the file.
func bucketKeys(t testing.TB, db *store.DB, bucket string) []string {
	t.Helper()
	var keys []string
	err := db.ViewBuckets(func(_ []string, of func(string) store.TestBucket) error {
		b := of(bucket)
		if b == nil {
			return fmt.Errorf("no bucket %q", bucket)
		}
		return b.ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys(keys []string) []string {
	keys = slices.Clone(keys)
	sort.Strings(keys)
	if keys == nil {
		keys = []string{}
	}
	return keys
}

func nonNil(keys []string) []string {
	if keys == nil {
		return []string{}
	}
	return keys
}

// checkIndexes compares every index bucket with the records it indexes, read
// straight from the file, and then compares each listing with the records.
func checkIndexes(t testing.TB, db *store.DB) {
	t.Helper()
	var cases []mediation.Case
	var parties []mediation.Party
	var subs []mediation.Submission
	err := db.ViewBuckets(func(_ []string, tx func(string) store.TestBucket) error {
		if err := decodeAll(tx, "cases", &cases); err != nil {
			return err
		}
		if err := decodeAll(tx, "parties", &parties); err != nil {
			return err
		}
		return decodeAll(tx, "submissions", &subs)
	})
	if err != nil {
		t.Fatal(err)
	}

	var byMediator, byStatus, partiesByCase, subsByCase, released []string
	authors := map[string]string{} // submissions_by_case key → the author it carries
	for _, c := range cases {
		for _, m := range c.Mediators {
			byMediator = append(byMediator, pairKey(m, c.ID))
		}
		byStatus = append(byStatus, string(c.Status)+"\x00"+string(key8(c.ID)))
	}
	for _, p := range parties {
		partiesByCase = append(partiesByCase, pairKey(p.CaseID, p.ID))
	}
	for _, s := range subs {
		subsByCase = append(subsByCase, pairKey(s.CaseID, s.ID))
		authors[pairKey(s.CaseID, s.ID)] = string(key8(s.PartyID))
		if s.Released {
			released = append(released, pairKey(s.CaseID, s.ID))
		}
	}
	for _, ix := range []struct {
		bucket string
		want   []string
	}{
		{"cases_by_mediator", byMediator},
		{"cases_by_status", byStatus},
		{"parties_by_case", partiesByCase},
		{"submissions_by_case", subsByCase},
		{"submissions_released", released},
	} {
		if got, want := nonNil(bucketKeys(t, db, ix.bucket)), sortedKeys(ix.want); !slices.Equal(got, want) {
			t.Errorf("index %s = %q, want %q (from the records)", ix.bucket, got, want)
		}
	}
	err = db.ViewBuckets(func(_ []string, of func(string) store.TestBucket) error {
		return of("submissions_by_case").ForEach(func(k, v []byte) error {
			if want := authors[string(k)]; string(v) != want {
				t.Errorf("submissions_by_case [%x] carries the author %x, want %x (from the record)", k, v, want)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}

	// The listings agree with the records.
	const all = 1 << 20
	newestFirst := func(cs []mediation.Case) []mediation.ID {
		out := caseIDs(cs)
		slices.Reverse(out)
		return out
	}
	got, _, err := db.Cases(store.CaseFilter{All: true, Limit: all})
	if err != nil {
		t.Fatal(err)
	}
	if want := newestFirst(cases); !slices.Equal(caseIDs(got), want) {
		t.Errorf("Cases(All) = %v, want %v", caseIDs(got), want)
	}
	mediators := map[mediation.ID]bool{}
	for _, c := range cases {
		for _, m := range c.Mediators {
			mediators[m] = true
		}
	}
	for m := range mediators {
		got, _, err := db.Cases(store.CaseFilter{Mediator: m, Limit: all})
		if err != nil {
			t.Fatal(err)
		}
		want := newestFirst(slices.DeleteFunc(slices.Clone(cases), func(c mediation.Case) bool { return !c.HasMediator(m) }))
		if !slices.Equal(caseIDs(got), want) {
			t.Errorf("Cases(Mediator %d) = %v, want %v", m, caseIDs(got), want)
		}
	}
	for _, st := range mediation.Statuses {
		got, _, err := db.Cases(store.CaseFilter{All: true, Status: st, Limit: all})
		if err != nil {
			t.Fatal(err)
		}
		want := newestFirst(slices.DeleteFunc(slices.Clone(cases), func(c mediation.Case) bool { return c.Status != st }))
		if !slices.Equal(caseIDs(got), want) {
			t.Errorf("Cases(Status %s) = %v, want %v", st, caseIDs(got), want)
		}
	}
	for _, c := range cases {
		got, err := db.Parties(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var want []mediation.ID
		for _, p := range parties {
			if p.CaseID == c.ID {
				want = append(want, p.ID)
			}
		}
		if !slices.Equal(partyIDs(got), nonNilIDs(want)) {
			t.Errorf("Parties(%d) = %v, want %v", c.ID, partyIDs(got), want)
		}
		gotSubs, _, err := db.Submissions(store.SubmissionFilter{Case: c.ID, Limit: all})
		if err != nil {
			t.Fatal(err)
		}
		var wantSubs []mediation.ID
		for _, s := range subs {
			if s.CaseID == c.ID {
				wantSubs = append(wantSubs, s.ID)
			}
		}
		if !slices.Equal(subIDs(gotSubs), nonNilIDs(wantSubs)) {
			t.Errorf("Submissions(case %d) = %v, want %v", c.ID, subIDs(gotSubs), wantSubs)
		}
		for _, p := range parties {
			if p.CaseID != c.ID {
				continue
			}
			got, _, err := db.Submissions(store.SubmissionFilter{Case: c.ID, Author: p.ID, Released: true, Limit: all})
			if err != nil {
				t.Fatal(err)
			}
			var want []mediation.ID
			for _, s := range subs {
				if s.CaseID == c.ID && (s.PartyID == p.ID || s.Released) {
					want = append(want, s.ID)
				}
			}
			if !slices.Equal(subIDs(got), nonNilIDs(want)) {
				t.Errorf("Submissions(case %d, party %d) = %v, want %v", c.ID, p.ID, subIDs(got), want)
			}
		}
	}
}

func nonNilIDs(ids []mediation.ID) []mediation.ID {
	if ids == nil {
		return []mediation.ID{}
	}
	return ids
}

// decodeAll decodes every record of a bucket, in key order, into *out.
func decodeAll[T any](tx func(string) store.TestBucket, bucket string, out *[]T) error {
	return tx(bucket).ForEach(func(k, v []byte) error {
		var r T
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("%s %x: %w", bucket, k, err)
		}
		*out = append(*out, r)
		return nil
	})
}

// actions lists the actions of a case's audit trail, in order.
func actions(t testing.TB, db *store.DB, caseID mediation.ID) []string {
	t.Helper()
	entries, _, err := db.CaseAudit(caseID, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

func wantActions(t testing.TB, db *store.DB, caseID mediation.ID, want ...string) {
	t.Helper()
	if got := actions(t, db, caseID); !slices.Equal(got, want) {
		t.Errorf("CaseAudit(%d) actions =\n\t%q\nwant\n\t%q", caseID, got, want)
	}
}

func TestOpen(t *testing.T) {
	t.Run("SecondOpenFailsFast", func(t *testing.T) {
		db := MustOpenDB(t)
		const timeout = 200 * time.Millisecond
		start := time.Now()
		second, err := store.Open(db.Path(), store.Options{Timeout: timeout})
		elapsed := time.Since(start)
		if err == nil {
			second.Close()
			t.Fatal("a second Open of an open file succeeded")
		}
		if !strings.Contains(err.Error(), "in use by another process") {
			t.Errorf("error = %q, want it to say the file is in use by another process", err)
		}
		if elapsed < timeout/2 || elapsed > timeout+2*time.Second {
			t.Errorf("second Open failed after %v, want about %v", elapsed, timeout)
		}
		// The first handle still works.
		if err := db.Ping(); err != nil {
			t.Errorf("Ping after the failed second Open: %v", err)
		}
	})

	t.Run("ReopenKeepsEverything", func(t *testing.T) {
		w := newWorld(t)
		c := createCase(t, w.db, w.mediator, "车位被占", mediation.CategoryParking)
		p := createParty(t, w.db, c, w.mediator, "张三", mediation.SideApplicant, "13800138000")
		s := createSubmission(t, w.db, c.ID, p.ID, "我的车位每天被占。")
		before := fingerprint(t, w.db)

		db := reopen(t, w.db)
		sameFingerprint(t, before, fingerprint(t, db))
		got, err := db.Case(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Reference != c.Reference || got.Title != c.Title || !got.OpenedAt.Equal(c.OpenedAt) {
			t.Errorf("Case after reopen = %+v, want %+v", got, c)
		}
		gotSub, err := db.Submission(s.ID)
		if err != nil || gotSub.Body != s.Body {
			t.Errorf("Submission after reopen = %+v, %v", gotSub, err)
		}
		u, err := db.UserByName("wang")
		if err != nil || u.ID != w.mediator.ID || u.PasswordHash != w.mediator.PasswordHash {
			t.Errorf("UserByName after reopen = %+v, %v", u, err)
		}
		inv, err := db.Invitation(tokenHash("token-张三"))
		if err != nil || inv.PartyID != p.ID {
			t.Errorf("Invitation after reopen = %+v, %v", inv, err)
		}
		// New IDs continue the sequence.
		c2 := createCase(t, db, w.mediator, "狗叫", mediation.CategoryPets)
		if c2.ID != c.ID+1 {
			t.Errorf("case ID after reopen = %d, want %d", c2.ID, c.ID+1)
		}
		if _, err := db.VerifyAudit(nil); err != nil {
			t.Errorf("VerifyAudit: %v", err)
		}
	})

	t.Run("SchemaVersionStored", func(t *testing.T) {
		db := MustOpenDB(t)
		var v []byte
		db.Bolt().View(func(tx *bolt.Tx) error {
			if b := tx.Bucket([]byte("meta")); b != nil {
				v = bytes.Clone(b.Get([]byte("schema_version")))
			}
			return nil
		})
		if len(v) != 8 || binary.BigEndian.Uint64(v) != 5 {
			t.Errorf("meta/schema_version = %x, want big-endian 5", v)
		}
	})

	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tiaojie.db")
		db, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Bolt().Update(func(tx *bolt.Tx) error {
			return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), binary.BigEndian.AppendUint64(nil, 99))
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if db, err := store.Open(path, store.Options{}); err == nil {
			db.Close()
			t.Fatal("Open of a file with a newer schema succeeded")
		} else if !strings.Contains(err.Error(), "newer") {
			t.Errorf("error = %q, want it to say the schema is newer", err)
		}
	})

	t.Run("CreatesFileWithPrivateMode", func(t *testing.T) {
		db := MustOpenDB(t)
		fi, err := os.Stat(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("file mode = %v, want no access for group and others", perm)
		}
	})
}

func TestStats(t *testing.T) {
	w := newWorld(t)
	createCase(t, w.db, w.mediator, "狗叫", mediation.CategoryPets)
	if _, err := w.db.Case(1); err != nil {
		t.Fatal(err)
	}
	st, err := w.db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	var size int64
	w.db.Bolt().View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	if st.Size != size || st.ReadTx == 0 || st.Writes == 0 || st.PageCount == 0 {
		t.Errorf("Stats = %+v; want the file's size %d and some reads and writes", st, size)
	}
	w.db.Close()
	if _, err := w.db.Stats(); err == nil {
		t.Error("Stats of a closed database succeeded")
	}
}
