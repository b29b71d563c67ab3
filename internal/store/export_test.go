package store

import (
	"context"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// ViewBuckets runs fn in one read transaction on whichever backend, with the
// names of every bucket of the layout and a way to read one (nil when it does
// not exist): for the tests that compare a store key by key.
func (db *DB) ViewBuckets(fn func(names []string, bucket func(name string) TestBucket) error) error {
	return db.backend.View(func(tx Tx) error {
		var names []string
		for _, n := range allBuckets() {
			names = append(names, string(n))
		}
		return fn(names, func(name string) TestBucket {
			if b := tx.Bucket([]byte(name)); b != nil {
				return b
			}
			return nil
		})
	})
}

// TestBucket is what a test reads of a bucket.
type TestBucket interface {
	Get(key []byte) []byte
	ForEach(fn func(k, v []byte) error) error
	Sequence() uint64
}

// Conflicts is how many commits on etcd failed their compares and ran
// again; 0 on bbolt.
func (db *DB) Conflicts() int64 {
	if b, ok := db.backend.(*etcdBackend); ok {
		return b.conflicts.Load()
	}
	return 0
}

// EtcdFigures are the round trips of an etcd backend so far: reads (one
// Get each) and commits (one Txn each), and the time spent in each; zero
// on bbolt.
func (db *DB) EtcdFigures() (reads int64, readTime time.Duration, commits int64, commitTime time.Duration) {
	if b, ok := db.backend.(*etcdBackend); ok {
		f := &b.figures
		return f.reads.Load(), time.Duration(f.readNanos.Load()), f.commits.Load(), time.Duration(f.commitNanos.Load())
	}
	return 0, 0, 0, 0
}

// FaultEtcdTxns makes every Txn of an etcd database (a commit, or settle's
// after a commit's answer was lost) go through hook, which may send it (or
// not, or later) and answer what it likes; settle then gives up after
// settleFor. A nil hook ends it. It is set while no write is in flight.
func (db *DB) FaultEtcdTxns(hook func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error), settleFor time.Duration) {
	b := db.backend.(*etcdBackend)
	b.txnHook, b.settleFor = hook, settleFor
}
