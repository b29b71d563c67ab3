package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"tiaojie/internal/mediation"
)

// Backup writes a consistent copy of the database to w and returns the number
// of bytes written. The copy is one read transaction (Tx.WriteTo): writes go
// on while it is written, and the copy holds exactly what had committed when
// it began.
func (db *DB) Backup(w io.Writer) (int64, error) {
	return db.StreamBackup(func(int64) (io.Writer, error) { return w, nil })
}

// StreamBackup is Backup for a writer that must know the size of the copy
// before the first byte (an HTTP answer's Content-Length): begin is called
// inside the read transaction with the exact size, and returns the writer.
//
// While the copy is written, a commit that has to grow the file's memory map
// waits for it to end; bbolt grows the map in doubling steps, so that is rare.
func (db *DB) StreamBackup(begin func(size int64) (io.Writer, error)) (int64, error) {
	n, err := db.backend.Snapshot(begin)
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a verified copy of the database to path: it is written to
// a temporary file beside path, verified with VerifyBackup, and only then
// renamed into place, so that a file at path is always a verified copy. It
// returns the copy's audit head and size.
func (db *DB) BackupFile(path string) (Head, int64, error) {
	if _, file := db.backend.(*boltBackend); file {
		if same, err := sameFile(path, db.Path()); err != nil {
			return Head{}, 0, fmt.Errorf("store: backup to %s: %w", path, err)
		} else if same {
			return Head{}, 0, fmt.Errorf("store: backup to %s: that is the database itself; name another file", path)
		}
	}
	if db.blobs != nil {
		// Attachments in a blob directory: copied beside the copy.
		return SaveBackupWithBlobs(path, db.Backup, db.blobs)
	}
	return SaveBackup(path, db.Backup)
}

// SaveBackup writes a copy with write (the database's Backup, or a download
// of one) to a temporary file in path's directory, syncs it, verifies it with
// VerifyBackup and renames it to path. A copy that fails verification is
// removed and path is left as it was.
func SaveBackup(path string, write func(w io.Writer) (int64, error)) (head Head, n int64, err error) {
	return saveBackup(path, write, nil)
}

// saveBackup is SaveBackup; with blobs (a database whose attachments are in
// a blob directory), the blobs the copy names and does not hold are copied
// from blobs into BackupBlobDir(path) before the copy is verified with them.
func saveBackup(path string, write func(w io.Writer) (int64, error), blobs Blobs) (head Head, n int64, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return Head{}, 0, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if n, err = write(f); err != nil {
		return Head{}, n, fmt.Errorf("store: backup to %s: writing the copy: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return Head{}, n, fmt.Errorf("store: backup to %s: sync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return Head{}, n, fmt.Errorf("store: backup to %s: close: %w", path, err)
	}
	var copied Blobs
	if blobs != nil {
		if copied, err = copyBlobs(tmp, blobs, BackupBlobDir(path)); err != nil {
			return Head{}, n, fmt.Errorf("store: backup to %s: copying the attachments' files: %w", path, err)
		}
	}
	if head, err = VerifyBackupWith(tmp, copied); err != nil {
		return Head{}, n, fmt.Errorf("store: backup to %s: the copy failed verification, so %s is unchanged:\n%w", path, path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return Head{}, n, fmt.Errorf("store: backup to %s: %w", path, err)
	}
	// The rename is durable only once the directory is synced.
	if d, derr := os.Open(dir); derr == nil {
		derr = d.Sync()
		d.Close()
		if derr != nil {
			return head, n, fmt.Errorf("store: backup to %s: sync directory: %w", path, derr)
		}
	}
	return head, n, nil
}

// VerifyBackup opens the database file at path read-only and verifies it as
// `tiaojie check` does: its pages (Tx.Check), every index against its records
// and the audit chain. It returns the copy's audit head, and every problem
// found.
func VerifyBackup(path string) (Head, error) { return VerifyBackupWith(path, nil) }

// VerifyBackupWith is VerifyBackup of a copy whose attachments' files are in
// blobs (nil: in the copy).
func VerifyBackupWith(path string, blobs Blobs) (Head, error) {
	db, err := OpenReadOnly(path)
	if err != nil {
		return Head{}, err
	}
	defer db.Close()
	if blobs != nil {
		db.UseBlobs(blobs)
	}
	return db.Verify(nil)
}

// OpenReadOnly opens an existing database file without changing it: for
// checking a backup, or the database while no server runs. It returns an
// error wrapping ErrInUse when a server holds the file, and refuses a file
// that is not a tiaojie database or has another schema version (wrapping
// ErrOlderSchema when it is older: only Open upgrades). The DB takes no
// writes; its read audit entries are not recorded.
func OpenReadOnly(path string) (*DB, error) {
	b, err := openBoltReadOnly(path, openTimeout)
	if err != nil {
		return nil, err
	}
	err = b.View(func(tx Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || meta.Get(metaSchema) == nil {
			return errors.New("it is not a tiaojie database (no schema version)")
		}
		switch v := btoi(meta.Get(metaSchema)); {
		case v < schemaVersion:
			return fmt.Errorf("%w (%d; this program reads version %d): opening it for writing, as the server does at start, upgrades it",
				ErrOlderSchema, v, schemaVersion)
		case v > schemaVersion:
			return fmt.Errorf("it has schema version %d, newer than this program's %d", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db := &DB{backend: b, Now: time.Now, reads: make(chan mediation.AuditEntry), readsDone: make(chan struct{}),
		flush: make(chan chan struct{})}
	go db.discardReads()
	return db, nil
}

// openTimeout is how long OpenReadOnly waits for a writer to let go.
const openTimeout = 500 * time.Millisecond

// discardReads stands in for writeReads on a read-only file: a read audit
// entry has nowhere to go, and a flush has nothing to write.
func (db *DB) discardReads() {
	defer close(db.readsDone)
	for {
		select {
		case _, ok := <-db.reads:
			if !ok {
				return
			}
		case done := <-db.flush:
			close(done)
		}
	}
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}
