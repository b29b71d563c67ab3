package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"maps"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tiaojie/internal/mediation"
)

// chained is an audit entry as stored: the entry and its link in the chain.
// Hash is SHA-256 over the previous entry's hash and the entry's canonical
// encoding, so that altering, removing or reordering entries breaks the chain.
type chained struct {
	Entry mediation.AuditEntry `json:"entry"`
	Prev  string               `json:"prev"`
	Hash  string               `json:"hash"`
}

// Head is the newest link of the audit chain.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// linkHash is the hash of an entry linked after prev. The canonical encoding is
// the codec's JSON: fields in declaration order, map keys sorted, times in UTC.
func linkHash(prev string, e *mediation.AuditEntry) (string, error) {
	b, err := encode(e)
	if err != nil {
		return "", err
	}
	return hashLink(prev, b), nil
}

// hashLink is linkHash of the entry whose canonical encoding is b.
func hashLink(prev string, b []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// encodeChained is encode(&chained{Entry: e, Prev: prev, Hash: hash}) for the
// entry whose canonical encoding is entry, put together from it: the entry is
// encoded once for its hash and its record. prev and hash are hexadecimal (or
// empty), which JSON takes as they are.
func encodeChained(entry []byte, prev, hash string) []byte {
	b := make([]byte, 0, len(entry)+len(prev)+len(hash)+len(`{"entry":,"prev":"","hash":""}`))
	b = append(b, `{"entry":`...)
	b = append(b, entry...)
	b = append(b, `,"prev":"`...)
	b = append(b, prev...)
	b = append(b, `","hash":"`...)
	b = append(b, hash...)
	return append(b, `"}`...)
}

// lastHead is the audit head most recently decoded or written, with its
// stored bytes: a transaction that finds the same bytes (the next mutation of
// a group, after the one that wrote them) takes it without decoding them.
var lastHead atomic.Pointer[storedHead]

type storedHead struct {
	raw  []byte
	head Head
}

func auditHead(tx Tx) (Head, error) {
	var h Head
	b := tx.Bucket(bucketMeta).Get(metaAuditHead)
	if b == nil {
		return h, nil
	}
	if last := lastHead.Load(); last != nil && bytes.Equal(last.raw, b) {
		return last.head, nil
	}
	if err := decode(b, &h); err != nil {
		return h, err
	}
	lastHead.Store(&storedHead{raw: bytes.Clone(b), head: h})
	return h, nil
}

// appendAudit links the entry into the chain inside the caller's
// transaction. It is commit's: a change's audit entries are written with the
// rest of the change.
func appendAudit(tx Tx, e mediation.AuditEntry) error {
	head, err := auditHead(tx)
	if err != nil {
		return err
	}
	seq := e.Seq
	switch {
	case seq == 0:
		id, err := auditRecords.nextID(tx)
		if err != nil {
			return err
		}
		seq = uint64(id)
		e.Seq = seq
	case seq != head.Seq+1:
		// Taken earlier in the same mutation (submissionID): it can only
		// be the chain's next.
		return fmt.Errorf("store: audit entry %d logged out of turn: the chain is at %d", seq, head.Seq)
	}
	e.At = e.At.UTC()
	entry, err := encode(&e)
	if err != nil {
		return err
	}
	hash := hashLink(head.Hash, entry)
	ch := &chained{Entry: e, Prev: head.Hash, Hash: hash}
	if err := auditRecords.kind.storeEncoded(tx, itob(seq), ch, encodeChained(entry, head.Hash, hash)); err != nil {
		return err
	}
	next := Head{Seq: seq, Hash: hash}
	b, err := encode(next)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketMeta).Put(metaAuditHead, b); err != nil {
		return err
	}
	lastHead.Store(&storedHead{raw: b, head: next})
	return nil
}

// AuditHead returns the newest link of the audit chain.
func (db *DB) AuditHead() (Head, error) {
	var h Head
	err := db.view(func(tx Tx) (err error) { h, err = auditHead(tx); return })
	return h, err
}

// RecordRead queues the audit entry of a read. Reads are written in groups
// about once a ReadAuditDelay, so a read never waits on a disk flush; a crash
// can lose at most that last group, never a change.
func (db *DB) RecordRead(e mediation.AuditEntry) {
	if e.At.IsZero() {
		e.At = db.now()
	}
	db.readsMu.RLock()
	defer db.readsMu.RUnlock()
	if !db.closed {
		db.reads <- e
	}
}

