package store_test

import (
	"fmt"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// A sweep of more expired logins than one etcd transaction takes deletes
// them all, with their index entries, and leaves the others.
func TestSweepPastOneTransaction(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		c := createCase(t, w.db, w.mediator, "漏水", mediation.CategoryLeakRenovation)
		p := createParty(t, w.db, c, w.mediator, "孙强", mediation.SideApplicant, "")
		const n = 150
		for i := range n {
			createLogin(t, w.db, fmt.Sprintf("old-%03d", i), 0, p.ID, c.ID, testTime)
		}
		createLogin(t, w.db, "new", 0, p.ID, c.ID, testTime.Add(2*time.Hour))
		got, err := w.db.DeleteExpiredLogins(func(l *store.Login) bool { return l.LastSeen.Before(testTime.Add(time.Hour)) })
		if err != nil || got != n {
			t.Fatalf("DeleteExpiredLogins = %d, %v; want %d", got, err, n)
		}
		if keys := bucketKeys(t, w.db, "logins_by_party"); len(keys) != 1 {
			t.Errorf("logins_by_party holds %d entries, want the one of the login left", len(keys))
		}
		if !loginExists(t, w.db, "new") || loginExists(t, w.db, "old-007") {
			t.Error("the sweep deleted the wrong logins")
		}
	})
}
