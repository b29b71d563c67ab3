package store_test

import (
	"testing"
	"time"

	"tiaojie/internal/mediation"
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
