package store_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// storedEntry is an audit entry as the file holds it: the entry and its link.
type storedEntry struct {
	Entry mediation.AuditEntry `json:"entry"`
	Prev  string               `json:"prev"`
	Hash  string               `json:"hash"`
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func readEntry(t *testing.T, b *bolt.Bucket, seq uint64) storedEntry {
	t.Helper()
	var e storedEntry
	v := b.Get(seqKey(seq))
	if v == nil {
		t.Fatalf("no audit entry %d", seq)
	}
	if err := json.Unmarshal(v, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func writeEntry(t *testing.T, b *bolt.Bucket, seq uint64, e storedEntry) {
	t.Helper()
	v, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Put(seqKey(seq), v); err != nil {
		t.Fatal(err)
	}
}

// rehash computes the link hash the way a forger who knows the scheme would.
func rehash(t *testing.T, prev string, e *mediation.AuditEntry) string {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// fillAudit writes a few entries of every kind into db.
func fillAudit(t *testing.T, db *store.DB) {
	t.Helper()
	m := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "")
	c := createCase(t, db, m, "楼上漏水", mediation.CategoryLeakRenovation)
	p := createParty(t, db, c, m, "张三", mediation.SideApplicant, "13800138000")
	s := createSubmission(t, db, c.ID, p.ID, "天花板漏水。")
	db.RecordRead(mediation.AuditEntry{CaseID: c.ID, Actor: "u:1", Action: mediation.AuditSubmissionRead,
		Object: "submission:" + s.ID.String(), Detail: map[string]string{"list": "true"}})
	transition(t, db, c.ID, mediation.StatusMediating, "")
	db.FlushReads()
}

func TestAuditTamperDetected(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "orig.db")
	db, err := store.Open(orig, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Now = newClock().Now
	fillAudit(t, db)
	head, err := db.AuditHead()
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq < 6 {
		t.Fatalf("only %d audit entries written", head.Seq)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	content, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	middle := head.Seq / 2

	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, b *bolt.Bucket)
	}{
		{"Untouched", nil},
		{"AlteredContent", func(t *testing.T, b *bolt.Bucket) {
			e := readEntry(t, b, middle)
			e.Entry.Actor = "u:999"
			writeEntry(t, b, middle, e)
		}},
		{"AlteredDetail", func(t *testing.T, b *bolt.Bucket) {
			e := readEntry(t, b, head.Seq)
			e.Entry.Detail["reason"] = "编造的理由"
			writeEntry(t, b, head.Seq, e)
		}},
		{"AlteredTime", func(t *testing.T, b *bolt.Bucket) {
			e := readEntry(t, b, 1)
			e.Entry.At = e.Entry.At.Add(-time.Hour)
			writeEntry(t, b, 1, e)
		}},
		{"AlteredAndRehashed", func(t *testing.T, b *bolt.Bucket) {
			e := readEntry(t, b, middle)
			e.Entry.Object = "case:42"
			e.Hash = rehash(t, e.Prev, &e.Entry)
			writeEntry(t, b, middle, e)
		}},
		{"DeletedMiddle", func(t *testing.T, b *bolt.Bucket) {
			if err := b.Delete(seqKey(middle)); err != nil {
				t.Fatal(err)
			}
		}},
		{"DeletedFirst", func(t *testing.T, b *bolt.Bucket) {
			if err := b.Delete(seqKey(1)); err != nil {
				t.Fatal(err)
			}
		}},
		{"SwappedValues", func(t *testing.T, b *bolt.Bucket) {
			x, y := readEntry(t, b, middle), readEntry(t, b, middle+1)
			writeEntry(t, b, middle, y)
			writeEntry(t, b, middle+1, x)
		}},
		{"SwappedAndRenumbered", func(t *testing.T, b *bolt.Bucket) {
			x, y := readEntry(t, b, middle), readEntry(t, b, middle+1)
			x.Entry.Seq, y.Entry.Seq = y.Entry.Seq, x.Entry.Seq
			writeEntry(t, b, middle, y)
			writeEntry(t, b, middle+1, x)
		}},
		{"DeletedLast", func(t *testing.T, b *bolt.Bucket) {
			if err := b.Delete(seqKey(head.Seq)); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "copy.db")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			if tc.tamper != nil {
				b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
				if err != nil {
					t.Fatal(err)
				}
				err = b.Update(func(tx *bolt.Tx) error {
					tc.tamper(t, tx.Bucket([]byte("audit")))
					return nil
				})
				if cerr := b.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			db, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			got, err := db.VerifyAudit(nil)
			if tc.tamper == nil {
				if err != nil {
					t.Fatalf("VerifyAudit of the untouched copy: %v", err)
				}
				if got != head {
					t.Errorf("VerifyAudit head = %+v, want %+v", got, head)
				}
				return
			}
			if err == nil {
				t.Fatal("VerifyAudit found nothing wrong with the tampered chain")
			}
			t.Logf("VerifyAudit: %v", err)
		})
	}
}

func TestVerifyAuditSince(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		db := MustOpenDB(t)
		if h, err := db.VerifyAudit(nil); err != nil || h != (store.Head{}) {
			t.Fatalf("VerifyAudit of an empty chain = %+v, %v", h, err)
		}
		createUser(t, db, "zhou", "周调解", mediation.RoleMediator, "")
		earlier, err := db.AuditHead()
		if err != nil || earlier.Seq != 1 || len(earlier.Hash) != 64 {
			t.Fatalf("AuditHead = %+v, %v", earlier, err)
		}
		fillAudit(t, db)
		now, err := db.AuditHead()
		if err != nil || now.Seq <= earlier.Seq {
			t.Fatalf("AuditHead after more entries = %+v, %v", now, err)
		}

		t.Run("EarlierHead", func(t *testing.T) {
			got, err := db.VerifyAudit(&earlier)
			if err != nil {
				t.Fatal(err)
			}
			if got != now {
				t.Errorf("VerifyAudit head = %+v, want %+v", got, now)
			}
		})
		t.Run("CurrentHead", func(t *testing.T) {
			if _, err := db.VerifyAudit(&now); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ErrForgedHash", func(t *testing.T) {
			forged := store.Head{Seq: earlier.Seq, Hash: strings.Repeat("0", 64)}
			if _, err := db.VerifyAudit(&forged); err == nil {
				t.Fatal("VerifyAudit accepted a head with a wrong hash")
			}
		})
		t.Run("ErrHashOfAnotherEntry", func(t *testing.T) {
			forged := store.Head{Seq: earlier.Seq + 1, Hash: earlier.Hash}
			if _, err := db.VerifyAudit(&forged); err == nil {
				t.Fatal("VerifyAudit accepted a head naming the wrong entry")
			}
		})
		t.Run("ErrHeadBeyondChain", func(t *testing.T) {
			forged := store.Head{Seq: now.Seq + 3, Hash: now.Hash}
			if _, err := db.VerifyAudit(&forged); err == nil {
				t.Fatal("VerifyAudit accepted a head beyond the end of the chain")
			}
		})
	})
}

