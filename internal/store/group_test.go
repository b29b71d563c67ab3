package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
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
