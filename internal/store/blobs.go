package store

import (
	"bytes"
	"errors"
	"fmt"

	"tiaojie/internal/mediation"
)

// Blobs: where the attachments' content is kept. Each blob (a re-encoded
// photo, its preview, a PDF) is stored under its SHA-256, which the
// attachment's record names (SHA256, Preview): the record is the truth, the
// blob store holds bytes that must hash to it. Blobs are never changed and
// never deleted (no attachment is), so a blob written once serves every
// record that names it, and two writers of the same blob write the same
// bytes.
//
// By default they are in the store itself (bucket blobs, storeBlobs), written
// in the transaction of the attachment's record, as every file before blob
// stores did. With a directory (DirBlobs, --blobs DIR) they are files beside
// the store, written and synced before the record's transaction commits: the
// store for a cluster, whose etcd takes at most 1.5 MiB a request. A record
// written before the directory was configured keeps its blob in the store,
// and is read from there.

// Blobs keeps blobs by their SHA-256 (hex, as Sum writes it).
type Blobs interface {
	// Put stores content under sum, its SHA-256, durably once it returns.
	// Putting a blob that is there already is harmless.
	Put(sum string, content []byte) error
	// Get returns the content stored under sum, verified against it: an
	// error wrapping ErrBlobMissing when there is none, ErrBlobDamaged when
	// what is there does not hash to sum.
	Get(sum string) ([]byte, error)
	// Has says whether a blob is stored under sum (without reading it).
	Has(sum string) (bool, error)
	// Name says where the blobs are, for messages.
	Name() string
}

var (
	// ErrBlobMissing is Get's answer for a blob that is not stored.
	ErrBlobMissing = errors.New("the blob is missing")
	// ErrBlobDamaged is Get's answer for a blob whose bytes are not what
	// its SHA-256 says: they are never answered.
	ErrBlobDamaged = errors.New("the blob is damaged")
)

// verifyBlob checks content against sum.
func verifyBlob(sum string, content []byte) error {
	if got := Sum(content); got != sum {
		return fmt.Errorf("blob %s…: %w: %d bytes whose SHA-256 is %s…", short(sum), ErrBlobDamaged, len(content), got[:16])
	}
	return nil
}

func short(sum string) string { return sum[:min(16, len(sum))] }

// storeBlobs are the blobs in the store's own bucket blobs.
type storeBlobs struct{ b Backend }

func (s storeBlobs) Name() string { return "the store " + s.b.Path() }

func (s storeBlobs) Put(sum string, content []byte) error {
	k, err := blobKey(sum)
	if err != nil {
		return err
	}
	if err := verifyBlob(sum, content); err != nil {
		return fmt.Errorf("store: put: %w", err)
	}
	return s.b.Update(func(tx Tx) error {
		b := tx.Bucket(blobRecords.bucket)
		if old := b.Get(k); old != nil && bytes.Equal(old, content) {
			return tx.Err()
		}
		return b.Put(k, content)
	})
}

func (s storeBlobs) Get(sum string) ([]byte, error) {
	k, err := blobKey(sum)
	if err != nil {
		return nil, err
	}
	var out []byte
	err = s.b.View(func(tx Tx) error {
		v := tx.Bucket(blobRecords.bucket).Get(k)
		if v == nil {
			return tx.Err()
		}
		out = bytes.Clone(v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("blob %s… in %s: %w", short(sum), s.Name(), ErrBlobMissing)
	}
	if err := verifyBlob(sum, out); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name(), err)
	}
	return out, nil
}

func (s storeBlobs) Has(sum string) (bool, error) {
	k, err := blobKey(sum)
	if err != nil {
		return false, err
	}
	var found bool
	err = s.b.View(func(tx Tx) error {
		found = tx.Bucket(blobRecords.bucket).Get(k) != nil
		return tx.Err()
	})
	return found, err
}

// blobStore is where the database writes blobs: its directory, or the store.
func (db *DB) blobStore() Blobs {
	if db.blobs != nil {
		return db.blobs
	}
	return storeBlobs{db.backend}
}

// UseBlobs makes the database keep new blobs in b, and read them from b
// (and from the store, for those written before). For a database opened
// read-only, whose options OpenReadOnly does not take.
func (db *DB) UseBlobs(b Blobs) { db.blobs = b }

// Blobs is where the database keeps its blobs.
func (db *DB) Blobs() Blobs { return db.blobStore() }

// readBlob returns the blob under sum, verified: from the blob store, or,
// when that is a directory that lacks it, from the store (a blob written
// before the directory was configured).
func (db *DB) readBlob(sum string) ([]byte, error) {
	v, err := db.blobStore().Get(sum)
	if db.blobs != nil && errors.Is(err, ErrBlobMissing) {
		if w, serr := (storeBlobs{db.backend}).Get(sum); !errors.Is(serr, ErrBlobMissing) {
			return w, serr
		}
	}
	return v, err
}

// maxStoreBlobs is the most bytes of blobs one attachment may bring into a
// store whose transactions are limited (etcd): what the transaction takes
// less a margin for the record, its index entries, its audit entry, the
// counters and an idempotency key. Zero: no limit.
func (db *DB) maxStoreBlobs() int64 {
	lim := db.backend.Limits().Bytes
	if lim == 0 || db.blobs != nil {
		return 0
	}
	return int64(lim) - 32<<10
}

// tooLargeForStore answers an attachment too large for the store to take in
// one transaction (ETOOLARGE, 413), naming the limit: such a store needs a
// blob directory for larger files.
func (db *DB) tooLargeForStore() error {
	return &mediation.Error{Code: mediation.ETOOLARGE, Message: "error.attachment_store_limit",
		Args: map[string]any{"Limit": mib(db.maxStoreBlobs())}}
}

// blobUse is an attachment's use of a blob: its content (with the size its
// record says) or its preview.
type blobUse struct {
	attachment mediation.ID
	what, sum  string
	size       int64
}

// referencedBlobs lists the blobs the attachments name, each once in the
// order first named, with the attachments naming it; and the records that
// do not decode, as problems.
func referencedBlobs(tx Tx) (uses map[string][]blobUse, order []string, problems []error, err error) {
	uses = map[string][]blobUse{}
	err = tx.Bucket(attachmentRecords.bucket).ForEach(func(k, v []byte) error {
		var a storedAttachment
		if err := decode(v, &a); err != nil {
			problems = append(problems, fmt.Errorf("record %s [%x]: %w", attachmentRecords.bucket, k, err))
			return nil
		}
		for _, u := range []blobUse{{a.ID, "content", a.SHA256, a.Size}, {a.ID, "preview", a.Preview, -1}} {
			if u.sum == "" && u.what == "preview" {
				continue
			}
			if _, seen := uses[u.sum]; !seen {
				order = append(order, u.sum)
			}
			uses[u.sum] = append(uses[u.sum], u)
		}
		return nil
	})
	return uses, order, problems, err
}
