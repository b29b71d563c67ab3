package store

import (
	"fmt"
	"slices"

	"tiaojie/internal/mediation"
)

// A Reader is one read transaction that an operation makes its several
// reads in (the case it decides on, then the items it lists), so that a
// request begins one transaction and not one a read, and every read sees the
// same revision. It is valid only inside the function given to Read.
type Reader struct{ tx Tx }

// Read runs fn with a Reader on one read transaction.
func (db *DB) Read(fn func(r *Reader) error) error {
	return db.view(func(tx Tx) error {
		if err := fn(&Reader{tx: tx}); err != nil {
			return err
		}
		return tx.Err()
	})
}

// CaseExists reports whether the case is stored, without decoding it: for a
// decision that needs nothing of the case but its ID.
func (r *Reader) CaseExists(id mediation.ID) bool {
	return id != 0 && r.tx.Bucket(caseRecords.bucket).Get(idKey(id)) != nil
}

// CaseStatus returns the status of the case with the given ID, or
// ENOTFOUND, decoding nothing else of it: for a decision that needs the
// case's ID and whether it is open.
func (r *Reader) CaseStatus(id mediation.ID) (mediation.Status, error) {
	return getCaseStatus(r.tx, id)
}

// PartyCase returns the case of the party with the given ID, or ENOTFOUND,
// decoding nothing else of it.
func (r *Reader) PartyCase(id mediation.ID) (mediation.ID, error) { return partyCase(r.tx, id) }

// Case returns the case with the given ID, or ENOTFOUND.
func (r *Reader) Case(id mediation.ID) (*mediation.Case, error) { return getCase(r.tx, id) }

// Submission returns the submission with the given ID, or ENOTFOUND.
func (r *Reader) Submission(id mediation.ID) (*mediation.Submission, error) {
	return getSubmission(r.tx, id)
}

// SubmissionsJSON lists the submissions f selects as DB.SubmissionsJSON
// does, each the stored JSON, in this transaction. The stored bytes are
// copied into one buffer, so that the page costs one allocation and not one
// an item. On a database that keeps its cases' activity, the page is kept
// too, until a submission of the case is stored again (activity.go). f's
// author is a party of f's case, as every party's submissions are of its
// own case.
func (r *Reader) SubmissionsJSON(f SubmissionFilter) (raws [][]byte, ids []mediation.ID, next mediation.ID, err error) {
	f.Limit = limit(f.Limit)
	t := activityOf(r.tx.Backend())
	k := pageKey{author: f.Author, released: f.Released, cursor: f.Cursor, limit: f.Limit}
	if t != nil {
		if raws, ids, next, ok := t.page(r.tx.Revision(), f.Case, k); ok {
			return raws, ids, next, nil
		}
	}
	p, err := submissionsPage(r.tx, f)
	if err != nil {
		return nil, nil, 0, err
	}
	if t != nil {
		t.keepPage(r.tx.Revision(), f.Case, k, p)
	}
	return slices.Clone(p.raws), slices.Clone(p.ids), p.next, nil
}

// submissionsPage is the page f selects (its limit set), read in tx.
func submissionsPage(tx Tx, f SubmissionFilter) (*keptPage, error) {
	records := tx.Bucket(submissionRecords.bucket)
	var (
		vals [][]byte
		p    keptPage
	)
	for id := range selected(tx, f) {
		if len(p.ids) == f.Limit {
			p.next = p.ids[len(p.ids)-1]
			break
		}
		v := records.Get(idKey(id))
		if v == nil {
			return nil, fmt.Errorf("store: submission %d is indexed but not stored", id)
		}
		vals, p.ids = append(vals, v), append(p.ids, id)
		p.size += len(v)
	}
	buf := make([]byte, 0, p.size)
	p.raws = make([][]byte, len(vals))
	for i, v := range vals {
		start := len(buf)
		buf = append(buf, v...)
		p.raws[i] = buf[start:len(buf):len(buf)]
	}
	p.size += 24*len(p.raws) + 8*len(p.ids) // the slices too
	return &p, tx.Err()
}
