package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// written is what the writers of a load test have committed, in order.
type written struct {
	mu                         sync.Mutex
	cases, parties, submissons []mediation.ID
}

func (w *written) snapshot() (cases, parties, submissions []mediation.ID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.cases), slices.Clone(w.parties), slices.Clone(w.submissons)
}

// writeLoad runs n goroutines that keep creating cases, parties and
// submissions through the store until stop is closed. Every ID is recorded
// after its transaction has committed.
func writeLoad(t *testing.T, db *store.DB, by *mediation.User, n int, stop <-chan struct{}) (*written, *sync.WaitGroup) {
	w := &written{}
	var wg sync.WaitGroup
	actor := mediation.UserSubject(by.ID)
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c, err := mediation.NewCase(mediation.CaseInput{Title: fmt.Sprintf("噪音纠纷 %d-%d", g, i),
					Category: mediation.CategoryNoise, Community: "heping-li", Source: mediation.SourcePartyApplication},
					mediation.DefaultPlaces(), by.ID, testTime)
				if err == nil {
					err = db.CreateCase(c, actor)
				}
				if err != nil {
					t.Errorf("writer %d: create case: %v", g, err)
					return
				}
				p, err := mediation.NewParty(mediation.PartyInput{Name: fmt.Sprintf("住户%d-%d", g, i),
					Kind: mediation.PartyPerson, Side: mediation.SideApplicant}, c.ID, by.ID, testTime)
				if err == nil {
					err = db.CreateParty(p, newInvitation(fmt.Sprintf("load-%d-%d", g, i), by.ID), actor)
				}
				if err != nil {
					t.Errorf("writer %d: create party: %v", g, err)
					return
				}
				s, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionPosition,
					Body: "楼上每晚十一点后还在装修。"}, c.ID, p.ID, 0, testTime)
				if err == nil {
					err = db.CreateSubmission(s, mediation.PartySubject(p.ID))
				}
				if err != nil {
					t.Errorf("writer %d: create submission: %v", g, err)
					return
				}
				w.mu.Lock()
				w.cases, w.parties, w.submissons = append(w.cases, c.ID), append(w.parties, p.ID), append(w.submissons, s.ID)
				w.mu.Unlock()
			}
		}()
	}
	return w, &wg
}

// waitForRecords waits until the load has written at least n cases.
func waitForRecords(t *testing.T, w *written, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if cases, _, _ := w.snapshot(); len(cases) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the load wrote fewer than %d cases in 30s", n)
		}
	}
}

// TestBackupUnderWriteLoad takes several backups while eight goroutines keep
// writing. Each copy verifies and holds every record committed before it
// began.
func TestBackupUnderWriteLoad(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		stop := make(chan struct{})
		load, wg := writeLoad(t, w.db, w.mediator, 8, stop)
		defer func() { close(stop); wg.Wait() }()

		dir := t.TempDir()
		for round := range 3 {
			waitForRecords(t, load, 20*(round+1))
			cases, parties, subs := load.snapshot()
			path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", round))
			head, n, err := w.db.BackupFile(path)
			if err != nil {
				t.Fatalf("round %d: BackupFile: %v", round, err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != n {
				t.Fatalf("round %d: the copy is %v bytes, BackupFile said %d (%v)", round, fi.Size(), n, err)
			}
			if got, err := store.VerifyBackup(path); err != nil || got != head {
				t.Fatalf("round %d: VerifyBackup = %v, %v; BackupFile said head %v", round, got, err, head)
			}

			// The copy opens as a database and holds what had committed.
			copyDB, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatalf("round %d: open the copy: %v", round, err)
			}
			for _, id := range cases {
				if _, err := copyDB.Case(id); err != nil {
					t.Errorf("round %d: case %d committed before the backup: %v", round, id, err)
				}
			}
			for _, id := range parties {
				if _, err := copyDB.Party(id); err != nil {
					t.Errorf("round %d: party %d committed before the backup: %v", round, id, err)
				}
			}
			for _, id := range subs {
				if _, err := copyDB.Submission(id); err != nil {
					t.Errorf("round %d: submission %d committed before the backup: %v", round, id, err)
				}
			}
			if err := copyDB.CheckIndexes(); err != nil {
				t.Errorf("round %d: indexes of the copy: %v", round, err)
			}
			if err := copyDB.Close(); err != nil {
				t.Fatal(err)
			}
		}

		// A backup into memory while the load goes on is the same kind of file.
		var buf bytes.Buffer
		n, err := w.db.Backup(&buf)
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("Backup: %d bytes, %v; buffer holds %d", n, err, buf.Len())
		}
		path := filepath.Join(dir, "from-memory.db")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := store.VerifyBackup(path); err != nil {
			t.Errorf("VerifyBackup of the in-memory copy: %v", err)
		}
	})
}

