package store

import (
	"bytes"
	"iter"

	"tiaojie/internal/mediation"
)

// CreateSubmission stores a new submission and sets its ID. The author must be
// a party of the case, and a superseded submission must be the same party's
// in the same case; otherwise it returns EINVALID naming the field. A closed
// or withdrawn case takes no submissions (ECONFLICT).
func (db *DB) CreateSubmission(s *mediation.Submission, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		status, err := getCaseStatus(tx, s.CaseID)
		if err != nil {
			return err
		}
		if err := status.AcceptsSubmissions(); err != nil {
			return err
		}
		author, err := partyCase(tx, s.PartyID)
		if err != nil || author != s.CaseID {
			return mediation.Invalid("party_id", "validation.party", "")
		}
		if s.Supersedes != 0 {
			old, err := getSubmission(tx, s.Supersedes)
			if err != nil || old.CaseID != s.CaseID || old.PartyID != s.PartyID {
				return mediation.Invalid("supersedes", "validation.supersedes", "")
			}
		}
		id, err := submissionID(tx)
		if err != nil {
			return err
		}
		s.ID = id
		detail := map[string]string{"kind": string(s.Kind), "party": s.PartyID.String()}
		if s.Supersedes != 0 {
			detail["supersedes"] = s.Supersedes.String()
		}
		var ch change
		submissionRecords.put(&ch, idKey(id), s)
		ch.log(mediation.AuditEntry{Seq: uint64(id), CaseID: s.CaseID, At: s.CreatedAt, Actor: actor,
			Action: mediation.AuditSubmissionCreate, Object: "submission:" + id.String(), Detail: detail})
		return commit(tx, &ch)
	}, opts...)
}

// submissionID takes the ID of a new submission: the sequence number its
// creation entry is to take in the audit chain, so that the entry needs no
// entry of its own in audit_by_case (submissions_by_case lists it; see
// indexedByCase) and a create puts one page fewer into its commit, a page of
// its case's among thousands. The submissions' own sequence is kept at the
// newest ID, so that it never hands out one taken.
func submissionID(tx Tx) (mediation.ID, error) {
	id, err := auditRecords.nextID(tx)
	if err != nil {
		return 0, err
	}
	return id, tx.Bucket(submissionRecords.bucket).SetSequence(uint64(id))
}

// getCaseStatus is the status of the stored case, or ENOTFOUND: what adding
// a submission needs to know of the case, inside the write transaction. The
// case is read from the decoded cases kept (decoded.go), not decoded again
// for every submission: decoding it was a fifth of a submission's work in
// the committer, and as much again in the read before it.
func getCaseStatus(tx Tx, id mediation.ID) (mediation.Status, error) {
	v := tx.Bucket(caseRecords.bucket).Get(idKey(id))
	if v == nil {
		return "", mediation.NotFound()
	}
	c, err := decodedCases.shared(v)
	if err != nil {
		return "", err
	}
	return c.Status, nil
}

// partyCase is the case of the stored party, or ENOTFOUND, read as
// getCaseStatus reads a case.
func partyCase(tx Tx, id mediation.ID) (mediation.ID, error) {
	v := tx.Bucket(partyRecords.bucket).Get(idKey(id))
	if v == nil {
		return 0, mediation.NotFound()
	}
	p, err := decodedParties.shared(v)
	if err != nil {
		return 0, err
	}
	return p.CaseID, nil
}

func getSubmission(tx Tx, id mediation.ID) (*mediation.Submission, error) {
	return submissionRecords.get(tx, idKey(id))
}

// Submission returns the submission with the given ID, or ENOTFOUND. Reading
// it is not audited here: the caller records the read once it is shown.
func (db *DB) Submission(id mediation.ID) (*mediation.Submission, error) {
	var s *mediation.Submission
	err := db.view(func(tx Tx) (err error) { s, err = getSubmission(tx, id); return })
	return s, err
}

// ReleaseSubmission makes a submission readable by every party of its case,
// recording the author's consent. Releasing a released submission changes
// nothing and writes no audit entry.
func (db *DB) ReleaseSubmission(id mediation.ID, actor string) (*mediation.Submission, error) {
	var out *mediation.Submission
	err := db.update(func(tx Tx) error {
		s, err := getSubmission(tx, id)
		if err != nil {
			return err
		}
		out = s
		if !s.Release(db.now()) {
			return nil
		}
		var ch change
		submissionRecords.put(&ch, idKey(id), s)
		ch.log(mediation.AuditEntry{CaseID: s.CaseID, At: *s.ReleasedAt, Actor: actor,
			Action: mediation.AuditSubmissionRelease, Object: "submission:" + id.String()})
		return commit(tx, &ch)
	})
	return out, err
}

