package store

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Keeping the memos current on a store that several processes write (etcd).
// Each memo was loaded at one revision; a watch on its kind's bucket from
// the next one brings in every change committed since, by any process, in
// revision order (this process's own commits too, which the memo has
// usually applied already: apply keeps the later of the two). A change
// another process commits reaches this one's memo in about a millisecond.
//
// When the watch ends before the database closes (etcd compacted the
// revision it had reached, or the member it talks to lost its leader), the
// memo is read again at the current revision, merged under the same rule
// (an entry this process committed later than that revision stays), and
// watched on from there. A backend that only this process writes (bbolt)
// has nothing to watch, and its memos change by commit alone.

// followMemos starts a watch for every memo of the database, stopped by
// stopFollowing.
func (db *DB) followMemos(loaded map[*kind]*memo) {
	ctx, cancel := context.WithCancel(context.Background())
	db.stopFollow = cancel
	for k, m := range loaded {
		db.following.Add(1)
		go func() {
			defer db.following.Done()
			k.follow(ctx, db.backend, m)
		}()
	}
}

// stopFollowing ends the memos' watches and waits for them.
func (db *DB) stopFollowing() {
	if db.stopFollow != nil {
		db.stopFollow()
	}
	db.following.Wait()
}

// followRetry bounds the pause before a memo is read again after its watch
// ended, doubling from the first to the last.
var followRetry = [2]time.Duration{20 * time.Millisecond, time.Second}

// follow applies every change to the kind's bucket to m, from the revision
// after m's, until ctx ends.
func (k *kind) follow(ctx context.Context, b Backend, m *memo) {
	pause := followRetry[0]
	for {
		m.mu.RLock()
		from := m.applied + 1
		m.mu.RUnlock()
		events, err := b.Watch(ctx, k.bucket, from)
		if errors.Is(err, ErrNoWatch) {
			return
		}
		if err == nil {
			for ev := range events {
				k.event(m, ev)
				watchMoved(b)
				pause = followRetry[0]
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, followRetry[1])
		if err := k.reload(b, m); err != nil {
			continue // the backend is unreachable: read again after the next pause
		}
	}
}

// eventLag delays every change the memos' watches report; tests set it, to
// see the memos while the watch lags behind this process's own commits.
var eventLag atomic.Int64 // nanoseconds

// event applies one change that the watch reported.
func (k *kind) event(m *memo, ev Event) {
	if ev.Progress {
		m.mu.Lock()
		m.applied = max(m.applied, ev.Revision)
		m.mu.Unlock()
		return
	}
	if lag := eventLag.Load(); lag > 0 {
		time.Sleep(time.Duration(lag))
	}
	var r any
	if ev.Value != nil {
		var err error
		if r, err = k.decode(ev.Value); err != nil {
			// A record no one can read signs no one in.
			r = nil
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Every change before this revision has been reported; more of this
	// revision's (one transaction's) may follow.
	m.applied = max(m.applied, ev.Revision-1)
	m.apply(string(ev.Key), r, ev.Revision)
	if m.tombstones > 256 && 4*m.tombstones > len(m.m) {
		m.sweep()
	}
}

// sweep drops the tombstones the watch has passed: no change at or before
// applied is applied any more, so none can bring their records back. m.mu
// is held.
func (m *memo) sweep() {
	for key, e := range m.m {
		if e.r == nil && e.rev <= m.applied {
			delete(m.m, key)
			m.tombstones--
		}
	}
}

// reload reads the kind's records again at the current revision and merges
// them into m: what is there at that revision replaces every entry of an
// earlier one, and an entry of an earlier revision whose record is gone is
// dropped.
func (k *kind) reload(b Backend, m *memo) error {
	rs, rev, err := k.load(b)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for key, e := range m.m {
		if _, there := rs[key]; !there && e.rev <= rev {
			if e.r == nil {
				m.tombstones--
			}
			delete(m.m, key)
		}
	}
	for key, r := range rs {
		if e, ok := m.m[key]; ok && e.rev > rev {
			continue // committed here since
		}
		if e, ok := m.m[key]; ok && e.r == nil {
			m.tombstones--
		}
		m.m[key] = memoEntry{r: r, rev: rev}
	}
	m.applied = max(m.applied, rev)
	return nil
}
