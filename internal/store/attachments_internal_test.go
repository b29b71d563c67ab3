package store

import (
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// addAttachment gives the first submission of the fixture's case 1, which
// predates attachments, a document, so that their indexes have entries.
func addAttachment(t *testing.T, db *DB) {
	t.Helper()
	subs, _, err := db.Submissions(SubmissionFilter{Case: 1, Limit: 1})
	if err != nil || len(subs) == 0 {
		t.Fatalf("submissions of case 1: %v", err)
	}
	a := &mediation.Attachment{CaseID: 1, SubmissionID: subs[0].ID, PartyID: subs[0].PartyID,
		ContentType: "application/pdf", CreatedAt: time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)}
	err = db.CreateAttachment(NewAttachment{Attachment: a, Content: []byte("%PDF-1.4\n%%EOF\n"),
		Quota: mediation.DefaultCaseQuota}, "system")
	if err != nil {
		t.Fatal(err)
	}
}

// tiaojie check finds a blob whose content is not its hash's, and an
// attachment whose content is gone.
func TestCheckBlobs(t *testing.T) {
	db := openFixture(t)
	if err := db.CheckBlobs(); err != nil {
		t.Fatalf("a sound file: %v", err)
	}
	err := db.backend.Update(func(tx Tx) error {
		b := tx.Bucket(blobRecords.bucket)
		k, _ := b.Cursor().First()
		if err := b.Put(append([]byte(nil), k...), []byte("%PDF-1.4 altered")); err != nil {
			return err
		}
		other := sha256.Sum256([]byte("never stored"))
		return b.Put(other[:], []byte("not what its key says"))
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.CheckBlobs()
	// The two blobs of the bucket, and the attachment whose content was altered.
	if err == nil || strings.Count(err.Error(), "SHA-256 is") != 3 || !strings.Contains(err.Error(), "its content is damaged") {
		t.Errorf("CheckBlobs: %v", err)
	}
	// Every blob gone.
	err = db.backend.Update(func(tx Tx) error {
		if err := tx.DeleteBucket(blobRecords.bucket); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(blobRecords.bucket)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Verify(nil); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Errorf("Verify of a file missing a blob: %v", err)
	}
}
