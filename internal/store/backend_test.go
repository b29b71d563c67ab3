package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"tiaojie/internal/mediation"
)

// A backend's buckets behave as bbolt's on every backend: a write
// transaction's Get, cursors and ForEach see its own puts and deletes over
// what was committed, in key order both ways, across etcd's pages; what
// it committed is what a later transaction reads; a rolled-back one leaves
// nothing.
func TestBackendBuckets(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		db := open()
		bucket := []byte("conformance")
		if err := db.backend.Update(func(tx Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
			t.Fatal(err)
		}
		model := map[string]string{}
		round := 0
		rapid.Check(t, func(rt *rapid.T) {
			round++
			// Keys of a small alphabet, so that puts, deletes and seeks meet.
			key := rapid.StringMatching(`[a-c]{1,3}`)
			want := maps.Clone(model)
			rollback := rapid.Bool().Draw(rt, "rollback")
			refused := errors.New("rolled back")
			err := db.backend.Update(func(tx Tx) error {
				want = maps.Clone(model) // a rerun starts again from what is committed
				b := tx.Bucket(bucket)
				for i := range rapid.IntRange(0, 40).Draw(rt, "writes") {
					k := key.Draw(rt, "key")
					switch op := rapid.IntRange(0, 7).Draw(rt, "op"); {
					case op == 7:
						to := key.Draw(rt, "to")
						if err := b.DeleteRange([]byte(k), []byte(to)); err != nil {
							return err
						}
						for m := range want {
							if m >= k && m < to {
								delete(want, m)
							}
						}
					case op < 2:
						if err := b.Delete([]byte(k)); err != nil {
							return err
						}
						delete(want, k)
					default:
						v := fmt.Sprintf("%d.%d", round, i)
						if err := b.Put([]byte(k), []byte(v)); err != nil {
							return err
						}
						want[k] = v
					}
				}
				if err := sameAs(b, want, rt, key); err != nil {
					return err
				}
				if rollback {
					return refused
				}
				return nil
			})
			if rollback {
				if !errors.Is(err, refused) {
					rt.Fatalf("the rolled-back transaction: %v", err)
				}
			} else if err != nil {
				rt.Fatal(err)
			} else {
				model = want
			}
			if err := db.backend.View(func(tx Tx) error { return sameAs(tx.Bucket(bucket), model, rt, key) }); err != nil {
				rt.Fatal(err)
			}
		})
	})
}

