package store

import (
	"time"
)

// Stats are the database file's statistics as bbolt keeps them, in plain
// numbers, for monitoring. The totals count since Open.
type Stats struct {
	Size int64 // bytes of the database as of the last commit

	ReadTx     int // read transactions started
	OpenReadTx int // read transactions open now

	FreePages     int // pages on the freelist
	PendingPages  int // pages freed but still held by an open read transaction
	FreeAlloc     int // bytes in free pages
	FreelistInuse int // bytes the freelist itself takes

	// Totals over the write transactions.
	PageCount     int64 // pages allocated
	PageAlloc     int64 // bytes allocated for pages
	Cursors       int64 // cursors created
	Nodes         int64 // nodes allocated
	NodeDerefs    int64 // node dereferences
	Rebalances    int64 // node rebalances
	RebalanceTime time.Duration
	Splits        int64 // nodes split
	Spills        int64 // nodes spilled
	SpillTime     time.Duration
	Writes        int64         // page writes
	WriteTime     time.Duration // time spent writing to disk
}

// Stats returns the database file's statistics.
func (db *DB) Stats() (Stats, error) { return db.backend.Stats() }
