package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

var testTime = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// fillDB makes a database with a mediator, a case, a party and a submission,
// closed, and returns its path.
func fillDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiaojie.db")
	addCase(t, path, "车位被占")
	return path
}

// addCase opens the database at path, adds a case with a party and a
// submission (and the mediator, the first time), and closes it.
func addCase(t *testing.T, path, title string) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByName("wang")
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		u, err = mediation.NewUser(&mediation.UserInput{Username: "wang", DisplayName: "王调解",
			Role: mediation.RoleMediator, Password: "correct horse battery"}, testTime)
		if err == nil {
			u.PasswordHash = "$argon2id$test"
			err = db.CreateUser(u, "system")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	c, err := mediation.NewCase(mediation.CaseInput{Title: title, Category: mediation.CategoryParking,
		Community: "heping-li", Source: mediation.SourcePartyApplication}, mediation.DefaultPlaces(), u.ID, testTime)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCase(c, mediation.UserSubject(u.ID)); err != nil {
		t.Fatal(err)
	}
	p, err := mediation.NewParty(mediation.PartyInput{Name: "赵明", Kind: mediation.PartyPerson,
		Side: mediation.SideApplicant}, c.ID, u.ID, testTime)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateParty(p, &mediation.Invitation{TokenHash: []byte(title), CreatedBy: u.ID, CreatedAt: testTime},
		mediation.UserSubject(u.ID)); err != nil {
		t.Fatal(err)
	}
	s, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionPosition,
		Body: "车位是我买的。"}, c.ID, p.ID, 0, testTime)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSubmission(s, mediation.PartySubject(p.ID)); err != nil {
		t.Fatal(err)
	}
}

// tamper changes the closed database at path with bbolt directly.
func tamper(t *testing.T, path string, change func(tx *bolt.Tx) error) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Update(change); err != nil {
		t.Fatal(err)
	}
}

func key(ids ...uint64) []byte {
	var b []byte
	for _, id := range ids {
		b = binary.BigEndian.AppendUint64(b, id)
	}
	return b
}

func auditHead(t *testing.T, path string) string {
	t.Helper()
	var out bytes.Buffer
	if err := auditCommand(&out, []string{"head", "--db", path}); err != nil {
		t.Fatalf("audit head: %v", err)
	}
	return strings.TrimSuffix(out.String(), "\n")
}

func TestCheckCommand(t *testing.T) {
	t.Run("Clean", func(t *testing.T) {
		path := fillDB(t)
		var out bytes.Buffer
		if err := checkCommand(&out, []string{"--db", path}); err != nil {
			t.Fatalf("check of a clean file: %v", err)
		}
		want := "ok: " + path + ": pages consistent; every index agrees with its records; audit chain verified to entry 5\n" +
			"audit head " + auditHead(t, path) + "\n"
		if out.String() != want {
			t.Errorf("output\n%s\nwant\n%s", out.String(), want)
		}
	})

	t.Run("ErrCorruptIndexes", func(t *testing.T) {
		path := fillDB(t)
		tamper(t, path, func(tx *bolt.Tx) error {
			if err := tx.Bucket([]byte("parties_by_case")).Delete(key(1, 1)); err != nil {
				return err
			}
			if err := tx.Bucket([]byte("submissions_by_case")).Put(key(1, 42), key(1)); err != nil {
				return err
			}
			b := tx.Bucket([]byte("cases"))
			var c map[string]any
			json.Unmarshal(b.Get(key(1)), &c)
			c["status"] = "closed"
			v, _ := json.Marshal(c)
			return b.Put(key(1), v)
		})
		var out bytes.Buffer
		err := checkCommand(&out, []string{"--db", path})
		if err == nil {
			t.Fatalf("check of a corrupted file succeeded: %s", out.String())
		}
		if out.Len() != 0 {
			t.Errorf("a failed check printed to standard output: %s", out.String())
		}
		want := "check of " + path + " failed:\n" +
			"  index cases_by_status [intake, case 1]: case 1 has status closed, not intake\n" +
			"  index submissions_by_case [case 1, submission 42]: points to submission 42, which does not exist\n" +
			"  index cases_by_status [closed, case 1]: missing: case 1 (status closed) has no entry here\n" +
			"  index parties_by_case [case 1, party 1]: missing: party 1 of case 1 has no entry here"
		if err.Error() != want {
			t.Errorf("error\n%s\nwant\n%s", err, want)
		}
	})

	t.Run("ErrAlteredAuditEntry", func(t *testing.T) {
		path := fillDB(t)
		tamper(t, path, func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("audit"))
			v := bytes.Replace(b.Get(key(2)), []byte(`"case.create"`), []byte(`"case.update"`), 1)
			return b.Put(key(2), v)
		})
		err := checkCommand(&bytes.Buffer{}, []string{"--db", path})
		if err == nil || !strings.Contains(err.Error(), "audit chain: audit entry 2: its content does not match its hash") {
			t.Errorf("check of an altered audit entry: %v", err)
		}
	})

	t.Run("ErrMissingFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "typo.db")
		err := checkCommand(&bytes.Buffer{}, []string{"--db", path})
		if err == nil || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("check of a missing file: %v", err)
		}
		if _, err := os.Stat(path); err == nil {
			t.Error("check created the file it was to check")
		}
	})

	t.Run("FileUnchanged", func(t *testing.T) {
		path := fillDB(t)
		before, _ := os.ReadFile(path)
		if err := checkCommand(&bytes.Buffer{}, []string{"--db", path}); err != nil {
			t.Fatal(err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("check changed the file")
		}
	})
}

