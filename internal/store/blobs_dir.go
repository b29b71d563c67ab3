package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// DirBlobs keeps blobs as files in a directory (--blobs DIR): a volume that
// every tiaojie process of a cluster mounts. A blob is the file
// DIR/ab/abcd…, named by its SHA-256 (hex) under a directory of its first two
// digits. It is written to a temporary file beside it, synced, renamed into
// place and its directory synced, so that a file under a blob's name is
// always whole and, once Put returns, survives a crash. Two processes putting
// the same blob rename the same bytes over each other: harmless. A file
// whose bytes do not hash to its name (a damaged disk, a hand's edit) is
// never answered: Get fails, and Put of that blob writes it again.
type DirBlobs struct {
	dir string
}

// OpenBlobDir opens the blob directory dir, creating it when it does not
// exist, and fails when it is not a directory this process can write.
func OpenBlobDir(dir string) (*DirBlobs, error) {
	if dir == "" {
		return nil, errors.New("store: blobs: no directory named")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: blobs %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("store: blobs %s: %w", dir, err)
	}
	f, err := os.CreateTemp(abs, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("store: blobs %s: the directory cannot be written: %w", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return &DirBlobs{dir: abs}, nil
}

// BlobDir is an existing blob directory opened for reading only (a check,
// a backup's copy): nothing is created or probed.
func BlobDir(dir string) (*DirBlobs, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store: blobs %s: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("store: blobs: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("store: blobs %s: not a directory", dir)
	}
	return &DirBlobs{dir: abs}, nil
}

// Dir is the directory, absolute.
func (d *DirBlobs) Dir() string { return d.dir }

func (d *DirBlobs) Name() string { return "the directory " + d.dir }

// path is where the blob sum lives.
func (d *DirBlobs) path(sum string) (string, error) {
	if _, err := blobKey(sum); err != nil {
		return "", err
	}
	return filepath.Join(d.dir, sum[:2], sum), nil
}

func (d *DirBlobs) Put(sum string, content []byte) error {
	p, err := d.path(sum)
	if err != nil {
		return err
	}
	if err := verifyBlob(sum, content); err != nil {
		return fmt.Errorf("store: put: %w", err)
	}
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, content) {
		return nil
	}
	sub := filepath.Dir(p)
	if _, err := os.Stat(sub); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(sub, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: blobs: %w", err)
		}
		if err := syncDir(d.dir); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(sub, ".tmp-"+sum[:16]+"-*")
	if err != nil {
		return fmt.Errorf("store: blobs: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: blobs: write %s: %w", p, err)
	}
	return syncDir(sub)
}

func (d *DirBlobs) Get(sum string) ([]byte, error) {
	p, err := d.path(sum)
	if err != nil {
		return nil, err
	}
	v, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s… in %s: %w", short(sum), d.Name(), ErrBlobMissing)
	} else if err != nil {
		return nil, fmt.Errorf("store: blobs: %w", err)
	}
	if err := verifyBlob(sum, v); err != nil {
		return nil, fmt.Errorf("%s: %w", d.Name(), err)
	}
	return v, nil
}

func (d *DirBlobs) Has(sum string) (bool, error) {
	p, err := d.path(sum)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// syncDir makes the entries of dir (a rename, a new file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: blobs: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: blobs: sync %s: %w", dir, err)
	}
	return nil
}

// BackupBlobDir is where a backup at path keeps the attachments' files of a
// database that keeps them in a blob directory: the directory path.blobs,
// laid out as the blob directory is, so that a server restored from the
// copy runs with --db path --blobs path.blobs.
func BackupBlobDir(path string) string { return path + ".blobs" }

// SaveBackupWithBlobs is SaveBackup for a database whose attachments' files
// are in blobs: every file the copy names and does not hold itself is copied,
// verified, into BackupBlobDir(path) (a file there already, whole, is kept:
// a backup repeated to the same path copies only the new ones), and the copy
// is verified against that directory before it is renamed to path.
func SaveBackupWithBlobs(path string, write func(w io.Writer) (int64, error), blobs Blobs) (Head, int64, error) {
	return saveBackup(path, write, blobs)
}

// copyBlobs copies into the directory dir the blobs the database file at
// path names and does not hold, from src, and returns dir's blob store.
// Blobs are written before the records that name them and never deleted, so
// src, read after the copy was taken, has every one it names.
func copyBlobs(path string, src Blobs, dir string) (Blobs, error) {
	db, err := OpenReadOnly(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var order []string
	err = db.view(func(tx Tx) error {
		uses, all, problems, err := referencedBlobs(tx)
		if err != nil || len(problems) > 0 {
			return errors.Join(append(problems, err)...)
		}
		in := tx.Bucket(blobRecords.bucket)
		for _, sum := range all {
			if k, err := blobKey(sum); err != nil {
				return fmt.Errorf("attachment %d: %w", uses[sum][0].attachment, err)
			} else if in.Get(k) == nil {
				order = append(order, sum)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	dst, err := OpenBlobDir(dir)
	if err != nil {
		return nil, err
	}
	for _, sum := range order {
		if _, err := dst.Get(sum); err == nil {
			continue
		}
		v, err := src.Get(sum)
		if err != nil {
			return nil, err
		}
		if err := dst.Put(sum, v); err != nil {
			return nil, err
		}
	}
	return dst, nil
}
