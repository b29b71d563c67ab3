package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
)

// AuthSession is a signed-in session: a staff user's or a party's. Only a hash
// of the secret the cookie carries is stored.
type AuthSession struct {
	ID         []byte       `json:"id"`
	SecretHash []byte       `json:"secret_hash"`
	UserID     mediation.ID `json:"user_id,omitempty"`
	PartyID    mediation.ID `json:"party_id,omitempty"`
	CaseID     mediation.ID `json:"case_id,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
	LastSeen   time.Time    `json:"last_seen"`
}

// CreateSession stores a new session. audit, when set, is written with it.
func (db *DB) CreateSession(s *AuthSession, audit *mediation.AuditEntry) error {
	return db.update(func(tx *bolt.Tx) error {
		if err := put(tx, bucketSessions, s.ID, s); err != nil {
			return err
		}
		if s.PartyID != 0 {
			key := append(itob(uint64(s.PartyID)), s.ID...)
			if err := tx.Bucket(bucketSessionsByParty).Put(key, nil); err != nil {
				return err
			}
		}
		if audit != nil {
			return appendAudit(tx, *audit)
		}
		return nil
	})
}

// Session returns the session with the given id, or ENOTFOUND.
func (db *DB) Session(id []byte) (*AuthSession, error) {
	var s AuthSession
	err := db.view(func(tx *bolt.Tx) error { return get(tx, bucketSessions, id, &s) })
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// TouchSession records that the session was used at t.
func (db *DB) TouchSession(id []byte, t time.Time) error {
	return db.update(func(tx *bolt.Tx) error {
		var s AuthSession
		if err := get(tx, bucketSessions, id, &s); err != nil {
			return nil // ended meanwhile: nothing to touch
		}
		s.LastSeen = t
		return put(tx, bucketSessions, id, &s)
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(id []byte) error {
	return db.update(func(tx *bolt.Tx) error { return deleteSession(tx, id) })
}

func deleteSession(tx *bolt.Tx, id []byte) error {
	var s AuthSession
	if err := get(tx, bucketSessions, id, &s); err != nil {
		return nil
	}
	if s.PartyID != 0 {
		if err := tx.Bucket(bucketSessionsByParty).Delete(append(itob(uint64(s.PartyID)), id...)); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketSessions).Delete(id)
}

// deletePartySessions ends every session of a party, inside tx.
func deletePartySessions(tx *bolt.Tx, party mediation.ID) error {
	prefix := itob(uint64(party))
	var ids [][]byte
	c := tx.Bucket(bucketSessionsByParty).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, append([]byte(nil), k[8:]...))
	}
	for _, id := range ids {
		if err := deleteSession(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// DeleteExpiredSessions removes every session for which expired is true.
func (db *DB) DeleteExpiredSessions(expired func(*AuthSession) bool) (int, error) {
	var n int
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		n = 0
		var ids [][]byte
		err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			var s AuthSession
			if err := decode(v, &s); err != nil {
				return err
			}
			if expired(&s) {
				ids = append(ids, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := deleteSession(tx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}
