package store

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// The backend is the key-value engine under the store: buckets of ordered
// keys, read in transactions that see one revision and written in
// transactions that commit all or nothing. Everything above it (the
// records, their indexes, the audit chain, group commit) is the same on
// every backend. bbolt (backend_bbolt.go) is the embedded default, one file
// on one machine; etcd (backend_etcd.go) is raft over bbolt, for a store
// shared by several machines.
//
// A bucket holds keys in byte order. Keys and values a backend returns are
// valid until the transaction ends and must not be changed; a caller that
// keeps one copies it. A read that the backend could not carry out (a
// lost connection) returns nil, and the transaction then fails with that
// error when it ends, so that no transaction commits, or answers, from a
// read that did not happen.

// Backend is one open store engine.
type Backend interface {
	// View runs fn in a read transaction: every read sees one revision.
	View(fn func(Tx) error) error
	// Update runs fn in a write transaction and commits it when fn returns
	// nil; when fn returns an error nothing fn wrote is kept. A backend
	// whose transactions can conflict with another process's runs fn again
	// on a conflict, so fn must start from its arguments as given (the same
	// rule as group commit's, group.go).
	Update(fn func(Tx) error) error
	// Limits are the most one write transaction may carry: a write past
	// them fails with ErrTxnTooLarge.
	Limits() Limits
	// Snapshot writes a consistent copy of the whole store: begin is called
	// with the copy's exact size, before its first byte, and returns where
	// to write it.
	Snapshot(begin func(size int64) (io.Writer, error)) (int64, error)
	// Check verifies the engine's own structures (bbolt's pages, etcd's
	// hash of its keyspace), below what the store's checks read.
	Check() error
	// Stats are the engine's figures, for monitoring.
	Stats() (Stats, error)
	// Watch sends the changes to the keys of bucket from revision from on,
	// until ctx ends; a backend that only this process writes has nothing
	// to watch and returns ErrNoWatch.
	Watch(ctx context.Context, bucket []byte, from int64) (<-chan Event, error)
	// ReadOnly says the backend takes no writes.
	ReadOnly() bool
	// Path names the store, for messages: a file, or etcd's endpoints.
	Path() string
	Close() error
}

// Limits bound one write transaction; zero is no limit.
type Limits struct {
	Ops   int // keys written or compared
	Bytes int // bytes of keys and values
}

// bound says whether the limits bound a transaction at all.
func (lim Limits) bound() bool { return lim.Ops > 0 || lim.Bytes > 0 }

// ErrTxnTooLarge is returned by a write that would take a transaction past
// its backend's limits. Group commit then commits the mutations before the
// one that hit it and carries that one into the next transaction.
var ErrTxnTooLarge = errors.New("store: the transaction is larger than the backend takes")

// ErrNoWatch is Watch's answer on a backend that only this process writes.
var ErrNoWatch = errors.New("store: the backend has no changes to watch")

// Event is one change that Watch reports: Value is nil for a delete. An
// event with Progress set is no change but news that every change through
// Revision has been sent (etcd's progress notification, which the watches
// get when DB.WaitWatches asks for it).
type Event struct {
	Key, Value []byte
	Revision   int64
	Progress   bool
}

// Tx is one transaction.
type Tx interface {
	// Bucket is the bucket of that name, nil when there is none.
	Bucket(name []byte) Bucket
	CreateBucketIfNotExists(name []byte) (Bucket, error)
	DeleteBucket(name []byte) error
	// Revision is the store's revision the transaction reads at.
	Revision() int64
	Writable() bool
	// OnCommit runs fn once the transaction has committed (never when it
	// rolls back).
	OnCommit(fn func())
	// Backend is the backend the transaction runs on.
	Backend() Backend
	// Err is the first read or write that the backend could not carry
	// out, or that took the transaction past its limits (ErrTxnTooLarge):
	// the transaction fails with it.
	Err() error
	// Size is what the transaction carries so far, to weigh against
	// Limits: keys written or compared, and bytes.
	Size() (ops, bytes int)
}

// Bucket is one bucket in a transaction. A write transaction's reads see
// its own writes, in Get, Cursor and ForEach alike.
type Bucket interface {
	Get(key []byte) []byte
	Put(key, value []byte) error
	Delete(key []byte) error
	// DeleteRange deletes every key from from (included) to to (excluded;
	// nil: to the bucket's end).
	DeleteRange(from, to []byte) error
	Cursor() Cursor
	// ForEach calls fn for every key in order, stopping at its first error.
	ForEach(fn func(k, v []byte) error) error
	// NextSequence increments the bucket's sequence and returns it.
	NextSequence() (uint64, error)
	Sequence() uint64
	SetSequence(n uint64) error
	// Appending says that this transaction puts the bucket's new keys
	// after all the others, so that its pages may be filled whole, not
	// split at half as for keys put anywhere (bbolt's FillPercent). A
	// backend without pages ignores it.
	Appending()
}

// Cursor walks a bucket's keys in order. Each move returns the key and value
// it lands on, or a nil key past either end.
type Cursor interface {
	First() (k, v []byte)
	Last() (k, v []byte)
	// Seek lands on the first key at or after seek.
	Seek(seek []byte) (k, v []byte)
	Next() (k, v []byte)
	Prev() (k, v []byte)
}

// copyBuckets copies every bucket of the layout, with its sequence, from src
// into dst: a backend's snapshot as a file of another.
func copyBuckets(dst, src Tx) error {
	for _, name := range allBuckets() {
		from := src.Bucket(name)
		if from == nil {
			continue
		}
		to, err := dst.CreateBucketIfNotExists(name)
		if err != nil {
			return err
		}
		if err := from.ForEach(func(k, v []byte) error { return to.Put(k, v) }); err != nil {
			return fmt.Errorf("store: copy bucket %s: %w", name, err)
		}
		if err := to.SetSequence(from.Sequence()); err != nil {
			return err
		}
	}
	return src.Err()
}
