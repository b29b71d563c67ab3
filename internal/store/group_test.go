package store

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Of concurrent mutations, each is answered after its own outcome: those
// that succeed are all committed, one that fails (or panics) gets its own
// error and leaves nothing behind, whatever group it shared.
func TestGroupCommit(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		db := open()
		bucket := []byte("group_test")
		if err := db.backend.Update(func(tx Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
			t.Fatal(err)
		}
		refused := errors.New("refused")
		var wg sync.WaitGroup
		errs := make([]error, 300)
		for i := range errs {
			wg.Go(func() {
				errs[i] = db.batch(func(tx Tx) error {
					if err := tx.Bucket(bucket).Put(fmt.Appendf(nil, "k%03d", i), []byte("v")); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return refused
					case 7:
						panic("broken mutation")
					}
					return nil
				})
			})
		}
		wg.Wait()
		err := db.backend.View(func(tx Tx) error {
			for i, err := range errs {
				stored := tx.Bucket(bucket).Get(fmt.Appendf(nil, "k%03d", i)) != nil
				switch i % 10 {
				case 3:
					if !errors.Is(err, refused) || stored {
						t.Errorf("mutation %d: %v, stored %v; want its own error and nothing stored", i, err, stored)
					}
				case 7:
					if err == nil || stored {
						t.Errorf("mutation %d panicked: %v, stored %v; want an error and nothing stored", i, err, stored)
					}
				default:
					if err != nil || !stored {
						t.Errorf("mutation %d: %v, stored %v; want it committed", i, err, stored)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if err := db.batch(func(Tx) error { return nil }); !errors.Is(err, errClosed) {
			t.Fatalf("after Close: %v", err)
		}
	})
}

// Mutations queued while a transaction runs are carried by the next one,
// together: with the committer held inside a first mutation until twenty
// more are queued, those twenty commit in one transaction, not twenty.
func TestGroupCommitTakesEveryQueuedMutation(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		db := open()
		bucket := []byte("group_test")
		if err := db.backend.Update(func(tx Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
			t.Fatal(err)
		}
		before := db.GroupFigures()
		const queued = 20
		inside, release := make(chan struct{}), make(chan struct{})
		var held atomic.Bool
		var wg sync.WaitGroup
		errs := make([]error, queued+1)
		wg.Go(func() {
			errs[queued] = db.batch(func(tx Tx) error {
				if held.CompareAndSwap(false, true) { // the first run only
					close(inside)
					<-release
				}
				return tx.Bucket(bucket).Put([]byte("first"), []byte("v"))
			})
		})
		select {
		case <-inside:
		case <-time.After(10 * time.Second):
			t.Fatal("the first mutation did not run within 10 s")
		}
		for i := range queued {
			wg.Go(func() {
				errs[i] = db.batch(func(tx Tx) error { return tx.Bucket(bucket).Put(fmt.Appendf(nil, "k%02d", i), []byte("v")) })
			})
		}
		for deadline := time.Now().Add(10 * time.Second); len(db.writes) < queued; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				close(release)
				t.Fatalf("%d of %d mutations queued after 10 s", len(db.writes), queued)
			}
		}
		close(release)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("mutation %d: %v", i, err)
			}
		}
		got := db.GroupFigures().Minus(before)
		if got.Mutations != queued+1 || got.Transactions != 2 {
			t.Errorf("%d mutations in %d transactions, want %d in 2: the first alone, the queued together",
				got.Mutations, got.Transactions, queued+1)
		}
	})
}
