package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"tiaojie/internal/mediation"
)

// storedAttachment is an attachment as stored: the record and the SHA-256
// of its preview (a photo's; empty for a document), which no answer shows.
type storedAttachment struct {
	mediation.Attachment
	Preview string `json:"preview,omitempty"`
}

func describeAttachment(k []byte, a *storedAttachment) string {
	return fmt.Sprintf("attachment %d of submission %d in case %d", a.ID, a.SubmissionID, a.CaseID)
}

// blobKey is the key of content in the blobs bucket: its SHA-256.
func blobKey(sum string) ([]byte, error) {
	k, err := hex.DecodeString(sum)
	if err != nil || len(k) != sha256.Size {
		return nil, fmt.Errorf("store: %q is not a SHA-256", sum)
	}
	return k, nil
}

// Sum is the SHA-256 of content, as attachments name it (hex).
func Sum(content []byte) string {
	s := sha256.Sum256(content)
	return hex.EncodeToString(s[:])
}

// NewAttachment is an attachment to store with its content and, for a
// photo, its preview.
type NewAttachment struct {
	*mediation.Attachment
	Content, Preview []byte
	// Quota is the most bytes of attachments the case may hold.
	Quota int64
}

// CreateAttachment stores an attachment of a submission, its content and its
// preview, and sets its ID, Size and SHA256. The content is stored once
// whatever the number of attachments naming it (by its SHA-256): in the
// transaction of the record and its audit entry when the blobs are in the
// store, else in the blob directory, synced before that transaction. A
// store whose transactions are limited (etcd) and keeps the blobs takes at
// most maxStoreBlobs bytes of them (ETOOLARGE, naming it). A closed or withdrawn case
// takes none (ECONFLICT, as for submissions); a submission of another case is
// ENOTFOUND; one that carries MaxAttachments already, or a case whose
// attachments would then be over the quota, is ECONFLICT.
func (db *DB) CreateAttachment(n NewAttachment, actor string, opts ...Option) error {
	a := n.Attachment
	a.Size, a.SHA256 = int64(len(n.Content)), Sum(n.Content)
	rec := &storedAttachment{Attachment: *a}
	if n.Preview != nil {
		rec.Preview = Sum(n.Preview)
	}
	blobs := [][]byte{n.Content}
	if n.Preview != nil {
		blobs = append(blobs, n.Preview)
	}
	if db.blobs != nil {
		// The files first, synced, then the record that names them; judged
		// before, so that a refused upload leaves no file behind (a keyed
		// one may be a retry, answered by its replay: the transaction
		// judges it).
		var o options
		for _, opt := range opts {
			opt(&o)
		}
		if o.key == nil {
			if err := db.view(func(tx Tx) error { return admits(tx, a, n.Quota) }); err != nil {
				return err
			}
		}
		for _, content := range blobs {
			if err := db.blobs.Put(Sum(content), content); err != nil {
				return err
			}
		}
	} else if limit := db.maxStoreBlobs(); limit > 0 && int64(len(n.Content)+len(n.Preview)) > limit {
		return db.tooLargeForStore()
	}
	err := db.update(func(tx Tx) error {
		if err := admits(tx, a, n.Quota); err != nil {
			return err
		}
		id, err := attachmentRecords.nextID(tx)
		if err != nil {
			return err
		}
		a.ID, rec.ID = id, id
		var ch change
		for _, content := range blobs {
			if db.blobs != nil {
				break // written above
			}
			k, _ := blobKey(Sum(content))
			if tx.Bucket(blobRecords.bucket).Get(k) == nil {
				blobRecords.put(&ch, k, &content)
			}
		}
		attachmentRecords.put(&ch, idKey(id), rec)
		detail := map[string]string{"submission": a.SubmissionID.String(), "party": a.PartyID.String(),
			"content_type": a.ContentType, "size": strconv.FormatInt(a.Size, 10), "sha256": a.SHA256}
		ch.log(mediation.AuditEntry{CaseID: a.CaseID, At: a.CreatedAt, Actor: actor,
			Action: mediation.AuditAttachmentCreate, Object: "attachment:" + id.String(), Detail: detail})
		return commit(tx, &ch)
	}, opts...)
	if errors.Is(err, ErrTxnTooLarge) && db.maxStoreBlobs() > 0 {
		return db.tooLargeForStore()
	}
	return err
}

