package store_test

import (
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// TestActivity: the case list's activity, read in one transaction, is what
// Unseen and LastSubmissionAt say case by case: the submissions after the
// seen-marker, the newest's time, and nothing for a case without any.
func TestActivity(t *testing.T) {
	w := newWorld(t)
	a := createCase(t, w.db, w.mediator, "漏水", mediation.CategoryNeighbour)
	b := createCase(t, w.db, w.mediator, "噪音", mediation.CategoryNoise)
	empty := createCase(t, w.db, w.mediator, "车位", mediation.CategoryParking)
	pa := createParty(t, w.db, a, w.mediator, "赵明", mediation.SideApplicant, "")
	pb := createParty(t, w.db, b, w.mediator, "钱丽", mediation.SideApplicant, "")
	first := createSubmission(t, w.db, a.ID, pa.ID, "一")
	createSubmission(t, w.db, a.ID, pa.ID, "二")
	createSubmission(t, w.db, b.ID, pb.ID, "三")
	if err := w.db.RecordSeen(w.mediator.ID, a.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	ids := []mediation.ID{a.ID, b.ID, empty.ID}
	unseen, last, err := w.db.Activity(w.mediator.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		n, err := w.db.Unseen(w.mediator.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		at, err := w.db.LastSubmissionAt(id)
		if err != nil {
			t.Fatal(err)
		}
		if unseen[i] != n || !last[i].Equal(at) {
			t.Errorf("case %d: Activity says %d unseen, last %v; Unseen and LastSubmissionAt say %d, %v", id, unseen[i], last[i], n, at)
		}
	}
	if unseen[0] != 1 || unseen[1] != 1 || unseen[2] != 0 {
		t.Errorf("unseen = %v, want [1 1 0]", unseen)
	}
	if last[2] != (time.Time{}) || last[0].IsZero() {
		t.Errorf("last = %v: a case without submissions has none, one with has its newest's time", last)
	}
}