func TestBackupFile(t *testing.T) {
	w := newWorld(t)
	c := createCase(t, w.db, w.mediator, "漏水", mediation.CategoryLeakRenovation)
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.db")

	t.Run("ReplacesAnOlderCopy", func(t *testing.T) {
		if _, _, err := w.db.BackupFile(path); err != nil {
			t.Fatal(err)
		}
		createParty(t, w.db, c, w.mediator, "孙强", mediation.SideApplicant, "")
		head, _, err := w.db.BackupFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := w.db.AuditHead(); head != want {
			t.Errorf("head of the new copy %v, want %v", head, want)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("the copy's mode: %v %v; want no access for group and others", fi.Mode(), err)
		}
	})

	t.Run("ErrTheDatabaseItself", func(t *testing.T) {
		_, _, err := w.db.BackupFile(w.db.Path())
		if err == nil || !strings.Contains(err.Error(), "the database itself") {
			t.Fatalf("BackupFile onto the database: %v", err)
		}
	})

	t.Run("AFailedCopyLeavesTheOldOne", func(t *testing.T) {
		before, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// A download that delivers the first half of a good copy.
		_, _, err = store.SaveBackup(path, func(dst io.Writer) (int64, error) {
			var buf bytes.Buffer
			if _, err := w.db.Backup(&buf); err != nil {
				return 0, err
			}
			n, err := dst.Write(buf.Bytes()[:buf.Len()/2])
			return int64(n), err
		})
		if err == nil || !strings.Contains(err.Error(), "failed verification") {
			t.Fatalf("SaveBackup of half a copy: %v", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("a copy that failed verification replaced the good one")
		}
		// And a writer that fails.
		_, _, err = store.SaveBackup(path, func(io.Writer) (int64, error) { return 0, errors.New("connection reset") })
		if err == nil || !strings.Contains(err.Error(), "connection reset") {
			t.Fatalf("SaveBackup with a failing writer: %v", err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "backup.db" {
				t.Errorf("left behind: %s", e.Name())
			}
		}
	})
}

func TestVerifyBackupRefuses(t *testing.T) {
	dir := t.TempDir()
	t.Run("ErrMissingFile", func(t *testing.T) {
		if _, err := store.VerifyBackup(filepath.Join(dir, "nope.db")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("VerifyBackup of a missing file: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "nope.db")); !errors.Is(err, os.ErrNotExist) {
			t.Error("VerifyBackup created the file")
		}
	})
	t.Run("ErrNotADatabase", func(t *testing.T) {
		path := filepath.Join(dir, "notes.txt")
		os.WriteFile(path, bytes.Repeat([]byte("调解笔录\n"), 2000), 0o600)
		if _, err := store.VerifyBackup(path); err == nil {
			t.Error("VerifyBackup of a text file succeeded")
		}
	})
	t.Run("ErrInUse", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := store.VerifyBackup(db.Path())
		if !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), "server") {
			t.Errorf("VerifyBackup of an open database: %v", err)
		}
	})
}

// TestOpenReadOnlyChangesNothing: checking a file leaves it byte for byte as
// it was, and the read-only database refuses writes.
func TestOpenReadOnlyChangesNothing(t *testing.T) {
	w := newWorld(t)
	createCase(t, w.db, w.mediator, "狗叫", mediation.CategoryPets)
	path := w.db.Path()
	w.db.Close()
	before, _ := os.ReadFile(path)
	db, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Verify(nil); err != nil {
		t.Errorf("Verify: %v", err)
	}
	db.RecordRead(mediation.AuditEntry{Actor: "u:1", Action: mediation.AuditSubmissionRead, Object: "submission:1"})
	db.FlushReads()
	if err := db.CreateCase(newCase(t, w.mediator.ID, "x", mediation.CategoryOther), "u:1"); err == nil {
		t.Error("a read-only database took a write")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("checking the file changed it")
	}
}
