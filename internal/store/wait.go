package store

import (
	"context"
	"errors"
	"sync"
	"time"
)

// progressEvery is how often WaitWatches asks etcd for the watches'
// progress while any waits.
const progressEvery = time.Millisecond

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
	// The grants' rebuilds are not announced: looked at again this often.
	poll := time.NewTicker(5 * time.Millisecond)
	defer poll.Stop()
	for {
		moved := b.moved.wait()
		if reached() {
			return nil
		}
		// Every watch of the client's stream is told how far it is; the
		// waiters of the moment share one request.
		if last := b.progressAsked.Load(); time.Since(time.Unix(0, last)) > progressEvery &&
			b.progressAsked.CompareAndSwap(last, time.Now().UnixNano()) {
			b.cli.RequestProgress(b.life)
		}
		select {
		case <-ctx.Done():
			return ErrWaitTimeout
		case <-moved:
		case <-poll.C:
		}
	}
}

// notifier wakes the waiters of the moment.
type notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait is a channel closed at the next wake.
func (n *notifier) wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

func (n *notifier) wake() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}

// watchMoved tells WaitWatches that a watch of b has come further.
func watchMoved(b Backend) {
	if e, ok := b.(*etcdBackend); ok {
		e.moved.wake()
	}
}
