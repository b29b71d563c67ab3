package store

import (
	"bytes"
	"fmt"

	"tiaojie/internal/mediation"
)

// upgradeSubmissionAuthors brings a file from schema version 3 to 4: every
// entry of submissions_by_case carries the author of its submission, and
// submissions_by_party, which those values replace, is deleted. On a backend
// that limits a transaction (etcd) the entries were given their authors in
// parts before (fillAuthorsInParts), and this step deletes the old index.
func upgradeSubmissionAuthors(tx Tx) error {
	if !partsNeeded(tx) {
		for after := []byte(nil); ; {
			last, err := fillAuthors(tx, after, 10000)
			if err != nil {
				return err
			}
			if last == nil {
				break
			}
			after = last
		}
	}
	if tx.Bucket([]byte("submissions_by_party")) == nil {
		return nil
	}
	return tx.DeleteBucket([]byte("submissions_by_party"))
}

// fillAuthors gives at most most entries of submissions_by_case after the
// key after (nil: from the first) that carry no value the author of their
// submission, and returns the last key it walked, nil once it reached the
// end. An entry whose submission is missing is left as it is, for tiaojie
// check to report.
func fillAuthors(tx Tx, after []byte, most int) (last []byte, err error) {
	byCase := tx.Bucket([]byte("submissions_by_case"))
	subs := tx.Bucket([]byte("submissions"))
	// The values are put once the walk is done: a bucket is not written
	// under its cursor.
	var keys, authors [][]byte
	var walked []byte
	c := byCase.Cursor()
	k, v := c.First()
	if after != nil {
		if k, v = c.Seek(after); bytes.Equal(k, after) {
			k, v = c.Next()
		}
	}
	for ; k != nil && len(keys) < most; k, v = c.Next() {
		walked = k
		if len(v) != 0 || len(k) != 16 {
			continue
		}
		rec := subs.Get(k[8:])
		if rec == nil {
			continue
		}
		var s struct {
			PartyID mediation.ID `json:"party_id"`
		}
		if err := decode(rec, &s); err != nil {
			return nil, fmt.Errorf("submission [%x]: %w", k[8:], err)
		}
		keys, authors = append(keys, bytes.Clone(k)), append(authors, idKey(s.PartyID))
	}
	if k != nil {
		last = bytes.Clone(walked)
	}
	for i, key := range keys {
		if err := byCase.Put(key, authors[i]); err != nil {
			return nil, err
		}
	}
	return last, tx.Err()
}

// fillAuthorsInParts gives the entries of submissions_by_case their authors
// on a backend that limits a transaction, in as many transactions as it
// takes, before Open upgrades a store older than schema version 4: each
// entry is read, and filled, once, so that a start cut short goes on where
// it stopped. The servers of a store being upgraded are stopped first: one
// still running the older version would go on adding entries without.
func fillAuthorsInParts(b Backend) error {
	if !b.Limits().bound() {
		return nil // the upgrade fills them
	}
	older := false
	err := b.View(func(tx Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil && tx.Bucket([]byte("submissions_by_case")) != nil {
			v := meta.Get(metaSchema)
			older = len(v) == 8 && btoi(v) < 4
		}
		return tx.Err()
	})
	if err != nil || !older {
		return err
	}
	// Each entry filled is one read compared and one write.
	most := max(1, b.Limits().Ops/2-8)
	for after := []byte(nil); ; {
		var last []byte
		err := b.Update(func(tx Tx) (err error) {
			last, err = fillAuthors(tx, after, most)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: upgrade schema from 3: %w", err)
		}
		if last == nil {
			return nil
		}
		after = last
	}
}
