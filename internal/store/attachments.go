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
// whatever the number of attachments naming it (by its SHA-256), in the
// transaction of the record and its audit entry. A closed or withdrawn case
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
	return db.update(func(tx Tx) error {
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
		if used+a.Size > n.Quota {
			return &mediation.Error{Code: mediation.ECONFLICT, Message: "error.case_quota",
				Args: map[string]any{"Limit": mib(n.Quota), "Used": mib(used)}}
		}
		id, err := attachmentRecords.nextID(tx)
		if err != nil {
			return err
		}
		a.ID, rec.ID = id, id
		var ch change
		for _, content := range [][]byte{n.Content, n.Preview} {
			if content == nil {
				continue
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
// its preview (a photo's; a document has none: ENOTFOUND), copied out of the
// transaction.
func (db *DB) AttachmentContent(id mediation.ID, preview bool) ([]byte, error) {
	var out []byte
	err := db.view(func(tx Tx) error {
		a, err := attachmentRecords.get(tx, idKey(id))
		if err != nil {
			return err
		}
		sum := a.SHA256
		if preview {
			if a.Preview == "" {
				return mediation.NotFound()
			}
			sum = a.Preview
		}
		k, err := blobKey(sum)
		if err != nil {
			return err
		}
		v := tx.Bucket(blobRecords.bucket).Get(k)
		if v == nil {
			return fmt.Errorf("store: attachment %d: its content %s… is missing", id, sum[:16])
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, err
}

// CheckBlobs verifies the attachments' content: every blob is stored under
// its own SHA-256, and every attachment's content and preview are there. It
// returns every problem, joined.
func (db *DB) CheckBlobs() error {
	var errs []error
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
		return tx.Bucket(attachmentRecords.bucket).ForEach(func(k, v []byte) error {
			var a storedAttachment
			if err := decode(v, &a); err != nil {
				errs = append(errs, fmt.Errorf("record %s [%x]: %w", attachmentRecords.bucket, k, err))
				return nil
			}
			for what, sum := range map[string]string{"content": a.SHA256, "preview": a.Preview} {
				if sum == "" && what == "preview" {
					continue
				}
				bk, err := blobKey(sum)
				if err != nil {
					errs = append(errs, fmt.Errorf("attachment %d: its %s: %w", a.ID, what, err))
					continue
				}
				if v := blobs.Get(bk); v == nil {
					errs = append(errs, fmt.Errorf("attachment %d: its %s %s… is missing", a.ID, what, sum[:16]))
				} else if what == "content" && int64(len(v)) != a.Size {
					errs = append(errs, fmt.Errorf("attachment %d: size %d, its content has %d bytes", a.ID, a.Size, len(v)))
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("store: check blobs: %w", err)
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