// sameAs compares the bucket with the model: every Get, ForEach, and a
// random walk of a cursor.
func sameAs(b Bucket, model map[string]string, rt *rapid.T, key *rapid.Generator[string]) error {
	keys := make([]string, 0, len(model))
	for k := range model {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range []string{"a", "ab", "b", "bca", "c", "ccc"} {
		got := b.Get([]byte(k))
		if v, ok := model[k]; ok != (got != nil) || ok && string(got) != v {
			return fmt.Errorf("Get(%q) = %q, want %q (%v)", k, got, v, ok)
		}
	}
	var seen []string
	if err := b.ForEach(func(k, v []byte) error {
		if model[string(k)] != string(v) {
			return fmt.Errorf("ForEach: %q = %q, want %q", k, v, model[string(k)])
		}
		seen = append(seen, string(k))
		return nil
	}); err != nil {
		return err
	}
	if !slices.Equal(seen, keys) {
		return fmt.Errorf("ForEach saw %q, want %q", seen, keys)
	}
	c := b.Cursor()
	at := -1 // index into keys; -1 off the ends
	land := func(how string, k, v []byte, i int) error {
		if i < 0 || i >= len(keys) {
			at = -1
			if k != nil {
				return fmt.Errorf("%s landed on %q, want past the end", how, k)
			}
			return nil
		}
		at = i
		if string(k) != keys[i] || string(v) != model[keys[i]] {
			return fmt.Errorf("%s landed on %q = %q, want %q = %q", how, k, v, keys[i], model[keys[i]])
		}
		return nil
	}
	for range rapid.IntRange(1, 30).Draw(rt, "moves") {
		var err error
		switch move := rapid.IntRange(0, 4).Draw(rt, "move"); {
		case move == 0:
			k, v := c.First()
			err = land("First", k, v, 0)
		case move == 1:
			k, v := c.Last()
			err = land("Last", k, v, len(keys)-1)
		case move == 2 || at < 0:
			s := key.Draw(rt, "seek")
			i, _ := slices.BinarySearch(keys, s)
			k, v := c.Seek([]byte(s))
			err = land("Seek("+s+")", k, v, i)
		case move == 3:
			k, v := c.Next()
			err = land("Next", k, v, at+1)
		default:
			k, v := c.Prev()
			err = land("Prev", k, v, at-1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Two databases on one store (two processes on one etcd cluster) writing at
// once: every write either side acknowledged is there exactly once, IDs
// are never given twice, and the one audit chain verifies.
func TestTwoWritersOnOneStore(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		first := open()
		second := first
		if _, ok := first.backend.(*etcdBackend); ok {
			second = open()
		}
		bucket := []byte("shared_test")
		if err := first.backend.Update(func(tx Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err }); err != nil {
			t.Fatal(err)
		}
		const perWriter = 40
		var mu sync.Mutex
		given := map[uint64]string{}
		var wg sync.WaitGroup
		for w, db := range []*DB{first, second, first, second} {
			wg.Go(func() {
				for i := range perWriter {
					name := fmt.Sprintf("w%d-%d", w, i)
					var id uint64
					err := db.update(func(tx Tx) error {
						n, err := tx.Bucket(bucket).NextSequence()
						if err != nil {
							return err
						}
						id = n
						if err := tx.Bucket(bucket).Put(itob(n), []byte(name)); err != nil {
							return err
						}
						var ch change
						ch.log(mediation.AuditEntry{At: db.now(), Actor: "system", Action: mediation.AuditUserCreate, Object: name})
						return commit(tx, &ch)
					})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if other, ok := given[id]; ok {
						t.Errorf("ID %d given to %s and %s", id, other, name)
					}
					given[id] = name
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		err := first.backend.View(func(tx Tx) error {
			for id, name := range given {
				if got := tx.Bucket(bucket).Get(itob(id)); string(got) != name {
					t.Errorf("ID %d holds %q, want %q", id, got, name)
				}
			}
			n := 0
			tx.Bucket(bucket).ForEach(func(k, v []byte) error { n++; return nil })
			if n != 4*perWriter {
				t.Errorf("%d records stored, want %d", n, 4*perWriter)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("commits that conflicted and ran again: %d + %d", first.Conflicts(), second.Conflicts())
		head, err := second.VerifyAudit(nil)
		if err != nil {
			t.Fatal(err)
		}
		if head.Seq != 4*perWriter {
			t.Errorf("the audit chain has %d entries, want %d", head.Seq, 4*perWriter)
		}
	})
}

// A backend that other processes write reports each change to a bucket's
// keys from the revision asked; bbolt, which only its own process writes,
// has nothing to watch.
func TestBackendWatch(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		db := open()
		bucket := []byte("watched")
		var rev int64
		err := db.backend.Update(func(tx Tx) error {
			_, err := tx.CreateBucketIfNotExists(bucket)
			rev = tx.Revision()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		events, err := db.backend.Watch(ctx, bucket, rev+1)
		if _, etcd := db.backend.(*etcdBackend); !etcd {
			if !errors.Is(err, ErrNoWatch) {
				t.Fatalf("Watch on bbolt: %v, want ErrNoWatch", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		// Another process's writes: a second database on the same store.
		other := open()
		for _, op := range []func(b Bucket) error{
			func(b Bucket) error { return b.Put([]byte("k1"), []byte("v1")) },
			func(b Bucket) error { return b.Delete([]byte("k1")) },
		} {
			if err := other.backend.Update(func(tx Tx) error { return op(tx.Bucket(bucket)) }); err != nil {
				t.Fatal(err)
			}
		}
		for i, want := range []Event{{Key: []byte("k1"), Value: []byte("v1")}, {Key: []byte("k1")}} {
			select {
			case e := <-events:
				if string(e.Key) != string(want.Key) || string(e.Value) != string(want.Value) || (e.Value == nil) != (want.Value == nil) || e.Revision <= rev {
					t.Errorf("event %d = %q %q at %d, want %q %q after %d", i, e.Key, e.Value, e.Revision, want.Key, want.Value, rev)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("event %d did not arrive", i)
			}
		}
	})
}
