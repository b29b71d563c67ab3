package store_test

import (
	"bytes"
	"slices"
	"sync"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// TestActivity: the case list's activity, read in one transaction, is for
// each case the submissions after the seen-marker and the newest's time, and
// nothing for a case without any.
func TestActivity(t *testing.T) {
	w := newWorld(t)
	a := createCase(t, w.db, w.mediator, "漏水", mediation.CategoryNeighbour)
	b := createCase(t, w.db, w.mediator, "噪音", mediation.CategoryNoise)
	empty := createCase(t, w.db, w.mediator, "车位", mediation.CategoryParking)
	pa := createParty(t, w.db, a, w.mediator, "赵明", mediation.SideApplicant, "")
	pb := createParty(t, w.db, b, w.mediator, "钱丽", mediation.SideApplicant, "")
	first := createSubmission(t, w.db, a.ID, pa.ID, "一")
	newestA := createSubmission(t, w.db, a.ID, pa.ID, "二")
	newestB := createSubmission(t, w.db, b.ID, pb.ID, "三")
	if err := w.db.RecordSeen(w.mediator.ID, a.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	ids := []mediation.ID{a.ID, b.ID, empty.ID}
	unseen, last, err := w.db.Activity(w.mediator.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if unseen[0] != 1 || unseen[1] != 1 || unseen[2] != 0 {
		t.Errorf("unseen = %v, want [1 1 0]", unseen)
	}
	if !last[0].Equal(newestA.CreatedAt) || !last[1].Equal(newestB.CreatedAt) || last[2] != (time.Time{}) {
		t.Errorf("last = %v: a case without submissions has none, one with has its newest's time", last)
	}
}

// TestActivityKeptAsCommitted: a database that keeps the case list's
// activity in memory answers what the file says, for cases read before and
// after their submissions came in, a seen-marker moved, and a release (which
// changes a submission but not its case or time).
func TestActivityKeptAsCommitted(t *testing.T) {
	w := newWorld(t)
	if !w.db.KeepsActivity() {
		t.Fatal("a bbolt file that this process writes keeps the activity in memory")
	}
	a := createCase(t, w.db, w.mediator, "漏水", mediation.CategoryNeighbour)
	b := createCase(t, w.db, w.mediator, "噪音", mediation.CategoryNoise)
	pa := createParty(t, w.db, a, w.mediator, "赵明", mediation.SideApplicant, "")
	pb := createParty(t, w.db, b, w.mediator, "钱丽", mediation.SideApplicant, "")
	ids := []mediation.ID{a.ID, b.ID}
	same := func(when string) {
		t.Helper()
		keptAsFile(t, w.db, w.mediator.ID, ids, when)
	}
	same("before any submission")
	at := testTime
	add := func(c mediation.ID, p mediation.ID) *mediation.Submission {
		at = at.Add(time.Minute)
		s := newSubmission(t, c, p, "第 "+at.Format("15:04")+" 条")
		s.CreatedAt = at
		if err := w.db.CreateSubmission(s, mediation.PartySubject(p)); err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := add(a.ID, pa.ID)
	same("after a's first submission")
	add(a.ID, pa.ID)
	add(b.ID, pb.ID)
	same("after more to both")
	if err := w.db.RecordSeen(w.mediator.ID, a.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	same("after the mediator saw a's first")
	if _, err := w.db.ReleaseSubmission(first.ID, mediation.PartySubject(pa.ID)); err != nil {
		t.Fatal(err)
	}
	newest := add(a.ID, pa.ID)
	same("after a release and one more")
	unseen, last, err := w.db.Activity(w.mediator.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if unseen[0] != 2 || !last[0].Equal(newest.CreatedAt) || unseen[1] != 1 {
		t.Errorf("activity = %v, %v: want 2 unseen on a up to %v, 1 on b", unseen, last, newest.CreatedAt)
	}
}

// TestActivityKeptUnderWrites: lists read while submissions come in, from
// many writers to a few cases, never keep a case as it was before a commit
// they did not see: once the writes are done, what is kept is what the file
// says.
func TestActivityKeptUnderWrites(t *testing.T) {
	w := newWorld(t)
	var cases []mediation.ID
	var parties []mediation.ID
	for i := range 4 {
		c := createCase(t, w.db, w.mediator, "案件", mediation.CategoryNoise)
		p := createParty(t, w.db, c, w.mediator, "当事人"+string(rune('甲'+i)), mediation.SideApplicant, "")
		cases, parties = append(cases, c.ID), append(parties, p.ID)
	}
	const writers, each = 8, 25
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, _, err := w.db.Activity(w.mediator.ID, cases); err != nil {
					t.Error(err)
					return
				}
				for _, f := range pageFilters(cases, parties) {
					if _, _, _, err := w.db.SubmissionsJSON(f); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	var writing sync.WaitGroup
	for i := range writers {
		writing.Add(1)
		go func() {
			defer writing.Done()
			for j := range each {
				k := (i + j) % len(cases)
				s := newSubmission(t, cases[k], parties[k], "来件")
				if err := w.db.CreateSubmission(s, mediation.PartySubject(parties[k])); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	writing.Wait()
	close(done)
	readers.Wait()
	total := 0
	for _, n := range keptAsFile(t, w.db, w.mediator.ID, cases, "after the writes") {
		total += n
	}
	if total != writers*each {
		t.Errorf("the file has %d submissions, want %d", total, writers*each)
	}
	pagesAsFile(t, w.db, pageFilters(cases, parties), "after the writes")
}

// pageFilters are lists of the cases' submissions as the parties and the
// mediators read them: each party its own and the released, the mediators
// all, a page at a time and whole.
func pageFilters(cases, parties []mediation.ID) []store.SubmissionFilter {
	var fs []store.SubmissionFilter
	for i, c := range cases {
		fs = append(fs,
			store.SubmissionFilter{Case: c, Author: parties[i], Limit: 100},
			store.SubmissionFilter{Case: c, Author: parties[i], Released: true, Limit: 100},
			store.SubmissionFilter{Case: c, Released: true, Limit: 100},
			store.SubmissionFilter{Case: c, Limit: 100},
			store.SubmissionFilter{Case: c, Limit: 2})
	}
	return fs
}

// pagesAsFile checks that each list the database answers, from the file or
// from what it kept, is what the file says, and that what it answers is the
// caller's to change.
func pagesAsFile(t *testing.T, db *store.DB, fs []store.SubmissionFilter, when string) {
	t.Helper()
	for _, f := range fs {
		for try := range 2 { // the second from what the first kept
			raws, ids, next, err := db.SubmissionsJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			fileRaws, fileIDs, fileNext, err := db.SubmissionsJSONFromFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, fileIDs) || next != fileNext || !slices.EqualFunc(raws, fileRaws, bytes.Equal) {
				t.Errorf("%s: %+v (answer %d): %v next %d; the file says %v next %d", when, f, try+1, ids, next, fileIDs, fileNext)
			}
			for i := range raws {
				raws[i] = nil
			}
			clear(ids)
		}
	}
}

// TestPagesKeptAsCommitted: the lists of a case's submissions that a
// database keeps in memory are what the file says after every change to
// them: a new submission of either party, and a release, which changes a
// submission already listed and brings it into the other party's list. The
// case list reads the cases too, as it does between a party's lists.
func TestPagesKeptAsCommitted(t *testing.T) {
	w := newWorld(t)
	a := createCase(t, w.db, w.mediator, "漏水", mediation.CategoryNeighbour)
	other := createCase(t, w.db, w.mediator, "噪音", mediation.CategoryNoise)
	pa := createParty(t, w.db, a, w.mediator, "赵明", mediation.SideApplicant, "")
	pb := createParty(t, w.db, a, w.mediator, "钱丽", mediation.SideRespondent, "")
	po := createParty(t, w.db, other, w.mediator, "孙强", mediation.SideApplicant, "")
	fs := append(pageFilters([]mediation.ID{a.ID, a.ID, other.ID}, []mediation.ID{pa.ID, pb.ID, po.ID}),
		store.SubmissionFilter{Case: a.ID, Author: pa.ID, Released: true, Limit: 1})
	cases := []mediation.ID{a.ID, other.ID}
	same := func(when string) {
		t.Helper()
		keptAsFile(t, w.db, w.mediator.ID, cases, when) // the case list keeps the cases' IDs too
		pagesAsFile(t, w.db, fs, when)
	}
	same("before any submission")
	first := createSubmission(t, w.db, a.ID, pa.ID, "一")
	same("after a's first")
	createSubmission(t, w.db, a.ID, pb.ID, "二")
	createSubmission(t, w.db, other.ID, po.ID, "三")
	same("after one of each party")
	fs = append(fs, store.SubmissionFilter{Case: a.ID, Author: pa.ID, Released: true, Limit: 1, Cursor: first.ID})
	createSubmission(t, w.db, a.ID, pa.ID, "四")
	same("after a's second, read from its cursor")
	raws, _, _, err := w.db.SubmissionsJSON(store.SubmissionFilter{Case: a.ID, Author: pb.ID, Released: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ReleaseSubmission(first.ID, mediation.PartySubject(pa.ID)); err != nil {
		t.Fatal(err)
	}
	same("after the release of a's first")
	after, _, _, err := w.db.SubmissionsJSON(store.SubmissionFilter{Case: a.ID, Author: pb.ID, Released: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(raws)+1 {
		t.Errorf("the other party lists %d submissions after the release, %d before: want the released one too", len(after), len(raws))
	}
}

// keptAsFile checks that the activity the database answers for the cases is
// what the file says, and returns the file's unseen counts.
func keptAsFile(t *testing.T, db *store.DB, user mediation.ID, cases []mediation.ID, when string) []int {
	t.Helper()
	unseen, last, err := db.Activity(user, cases)
	if err != nil {
		t.Fatal(err)
	}
	fileUnseen, fileLast, err := db.ActivityFromFile(user, cases)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cases {
		if unseen[i] != fileUnseen[i] || !last[i].Equal(fileLast[i]) {
			t.Errorf("%s: case %d: kept %d unseen, newest %v; the file says %d, %v", when, cases[i],
				unseen[i], last[i], fileUnseen[i], fileLast[i])
		}
	}
	return fileUnseen
}
