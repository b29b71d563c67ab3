package store

import (
	"bytes"
	"time"

	"tiaojie/internal/mediation"
)

// Login is a sign-in: a staff user's or a party's. Only a hash of the secret
// the cookie carries is stored.
type Login struct {
	ID         []byte       `json:"id"`
	SecretHash []byte       `json:"secret_hash"`
	UserID     mediation.ID `json:"user_id,omitempty"`
	PartyID    mediation.ID `json:"party_id,omitempty"`
	CaseID     mediation.ID `json:"case_id,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
	LastSeen   time.Time    `json:"last_seen"`
}

// CreateLogin stores a new login. audit, when set, is written with it.
func (db *DB) CreateLogin(l *Login, audit *mediation.AuditEntry) error {
	return db.update(func(tx Tx) error {
		var ch change
		loginRecords.put(&ch, l.ID, l)
		if audit != nil {
			ch.log(*audit)
		}
		return commit(tx, &ch)
	})
}

// Login returns the login with the given id, or ENOTFOUND.
func (db *DB) Login(id []byte) (*Login, error) {
	if l, found, ok := loginRecords.recall(db, id); ok {
		if !found {
			return nil, mediation.NotFound()
		}
		return l, nil
	}
	var l *Login
	err := db.view(func(tx Tx) (err error) { l, err = loginRecords.get(tx, id); return })
	return l, err
}

// TouchLogin records that the login was used at t.
func (db *DB) TouchLogin(id []byte, t time.Time) error {
	return db.update(func(tx Tx) error {
		l, err := loginRecords.get(tx, id)
		if err != nil {
			return nil // ended meanwhile: nothing to touch
		}
		l.LastSeen = t
		var ch change
		loginRecords.put(&ch, id, l)
		return commit(tx, &ch)
	})
}

// DeleteLogin ends a login (signs out). Ending an ended login does nothing.
func (db *DB) DeleteLogin(id []byte) error {
	return db.update(func(tx Tx) error {
		var ch change
		loginRecords.del(&ch, id)
		return commit(tx, &ch)
	})
}

// deletePartyLogins adds ending every login of a party to the change.
func deletePartyLogins(tx Tx, ch *change, party mediation.ID) {
	prefix := idKey(party)
	c := tx.Bucket(loginsByParty.bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		loginRecords.del(ch, bytes.Clone(k[len(prefix):]))
	}
}

// deleteUserLogins adds ending every login of a staff user but keep to the
// change. Staff logins have no index (there are few of them, and this runs
// only when an account is deactivated or its password changes), so it scans.
func deleteUserLogins(tx Tx, ch *change, user mediation.ID, keep []byte) error {
	return tx.Bucket(loginRecords.bucket).ForEach(func(k, v []byte) error {
		r, err := loginRecords.decode(v)
		if err != nil {
			return err
		}
		if r.(*Login).UserID == user && !bytes.Equal(k, keep) {
			loginRecords.del(ch, bytes.Clone(k))
		}
		return nil
	})
}

// DeleteExpiredLogins removes every login for which expired is true.
func (db *DB) DeleteExpiredLogins(expired func(*Login) bool) (int, error) {
	return loginRecords.deleteWhere(db, expired)
}
