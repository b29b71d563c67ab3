package store

import "tiaojie/internal/mediation"

// A seen-marker remembers the newest submission a mediator has seen on a
// case, so that the case list can say how many came in since. It is a
// convenience for the reader, not part of the case file, and is not audited.

// RecordSeen notes that the user has now seen the case's submissions up to
// and including lastSeen. When that is already noted it writes nothing, so
// that reading a case again costs no write.
func (db *DB) RecordSeen(user, caseID, lastSeen mediation.ID) error {
	var noted bool
	err := db.view(func(tx Tx) error {
		seen, err := seenBy(tx, user, caseID)
		noted = err == nil && seen == lastSeen // none is 0: nothing seen
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

// seenBy is the last submission the user has seen on the case (0: none).
func seenBy(tx Tx, user, caseID mediation.ID) (mediation.ID, error) {
	v := tx.Bucket(seenRecords.bucket).Get(pair(user, caseID))
	if v == nil {
		return 0, nil
	}
	r, err := seenRecords.decode(v)
	if err != nil {
		return 0, err
	}
	return *r.(*mediation.ID), nil
}
