package store

import (
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

// activity counts the case's submissions the user has not seen yet and
// says when the newest came in (the zero time when it has none), in one
// walk of the case's submissions, newest first, down to the one seen last.
func activity(tx Tx, user, caseID mediation.ID) (int, time.Time, error) {
	var seen mediation.ID
	if v := tx.Bucket(seenRecords.bucket).Get(pair(user, caseID)); v != nil {
		r, err := seenRecords.decode(v)
		if err != nil {
			return 0, time.Time{}, err
		}
		seen = *r.(*mediation.ID)
	}
	n, newest := 0, mediation.ID(0)
	for id := range descending(tx.Bucket(submissionsByCase.bucket), idKey(caseID), 0) {
		if newest == 0 {
			newest = id
		}
		if id <= seen {
			break
		}
		n++
	}
	if newest == 0 {
		return 0, time.Time{}, nil
	}
	s, err := getSubmission(tx, newest)
	if err != nil {
		return 0, time.Time{}, err
	}
	return n, s.CreatedAt, nil
}

// Activity is, for each case, how many of its submissions the user has not
// seen yet and when its newest came in: the case list's, in one read
// transaction for the whole list.
func (db *DB) Activity(user mediation.ID, cases []mediation.ID) (unseenOf []int, lastOf []time.Time, err error) {
	unseenOf, lastOf = make([]int, len(cases)), make([]time.Time, len(cases))
	err = db.view(func(tx Tx) error {
		for i, id := range cases {
			if unseenOf[i], lastOf[i], err = activity(tx, user, id); err != nil {
				return err
			}
		}
		return nil
	})
	return unseenOf, lastOf, err
}
