package store

import (
	"bytes"
	"time"

	"tiaojie/internal/mediation"
)

// A seen-marker remembers the newest submission a mediator has seen on a
// case, so that the case list can say how many came in since. It is a
// convenience for the reader, not part of the case file, and is not audited.

// RecordSeen notes that the user has now seen the case's submissions up to
// and including lastSeen. When that is already noted it writes nothing, so
// that reading a case again costs no write.
func (db *DB) RecordSeen(user, caseID, lastSeen mediation.ID) error {
	var noted bool
	err := db.view(func(tx Tx) error {
		last, err := seenRecords.get(tx, pair(user, caseID))
		noted = err == nil && *last == lastSeen
		return nil
	})
	if err != nil || noted {
		return err
	}
	return db.update(func(tx Tx) error {
		var ch change
		seenRecords.put(&ch, pair(user, caseID), &lastSeen)
		return commit(tx, &ch)
	})
}

// unseen counts the case's submissions the user has not seen yet.
func unseen(tx Tx, user, caseID mediation.ID) (int, error) {
	var seen mediation.ID
	if last, err := seenRecords.get(tx, pair(user, caseID)); err == nil {
		seen = *last
	} else if mediation.ErrorCode(err) != mediation.ENOTFOUND {
		return 0, err
	}
	prefix := idKey(caseID)
	c := tx.Bucket(submissionsByCase.bucket).Cursor()
	n := 0
	for k, _ := c.Seek(pair(caseID, seen+1)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n, nil
}

// lastSubmissionAt is when the case's newest submission came in, or the
// zero time when it has none.
func lastSubmissionAt(tx Tx, caseID mediation.ID) (time.Time, error) {
	for id := range descending(tx.Bucket(submissionsByCase.bucket), idKey(caseID), 0) {
		s, err := getSubmission(tx, id)
		if err != nil {
			return time.Time{}, err
		}
		return s.CreatedAt, nil
	}
	return time.Time{}, nil
}

// Activity is, for each case, how many of its submissions the user has not
// seen yet and when its newest came in: the case list's, in one read
// transaction for the whole list.
func (db *DB) Activity(user mediation.ID, cases []mediation.ID) (unseenOf []int, lastOf []time.Time, err error) {
	unseenOf, lastOf = make([]int, len(cases)), make([]time.Time, len(cases))
	err = db.view(func(tx Tx) error {
		for i, id := range cases {
			if unseenOf[i], err = unseen(tx, user, id); err != nil {
				return err
			}
			if lastOf[i], err = lastSubmissionAt(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	return unseenOf, lastOf, err
}