func TestRecordRead(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		read := func(caseID mediation.ID, n int) mediation.AuditEntry {
			return mediation.AuditEntry{CaseID: caseID, Actor: "u:1", Action: mediation.AuditSubmissionRead,
				Object: "submission:" + mediation.ID(n).String()}
		}
		readsOf := func(t *testing.T, db *store.DB, caseID mediation.ID) []mediation.AuditEntry {
			t.Helper()
			entries, _, err := db.CaseAudit(caseID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var out []mediation.AuditEntry
			for _, e := range entries {
				if e.Action == mediation.AuditSubmissionRead {
					out = append(out, e)
				}
			}
			return out
		}

		t.Run("WrittenWithinASecond", func(t *testing.T) {
			w := newWorld(t)
			c := createCase(t, w.db, w.mediator, "噪音", mediation.CategoryNoise)
			start := time.Now()
			w.db.RecordRead(read(c.ID, 1))
			for len(readsOf(t, w.db, c.ID)) == 0 {
				if time.Since(start) > 5*time.Second {
					t.Fatal("the read was not audited within 5 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("the read was audited after %v, want about a second", d)
			}
		})

		t.Run("FlushReads", func(t *testing.T) {
			db := mustOpenDBWith(t, store.Options{ReadAuditDelay: time.Hour})
			m := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "")
			c := createCase(t, db, m, "噪音", mediation.CategoryNoise)
			for i := range 3 {
				db.RecordRead(read(c.ID, i+1))
			}
			if got := readsOf(t, db, c.ID); len(got) != 0 {
				t.Fatalf("%d reads written before the delay or a flush", len(got))
			}
			db.FlushReads()
			got := readsOf(t, db, c.ID)
			if len(got) != 3 {
				t.Fatalf("%d reads written by FlushReads, want 3", len(got))
			}
			for i, e := range got {
				if want := "submission:" + mediation.ID(i+1).String(); e.Object != want {
					t.Errorf("read %d object = %q, want %q (in the order recorded)", i, e.Object, want)
				}
				if e.At.IsZero() {
					t.Errorf("read %d has no time", i)
				}
			}
			if _, err := db.VerifyAudit(nil); err != nil {
				t.Error(err)
			}
		})

		t.Run("CloseWritesPending", func(t *testing.T) {
			db := mustOpenDBWith(t, store.Options{ReadAuditDelay: time.Hour})
			m := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "")
			c := createCase(t, db, m, "噪音", mediation.CategoryNoise)
			db.RecordRead(read(c.ID, 7))
			db = reopen(t, db)
			got := readsOf(t, db, c.ID)
			if len(got) != 1 || got[0].Object != "submission:7" {
				t.Fatalf("reads after Close and reopen = %+v, want the one recorded", got)
			}
		})
	})
}

