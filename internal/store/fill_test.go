package store_test

import (
	"fmt"
	"testing"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
)

// The kinds whose records are appended (submissions, the audit trail) fill
// their pages whole on a bbolt file: 0.90 and 0.76 full here, where
// bbolt's split at half left them 0.51 and 0.43 full.
func TestAppendedKindsFillTheirPages(t *testing.T) {
	w := newWorld(t)
	c := createCase(t, w.db, w.mediator, "车位", mediation.CategoryParking)
	p := createParty(t, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
	for i := range 400 {
		if err := w.db.CreateSubmission(newSubmission(t, c.ID, p.ID, fmt.Sprintf("材料 %d", i)), "p:1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.db.Bolt().View(func(tx *bolt.Tx) error {
		for _, name := range []string{"submissions", "audit"} {
			st := tx.Bucket([]byte(name)).Stats()
			fill := float64(st.LeafInuse) / float64(st.LeafPageN*w.db.Bolt().Info().PageSize)
			if st.LeafPageN < 10 || fill < 0.7 {
				t.Errorf("%s: %d leaf pages, %.2f full; want them at least 0.7 full", name, st.LeafPageN, fill)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
