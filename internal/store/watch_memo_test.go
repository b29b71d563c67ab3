package store

import (
	"testing"
	"time"
)

// The memo's rule for the two ways a change arrives (this process's commit
// and the watch, in either order): a later revision wins, a delete stays
// until the watch has passed it, and a commit the watch has passed changes
// nothing.
func TestMemoApplyOrder(t *testing.T) {
	m := &memo{m: map[string]memoEntry{}, applied: 10}
	get := func(key string) any {
		e, ok := m.m[key]
		if !ok {
			return nil
		}
		return e.r
	}
	m.apply("a", "commit-12", 12) // this process's commit
	m.apply("a", "watch-11", 11)  // the watch, behind
	if got := get("a"); got != "commit-12" {
		t.Fatalf("an earlier revision replaced a later one: %v", got)
	}
	m.apply("a", nil, 14) // deleted, by this process
	m.apply("a", "commit-12", 12)
	m.apply("a", "watch-13", 13)
	if got := get("a"); got != nil {
		t.Fatalf("a write older than the delete brought the record back: %v", got)
	}
	if m.tombstones != 1 {
		t.Fatalf("%d tombstones, want 1", m.tombstones)
	}
	// The watch reaches revision 14 and beyond: the delete's tombstone may
	// go, and a commit at or before where the watch is changes nothing.
	m.applied = 20
	m.sweep()
	if _, ok := m.m["a"]; ok || m.tombstones != 0 {
		t.Fatalf("the tombstone the watch passed stays: %v, %d", m.m["a"], m.tombstones)
	}
	m.apply("a", "commit-13", 13)
	if got := get("a"); got != nil {
		t.Fatalf("a commit the watch had passed brought a deleted record back: %v", got)
	}
	m.apply("a", "watch-21", 21)
	if got := get("a"); got != "watch-21" {
		t.Fatalf("a record created again: %v", got)
	}
	// bbolt: no revisions, every commit in order.
	b := &memo{m: map[string]memoEntry{}}
	b.apply("k", "one", 0)
	b.apply("k", nil, 0)
	if _, ok := b.m["k"]; ok || b.tombstones != 0 {
		t.Fatalf("bbolt keeps a tombstone: %v", b.m)
	}
}

// With the watch lagging behind this process's commits (each change it
// reports arrives late), every read after a write of this process answers
// that write: the late report of an earlier one neither replaces a later
// version nor brings back a deleted record. The other process's memo
// meanwhile comes to the same records.
func TestMemoLaggingWatch(t *testing.T) {
	eventLag.Store(int64(3 * time.Millisecond))
	t.Cleanup(func() { eventLag.Store(0) })
	again := internalBackends[1].place(t)
	var dbs []*DB
	for range 2 {
		db, err := again()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	id := []byte("lagging-login")
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for r := range 30 {
		db := dbs[r%2]
		l := &Login{ID: id, SecretHash: []byte("h"), UserID: 7, CreatedAt: at, LastSeen: at}
		if err := db.CreateLogin(l, nil); err != nil {
			t.Fatal(err)
		}
		seen := at.Add(time.Duration(r+1) * time.Minute)
		if err := db.TouchLogin(id, seen); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Login(id); err != nil || !got.LastSeen.Equal(seen) {
			t.Fatalf("round %d: after its touch at %v the process reads %+v, %v", r, seen, got, err)
		}
		if r%3 == 2 {
			continue // left signed in: the other process creates it anew
		}
		if err := db.DeleteLogin(id); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if got, err := db.Login(id); err == nil {
				t.Fatalf("round %d: after its delete the process reads %+v", r, got)
			}
			time.Sleep(time.Millisecond)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		a, errA := dbs[0].Login(id)
		b, errB := dbs[1].Login(id)
		if (errA != nil) == (errB != nil) && (errA != nil || a.LastSeen.Equal(b.LastSeen)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the memos differ: %+v, %v and %+v, %v", a, errA, b, errB)
		}
		time.Sleep(time.Millisecond)
	}
}

// After a watch ends (a compaction, a lost leader) the memo is read again at
// the current revision and merged: what another process changed or deleted
// meanwhile is taken in, and an entry this process committed after that
// revision stays.
func TestMemoReload(t *testing.T) {
	again := internalBackends[1].place(t)
	db, err := again()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	login := func(id string, user int) *Login {
		return &Login{ID: []byte(id), SecretHash: []byte("h"), UserID: 7, CreatedAt: at, LastSeen: at.Add(time.Duration(user) * time.Minute)}
	}
	for _, id := range []string{"kept", "ended", "touched"} {
		if err := db.CreateLogin(login(id, 0), nil); err != nil {
			t.Fatal(err)
		}
	}
	// A memo loaded now, whose watch then misses what follows.
	k := loginRecords.kind
	own := k.memos.of(db.backend)
	stale, err := k.remember(db.backend)
	if err != nil {
		t.Fatal(err)
	}
	k.memos.byDB.Store(db.backend, own) // the database's own memo stays in use
	if err := db.DeleteLogin([]byte("ended")); err != nil {
		t.Fatal(err)
	}
	if err := db.TouchLogin([]byte("touched"), at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateLogin(login("new", 0), nil); err != nil {
		t.Fatal(err)
	}
	// This process's commit of "kept", at a revision later than the reload
	// will read (as if it committed while the reload read).
	stale.mu.Lock()
	stale.apply("kept", login("kept", 5), 1<<40)
	stale.mu.Unlock()
	rev, err := db.Revision()
	if err != nil {
		t.Fatal(err)
	}
	if err := k.reload(db.backend, stale); err != nil {
		t.Fatal(err)
	}
	got := func(id string) *Login {
		if e, ok := stale.m[id]; ok && e.r != nil {
			return e.r.(*Login)
		}
		return nil
	}
	if got("ended") != nil {
		t.Error("a login ended while the watch was down is still in the memo")
	}
	if l := got("touched"); l == nil || !l.LastSeen.Equal(at.Add(time.Hour)) {
		t.Errorf("a login touched while the watch was down: %+v", l)
	}
	if got("new") == nil {
		t.Error("a login made while the watch was down is missing")
	}
	if l := got("kept"); l == nil || !l.LastSeen.Equal(at.Add(5*time.Minute)) {
		t.Errorf("the reload replaced this process's later commit: %+v", l)
	}
	if stale.applied < rev {
		t.Errorf("the memo is at revision %d after the reload, the store was at %d before it", stale.applied, rev)
	}
}