// The newest entries of a case's trail, read backwards, are the trail's
// last ones, newest first, whatever else is in the chain.
func TestLatestCaseAudit(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		db := MustOpenDB(t)
		fillAudit(t, db)
		m := createUser(t, db, "li.jianguo", "李调解", mediation.RoleMediator, "")
		c := createCase(t, db, m, "车位", mediation.CategoryParking)
		other := createCase(t, db, m, "噪音", mediation.CategoryNoise)
		for i := range 30 {
			for _, cs := range []*mediation.Case{c, other} {
				db.RecordRead(mediation.AuditEntry{CaseID: cs.ID, Actor: "u:1", Action: mediation.AuditSubmissionRead,
					Object: "submission:" + mediation.ID(i+1).String()})
			}
		}
		db.FlushReads()
		all, _, err := db.CaseAudit(c.ID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 10, len(all), len(all) + 5} {
			got, more, err := db.LatestCaseAudit(c.ID, n)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(all[max(0, len(all)-n):])
			slices.Reverse(want)
			if !reflect.DeepEqual(got, want) || more != (n < len(all)) {
				t.Fatalf("latest %d: got %d entries (more %v), want the last %d of %d newest first", n, len(got), more, len(want), len(all))
			}
		}
	})
}

// Identical reads within one flush are one link that says how many it
// stands for; a read that showed something else keeps its own.
func TestIdenticalReadsShareALink(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		db := mustOpenDBWith(t, store.Options{ReadAuditDelay: time.Hour})
		m := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "")
		c := createCase(t, db, m, "车位", mediation.CategoryParking)
		list := func(ids string) mediation.AuditEntry {
			return mediation.AuditEntry{CaseID: c.ID, Actor: "p:2", Action: mediation.AuditSubmissionRead,
				Object: "case:" + c.ID.String(), Detail: map[string]string{"submissions": ids}}
		}
		for range 5 {
			db.RecordRead(list("2"))
		}
		db.RecordRead(list("1,2"))
		db.FlushReads()
		entries, _, err := db.CaseAudit(c.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			if e.Action == mediation.AuditSubmissionRead {
				got = append(got, e.Detail["submissions"]+" reads="+e.Detail["reads"])
			}
		}
		if want := []string{"2 reads=5", "1,2 reads="}; !slices.Equal(got, want) {
			t.Fatalf("read entries %q, want %q", got, want)
		}
	})
}