// admits says whether the submission of a takes it: its case takes
// submissions, it is the case's, it carries fewer than MaxAttachments and
// the case's attachments stay within quota with a's Size.
func admits(tx Tx, a *mediation.Attachment, quota int64) error {
	c, err := getCase(tx, a.CaseID)
	if err != nil {
		return err
	}
	if err := c.AcceptsSubmissions(); err != nil {
		return err
	}
	sub, err := getSubmission(tx, a.SubmissionID)
	if err != nil || sub.CaseID != a.CaseID {
		return mediation.NotFound()
	}
	held, err := attachmentsOf(tx, attachmentsBySubmission, a.SubmissionID)
	if err != nil {
		return err
	}
	if len(held) >= mediation.MaxAttachments {
		return &mediation.Error{Code: mediation.ECONFLICT, Message: "error.attachments_full",
			Args: map[string]any{"Max": mediation.MaxAttachments}}
	}
	inCase, err := attachmentsOf(tx, attachmentsByCase, a.CaseID)
	if err != nil {
		return err
	}
	var used int64
	for _, o := range inCase {
		used += o.Size
	}
	if used+a.Size > quota {
		return &mediation.Error{Code: mediation.ECONFLICT, Message: "error.case_quota",
			Args: map[string]any{"Limit": mib(quota), "Used": mib(used)}}
	}
	return nil
}

// mib writes a number of bytes in MiB for a message.
func mib(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64) + " MiB"
}

// attachmentsOf reads the attachments filed under owner in index ix
// (a submission's, or a case's), oldest first.
func attachmentsOf(tx Tx, ix *index, owner mediation.ID) ([]storedAttachment, error) {
	var out []storedAttachment
	for id := range ascending(tx.Bucket(ix.bucket), idKey(owner), 0) {
		a, err := attachmentRecords.get(tx, idKey(id))
		if err != nil {
			return nil, fmt.Errorf("store: attachment %d is indexed but not stored: %w", id, err)
		}
		out = append(out, *a)
	}
	return out, nil
}

func plain(in []storedAttachment) []mediation.Attachment {
	out := make([]mediation.Attachment, len(in))
	for i, a := range in {
		out[i] = a.Attachment
	}
	return out
}

// Attachments lists a submission's attachments, oldest first.
func (db *DB) Attachments(submission mediation.ID) ([]mediation.Attachment, error) {
	var out []mediation.Attachment
	err := db.view(func(tx Tx) error {
		as, err := attachmentsOf(tx, attachmentsBySubmission, submission)
		out = plain(as)
		return err
	})
	return out, err
}

// AttachmentsOfSelected lists the attachments of the submissions f selects
// (its Cursor and Limit aside), by submission: other submissions' records are
// never loaded.
func (db *DB) AttachmentsOfSelected(f SubmissionFilter) (map[mediation.ID][]mediation.Attachment, error) {
	out := map[mediation.ID][]mediation.Attachment{}
	err := db.view(func(tx Tx) error {
		f.Cursor = 0
		for sub := range selected(tx, f) {
			as, err := attachmentsOf(tx, attachmentsBySubmission, sub)
			if err != nil {
				return err
			}
			if len(as) > 0 {
				out[sub] = plain(as)
			}
		}
		return nil
	})
	return out, err
}

// Attachment returns an attachment's record, or ENOTFOUND.
func (db *DB) Attachment(id mediation.ID) (*mediation.Attachment, error) {
	var a *storedAttachment
	err := db.view(func(tx Tx) (err error) { a, err = attachmentRecords.get(tx, idKey(id)); return })
	if err != nil {
		return nil, err
	}
	return &a.Attachment, nil
}

