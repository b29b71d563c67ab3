package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

var benchStart = time.Date(2027, 1, 4, 1, 0, 0, 0, time.UTC)

// calendarOf stores n one-hour sessions of mediator 1 in case 1, every two
// hours from benchStart, half of them in a room, in one transaction.
func calendarOf(tb testing.TB, n int) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "calendar.db"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return calendarIn(tb, db, n)
}

// calendarIn is calendarOf in an open database.
func calendarIn(tb testing.TB, db *DB, n int) *DB {
	tb.Helper()
	err := db.backend.Update(func(tx Tx) error {
		var ch change
		caseRecords.put(&ch, idKey(1), &mediation.Case{ID: 1, Status: mediation.StatusMediating, Mediators: []mediation.ID{1}})
		for i := range n {
			id := mediation.ID(i + 1)
			start := benchStart.Add(time.Duration(2*i) * time.Hour)
			sessionRecords.put(&ch, idKey(id), &mediation.Session{ID: id, CaseID: 1, Kind: mediation.SessionCaucus,
				PartyID: mediation.ID(i%7 + 1), StartsAt: start, EndsAt: start.Add(time.Hour), Location: "第一调解室",
				Room: i%2 == 0, MediatorIDs: []mediation.ID{1}, Status: mediation.SessionScheduled})
		}
		return commit(tx, &ch)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

func TestCheckBookingReadsOnlyTheWindow(t *testing.T) {
	db := calendarOf(t, 200)
	mid := benchStart.Add(200 * time.Hour) // session 101 runs 200h–201h
	for _, tc := range []struct {
		name       string
		start, end time.Duration
		room       bool
		party      mediation.ID
		want       string
	}{
		{"InTheGap", 201 * time.Hour, 202 * time.Hour, false, 0, ""},
		{"Overlapping", 200*time.Hour + 30*time.Minute, 201*time.Hour + 30*time.Minute, false, 0, mediation.ClashMediator},
		{"EndsAsItStarts", 199 * time.Hour, 200 * time.Hour, false, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &mediation.Session{CaseID: 2, Kind: mediation.SessionJoint, StartsAt: benchStart.Add(tc.start),
				EndsAt: benchStart.Add(tc.end), MediatorIDs: []mediation.ID{1}, Status: mediation.SessionScheduled}
			err := db.view(func(tx Tx) error { return checkBooking(tx, s) })
			got := ""
			if b, ok := err.(*mediation.Booked); ok {
				got = b.With
				if !b.Session.StartsAt.Equal(mid) {
					t.Errorf("clash with the session at %s, want the one at %s", b.Session.StartsAt, mid)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("clash %q, want %q", got, tc.want)
			}
		})
	}
}

// BenchmarkOverlapCheck is the double-booking check of one new session
// against a mediator's calendar of 10 and of 10,000 sessions: it seeks each
// index to the new session's window, so its cost hardly grows with the
// calendar.
func BenchmarkOverlapCheck(b *testing.B) {
	for _, n := range []int{10, 10000} {
		db := calendarOf(b, n)
		// In the middle of the calendar, between two sessions, in the room:
		// every index is read, nothing clashes.
		at := benchStart.Add(time.Duration(n) * time.Hour).Add(time.Hour)
		s := &mediation.Session{CaseID: 1, Kind: mediation.SessionJoint, StartsAt: at, EndsAt: at.Add(time.Hour),
			Location: "第一调解室", Room: true, MediatorIDs: []mediation.ID{1}, Status: mediation.SessionScheduled}
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			for b.Loop() {
				if err := db.view(func(tx Tx) error { return checkBooking(tx, s) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A mutation that the group committer runs again must start from what its
// caller gave it. Two bookings of one slot queued into one group: the first
// books it, the second is refused, the transaction rolls back, the second
// runs alone and books it, and the first runs again. Had the first kept the
// ID its rolled-back run gave it, which the second has now taken, it would
// have passed over the second's session as its own and booked the slot too.
func TestRerunBookingSeesTheSessionTakenMeanwhile(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		db := calendarIn(t, open(), 0)
		// Hold the committer so that both bookings queue into one group.
		hold, held := make(chan struct{}), make(chan struct{})
		go db.batch(func(Tx) error { close(held); <-hold; return nil })
		<-held
		errs := make(chan error, 2)
		for i := range 2 {
			s := &mediation.Session{CaseID: 1, Kind: mediation.SessionJoint, StartsAt: benchStart, EndsAt: benchStart.Add(time.Hour),
				MediatorIDs: []mediation.ID{1}, Status: mediation.SessionScheduled}
			go func() { errs <- db.CreateSession(s, "user:1") }()
			for len(db.writes) <= i {
				time.Sleep(time.Millisecond)
			}
		}
		close(hold)
		var booked int
		for range 2 {
			if err := <-errs; err == nil {
				booked++
			} else if _, ok := err.(*mediation.Booked); !ok {
				t.Fatal(err)
			}
		}
		stored, err := db.Sessions(SessionFilter{Case: 1})
		if err != nil {
			t.Fatal(err)
		}
		if booked != 1 || len(stored) != 1 {
			t.Fatalf("two bookings of one slot in one group: %d booked, %d stored; want exactly one of each", booked, len(stored))
		}
	})
}
