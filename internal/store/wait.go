package store

import (
	"context"
	"errors"
	"time"
)

// ErrWaitTimeout is WaitWatches's answer when ctx ended first.
var ErrWaitTimeout = errors.New("store: the watches did not reach the revision in time")

// WaitWatches waits until this process's watches have brought in every
// change committed at or before rev, by any process: the memos of the
// sign-ins and the accounts (watch_memo.go), and, when grantsApplied is not
// nil, the grants that a WatchMembership running now keeps current
// (grantsApplied is the revision they were last rebuilt at: authz). A
// follower waits so before it relays the leader's answer to a write, so
// that the client's next request sees its write here. A watch with no
// change to report learns how far it has come from a progress notification
// that WaitWatches asks etcd for. It answers at once on bbolt (nothing to
// watch), and ErrWaitTimeout when ctx ends first.
func (db *DB) WaitWatches(ctx context.Context, rev int64, grantsApplied func() int64) error {
	b, ok := db.backend.(*etcdBackend)
	if !ok || rev <= 0 {
		return nil
	}
	reached := func() bool {
		for _, k := range kinds {
			if !k.memoized {
				continue
			}
			m := k.memos.of(db.backend)
			if m == nil {
				continue
			}
			m.mu.RLock()
			applied := m.applied
			m.mu.RUnlock()
			if applied < rev {
				return false
			}
		}
		if grantsApplied == nil || grantsApplied() >= rev {
			return true
		}
		w := db.membershipWatch.Load()
		if w == nil {
			return false // the watch is being started again
		}
		sent, last := w.sent(rev)
		return sent && grantsApplied() >= last
	}
	poll := time.NewTicker(2 * time.Millisecond)
	defer poll.Stop()
	var asked time.Time
	for !reached() {
		if time.Since(asked) > 50*time.Millisecond {
			// Every watch of the client's stream is told how far it is.
			b.cli.RequestProgress(b.life)
			asked = time.Now()
		}
		select {
		case <-ctx.Done():
			return ErrWaitTimeout
		case <-poll.C:
		}
	}
	return nil
}