// AttachmentContent returns what is served of an attachment: its content, or
// its preview (a photo's; a document has none: ENOTFOUND), verified against
// the SHA-256 its record names: a blob that is missing or damaged is an
// error, never other bytes.
func (db *DB) AttachmentContent(id mediation.ID, preview bool) ([]byte, error) {
	var sum string
	err := db.view(func(tx Tx) error {
		a, err := attachmentRecords.get(tx, idKey(id))
		if err != nil {
			return err
		}
		sum = a.SHA256
		if preview {
			if a.Preview == "" {
				return mediation.NotFound()
			}
			sum = a.Preview
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := blobKey(sum); err != nil {
		return nil, err
	}
	v, err := db.readBlob(sum)
	if err != nil {
		return nil, fmt.Errorf("store: attachment %d: its content: %w", id, err)
	}
	return v, nil
}

// CheckBlobs verifies the attachments' content: every blob in the store is
// stored under its own SHA-256, and every blob an attachment names (its
// content and preview) is there, in the blob directory or the store, and
// hashes to its name, the content of the size its record says. It returns
// every problem, joined.
func (db *DB) CheckBlobs() error {
	var errs []error
	var uses map[string][]blobUse
	var order []string
	err := db.view(func(tx Tx) error {
		blobs := tx.Bucket(blobRecords.bucket)
		if blobs == nil {
			errs = append(errs, fmt.Errorf("bucket %s is missing", blobRecords.bucket))
			return nil
		}
		err := blobs.ForEach(func(k, v []byte) error {
			if sum := sha256.Sum256(v); !bytes.Equal(sum[:], k) {
				errs = append(errs, fmt.Errorf("blob %s: its content's SHA-256 is %s…", hashPrefix(k), hex.EncodeToString(sum[:8])))
			}
			return nil
		})
		if err != nil {
			return err
		}
		var problems []error
		uses, order, problems, err = referencedBlobs(tx)
		errs = append(errs, problems...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: check blobs: %w", err)
	}
	for _, sum := range order {
		for _, u := range uses[sum] {
			if _, err := blobKey(sum); err != nil {
				errs = append(errs, fmt.Errorf("attachment %d: its %s: %w", u.attachment, u.what, err))
			}
		}
		if _, err := blobKey(sum); err != nil {
			continue
		}
		v, err := db.readBlob(sum)
		for _, u := range uses[sum] {
			switch {
			case errors.Is(err, ErrBlobMissing):
				errs = append(errs, missingBlob{fmt.Sprintf("attachment %d: its %s %s… is missing from %s", u.attachment, u.what, short(sum), db.blobStore().Name())})
			case errors.Is(err, ErrBlobDamaged):
				errs = append(errs, fmt.Errorf("attachment %d: its %s is damaged: %w", u.attachment, u.what, err))
			case err != nil:
				errs = append(errs, fmt.Errorf("attachment %d: its %s: %w", u.attachment, u.what, err))
			case u.size >= 0 && int64(len(v)) != u.size:
				errs = append(errs, fmt.Errorf("attachment %d: size %d, its content has %d bytes", u.attachment, u.size, len(v)))
			}
		}
	}
	return errors.Join(errs...)
}

// rawRecords declares a kind of record stored as its bytes, without the
// codec: the blobs.
func rawRecords(bucket string) records[[]byte] {
	k := &kind{bucket: []byte(bucket),
		encode: func(r any) ([]byte, error) { return *r.(*[]byte), nil },
		decode: func(v []byte) (any, error) { b := bytes.Clone(v); return &b, nil }}
	kinds = append(kinds, k)
	return records[[]byte]{k}
}

// missingBlob is a check's report of a blob not found: errors.Is finds
// ErrBlobMissing in it.
type missingBlob struct{ msg string }

func (e missingBlob) Error() string        { return e.msg }
func (e missingBlob) Is(target error) bool { return target == ErrBlobMissing }
