package store

import (
	"context"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"tiaojie/internal/mediation"
)

// Register is n closed cases of a paper register, for the external tests.
var Register = register

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
// Get each), of which first reads (a transaction's first, linearizable),
// and commits (one Txn each), and the time spent in each; zero on bbolt.
type EtcdFigures struct {
	Reads, FirstReads, Commits       int64
	ReadTime, FirstReadTime, TxnTime time.Duration
}

func (db *DB) EtcdFigures() EtcdFigures {
	b, ok := db.backend.(*etcdBackend)
	if !ok {
		return EtcdFigures{}
	}
	f := &b.figures
	return EtcdFigures{Reads: f.reads.Load(), FirstReads: f.firstReads.Load(), Commits: f.commits.Load(),
		ReadTime: time.Duration(f.readNanos.Load()), FirstReadTime: time.Duration(f.firstReadNanos.Load()),
		TxnTime: time.Duration(f.commitNanos.Load())}
}

// Minus is the figures from g to f.
func (f EtcdFigures) Minus(g EtcdFigures) EtcdFigures {
	return EtcdFigures{f.Reads - g.Reads, f.FirstReads - g.FirstReads, f.Commits - g.Commits,
		f.ReadTime - g.ReadTime, f.FirstReadTime - g.FirstReadTime, f.TxnTime - g.TxnTime}
}

// Plus is the figures of f and g together.
func (f EtcdFigures) Plus(g EtcdFigures) EtcdFigures {
	return EtcdFigures{f.Reads + g.Reads, f.FirstReads + g.FirstReads, f.Commits + g.Commits,
		f.ReadTime + g.ReadTime, f.FirstReadTime + g.FirstReadTime, f.TxnTime + g.TxnTime}
}

// FaultEtcdTxns makes every Txn of an etcd database (a commit, or settle's
// after a commit's answer was lost) go through hook, which may send it (or
// not, or later) and answer what it likes; settle then gives up after
// settleFor. A nil hook ends it. It is set while no write is in flight.
func (db *DB) FaultEtcdTxns(hook func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error), settleFor time.Duration) {
	b := db.backend.(*etcdBackend)
	b.txnHook, b.settleFor = hook, settleFor
}

// CompactForTest compacts etcd's history up to rev (what the cluster's
// auto-compaction does).
func (db *DB) CompactForTest(rev int64) error {
	b := db.backend.(*etcdBackend)
	ctx, cancel := b.ctx()
	defer cancel()
	_, err := b.cli.Compact(ctx, rev)
	return err
}

// OpenCandidate opens the etcd store db is on once more, as a serving
// process does: campaigning to be its writer with the URL advertise.
func OpenCandidate(db *DB, advertise string) (*DB, error) {
	b := db.backend.(*etcdBackend)
	return OpenEtcd(EtcdOptions{Endpoints: b.endpoints, Prefix: b.prefix, Timeout: b.timeout, Advertise: advertise}, Options{})
}

// ActivityFromFile is Activity read from the file alone, whatever the
// database keeps in memory.
func (db *DB) ActivityFromFile(user mediation.ID, cases []mediation.ID) ([]int, []time.Time, error) {
	return db.activity(nil, user, cases)
}

// KeepsActivity says the database keeps the case list's activity in memory.
func (db *DB) KeepsActivity() bool { return activityOf(db.backend) != nil }

// SubmissionsJSONFromFile is SubmissionsJSON read from the file alone,
// whatever the database keeps in memory.
func (db *DB) SubmissionsJSONFromFile(f SubmissionFilter) (raws [][]byte, ids []mediation.ID, next mediation.ID, err error) {
	f.Limit = limit(f.Limit)
	err = db.view(func(tx Tx) error {
		p, err := submissionsPage(tx, f)
		if err == nil {
			raws, ids, next = p.raws, p.ids, p.next
		}
		return err
	})
	return raws, ids, next, err
}