// FlushReads writes every queued read audit entry now.
func (db *DB) FlushReads() {
	db.readsMu.RLock()
	defer db.readsMu.RUnlock()
	if db.closed {
		return
	}
	done := make(chan struct{})
	db.flush <- done
	<-done
}

// gatherReads makes one entry of the identical reads, within one flush, of
// the same thing by the same principal (the same submissions shown): its
// time is the first read's and its detail says how many reads it stands
// for. A principal reading a list over and over adds one link to the chain
// a flush, not one a read; a read that showed something else stays an entry
// of its own.
func gatherReads(reads []mediation.AuditEntry) []mediation.AuditEntry {
	type what struct {
		caseID                        mediation.ID
		actor, action, object, detail string
	}
	var out []mediation.AuditEntry
	at := map[what]int{}
	count := map[int]int{}
	for _, e := range reads {
		detail, _ := encode(e.Detail) // a map of strings always encodes
		w := what{e.CaseID, e.Actor, e.Action, e.Object, string(detail)}
		i, seen := at[w]
		if !seen {
			i = len(out)
			at[w] = i
			out = append(out, e)
		}
		count[i]++
	}
	for i, n := range count {
		if n > 1 {
			out[i].Detail = maps.Clone(out[i].Detail)
			if out[i].Detail == nil {
				out[i].Detail = map[string]string{}
			}
			out[i].Detail["reads"] = strconv.Itoa(n)
		}
	}
	return out
}

func (db *DB) writeReads(delay time.Duration) {
	defer close(db.readsDone)
	var pending []mediation.AuditEntry
	tick := time.NewTicker(delay)
	defer tick.Stop()
	write := func() {
		if len(pending) == 0 {
			return
		}
		n, _ := db.writeReadEntries(pending)
		// What was not written stays pending and is tried again at the next tick.
		pending = append(pending[:0], pending[n:]...)
	}
	for {
		select {
		case e, ok := <-db.reads:
			if !ok {
				write()
				return
			}
			pending = append(pending, e)
			if len(pending) >= 1024 {
				write()
			}
		case <-tick.C:
			write()
		case done := <-db.flush:
			for drained := false; !drained; {
				select {
				case e := <-db.reads:
					pending = append(pending, e)
				default:
					drained = true
				}
			}
			write()
			close(done)
		}
	}
}

// CaseAudit lists a case's audit entries in order, starting after seq cursor.
func (db *DB) CaseAudit(caseID mediation.ID, cursor uint64, n int) ([]mediation.AuditEntry, uint64, error) {
	n = limit(n)
	var out []mediation.AuditEntry
	var next uint64
	err := db.view(func(tx Tx) error {
		out, next = nil, 0
		for ch, err := range caseEntries(tx, caseID, cursor, false) {
			if err != nil {
				return err
			}
			if len(out) == n {
				next = out[len(out)-1].Seq
				break
			}
			out = append(out, ch.Entry)
		}
		return nil
	})
	return out, next, err
}

// LatestCaseAudit lists a case's newest n audit entries, newest first, read
// backwards through the case's indexes so that the cost does not grow with
// the trail; more says whether older ones exist.
func (db *DB) LatestCaseAudit(caseID mediation.ID, n int) (out []mediation.AuditEntry, more bool, err error) {
	n = limit(n)
	err = db.view(func(tx Tx) error {
		out, more = nil, false
		for ch, err := range caseEntries(tx, caseID, 0, true) {
			if err != nil {
				return err
			}
			if len(out) == n {
				more = true
				break
			}
			out = append(out, ch.Entry)
		}
		return nil
	})
	return out, more, err
}

// caseEntries yields the audit entries about a case by their sequence
// numbers: ascending after cursor, or backwards from the newest. They are
// those audit_by_case lists, merged with the creations of the case's
// submissions, which submissions_by_case lists (a submission's ID is its
// creation's number, createsItsSubmission). A submission made before that
// rule has its creation in audit_by_case, and the entry its ID numbers is
// another's, passed over.
func caseEntries(tx Tx, caseID mediation.ID, cursor uint64, backwards bool) iter.Seq2[*chained, error] {
	prefix := idKey(caseID)
	walk := func(bucket []byte) iter.Seq[mediation.ID] {
		if backwards {
			return descending(tx.Bucket(bucket), prefix, 0)
		}
		return ascending(tx.Bucket(bucket), prefix, mediation.ID(cursor))
	}
	before := func(a, b mediation.ID) bool { return a < b != backwards }
	return func(yield func(*chained, error) bool) {
		// own: a submission's ID that audit_by_case does not list, the
		// number of its creation or (made before schema 5) of another
		// entry, passed over.
		for seq, own := range union(walk(auditByCase.bucket), walk(submissionsByCase.bucket), before) {
			ch, err := auditRecords.get(tx, itob(uint64(seq)))
			if own && (mediation.ErrorCode(err) == mediation.ENOTFOUND ||
				err == nil && !createsItsSubmission(&ch.Entry)) {
				continue
			}
			if !yield(ch, err) || err != nil {
				return
			}
		}
	}
}

