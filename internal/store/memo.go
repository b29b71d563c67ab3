package store

import (
	"fmt"
	"sync"
)

// A memo is an in-memory copy of one kind's records, for the lookups every
// request makes (its login, its staff account), so that authenticating a
// request opens no transaction and decodes nothing. It is loaded at Open and
// changed only by commit, after the transaction that changed the records
// has committed (Tx.OnCommit): it never shows what was not committed,
// and every write of the kind, whichever mutation makes it, keeps it true.
type memo struct {
	mu sync.RWMutex
	m  map[string]any
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

// remember loads the kind's records of b into a new memo, kept until
// forget.
func (k *kind) remember(b Backend) error {
	m := &memo{m: map[string]any{}}
	err := b.View(func(tx Tx) error {
		return tx.Bucket(k.bucket).ForEach(func(key, v []byte) error {
			r, err := k.decode(v)
			if err != nil {
				return fmt.Errorf("store: %s [%x]: %w", k.bucket, key, err)
			}
			m.m[string(key)] = r
			return nil
		})
	})
	if err != nil {
		return err
	}
	k.memos.byDB.Store(b, m)
	return nil
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
		m.mu.Lock()
		defer m.mu.Unlock()
		if r == nil {
			delete(m.m, string(key))
		} else {
			m.m[string(key)] = r
		}
	})
	return nil
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
	v, found := m.m[string(key)]
	m.mu.RUnlock()
	if !found {
		return nil, false, true
	}
	c := *v.(*T)
	return &c, true, true
}
