package store

import (
	"testing"

	"tiaojie/internal/mediation"
)

// TestActivityKeepsNothingStale: a list that read a case before a commit to
// it cannot keep what it read, even when it gets to keep it only after the
// commit is done; the next list reads the case again, with the commit's
// submission.
func TestActivityKeepsNothingStale(t *testing.T) {
	db := openFixture(t)
	kept := activityOf(db.backend)
	var sub *mediation.Submission
	err := db.view(func(tx Tx) error {
		_, v := tx.Bucket(submissionRecords.bucket).Cursor().First()
		r, err := submissionRecords.decode(v)
		sub, _ = r.(*mediation.Submission)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var rev int64
	var ids []mediation.ID
	err = db.view(func(tx Tx) (err error) {
		rev = tx.Revision()
		ids, _, err = caseSubmissions(tx, sub.CaseID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	more := *sub
	more.ID, more.Supersedes, more.ReleasedAt, more.Released = 0, 0, nil, false
	more.CreatedAt = sub.CreatedAt.Add(1e9)
	if err := db.CreateSubmission(&more, mediation.PartySubject(sub.PartyID)); err != nil {
		t.Fatal(err)
	}
	kept.keep(rev, sub.CaseID, ids, sub.CreatedAt) // as read before the commit
	unseen, last, err := db.Activity(0, []mediation.ID{sub.CaseID})
	if err != nil {
		t.Fatal(err)
	}
	if unseen[0] != len(ids)+1 || !last[0].Equal(more.CreatedAt) {
		t.Errorf("activity = %d unseen, newest %v; want %d, %v: the list kept what it read before the commit",
			unseen[0], last[0], len(ids)+1, more.CreatedAt)
	}
}