// createsItsSubmission says whether e creates the submission whose ID is e's
// own sequence number (submissionID). The creation of a submission made
// before that rule (schema version 5) took a number larger than the
// submission's ID: it is listed in audit_by_case like any other entry.
func createsItsSubmission(e *mediation.AuditEntry) bool {
	if e.Action != mediation.AuditSubmissionCreate {
		return false
	}
	id, ok := strings.CutPrefix(e.Object, "submission:")
	n, err := strconv.ParseUint(id, 10, 64)
	return ok && err == nil && n == e.Seq
}

// VerifyAudit walks the whole chain and reports the first broken link. When
// since is not empty, the chain must pass through that earlier head, which
// proves the log has only grown since it was taken.
func (db *DB) VerifyAudit(since *Head) (Head, error) {
	var head Head
	err := db.view(func(tx Tx) error {
		stored, err := auditHead(tx)
		if err != nil {
			return err
		}
		prev, want := "", uint64(1)
		if since != nil && since.Seq == 0 && since.Hash != "" {
			return fmt.Errorf("audit head 0 has no hash; %q was not handed over by this chain", since.Hash)
		}
		sawSince := since == nil || since.Seq == 0
		err = tx.Bucket(auditRecords.bucket).ForEach(func(k, v []byte) error {
			var ch chained
			if err := decode(v, &ch); err != nil {
				return err
			}
			seq := btoi(k)
			if seq != want || ch.Entry.Seq != seq {
				return fmt.Errorf("audit entry %d: expected entry %d (an entry was removed or reordered)", seq, want)
			}
			if ch.Prev != prev {
				return fmt.Errorf("audit entry %d: does not link to the entry before it", seq)
			}
			hash, err := linkHash(prev, &ch.Entry)
			if err != nil {
				return err
			}
			if hash != ch.Hash {
				return fmt.Errorf("audit entry %d: its content does not match its hash (it was altered)", seq)
			}
			if since != nil && seq == since.Seq {
				if hash != since.Hash {
					return fmt.Errorf("audit entry %d: differs from the head handed over earlier", seq)
				}
				sawSince = true
			}
			prev, want = hash, want+1
			head = Head{Seq: seq, Hash: hash}
			return nil
		})
		if err != nil {
			return err
		}
		if head != stored {
			return fmt.Errorf("audit head is entry %d, but the chain ends at entry %d (entries were removed at the end)", stored.Seq, head.Seq)
		}
		if !sawSince {
			return fmt.Errorf("audit chain does not reach entry %d of the earlier head", since.Seq)
		}
		return nil
	})
	return head, err
}

// RecordNow writes an audit entry at once, in a transaction of its own: for a
// read so weighty (a copy of the whole database) that it must be on record
// before it happens, whatever happens next.
func (db *DB) RecordNow(e mediation.AuditEntry) error {
	if e.At.IsZero() {
		e.At = db.now()
	}
	return db.update(func(tx Tx) error { return commit(tx, &change{audit: []mediation.AuditEntry{e}}) })
}

// writeReadEntries writes read entries in one transaction, or, on a backend
// that cannot take them in one (etcd's limits), in halves, in order. It says
// how many of the first entries it wrote.
func (db *DB) writeReadEntries(entries []mediation.AuditEntry) (int, error) {
	err := db.backend.Update(func(tx Tx) error {
		return commit(tx, &change{audit: gatherReads(entries)})
	})
	if errors.Is(err, ErrTxnTooLarge) && len(entries) > 1 {
		half := len(entries) / 2
		if n, err := db.writeReadEntries(entries[:half]); err != nil {
			return n, err
		}
		n, err := db.writeReadEntries(entries[half:])
		return half + n, err
	}
	if err != nil {
		return 0, err
	}
	return len(entries), nil
}
