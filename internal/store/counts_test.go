package store_test

import (
	"maps"
	"testing"

	"tiaojie/internal/mediation"
)

func TestCaseCountsByStatus(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		t.Run("EmptyDatabaseCountsZeroForEveryStatus", func(t *testing.T) {
			db := MustOpenDB(t)
			got, err := db.CaseCountsByStatus()
			if err != nil {
				t.Fatal(err)
			}
			want := map[mediation.Status]int{}
			for _, s := range mediation.Statuses {
				want[s] = 0
			}
			if !maps.Equal(got, want) {
				t.Fatalf("counts = %v, want %v", got, want)
			}
		})

		t.Run("FollowsTransitions", func(t *testing.T) {
			w := newWorld(t)
			by := mediation.UserSubject(w.mediator.ID)
			var ids []mediation.ID
			for _, title := range []string{"漏水", "车位", "噪音", "宠物"} {
				ids = append(ids, createCase(t, w.db, w.mediator, title, mediation.CategoryLeakRenovation).ID)
			}
			move := func(id mediation.ID, to mediation.Status, reason string) {
				t.Helper()
				if _, err := w.db.TransitionCase(id, by, mediation.Transition{To: to, Reason: reason}); err != nil {
					t.Fatalf("TransitionCase(%d → %s): %v", id, to, err)
				}
			}
			move(ids[1], mediation.StatusMediating, "")
			move(ids[2], mediation.StatusMediating, "")
			move(ids[3], mediation.StatusWithdrawn, "申请人撤回")

			got, err := w.db.CaseCountsByStatus()
			if err != nil {
				t.Fatal(err)
			}
			want := map[mediation.Status]int{mediation.StatusIntake: 1, mediation.StatusMediating: 2,
				mediation.StatusAgreement: 0, mediation.StatusNoAgreement: 0, mediation.StatusWithdrawn: 1,
				mediation.StatusClosed: 0}
			if !maps.Equal(got, want) {
				t.Fatalf("counts = %v, want %v", got, want)
			}
		})
	})
}