// SubmissionFilter selects submissions of a case to list. Only the records
// it selects are read: with Author or Released set, other parties' private
// submissions are never loaded.
type SubmissionFilter struct {
	Case mediation.ID
	// Author lists that party's own submissions, Released those its case's
	// parties released to all; both, the union; neither, every submission of
	// the case.
	Author   mediation.ID
	Released bool
	Cursor   mediation.ID // list submissions with larger IDs (oldest first)
	Limit    int
}

// Submissions lists submissions oldest first; next is the cursor of the
// following page, or zero at the end.
func (db *DB) Submissions(f SubmissionFilter) (out []mediation.Submission, next mediation.ID, err error) {
	raws, _, next, err := db.SubmissionsJSON(f)
	if err != nil {
		return nil, 0, err
	}
	out = make([]mediation.Submission, len(raws))
	for i, raw := range raws {
		if err := decode(raw, &out[i]); err != nil {
			return nil, 0, err
		}
	}
	return out, next, nil
}

// SubmissionsJSON lists submissions as Submissions does, each as its stored
// JSON (the record's own encoding, which is what the API answers), with its
// ID, so that a list is answered without decoding and encoding it again.
func (db *DB) SubmissionsJSON(f SubmissionFilter) (raws [][]byte, ids []mediation.ID, next mediation.ID, err error) {
	err = db.Read(func(r *Reader) (err error) {
		raws, ids, next, err = r.SubmissionsJSON(f)
		return err
	})
	return raws, ids, next, err
}

// selected yields the IDs of the submissions f selects, ascending, after its
// cursor.
func selected(tx Tx, f SubmissionFilter) iter.Seq[mediation.ID] {
	byCase := tx.Bucket(submissionsByCase.bucket)
	own := ascendingWhere(byCase, idKey(f.Case), f.Cursor, authoredBy(f.Author))
	released := ascending(tx.Bucket(submissionsReleased.bucket), idKey(f.Case), f.Cursor)
	switch {
	case f.Author != 0 && f.Released:
		return merged(own, released)
	case f.Author != 0:
		return own
	case f.Released:
		return released
	}
	return ascending(byCase, idKey(f.Case), f.Cursor)
}

// authoredBy accepts the entries of submissions_by_case that carry party as
// their author.
func authoredBy(party mediation.ID) func(v []byte) bool {
	author := idKey(party)
	return func(v []byte) bool { return bytes.Equal(v, author) }
}

// ascending yields the IDs that end the keys under prefix, smallest first,
// starting after cursor.
func ascending(b Bucket, prefix []byte, cursor mediation.ID) iter.Seq[mediation.ID] {
	return ascendingWhere(b, prefix, cursor, nil)
}

// ascendingWhere is ascending over the entries whose value keep accepts
// (all of them when keep is nil).
func ascendingWhere(b Bucket, prefix []byte, cursor mediation.ID, keep func(v []byte) bool) iter.Seq[mediation.ID] {
	return func(yield func(mediation.ID) bool) {
		c := b.Cursor()
		for k, v := c.Seek(append(bytes.Clone(prefix), itob(uint64(cursor)+1)...)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if keep != nil && !keep(v) {
				continue
			}
			if !yield(mediation.ID(btoi(k[len(prefix):]))) {
				return
			}
		}
	}
}

// merged yields the union of two ascending sequences, ascending, once each,
// reading each only as far as its consumer reads: a page of a party's own
// and the released submissions of a case costs the page, not the case.
func merged(a, b iter.Seq[mediation.ID]) iter.Seq[mediation.ID] {
	return func(yield func(mediation.ID) bool) {
		for id := range union(a, b, func(x, y mediation.ID) bool { return x < y }) {
			if !yield(id) {
				return
			}
		}
	}
}

// union yields, once each and in the order before gives, the IDs of a and
// b, two sequences in that order, each with whether b alone holds it. It
// reads each sequence only as far as its consumer reads.
func union(a, b iter.Seq[mediation.ID], before func(x, y mediation.ID) bool) iter.Seq2[mediation.ID, bool] {
	return func(yield func(mediation.ID, bool) bool) {
		nextA, stopA := iter.Pull(a)
		defer stopA()
		nextB, stopB := iter.Pull(b)
		defer stopB()
		x, okA := nextA()
		y, okB := nextB()
		for okA || okB {
			id, onlyB := x, false
			switch {
			case !okB || okA && before(x, y):
				x, okA = nextA()
			case !okA || before(y, x):
				id, onlyB = y, true
				y, okB = nextB()
			default: // the same ID in both
				x, okA = nextA()
				y, okB = nextB()
			}
			if !yield(id, onlyB) {
				return
			}
		}
	}
}
