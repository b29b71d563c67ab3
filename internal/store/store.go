// Package store keeps tiaojie's records in a key-value backend (backend.go):
// one bbolt file by default. Every mutation is one
// transaction that writes, through one path (commit), the record, its index
// entries (each index declared once, in layout.go) and its audit entry
// together, so that after a crash either all of it is there or none.
package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"tiaojie/internal/mediation"
)

// schemaVersion is the version of the layout this code writes. Open upgrades
// an older file step by step.
//
//	1  the first layout
//	2  sign-ins are logins (buckets logins, logins_by_party; were sessions,
//	   sessions_by_party) and seen-markers are seen (was visits)
//	3  statistics counters (stats_counters), built from the cases at the
//	   upgrade; a closed case records its outcome
//	4  an entry of submissions_by_case carries its submission's author;
//	   submissions_by_party is gone
//	5  a new submission's ID is its creation entry's number in the audit
//	   chain, and that entry has none in audit_by_case
const schemaVersion = 5

// ErrInUse is returned by Open and OpenReadOnly when a running server (or
// another writer) holds the file. bbolt's file lock lets only one process write it.
var ErrInUse = errors.New("the database is in use by another process")

// ErrOlderSchema is returned, wrapped, by OpenReadOnly for a tiaojie database
// of an older schema version: Open upgrades it, a read-only open cannot.
var ErrOlderSchema = errors.New("the database has an older schema version")

// upgrades[v] brings a file from version v to v+1, inside the transaction that
// prepare runs at Open, after every bucket of the current layout is created.
// A step names its buckets literally: it must go on doing what it did when the
// layout changes again.
var upgrades = map[uint64]func(tx Tx) error{
	1: func(tx Tx) error {
		for _, r := range [][2]string{{"sessions", "logins"}, {"sessions_by_party", "logins_by_party"}, {"visits", "seen"}} {
			if err := moveBucket(tx, r[0], r[1]); err != nil {
				return err
			}
		}
		return nil
	},
	2: upgradeCounters,
	3: upgradeSubmissionAuthors,
	// Nothing stored changes: the rule is for submissions to come. The
	// version keeps a program of before it from a file whose creations it
	// would not find (their entries in audit_by_case) and would report as
	// missing.
	4: func(Tx) error { return nil },
}

// moveBucket moves every key and value of bucket from into bucket to (which
// prepare has created, empty), with its sequence, and deletes from. A file
// without from has nothing to move.
func moveBucket(tx Tx, from, to string) error {
	src := tx.Bucket([]byte(from))
	if src == nil {
		return nil
	}
	dst := tx.Bucket([]byte(to))
	if dst == nil {
		return fmt.Errorf("move bucket %s: bucket %s is missing", from, to)
	}
	if k, _ := dst.Cursor().First(); k != nil {
		return fmt.Errorf("move bucket %s: bucket %s is not empty", from, to)
	}
	err := src.ForEach(func(k, v []byte) error {
		if v == nil {
			return fmt.Errorf("move bucket %s: %x is a nested bucket", from, k)
		}
		return dst.Put(bytes.Clone(k), bytes.Clone(v)) // src's pages are freed below
	})
	if err != nil {
		return err
	}
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	if err := tx.DeleteBucket([]byte(from)); err != nil {
		return fmt.Errorf("move bucket %s: %w", from, err)
	}
	return nil
}

// DB is the open database.
type DB struct {
	backend Backend
	// Now is the clock; tests may replace it before use.
	Now func() time.Time

	// writesMu guards sending on writes (the group committer's queue)
	// against its closing; a read-only database has no queue.
	writesMu     sync.RWMutex
	writesClosed bool
	writes       chan mutation
	writesDone   chan struct{}
	// groups counts what the committer did (GroupFigures).
	groups groupCounters

	// readsMu guards sending on reads against its closing.
	readsMu   sync.RWMutex
	closed    bool
	reads     chan mediation.AuditEntry
	readsDone chan struct{}
	flush     chan chan struct{}

	// stopFollow ends the watches that keep the memos current with other
	// processes' commits (watch_memo.go); following waits for them.
	stopFollow context.CancelFunc
	following  sync.WaitGroup
	// membershipWatch is how far the running WatchMembership has come
	// (nil when none runs), for WaitWatches.
	membershipWatch atomic.Pointer[membershipWatch]

	// blobs keeps the attachments' content; nil: the store's bucket
	// blobs (blobs.go).
	blobs Blobs
}

// Options tune Open.
type Options struct {
	// Timeout is how long Open waits for another process to let go of the file.
	Timeout time.Duration
	// ReadAuditDelay is the longest a read's audit entry waits before it is
	// written; reads are group-committed so that reading never waits on a flush.
	ReadAuditDelay time.Duration
	// Zone dates the statistics counters (a case's month of acceptance and
	// of closing); Asia/Shanghai when nil. A file whose counters are dated
	// in another zone has them rebuilt at Open.
	Zone *time.Location
	// Blobs keeps the attachments' content outside the store (a
	// directory, DirBlobs); nil: in the store (blobs.go).
	Blobs Blobs
}

