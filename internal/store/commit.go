package store

import (
	"bytes"
	"errors"
	"fmt"

	"tiaojie/internal/mediation"
)

// A change is everything one mutation writes: its records (each with the
// index entries its kind's declarations derive from it), its audit entries
// and its statistics delta. commit writes all of it in the caller's
// transaction, so that no mutation can write one part and forget another,
// and after a crash either all of it is there or none.
type change struct {
	writes []write
	audit  []mediation.AuditEntry
	stats  statsDelta
}

// A write stores one record, or deletes it when record is nil.
type write struct {
	of     *kind
	key    []byte
	record any
}

// log adds an audit entry to the change. Its link, and its sequence number
// unless the mutation took that already (submissionID), are set when it is
// committed.
func (c *change) log(e mediation.AuditEntry) { c.audit = append(c.audit, e) }

// commit writes the change inside tx: every record (deleting the entries of
// its former version from each index and adding those of the new one), then
// the audit entries, linked in order into the chain, then the statistics
// delta (counters.go). It is the one path by which the store writes records.
func commit(tx Tx, c *change) error {
	if err := c.stats.before(tx, c.writes); err != nil {
		return err
	}
	for _, w := range c.writes {
		if err := w.of.store(tx, w.key, w.record); err != nil {
			return err
		}
	}
	for _, e := range c.audit {
		if err := appendAudit(tx, e); err != nil {
			return err
		}
	}
	return c.stats.apply(tx)
}

// put adds storing r at key to the change.
func (rs records[T]) put(c *change, key []byte, r *T) {
	c.writes = append(c.writes, write{of: rs.kind, key: key, record: r})
}

// del adds deleting the record at key (if there is one) to the change.
func (rs records[T]) del(c *change, key []byte) {
	c.writes = append(c.writes, write{of: rs.kind, key: key})
}

// deleteWhere deletes, in one transaction of its own, every record of the
// kind for which gone is true, and says how many (the sweeps of expired
// logins and idempotency keys). On a backend that limits a transaction
// (etcd), it deletes as many as fit in each of as many transactions as it
// takes.
func (rs records[T]) deleteWhere(db *DB, gone func(*T) bool) (int, error) {
	most := 0 // no limit
	if lim := db.backend.Limits(); lim.Ops > 0 {
		// Each delete reads the record and writes it and its entries.
		most = max(1, lim.Ops/(2*(2+len(rs.indexes))))
	}
	var total int
	for {
		var n int
		more := false
		err := db.backend.Update(func(tx Tx) error {
			var ch change
			n, more = 0, false
			err := tx.Bucket(rs.bucket).ForEach(func(k, v []byte) error {
				r, err := rs.decode(v)
				if err != nil {
					return fmt.Errorf("store: %s [%x]: %w", rs.bucket, k, err)
				}
				if gone(r.(*T)) {
					if most > 0 && len(ch.writes) == most {
						more = true
						return errEnough
					}
					rs.del(&ch, bytes.Clone(k))
				}
				return nil
			})
			if err != nil && err != errEnough {
				return err
			}
			n = len(ch.writes)
			return commit(tx, &ch)
		})
		if err != nil {
			return total, err
		}
		total += n
		if !more {
			return total, nil
		}
	}
}

// errEnough stops a ForEach that has found all it can take.
var errEnough = errors.New("store: enough")

// nextID takes the next ID of the kind's bucket.
func (k *kind) nextID(tx Tx) (mediation.ID, error) {
	n, err := tx.Bucket(k.bucket).NextSequence()
	return mediation.ID(n), err
}

// store writes record r at key (deletes it when r is nil) and brings every
// index of the kind from the entries of the record stored before to those of
// r. It is commit's, and only commit's, way to write a record.
func (k *kind) store(tx Tx, key []byte, r any) error { return k.storeEncoded(tx, key, r, nil) }

// storeEncoded is store with the record's encoding v made already (nil: store
// encodes it).
func (k *kind) storeEncoded(tx Tx, key []byte, r any, v []byte) error {
	b := tx.Bucket(k.bucket)
	if k.appends {
		b.Appending()
	}
	var old any
	if len(k.indexes) > 0 || k.observe != nil {
		if v := b.Get(key); v != nil {
			var err error
			if old, err = k.decode(v); err != nil {
				return fmt.Errorf("store: %s [%x]: %w", k.bucket, key, err)
			}
		}
	}
	for _, ix := range k.indexes {
		var was, is []entry
		if old != nil {
			was = ix.entries(key, old)
		}
		if r != nil {
			is = ix.entries(key, r)
		}
		if err := ix.move(tx.Bucket(ix.bucket), was, is); err != nil {
			return err
		}
	}
	if k.observe != nil {
		k.observe(tx, old, r)
	}
	if r == nil {
		if err := b.Delete(key); err != nil {
			return err
		}
		if k.memoized {
			return k.remembered(tx, key, nil)
		}
		return nil
	}
	if v == nil {
		var err error
		if v, err = k.encode(r); err != nil {
			return err
		}
	}
	if err := b.Put(key, v); err != nil {
		return err
	}
	if k.memoized {
		return k.remembered(tx, key, v)
	}
	return nil
}

// move brings the bucket b of the index from the entries was to is.
func (ix *index) move(b Bucket, was, is []entry) error {
	for _, e := range was {
		if e.in(is) {
			continue
		}
		// An entry whose value is a record's key names one record; when it
		// names another now, that record's entry is not this one's to
		// remove.
		if ix.points == inValue && !bytes.Equal(b.Get(e.key), e.value) {
			continue
		}
		if err := b.Delete(e.key); err != nil {
			return fmt.Errorf("store: index %s: %w", ix.bucket, err)
		}
	}
	for _, e := range is {
		if e.in(was) {
			continue
		}
		if err := b.Put(e.key, e.value); err != nil {
			return fmt.Errorf("store: index %s: %w", ix.bucket, err)
		}
	}
	return nil
}

func (e entry) in(es []entry) bool {
	for _, o := range es {
		if bytes.Equal(o.key, e.key) && bytes.Equal(o.value, e.value) {
			return true
		}
	}
	return false
}
