package authz

import (
	"context"
	"errors"
	"time"

	"tiaojie/internal/store"
)

// Keeping the grants current on a store that several processes write
// (etcd). Load rebuilds the grants at one revision; Follow watches what they
// derive from (the accounts, the mediator and party indexes, the recusals)
// from the next revision on, and at each change, by whichever process,
// rebuilds them all at the store's current revision and puts them in place
// at once. This process's own membership changes go on bringing its grants
// into line incrementally after each commit (Grant, Revoke); a rebuild must
// not undo one of those with a set read before it committed, so it is put in
// place only while the process's membership changes are held off (Guard),
// and only when none finished while it was being read (else it is read
// again). A grant revoked through another process is denied here once the
// rebuild that follows the watch's report is in place: within milliseconds.

// Guard holds off this process's membership changes (casework's membership
// lock, taken exclusively) and counts those that finished.
type Guard interface {
	Lock()
	Unlock()
	// Changes counts the membership changes that have finished (released
	// the lock); it moves only while the lock is held.
	Changes() uint64
}

// Applied is the store revision the grants were last rebuilt at: every
// change to who belongs where committed at or before it, by any process, is
// in the grants (and this process's own later ones too).
func (a *Authorizer) Applied() int64 { return a.applied.Load() }

// Replace puts gs in place of every grant, rebuilt at store revision rev.
// A rebuild older than the one in place changes nothing.
func (a *Authorizer) Replace(gs []Grant, rev int64) error {
	next := make(map[holder]roleSet, len(gs))
	for _, g := range gs {
		h, role, err := a.resolve(g)
		if err != nil {
			return err
		}
		next[h] |= role
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if rev < a.applied.Load() {
		return nil
	}
	a.grants = next
	a.applied.Store(rev)
	return nil
}

// optimisticRebuilds is how often a rebuild is read beside this process's
// membership changes before it is read with them held off.
const optimisticRebuilds = 3

// Rebuild reads the grants from the store again and puts them in place.
func Rebuild(db *store.DB, a *Authorizer, g Guard) error {
	for try := 0; ; try++ {
		held := try >= optimisticRebuilds
		if held {
			g.Lock()
		}
		n := g.Changes()
		m, err := db.Membership()
		if err != nil {
			if held {
				g.Unlock()
			}
			return err
		}
		gs := GrantsOf(m)
		if !held {
			g.Lock()
		}
		if held || g.Changes() == n {
			err := a.Replace(gs, m.Revision)
			g.Unlock()
			return err
		}
		// A change of this process's finished meanwhile, perhaps committed
		// after the read: read again.
		g.Unlock()
	}
}

// followRetry bounds the pause before the grants are read again after the
// watch ended, doubling from the first to the last.
var followRetry = [2]time.Duration{20 * time.Millisecond, time.Second}

// Follow keeps a's grants current with every change committed to db's
// membership, by any process, until ctx ends. On a store that only this
// process writes (bbolt) it returns at once: the grants change by this
// process's commits alone. Errors (the store unreachable) go to report, and
// Follow reads again after a pause.
func Follow(ctx context.Context, db *store.DB, a *Authorizer, g Guard, report func(error)) {
	pause := followRetry[0]
	for {
		watching, stop := context.WithCancel(ctx)
		changes, err := db.WatchMembership(watching, a.Applied()+1)
		if errors.Is(err, store.ErrNoWatch) {
			stop()
			return
		}
		if err == nil {
			for rev := range changes {
				if rev <= a.Applied() {
					continue // in place already
				}
				// The rebuild reads at the current revision: whatever else
				// is queued by now is in it.
			drain:
				for {
					select {
					case _, ok := <-changes:
						if !ok {
							break drain
						}
					default:
						break drain
					}
				}
				if err := Rebuild(db, a, g); err != nil {
					report(err)
					break
				}
				pause = followRetry[0]
			}
		} else {
			report(err)
		}
		stop()
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, followRetry[1])
		// The watch ended: catch up on what it may have missed, then watch
		// on from there.
		if err := Rebuild(db, a, g); err != nil {
			report(err)
		}
	}
}