// Open opens (creating if needed) the database at path, creates its buckets and
// upgrades its schema. It fails fast with a clear message when another process
// holds the file.
func Open(path string, opt Options) (*DB, error) {
	if opt.Timeout == 0 {
		opt.Timeout = time.Second
	}
	b, err := openBolt(path, opt.Timeout)
	if err != nil {
		return nil, err
	}
	return OpenBackend(b, opt)
}

// OpenBackend opens the database on an open backend: it creates its buckets,
// upgrades its schema and starts the group committer. The database owns b
// from then on, and closes it when it fails or on Close.
func OpenBackend(b Backend, opt Options) (*DB, error) {
	if opt.ReadAuditDelay == 0 {
		opt.ReadAuditDelay = time.Second
	}
	if e, ok := b.(*etcdBackend); ok {
		e.watched = nil
		for _, name := range watchedBuckets() {
			e.watched = append(e.watched, e.bucketStart(name))
		}
	}
	db := &DB{backend: b, Now: time.Now,
		writes: make(chan mutation, maxGroup), writesDone: make(chan struct{}),
		reads: make(chan mediation.AuditEntry, 4096), readsDone: make(chan struct{}),
		flush: make(chan chan struct{}), blobs: opt.Blobs}
	if err := fillAuthorsInParts(b); err != nil {
		b.Close()
		return nil, err
	}
	if err := b.Update(func(tx Tx) error { return prepare(tx, opt.Zone) }); err != nil {
		b.Close()
		return nil, err
	}
	// The statistics counters, on a backend that takes them in parts.
	if err := rebuildCountersInParts(b, opt.Zone); err != nil {
		b.Close()
		return nil, err
	}
	loaded := map[*kind]*memo{}
	for _, k := range kinds {
		if k.memoized {
			m, err := k.remember(b)
			if err != nil {
				db.forgetAll()
				b.Close()
				return nil, err
			}
			loaded[k] = m
		}
	}
	keepActivity(b)
	db.followMemos(loaded)
	go db.commitGroups()
	go db.writeReads(opt.ReadAuditDelay)
	return db, nil
}

// prepare creates every bucket, brings the schema up to date and dates the
// statistics counters in zone.
func prepare(tx Tx, zone *time.Location) error {
	if err := createBuckets(tx); err != nil {
		return err
	}
	meta := tx.Bucket(bucketMeta)
	v := uint64(schemaVersion) // a new file starts at the current version
	if b := meta.Get(metaSchema); b != nil {
		v = btoi(b)
	}
	if v > schemaVersion {
		return fmt.Errorf("store: the database has schema version %d, newer than this program's %d", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		if err := upgrades[v](tx); err != nil {
			return fmt.Errorf("store: upgrade schema from %d: %w", v, err)
		}
	}
	// An upgrade may have moved away a bucket whose name the layout has
	// since given to something else: version 1's sign-ins were "sessions",
	// which are now the mediation's meetings. They start empty.
	if err := createBuckets(tx); err != nil {
		return err
	}
	if err := meta.Put(metaSchema, itob(schemaVersion)); err != nil {
		return err
	}
	return prepareCounters(tx, zone)
}

func createBuckets(tx Tx) error {
	for _, name := range allBuckets() {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("store: create bucket %s: %w", name, err)
		}
	}
	return nil
}

// Close writes pending read audits and closes the file.
func (db *DB) Close() error {
	db.writesMu.Lock()
	if !db.writesClosed && db.writes != nil {
		close(db.writes)
		<-db.writesDone
	}
	db.writesClosed = true
	db.writesMu.Unlock()
	db.readsMu.Lock()
	if !db.closed {
		db.closed = true
		close(db.reads)
		<-db.readsDone
	}
	db.readsMu.Unlock()
	db.stopFollowing()
	db.forgetAll()
	return db.backend.Close()
}

// forgetAll drops the database's memos and its activity table.
func (db *DB) forgetAll() {
	for _, k := range kinds {
		k.forget(db.backend)
	}
	activityTables.Delete(db.backend)
}

// Path is the file the database lives in (etcd: its endpoints).
func (db *DB) Path() string { return db.backend.Path() }

func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// limit is the page size to use for a requested one: at least one.
func limit(n int) int { return max(n, 1) }

// view runs a read-only transaction.
func (db *DB) view(fn func(tx Tx) error) error { return db.backend.View(fn) }

// Ping reports whether the database is open and takes writes.
func (db *DB) Ping() error {
	return db.backend.Update(func(tx Tx) error {
		// A read, so that a backend across the network is asked.
		if meta := tx.Bucket(bucketMeta); meta == nil || meta.Get(metaSchema) == nil {
			return errors.New("store: meta bucket missing")
		}
		return tx.Err()
	})
}

// Check verifies the consistency of the backend's own structures (bbolt's
// pages: Tx.Check, in a writable transaction, which is safe beside the
// background writer).
func (db *DB) Check() error { return db.backend.Check() }