func TestAuditHeadCommand(t *testing.T) {
	path := fillDB(t)
	var out bytes.Buffer
	if err := auditCommand(&out, []string{"head", "--db", path}); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[1-9][0-9]*:[0-9a-f]{64}\n$`).MatchString(out.String()) {
		t.Fatalf("audit head printed %q, want one line SEQ:HASH", out.String())
	}
	db, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.AuditHead()
	db.Close()
	if err != nil || out.String() != formatHead(h)+"\n" {
		t.Errorf("audit head printed %q; the file's head is %v (%v)", out.String(), h, err)
	}

	t.Run("ErrBrokenChain", func(t *testing.T) {
		tamper(t, path, func(tx *bolt.Tx) error { return tx.Bucket([]byte("audit")).Delete(key(3)) })
		err := auditCommand(&bytes.Buffer{}, []string{"head", "--db", path})
		if err == nil || !strings.Contains(err.Error(), "does not verify") {
			t.Errorf("audit head of a broken chain: %v", err)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		if err := auditCommand(&bytes.Buffer{}, nil); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("audit without a subcommand: %v", err)
		}
	})
}

func TestCheckSinceHead(t *testing.T) {
	path := fillDB(t)
	handed := auditHead(t, path) // what went to the street office last month
	addCase(t, path, "楼上噪音")

	t.Run("Grown", func(t *testing.T) {
		var out bytes.Buffer
		if err := checkCommand(&out, []string{"--db", path, "--since-head", handed}); err != nil {
			t.Fatalf("check --since-head after the log grew: %v", err)
		}
		if !strings.Contains(out.String(), "ok: the audit log has only grown since "+handed+"\n") {
			t.Errorf("output: %s", out.String())
		}
	})
	t.Run("SameHead", func(t *testing.T) {
		now := auditHead(t, path)
		if err := checkCommand(&bytes.Buffer{}, []string{"--db", path, "--since-head", now}); err != nil {
			t.Errorf("check --since-head of the current head: %v", err)
		}
	})
	t.Run("ErrForgedHash", func(t *testing.T) {
		seq, hash, _ := strings.Cut(handed, ":")
		forged := seq + ":" + strings.Repeat("0", 64)
		if hash == strings.Repeat("0", 64) {
			t.Fatal("unlucky hash")
		}
		err := checkCommand(&bytes.Buffer{}, []string{"--db", path, "--since-head", forged})
		if err == nil || !strings.Contains(err.Error(), "differs from the head handed over earlier") {
			t.Errorf("check --since-head with a forged head: %v", err)
		}
	})
	t.Run("ErrLogShrank", func(t *testing.T) {
		_, hash, _ := strings.Cut(handed, ":")
		err := checkCommand(&bytes.Buffer{}, []string{"--db", path, "--since-head", "999:" + hash})
		if err == nil || !strings.Contains(err.Error(), "does not reach entry 999") {
			t.Errorf("check --since-head beyond the log: %v", err)
		}
	})
	t.Run("ErrRewrittenHistory", func(t *testing.T) {
		copyPath := filepath.Join(t.TempDir(), "rewritten.db")
		raw, _ := os.ReadFile(path)
		os.WriteFile(copyPath, raw, 0o600)
		// An entry before the handed head is altered and the whole chain
		// rehashed consistently: only the handed head can tell.
		rehashChain(t, copyPath, 2)
		if err := checkCommand(&bytes.Buffer{}, []string{"--db", copyPath}); err != nil {
			t.Fatalf("the rehashed chain should verify on its own: %v", err)
		}
		err := checkCommand(&bytes.Buffer{}, []string{"--db", copyPath, "--since-head", handed})
		if err == nil || !strings.Contains(err.Error(), "differs from the head handed over earlier") {
			t.Errorf("check --since-head of a rewritten history: %v", err)
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for _, bad := range []string{"", "abc", "5", "5:xyz", "0:" + strings.Repeat("a", 64), "5:" + strings.Repeat("A", 64)} {
			if bad == "" {
				continue
			}
			err := checkCommand(&bytes.Buffer{}, []string{"--db", path, "--since-head", bad})
			if err == nil || !strings.Contains(err.Error(), "--since-head") || !strings.Contains(err.Error(), "SEQ:HASH") {
				t.Errorf("--since-head %q: %v", bad, err)
			}
		}
	})
}

// rehashChain alters audit entry seq's actor and recomputes every link from
// it on, the way someone with the file and the source code could.
func rehashChain(t *testing.T, path string, seq uint64) {
	t.Helper()
	type chained struct {
		Entry mediation.AuditEntry `json:"entry"`
		Prev  string               `json:"prev"`
		Hash  string               `json:"hash"`
	}
	tamper(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		var all []chained
		err := b.ForEach(func(k, v []byte) error {
			var ch chained
			err := json.Unmarshal(v, &ch)
			all = append(all, ch)
			return err
		})
		if err != nil {
			return err
		}
		prev := ""
		for _, ch := range all {
			if ch.Entry.Seq == seq {
				ch.Entry.Actor = "u:99"
			}
			if ch.Entry.Seq >= seq {
				e, _ := json.Marshal(ch.Entry)
				h := sha256.New()
				h.Write([]byte(prev))
				h.Write([]byte{0})
				h.Write(e)
				ch.Prev, ch.Hash = prev, hex.EncodeToString(h.Sum(nil))
				v, _ := json.Marshal(ch)
				if err := b.Put(key(ch.Entry.Seq), v); err != nil {
					return err
				}
			}
			prev = ch.Hash
		}
		last := all[len(all)-1]
		head, _ := json.Marshal(store.Head{Seq: last.Entry.Seq, Hash: prev})
		return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), head)
	})
}
