package store

import (
	"slices"
	"sync"
	"time"

	"tiaojie/internal/mediation"
)

// The case list shows, for each of a mediator's cases, how many submissions
// came in since the mediator last looked and when the newest did. Read from
// the file, that is a seek into submissions_by_case, a walk of the case's
// entries and a read of its newest submission, for each of the 50 cases
// listed: a fifth of the case list's work. So a database that only this
// process writes (a bbolt file, under its lock) keeps a case's submission
// IDs in memory once a list has read them, and every commit that adds a
// submission adds it there (Tx.OnCommit). A store that other processes write
// too (etcd) reads the file every time, as a read-only database does.
//
// The pages of a case's submissions that lists read (a party's own, the
// mediators' all) are kept the same way, until the next commit that stores
// a submission of the case: a party's list read from the file is a seek and
// a B+tree descent for each of its submissions, which lie on as many pages,
// and was nearly a third of the work of answering it.
//
// A case is kept as of the revision (bbolt's transaction ID) it was read at.
// A commit to a case leaves a mark with its revision, so that a list which
// read the case before that commit cannot keep what it read: it would miss
// the commit's submission for good.
type activities struct {
	mu     sync.RWMutex
	byCase map[mediation.ID]*caseActivity
	// pageBytes is what the kept pages of all cases hold, at most
	// maxPageBytes.
	pageBytes, maxPageBytes int
}

// caseActivity is one case's submissions as of rev; ids nil and known false
// mark a case whose IDs were not read.
type caseActivity struct {
	rev   int64
	known bool
	// ids are the case's submission IDs, ascending; newest is the time the
	// last of them came in.
	ids    []mediation.ID
	newest time.Time
	// pages are the pages of its submissions read as of rev.
	pages map[pageKey]*keptPage
}

// pageKey is what selects a page of one case's submissions.
type pageKey struct {
	author   mediation.ID
	released bool
	cursor   mediation.ID
	limit    int
}

// keptPage is a page as SubmissionsJSON answers it; size is its bytes.
type keptPage struct {
	raws [][]byte
	ids  []mediation.ID
	next mediation.ID
	size int
}

// keptPagesMax bounds what the kept pages of all cases hold; past it, the
// pages of arbitrary cases go. A page larger than a sixteenth of it is not
// kept.
const keptPagesMax = 16 << 20

// activityTables holds the table of each open database that keeps one.
var activityTables sync.Map // Backend → *activities

// keepActivity makes db keep the case list's activity in memory, when only
// this process writes its backend.
func keepActivity(b Backend) {
	if _, ok := b.(*boltBackend); ok && !b.ReadOnly() {
		activityTables.Store(b, &activities{byCase: map[mediation.ID]*caseActivity{}, maxPageBytes: keptPagesMax})
	}
}

func activityOf(b Backend) *activities {
	if t, ok := activityTables.Load(b); ok {
		return t.(*activities)
	}
	return nil
}

// noteSubmission is the submissions' observer (commit): once tx commits, a
// new submission joins its case's kept IDs, and any stored submission (a
// release, a correction) lets its case's kept pages go. A change of a stored
// submission's case or time, which no mutation makes, drops what is kept of
// both cases.
func noteSubmission(tx Tx, old, r any) {
	t := activityOf(tx.Backend())
	if t == nil {
		return
	}
	rev := tx.Revision() // the revision this transaction commits as
	var was, is *mediation.Submission
	if old != nil {
		was = old.(*mediation.Submission)
	}
	if r != nil {
		is = r.(*mediation.Submission)
	}
	switch {
	case was == nil && is != nil:
		id, caseID, at := is.ID, is.CaseID, is.CreatedAt
		tx.OnCommit(func() { t.add(rev, caseID, id, at) })
	case was != nil && (is == nil || is.CaseID != was.CaseID || !is.CreatedAt.Equal(was.CreatedAt)):
		cases := []mediation.ID{was.CaseID}
		if is != nil {
			cases = append(cases, is.CaseID)
		}
		tx.OnCommit(func() { t.drop(rev, cases...) })
	case was != nil:
		caseID := was.CaseID
		tx.OnCommit(func() { t.touch(rev, caseID) })
	}
}

// add records the submission id, come in at, committed at rev.
func (t *activities) add(rev int64, caseID, id mediation.ID, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.changed(rev, caseID)
	if a == nil {
		return
	}
	i, found := slices.BinarySearch(a.ids, id)
	if found {
		return
	}
	a.ids = slices.Insert(a.ids, i, id)
	if i == len(a.ids)-1 {
		a.newest = at
	}
}

// drop forgets what is kept of the cases, as of rev.
func (t *activities) drop(rev int64, cases ...mediation.ID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range cases {
		t.mark(rev, id)
	}
}

// touch lets the case's kept pages go, as of rev, and keeps its IDs.
func (t *activities) touch(rev int64, caseID mediation.ID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.changed(rev, caseID)
}

// changed notes a commit to the case at rev: its kept pages go, and its
// kept IDs, if any, are returned to be brought up to the commit (nil: the
// case is only marked). t.mu is held.
func (t *activities) changed(rev int64, caseID mediation.ID) *caseActivity {
	a := t.byCase[caseID]
	if a == nil || !a.known {
		t.mark(rev, caseID)
		return nil
	}
	t.letPagesGo(a)
	a.rev = max(a.rev, rev)
	return a
}

