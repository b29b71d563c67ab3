package store

import (
	"context"
	"slices"
	"sync"

	"tiaojie/internal/mediation"
)

// Membership is who belongs where, as one revision of the store has it: the
// staff accounts, each case's mediators and parties, and the cases with a
// pending recusal request. The neutrality grants are rebuilt from it
// (authz.Load), and rebuilt again when another process changes it
// (WatchMembership).
type Membership struct {
	// Revision is the store's revision it was read at.
	Revision  int64
	Users     []mediation.User
	Mediators []Member // each mediator assigned to a case
	Parties   []Member // each party of a case
	// Recusing are the cases with a pending recusal request.
	Recusing []mediation.ID
}

// Member is one person (a staff user or a party) of one case.
type Member struct{ ID, Case mediation.ID }

// membershipBuckets are the buckets Membership reads: a change in any of
// them may change a grant.
func membershipBuckets() [][]byte {
	return [][]byte{userRecords.bucket, casesByMediator.bucket, partiesByCase.bucket, recusalRecords.bucket}
}

// Membership reads who belongs where in one transaction, at one revision.
func (db *DB) Membership() (*Membership, error) {
	var m *Membership
	err := db.view(func(tx Tx) error {
		m = &Membership{Revision: tx.Revision()}
		err := tx.Bucket(userRecords.bucket).ForEach(func(_, v []byte) error {
			var s storedUser
			if err := decode(v, &s); err != nil {
				return err
			}
			m.Users = append(m.Users, s.User)
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(casesByMediator.bucket).ForEach(func(k, _ []byte) error {
			m.Mediators = append(m.Mediators, Member{ID: mediation.ID(btoi(k[:8])), Case: mediation.ID(btoi(k[8:]))})
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(partiesByCase.bucket).ForEach(func(k, _ []byte) error {
			m.Parties = append(m.Parties, Member{ID: mediation.ID(btoi(k[8:])), Case: mediation.ID(btoi(k[:8]))})
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(recusalRecords.bucket).ForEach(func(k, v []byte) error {
			r, err := recusalRecords.decode(v)
			if err != nil {
				return err
			}
			if rec := r.(*mediation.Recusal); rec.Pending() && !slices.Contains(m.Recusing, rec.CaseID) {
				m.Recusing = append(m.Recusing, rec.CaseID)
			}
			return nil
		})
	})
	return m, err
}

// Revision is the store's current revision: every change committed before
// the call is at or before it.
func (db *DB) Revision() (int64, error) {
	var rev int64
	err := db.view(func(tx Tx) error { rev = tx.Revision(); return tx.Err() })
	return rev, err
}

// WatchMembership sends the revision of every change to what Membership
// reads, from revision from on, committed by any process, until ctx ends or
// the watch fails; then it closes the channel, and the caller reads
// Membership again and watches on from its revision. Revisions come in
// order within each kind of record, not across them. A store that only this
// process writes (bbolt) answers ErrNoWatch.
func (db *DB) WatchMembership(ctx context.Context, from int64) (<-chan int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	var ins []<-chan Event
	for _, b := range membershipBuckets() {
		in, err := db.backend.Watch(ctx, b, from)
		if err != nil {
			cancel()
			return nil, err
		}
		ins = append(ins, in)
	}
	out := make(chan int64, 64)
	w := &membershipWatch{through: make([]int64, len(ins))}
	for i := range w.through {
		w.through[i] = from - 1
	}
	db.membershipWatch.Store(w)
	var wg sync.WaitGroup
	for i, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel() // one watch ending ends them all
			for ev := range in {
				w.reached(i, ev)
				watchMoved(db.backend)
				if ev.Progress {
					continue
				}
				select {
				case out <- ev.Revision:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		cancel()
		db.membershipWatch.CompareAndSwap(w, nil)
		close(out)
	}()
	return out, nil
}

// membershipWatch is how far a WatchMembership has come, for WaitWatches:
// through[i] is the revision through which its i-th bucket's watch has sent
// every change, last the latest change it sent.
type membershipWatch struct {
	mu      sync.Mutex
	through []int64
	last    int64
}

func (w *membershipWatch) reached(i int, ev Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if ev.Progress {
		w.through[i] = max(w.through[i], ev.Revision)
		return
	}
	w.through[i] = max(w.through[i], ev.Revision-1)
	w.last = max(w.last, ev.Revision)
}

// sent says whether every change through rev has been sent, and the latest
// change sent.
func (w *membershipWatch) sent(rev int64) (bool, int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Min(w.through) >= rev, w.last
}
