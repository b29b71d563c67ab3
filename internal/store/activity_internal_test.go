package store

import (
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// TestActivityKeepsNothingStale: a list that read a case before a commit to
// it cannot keep what it read, even when it gets to keep it only after the
// commit is done; the next list reads the case again, with the commit's
// submission.
func TestActivityKeepsNothingStale(t *testing.T) {
	db := openFixture(t)
	kept := activityOf(db.backend)
	sub := firstSubmission(t, db)
	var rev int64
	var ids []mediation.ID
	err := db.view(func(tx Tx) (err error) {
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

// TestPagesKeepNothingStale: a page read before a commit to its case is not
// kept, even when it gets to be kept only after the commit is done; the next
// list reads the file again, with the commit's submission.
func TestPagesKeepNothingStale(t *testing.T) {
	db := openFixture(t)
	kept := activityOf(db.backend)
	sub := firstSubmission(t, db)
	f := SubmissionFilter{Case: sub.CaseID, Author: sub.PartyID, Limit: 100}
	var rev int64
	var stale *keptPage
	err := db.view(func(tx Tx) (err error) {
		rev = tx.Revision()
		stale, err = submissionsPage(tx, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	more := *sub
	more.ID, more.Supersedes, more.ReleasedAt, more.Released = 0, 0, nil, false
	if err := db.CreateSubmission(&more, mediation.PartySubject(sub.PartyID)); err != nil {
		t.Fatal(err)
	}
	kept.keepPage(rev, f.Case, pageKey{author: f.Author, limit: f.Limit}, stale) // as read before the commit
	_, ids, _, err := db.SubmissionsJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(stale.ids)+1 || ids[len(ids)-1] != more.ID {
		t.Errorf("the party's list is %v; want %v and %d: the list kept what it read before the commit", ids, stale.ids, more.ID)
	}
}

// TestActivityRevisionsOnlyGoForward: a commit's hooks run after its write
// lock is let go, so a later commit's can run first. The case's revision
// stays the later one, and a list read between the two commits cannot keep
// what it read.
func TestActivityRevisionsOnlyGoForward(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, earlier := range []struct {
		name string
		hook func(t *activities, rev int64, caseID mediation.ID)
	}{
		{"a new submission", func(t *activities, rev int64, caseID mediation.ID) { t.add(rev, caseID, 1, at) }},
		{"a release", func(t *activities, rev int64, caseID mediation.ID) { t.touch(rev, caseID) }},
		{"a moved submission", func(t *activities, rev int64, caseID mediation.ID) { t.drop(rev, caseID) }},
	} {
		t.Run(earlier.name, func(t *testing.T) {
			const caseID = 7
			kept := &activities{byCase: map[mediation.ID]*caseActivity{}, maxPageBytes: keptPagesMax}
			kept.keep(9, caseID, []mediation.ID{1}, at)
			kept.add(11, caseID, 2, at.Add(time.Minute)) // the later commit's hook, first
			earlier.hook(kept, 10, caseID)
			kept.keep(10, caseID, []mediation.ID{1}, at)
			kept.keepPage(10, caseID, pageKey{limit: 100}, &keptPage{ids: []mediation.ID{1}})
			if _, _, _, ok := kept.page(11, caseID, pageKey{limit: 100}); ok {
				t.Error("a page read at revision 10 was kept after a commit at 11")
			}
			if unseen, _, ok := kept.of(caseID, 0); ok && unseen != 2 {
				t.Errorf("%d unseen kept as read at revision 10, after a commit at 11 made 2", unseen)
			}
		})
	}
}

// TestPagesKeptWithinBound: what the kept pages hold stays within the
// bound, counted as the pages kept, and a page larger than a sixteenth of
// the bound is not kept.
func TestPagesKeptWithinBound(t *testing.T) {
	kept := &activities{byCase: map[mediation.ID]*caseActivity{}, maxPageBytes: 16 << 10}
	for i := range 200 {
		kept.keepPage(1, mediation.ID(i%50+1), pageKey{cursor: mediation.ID(i)}, &keptPage{size: 700 + i})
		held := 0
		for _, a := range kept.byCase {
			for _, p := range a.pages {
				held += p.size
			}
		}
		if held != kept.pageBytes || held > kept.maxPageBytes {
			t.Fatalf("after %d pages: %d bytes counted, %d held, bound %d", i+1, kept.pageBytes, held, kept.maxPageBytes)
		}
	}
	kept.keepPage(1, 99, pageKey{}, &keptPage{size: kept.maxPageBytes/16 + 1})
	if _, _, _, ok := kept.page(1, 99, pageKey{}); ok {
		t.Error("a page larger than a sixteenth of the bound was kept")
	}
}

// firstSubmission is the fixture's first stored submission.
func firstSubmission(t *testing.T, db *DB) *mediation.Submission {
	t.Helper()
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
	return sub
}

// TestPagesNotAheadOfTheRead: a read that began before a commit to the
// case is not given a page kept after it; it reads the file as its
// transaction sees it.
func TestPagesNotAheadOfTheRead(t *testing.T) {
	kept := &activities{byCase: map[mediation.ID]*caseActivity{}, maxPageBytes: keptPagesMax}
	kept.add(10, 7, 1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	kept.keepPage(10, 7, pageKey{limit: 100}, &keptPage{ids: []mediation.ID{1}})
	if _, _, _, ok := kept.page(9, 7, pageKey{limit: 100}); ok {
		t.Error("a read at revision 9 was given the page kept at 10, after a commit at 10")
	}
	if _, ids, _, ok := kept.page(10, 7, pageKey{limit: 100}); !ok || len(ids) != 1 {
		t.Errorf("a read at revision 10 was not given the page kept at 10 (%v, %v)", ids, ok)
	}
}
