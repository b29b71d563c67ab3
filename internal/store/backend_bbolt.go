package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The bbolt backend: one file, one writer process (bbolt's file lock), every
// transaction local. It is a thin layer: a Tx, Bucket and Cursor are bbolt's
// own, seen through the interfaces.

type boltBackend struct{ db *bolt.DB }

// openBolt opens (creating if needed) the file at path for writing.
func openBolt(path string, timeout time.Duration) (Backend, error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: %s: %w (is a tiaojie server already running on it?)", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &boltBackend{db: b}, nil
}

// openBoltReadOnly opens an existing file without changing it, refusing one
// cut short.
func openBoltReadOnly(path string, timeout time.Duration) (Backend, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: %s: %w (is a tiaojie server running on it?)", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = b.View(func(tx *bolt.Tx) error {
		// A cut-short copy (an interrupted download) must be refused before
		// any page is read: bbolt maps the file, and reading past its end
		// kills the process (SIGBUS) instead of returning an error.
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Size() < tx.Size() {
			return fmt.Errorf("the file is cut short: it has %d bytes, and its header says %d (an interrupted copy?)", fi.Size(), tx.Size())
		}
		return nil
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &boltBackend{db: b}, nil
}

// Bolt exposes the underlying bbolt database to tests that read or alter the
// file directly; nil on another backend. The program itself has no use for
// it: statistics come from Stats, copies from Backup.
func (db *DB) Bolt() *bolt.DB {
	if b, ok := db.backend.(*boltBackend); ok {
		return b.db
	}
	return nil
}

func (b *boltBackend) View(fn func(Tx) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		t := &boltTx{tx: tx, be: b}
		t.opened = t.inline[:0]
		return fn(t)
	})
}

func (b *boltBackend) Update(fn func(Tx) error) error {
	return b.db.Update(func(tx *bolt.Tx) error { return fn(&boltTx{tx: tx, be: b}) })
}

// Limits: a bbolt transaction is bounded by memory alone.
func (b *boltBackend) Limits() Limits { return Limits{} }

