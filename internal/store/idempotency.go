package store

import (
	"bytes"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// Option changes how one mutation is carried out.
type Option func(*options)

type options struct {
	key, request []byte
	// override is the justification of an assignment despite a conflict
	// of interest (Overriding).
	override string
}

// IdempotencyKey makes the mutation happen at most once for key. The key and
// the record of what the mutation made are written in the mutation's own
// transaction, so a client that lost the answer (a crash, a dropped
// connection) can send the same request again: it gets *Replayed naming what
// the first one made, never a second record. The same key with another
// request is ECONFLICT.
func IdempotencyKey(key, request []byte) Option {
	return func(o *options) { o.key, o.request = key, request }
}

// Replayed is returned, as an error, instead of carrying out a keyed mutation
// again. Object names what the first one made, as its audit entry does
// ("case:42").
type Replayed struct {
	Object string    `json:"object"`
	At     time.Time `json:"at"`
}

func (r *Replayed) Error() string { return "store: already done as " + r.Object }

// ID is the ID of the object the first mutation made.
func (r *Replayed) ID() mediation.ID {
	_, id, _ := strings.Cut(r.Object, ":")
	n, _ := mediation.ParseID(id)
	return n
}

// idempotencyRecord is what a key remembers.
type idempotencyRecord struct {
	Request []byte `json:"request"`
	Replayed
}

// update runs one mutation through the group committer, so that concurrent
// writers share a commit. fn must be idempotent: it may run more than once.
func (db *DB) update(fn func(tx Tx) error, opts ...Option) error {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.key == nil {
		return db.batch(fn)
	}
	return db.batch(func(tx Tx) error {
		rec, err := idempotencyRecords.get(tx, o.key)
		switch {
		case err == nil:
			if !bytes.Equal(rec.Request, o.request) {
				return mediation.Errorf(mediation.ECONFLICT, "error.idempotency_mismatch")
			}
			return &rec.Replayed
		case mediation.ErrorCode(err) != mediation.ENOTFOUND:
			return err
		}
		before, err := auditHead(tx)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		// The first audit entry of the mutation names what it made.
		first, err := auditRecords.get(tx, itob(before.Seq+1))
		if mediation.ErrorCode(err) == mediation.ENOTFOUND {
			return nil // it changed nothing, so there is nothing to replay
		} else if err != nil {
			return err
		}
		var ch change
		idempotencyRecords.put(&ch, o.key, &idempotencyRecord{Request: o.request,
			Replayed: Replayed{Object: first.Entry.Object, At: first.Entry.At}})
		return commit(tx, &ch)
	})
}

// DeleteIdempotencyKeys forgets the keys of mutations made before t.
func (db *DB) DeleteIdempotencyKeys(before time.Time) (int, error) {
	return idempotencyRecords.deleteWhere(db, func(r *idempotencyRecord) bool { return r.At.Before(before) })
}
