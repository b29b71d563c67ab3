package store

import (
	"fmt"
	"sync"
)

// A memo is an in-memory copy of one kind's records, for the lookups every
// request makes (its login, its staff account), so that authenticating a
// request opens no transaction and decodes nothing. It is loaded at Open and
// changed by commit, after the transaction that changed the records has
// committed (Tx.OnCommit): it never shows what was not committed, and
// every write of the kind, whichever mutation makes it, keeps it true. On a
// backend that other processes write too (etcd), a watch from the revision
// the memo was loaded at brings their writes in as well (watch_memo.go).
//
// Each entry carries the revision it is true at, so that the two ways a
// change arrives (this process's commit, and the watch, which sees this
// process's commits too) can come in either order: an entry is replaced only
// by a newer revision, a delete stays as a tombstone until the watch has
// passed it, and a commit the watch has already passed changes nothing. So
// a memo never goes back behind what this process has committed, and no late
// write brings back a record deleted after it. On a backend only this
// process writes (bbolt) revisions are 0 and every commit applies in order,
// as it commits.
type memo struct {
	mu sync.RWMutex
	m  map[string]memoEntry
	// applied is the revision up to which the watch has brought in every
	// change (the revision loaded at, to start with).
	applied int64
	// tombstones counts the entries that record a delete.
	tombstones int
}

// memoEntry is one record as of revision rev; r nil records its delete.
type memoEntry struct {
	r   any
	rev int64
}

// apply records the record at key (nil: deleted) as of revision rev (0:
// unknown, on a backend that only this process writes), unless the memo
// already has that key at a later revision. m.mu is held.
func (m *memo) apply(key string, r any, rev int64) {
	if rev > 0 {
		if rev <= m.applied {
			return // the watch has brought the memo there, or further
		}
		if e, ok := m.m[key]; ok && e.rev > rev {
			return
		}
	}
	old, had := m.m[key]
	if had && old.r == nil {
		m.tombstones--
	}
	switch {
	case r != nil:
		m.m[key] = memoEntry{r: r, rev: rev}
	case rev > 0:
		m.m[key] = memoEntry{rev: rev}
		m.tombstones++
	default:
		delete(m.m, key)
	}
}

// memoize makes the kind keep a memo in every database opened for writing.
func (rs records[T]) memoize() records[T] {
	rs.memoized = true
	return rs
}

// memos holds each open database's memo of the kind.
type memos struct{ byDB sync.Map } // Backend → *memo

func (ms *memos) of(b Backend) *memo {
	if m, ok := ms.byDB.Load(b); ok {
		return m.(*memo)
	}
	return nil
}

// load reads every record of the kind at one revision.
func (k *kind) load(b Backend) (map[string]any, int64, error) {
	out := map[string]any{}
	var rev int64
	err := b.View(func(tx Tx) error {
		rev = tx.Revision() // fixes the revision before the first record is read
		clear(out)
		return tx.Bucket(k.bucket).ForEach(func(key, v []byte) error {
			r, err := k.decode(v)
			if err != nil {
				return fmt.Errorf("store: %s [%x]: %w", k.bucket, key, err)
			}
			out[string(key)] = r
			return nil
		})
	})
	return out, rev, err
}

// remember loads the kind's records of b into a new memo, kept until
// forget.
func (k *kind) remember(b Backend) (*memo, error) {
	rs, rev, err := k.load(b)
	if err != nil {
		return nil, err
	}
	m := &memo{m: make(map[string]memoEntry, len(rs)), applied: rev}
	for key, r := range rs {
		m.m[key] = memoEntry{r: r, rev: rev}
	}
	k.memos.byDB.Store(b, m)
	return m, nil
}

func (k *kind) forget(b Backend) { k.memos.byDB.Delete(b) }

// remembered is the record at key as the memo of tx's database has it, once
// tx commits: v is the encoded record, nil for a delete.
func (k *kind) remembered(tx Tx, key, v []byte) error {
	m := k.memos.of(tx.Backend())
	if m == nil {
		return nil
	}
	var r any
	if v != nil {
		var err error
		if r, err = k.decode(v); err != nil { // a copy of its own, whatever the caller does with its record
			return err
		}
	}
	key = append([]byte(nil), key...)
	tx.OnCommit(func() {
		rev := commitRevision(tx)
		m.mu.Lock()
		defer m.mu.Unlock()
		m.apply(string(key), r, rev)
	})
	return nil
}

// commitRevision is the revision tx committed at, on a backend that says
// (etcd); 0 on one that only this process writes.
func commitRevision(tx Tx) int64 {
	if c, ok := tx.(interface{ CommitRevision() int64 }); ok {
		return c.CommitRevision()
	}
	return 0
}

// recall is the record at key from db's memo: a copy, and found false when
// there is none. ok is false when db keeps no memo of the kind (a read-only
// database), and the caller reads the file instead.
func (rs records[T]) recall(db *DB, key []byte) (r *T, found, ok bool) {
	m := rs.memos.of(db.backend)
	if m == nil {
		return nil, false, false
	}
	m.mu.RLock()
	e, found := m.m[string(key)]
	m.mu.RUnlock()
	if !found || e.r == nil {
		return nil, false, true
	}
	c := *e.r.(*T)
	return &c, true, true
}