// mark forgets what is kept of the case, leaving its revision (never
// going back behind a later commit's). t.mu is held.
func (t *activities) mark(rev int64, caseID mediation.ID) {
	if a := t.byCase[caseID]; a != nil {
		t.letPagesGo(a)
		rev = max(rev, a.rev)
	}
	t.byCase[caseID] = &caseActivity{rev: rev}
}

// letPagesGo forgets the case's kept pages. t.mu is held.
func (t *activities) letPagesGo(a *caseActivity) {
	for _, p := range a.pages {
		t.pageBytes -= p.size
	}
	a.pages = nil
}

// of is the case's activity after the submission seen, when the case is
// kept.
func (t *activities) of(caseID, seen mediation.ID) (unseen int, newest time.Time, ok bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	a := t.byCase[caseID]
	if a == nil || !a.known {
		return 0, time.Time{}, false
	}
	return unseenAfter(a.ids, seen), a.newest, true
}

// keep keeps the case's submissions as read at rev, unless a commit after
// rev has changed them.
func (t *activities) keep(rev int64, caseID mediation.ID, ids []mediation.ID, newest time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.byCase[caseID]
	if a != nil && a.rev > rev {
		return
	}
	if a == nil {
		a = &caseActivity{}
		t.byCase[caseID] = a
	}
	a.rev, a.known, a.ids, a.newest = rev, true, ids, newest
}

// page is a kept page of the case's submissions, for a read at rev: none
// when the case has changed since (a read that began before a commit sees
// the file as it was). Its slices are the caller's, its submissions' bytes
// are shared and never written.
func (t *activities) page(rev int64, caseID mediation.ID, k pageKey) (raws [][]byte, ids []mediation.ID, next mediation.ID, ok bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	a := t.byCase[caseID]
	if a == nil || a.rev > rev {
		return nil, nil, 0, false
	}
	p, ok := a.pages[k]
	if !ok {
		return nil, nil, 0, false
	}
	return slices.Clone(p.raws), slices.Clone(p.ids), p.next, true
}

// keepPage keeps a page of the case's submissions as read at rev, unless a
// commit after rev has changed them. The pages of other cases go first if
// the page would not fit.
func (t *activities) keepPage(rev int64, caseID mediation.ID, k pageKey, p *keptPage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.byCase[caseID]
	if a != nil && a.rev > rev || p.size > t.maxPageBytes/16 {
		return
	}
	if a == nil {
		a = &caseActivity{rev: rev}
		t.byCase[caseID] = a
	}
	for _, other := range t.byCase { // map order: arbitrary cases go
		if t.pageBytes+p.size <= t.maxPageBytes {
			break
		}
		t.letPagesGo(other)
	}
	if old, ok := a.pages[k]; ok {
		t.pageBytes -= old.size
	}
	if a.pages == nil {
		a.pages = map[pageKey]*keptPage{}
	}
	a.pages[k] = p
	t.pageBytes += p.size
}

// unseenAfter counts the IDs (ascending) after seen.
func unseenAfter(ids []mediation.ID, seen mediation.ID) int {
	i, found := slices.BinarySearch(ids, seen)
	if found {
		i++
	}
	return len(ids) - i
}

// caseSubmissions are the IDs of the case's submissions, ascending, and
// when the last came in (the zero time when it has none), read in tx.
func caseSubmissions(tx Tx, caseID mediation.ID) ([]mediation.ID, time.Time, error) {
	var ids []mediation.ID
	for id := range ascending(tx.Bucket(submissionsByCase.bucket), idKey(caseID), 0) {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, time.Time{}, nil
	}
	s, err := getSubmission(tx, ids[len(ids)-1])
	if err != nil {
		return nil, time.Time{}, err
	}
	return ids, s.CreatedAt, nil
}

// Activity is, for each case, how many of its submissions the user has not
// seen yet and when its newest came in (the zero time when it has none):
// the case list's, in one read transaction for the whole list.
func (db *DB) Activity(user mediation.ID, cases []mediation.ID) (unseenOf []int, lastOf []time.Time, err error) {
	return db.activity(activityOf(db.backend), user, cases)
}

// activity is Activity from t, and for the cases t does not keep (all, when
// t is nil) from the file.
func (db *DB) activity(t *activities, user mediation.ID, cases []mediation.ID) (unseenOf []int, lastOf []time.Time, err error) {
	unseenOf, lastOf = make([]int, len(cases)), make([]time.Time, len(cases))
	err = db.view(func(tx Tx) error {
		for i, id := range cases {
			seen, err := seenBy(tx, user, id)
			if err != nil {
				return err
			}
			if t != nil {
				var ok bool
				if unseenOf[i], lastOf[i], ok = t.of(id, seen); ok {
					continue
				}
			}
			ids, newest, err := caseSubmissions(tx, id)
			if err != nil {
				return err
			}
			if t != nil {
				t.keep(tx.Revision(), id, ids, newest)
			}
			unseenOf[i], lastOf[i] = unseenAfter(ids, seen), newest
		}
		return nil
	})
	return unseenOf, lastOf, err
}
