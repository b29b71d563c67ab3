package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

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
	return db.update(func(tx *bolt.Tx) error {
		if err := put(tx, loginRecords.bucket, l.ID, l); err != nil {
			return err
		}
		if l.PartyID != 0 {
			key := append(itob(uint64(l.PartyID)), l.ID...)
			if err := tx.Bucket(loginsByParty.bucket).Put(key, nil); err != nil {
				return err
			}
		}
		if audit != nil {
			return appendAudit(tx, *audit)
		}
		return nil
	})
}

// Login returns the login with the given id, or ENOTFOUND.
func (db *DB) Login(id []byte) (*Login, error) {
	var l Login
	err := db.view(func(tx *bolt.Tx) error { return get(tx, loginRecords.bucket, id, &l) })
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// TouchLogin records that the login was used at t.
func (db *DB) TouchLogin(id []byte, t time.Time) error {
	return db.update(func(tx *bolt.Tx) error {
		var l Login
		if err := get(tx, loginRecords.bucket, id, &l); err != nil {
			return nil // ended meanwhile: nothing to touch
		}
		l.LastSeen = t
		return put(tx, loginRecords.bucket, id, &l)
	})
}

// DeleteLogin ends a login (signs out).
func (db *DB) DeleteLogin(id []byte) error {
	return db.update(func(tx *bolt.Tx) error { return deleteLogin(tx, id) })
}

func deleteLogin(tx *bolt.Tx, id []byte) error {
	var l Login
	if err := get(tx, loginRecords.bucket, id, &l); err != nil {
		return nil
	}
	if l.PartyID != 0 {
		if err := tx.Bucket(loginsByParty.bucket).Delete(append(itob(uint64(l.PartyID)), id...)); err != nil {
			return err
		}
	}
	return tx.Bucket(loginRecords.bucket).Delete(id)
}

// deletePartyLogins ends every login of a party, inside tx.
func deletePartyLogins(tx *bolt.Tx, party mediation.ID) error {
	prefix := itob(uint64(party))
	var ids [][]byte
	c := tx.Bucket(loginsByParty.bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, append([]byte(nil), k[8:]...))
	}
	for _, id := range ids {
		if err := deleteLogin(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// DeleteExpiredLogins removes every login for which expired is true.
func (db *DB) DeleteExpiredLogins(expired func(*Login) bool) (int, error) {
	var n int
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		n = 0
		var ids [][]byte
		err := tx.Bucket(loginRecords.bucket).ForEach(func(k, v []byte) error {
			var l Login
			if err := decode(v, &l); err != nil {
				return err
			}
			if expired(&l) {
				ids = append(ids, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := deleteLogin(tx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}