// Snapshot is one read transaction (Tx.WriteTo): writes go on while it is
// written, and the copy holds exactly what had committed when it began.
// While it is written, a commit that has to grow the file's memory map waits
// for it to end; bbolt grows the map in doubling steps, so that is rare.
func (b *boltBackend) Snapshot(begin func(size int64) (io.Writer, error)) (int64, error) {
	var n int64
	err := b.db.View(func(tx *bolt.Tx) error {
		w, err := begin(tx.Size())
		if err != nil {
			return err
		}
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Check runs bbolt's Tx.Check. Beside writers it must run in a writable
// transaction, which is safe beside the background writer; a read-only file
// has none, and cannot start one.
func (b *boltBackend) Check() error {
	check := func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	}
	if b.db.IsReadOnly() {
		return b.db.View(check)
	}
	return b.db.Update(check)
}

func (b *boltBackend) Stats() (Stats, error) {
	var s Stats
	if err := b.db.View(func(tx *bolt.Tx) error { s.Size = tx.Size(); return nil }); err != nil {
		return Stats{}, err
	}
	st := b.db.Stats()
	s.ReadTx, s.OpenReadTx = st.TxN, st.OpenTxN
	s.FreePages, s.PendingPages, s.FreeAlloc, s.FreelistInuse = st.FreePageN, st.PendingPageN, st.FreeAlloc, st.FreelistInuse
	tx := &st.TxStats
	s.PageCount, s.PageAlloc = tx.GetPageCount(), tx.GetPageAlloc()
	s.Cursors, s.Nodes, s.NodeDerefs = tx.GetCursorCount(), tx.GetNodeCount(), tx.GetNodeDeref()
	s.Rebalances, s.RebalanceTime = tx.GetRebalance(), tx.GetRebalanceTime()
	s.Splits, s.Spills, s.SpillTime = tx.GetSplit(), tx.GetSpill(), tx.GetSpillTime()
	s.Writes, s.WriteTime = tx.GetWrite(), tx.GetWriteTime()
	return s, nil
}

// Watch: only this process writes the file, so there is nothing to watch.
func (b *boltBackend) Watch(context.Context, []byte, int64) (<-chan Event, error) {
	return nil, ErrNoWatch
}

func (b *boltBackend) ReadOnly() bool { return b.db.IsReadOnly() }
func (b *boltBackend) Path() string   { return b.db.Path() }
func (b *boltBackend) Close() error   { return b.db.Close() }

type boltTx struct {
	tx *bolt.Tx
	be *boltBackend
	// opened are the buckets a read-only transaction has opened: bbolt
	// keeps them only for a writable one, and otherwise finds and opens a
	// bucket anew on every call, which a page reading 50 records made 50
	// times. The first few are kept in place, allocating nothing.
	opened []openedBucket
	inline [8]openedBucket
}

type openedBucket struct {
	name string
	b    Bucket
}

func (t *boltTx) Bucket(name []byte) Bucket {
	writable := t.tx.Writable()
	if !writable {
		for _, o := range t.opened {
			if o.name == string(name) {
				return o.b
			}
		}
	}
	b := t.tx.Bucket(name)
	if b == nil {
		return nil // a nil interface, not a nil *boltBucket in one
	}
	if !writable {
		t.opened = append(t.opened, openedBucket{string(name), (*boltBucket)(b)})
	}
	return (*boltBucket)(b)
}

func (t *boltTx) CreateBucketIfNotExists(name []byte) (Bucket, error) {
	b, err := t.tx.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, err
	}
	return (*boltBucket)(b), nil
}

func (t *boltTx) DeleteBucket(name []byte) error { return t.tx.DeleteBucket(name) }
func (t *boltTx) Revision() int64                { return int64(t.tx.ID()) }
func (t *boltTx) Writable() bool                 { return t.tx.Writable() }
func (t *boltTx) OnCommit(fn func())             { t.tx.OnCommit(fn) }
func (t *boltTx) Backend() Backend               { return t.be }
func (t *boltTx) Err() error                     { return nil }
func (t *boltTx) Size() (ops, bytes int)         { return 0, 0 }

type boltBucket bolt.Bucket

func (b *boltBucket) bolt() *bolt.Bucket                       { return (*bolt.Bucket)(b) }
func (b *boltBucket) Get(key []byte) []byte                    { return b.bolt().Get(key) }
func (b *boltBucket) Put(key, value []byte) error              { return b.bolt().Put(key, value) }
func (b *boltBucket) Delete(key []byte) error                  { return b.bolt().Delete(key) }
func (b *boltBucket) Cursor() Cursor                           { return (*boltCursor)(b.bolt().Cursor()) }
func (b *boltBucket) ForEach(fn func(k, v []byte) error) error { return b.bolt().ForEach(fn) }
func (b *boltBucket) NextSequence() (uint64, error)            { return b.bolt().NextSequence() }
func (b *boltBucket) Sequence() uint64                         { return b.bolt().Sequence() }
func (b *boltBucket) SetSequence(n uint64) error               { return b.bolt().SetSequence(n) }
func (b *boltBucket) Appending()                               { b.bolt().FillPercent = 1 }

func (b *boltBucket) DeleteRange(from, to []byte) error {
	c := b.bolt().Cursor()
	for k, _ := c.Seek(from); k != nil && (to == nil || bytes.Compare(k, to) < 0); k, _ = c.Seek(from) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

type boltCursor bolt.Cursor

func (c *boltCursor) bolt() *bolt.Cursor             { return (*bolt.Cursor)(c) }
func (c *boltCursor) First() (k, v []byte)           { return c.bolt().First() }
func (c *boltCursor) Last() (k, v []byte)            { return c.bolt().Last() }
func (c *boltCursor) Seek(seek []byte) (k, v []byte) { return c.bolt().Seek(seek) }
func (c *boltCursor) Next() (k, v []byte)            { return c.bolt().Next() }
func (c *boltCursor) Prev() (k, v []byte)            { return c.bolt().Prev() }
