package store

import (
	"bytes"

	"tiaojie/internal/mediation"
)

// IssueFeed stores f as its mediator's only calendar feed: the one before,
// if any, is deleted, so its address answers nothing from then on.
func (db *DB) IssueFeed(f *mediation.Feed, actor string) error {
	return db.update(func(tx Tx) error {
		if _, err := getUser(tx, f.UserID); err != nil {
			return err
		}
		var ch change
		if old := tx.Bucket(feedsByUser.bucket).Get(idKey(f.UserID)); old != nil {
			feedRecords.del(&ch, bytes.Clone(old))
		}
		feedRecords.put(&ch, f.TokenHash, f)
		ch.log(mediation.AuditEntry{At: f.CreatedAt, Actor: actor, Action: mediation.AuditFeedIssue,
			Object: "user:" + f.UserID.String()})
		return commit(tx, &ch)
	})
}

// Feed returns the feed whose token hashes to hash, or ENOTFOUND.
func (db *DB) Feed(hash []byte) (*mediation.Feed, error) {
	var f *mediation.Feed
	err := db.view(func(tx Tx) (err error) { f, err = feedRecords.get(tx, hash); return })
	return f, err
}
