package store

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// Group commit. Every mutation is a function of its own, run in a write
// transaction that the committer shares among every mutation queued: while one
// transaction commits (and fsyncs), the next mutations queue, and as soon as
// it is done the next transaction takes them all. No timer holds a mutation
// back (bbolt's DB.Batch waits up to 10 ms for company), and under load a
// commit carries as many mutations as arrived during the one before.
//
// A mutation that fails rolls back the whole transaction; it is then run
// alone, for its own answer, and the others are carried out again without
// it, so a function must be idempotent: it reads what it changes inside its
// transaction, and it starts from its arguments as its caller gave them,
// never from what a rolled-back run left in them (CreateSession clears the
// ID an earlier run set before it checks the calendar). A mutation is
// answered only after its transaction has committed, so an acknowledged
// write is on disk.
//
// A commit whose answer is lost (etcd, over a network) is settled by the
// backend before anyone is answered (backend_etcd.go, settle): applied, the
// group is answered as committed; not applied, it is made certain never to
// apply and the group runs again; not learned, every mutation of the group
// gets ErrOutcomeUnknown and none runs again, so that none applies twice.

// maxGroup is the most mutations one transaction carries.
const maxGroup = 1000

// errClosed answers a mutation sent after Close.
var errClosed = errors.New("store: the database is closed")

// mutation is one queued write and where its answer goes.
type mutation struct {
	fn   func(Tx) error
	done chan error
}

// GroupFigures are what the group committer has done since Open: the
// transactions it ran (each a commit, and one more for every mutation run
// alone after failing), the mutations they carried, the time spent in the
// mutations' functions and the time from each transaction's start to its
// end, its commit (and fsync) included.
type GroupFigures struct {
	Transactions, Mutations int64
	InMutations, InTx       time.Duration
}

type groupCounters struct {
	txs, mutations, mutationNanos, txNanos atomic.Int64
}

// GroupFigures says what the group committer has done since Open.
func (db *DB) GroupFigures() GroupFigures {
	g := &db.groups
	return GroupFigures{Transactions: g.txs.Load(), Mutations: g.mutations.Load(),
		InMutations: time.Duration(g.mutationNanos.Load()), InTx: time.Duration(g.txNanos.Load())}
}

// Minus is the figures from h to g.
func (g GroupFigures) Minus(h GroupFigures) GroupFigures {
	return GroupFigures{g.Transactions - h.Transactions, g.Mutations - h.Mutations,
		g.InMutations - h.InMutations, g.InTx - h.InTx}
}

// counted runs fn as the backend's write transaction, counting it.
func (db *DB) counted(fn func(Tx) error) error {
	began := time.Now()
	err := db.backend.Update(fn)
	db.groups.txs.Add(1)
	db.groups.txNanos.Add(int64(time.Since(began)))
	return err
}

// batch carries out fn in a shared write transaction and returns once that
// has committed.
func (db *DB) batch(fn func(Tx) error) error {
	if db.writes == nil {
		// A read-only database has no committer; bbolt refuses the write.
		return db.backend.Update(fn)
	}
	m := mutation{fn: fn, done: make(chan error, 1)}
	db.writesMu.RLock()
	if db.writesClosed {
		db.writesMu.RUnlock()
		return errClosed
	}
	db.writes <- m
	db.writesMu.RUnlock()
	return <-m.done
}

// commitGroups runs until the queue is closed, each transaction taking every
// mutation queued while the one before committed.
func (db *DB) commitGroups() {
	defer close(db.writesDone)
	for m := range db.writes {
		group := []mutation{m}
	gather:
		for len(group) < maxGroup {
			select {
			case m, ok := <-db.writes:
				if !ok {
					break gather
				}
				group = append(group, m)
			default:
				break gather
			}
		}
		db.commitGroup(group)
	}
}

// commitGroup carries out the group in one transaction, taking out and
// answering alone each mutation that fails. On a backend that limits a
// transaction (etcd), a transaction takes the mutations in turn until it
// is three quarters full, and the rest go in the next; a mutation that
// takes it past the limits goes in the next with the ones after it.
func (db *DB) commitGroup(group []mutation) {
	lim := db.backend.Limits()
	for len(group) > 0 {
		var failed, taken int
		err := db.counted(func(tx Tx) error {
			// The backend may run this again (etcd, on a conflict).
			failed, taken = -1, len(group)
			began := time.Now()
			defer func() { db.groups.mutationNanos.Add(int64(time.Since(began))) }()
			for i, m := range group {
				if err := safely(m.fn, tx); err != nil {
					failed = i
					return err
				}
				if lim.nearlyFull(tx) {
					taken = i + 1
					break
				}
			}
			return nil
		})
		if failed < 0 {
			// Committed, or the commit itself failed: the same answer for all.
			if err == nil {
				db.groups.mutations.Add(int64(taken))
			}
			for _, m := range group[:taken] {
				m.done <- err
			}
			group = group[taken:]
			continue
		}
		if errors.Is(err, ErrTxnTooLarge) && failed > 0 {
			// The ones before it fitted.
			db.commitGroup(group[:failed])
			group = group[failed:]
			continue
		}
		alone := group[failed]
		err = db.counted(func(tx Tx) error { return safely(alone.fn, tx) })
		if err == nil {
			db.groups.mutations.Add(1)
		}
		alone.done <- err
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}

// nearlyFull says whether tx carries three quarters of what the limits let
// one transaction carry.
func (lim Limits) nearlyFull(tx Tx) bool {
	if !lim.bound() {
		return false
	}
	ops, n := tx.Size()
	return lim.Ops > 0 && 4*ops >= 3*lim.Ops || lim.Bytes > 0 && 4*n >= 3*lim.Bytes
}

// safely runs fn, turning a panic into its error so that one broken
// mutation cannot stop the committer.
func safely(fn func(Tx) error, tx Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("store: a mutation panicked: %v", r)
		}
		// A read the backend could not carry out fails the mutation,
		// whatever it made of the missing value.
		if terr := tx.Err(); terr != nil {
			err = terr
		}
	}()
	return fn(tx)
}
