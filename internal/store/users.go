package store

import (
	"strings"

	"tiaojie/internal/mediation"
)

// storedUser keeps the password hash, which the domain type never encodes.
type storedUser struct {
	mediation.User
	PasswordHash string `json:"password_hash"`
}

// CreateUser stores a new staff account and sets its ID. It returns ECONFLICT
// when the username is taken.
func (db *DB) CreateUser(u *mediation.User, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		if tx.Bucket(usersByName.bucket).Get([]byte(u.Username)) != nil {
			return &mediation.Error{Code: mediation.ECONFLICT, Message: "error.username_taken",
				Fields: map[string]mediation.FieldError{"username": {Key: "validation.username_taken"}}}
		}
		id, err := userRecords.nextID(tx)
		if err != nil {
			return err
		}
		u.ID = id
		var ch change
		userRecords.put(&ch, idKey(id), &storedUser{User: *u, PasswordHash: u.PasswordHash})
		ch.log(mediation.AuditEntry{At: u.CreatedAt, Actor: actor,
			Action: mediation.AuditUserCreate, Object: "user:" + id.String(),
			Detail: map[string]string{"role": string(u.Role)}})
		return commit(tx, &ch)
	}, opts...)
}

// UserChange is what UpdateUser's function decides: the fields changed, for
// the audit (none: nothing is written), and a new password hash, if any.
type UserChange struct {
	Fields       []string
	PasswordHash string
	// EndLogins ends every login of the account (a deactivation, a new
	// password), but the one named by Keep.
	EndLogins bool
	Keep      []byte
	Action    string // the audit action; AuditUserUpdate when empty
}

// UpdateUser changes a staff account by fn, in one transaction with its
// audit entry and the end of its logins where the change asks for it. It
// returns ENOTFOUND for an absent account.
func (db *DB) UpdateUser(id mediation.ID, actor string, fn func(u *mediation.User) (UserChange, error), opts ...Option) (*mediation.User, error) {
	var out *mediation.User
	err := db.update(func(tx Tx) error {
		u, err := getUser(tx, id)
		if err != nil {
			return err
		}
		uc, err := fn(u)
		if err != nil {
			return err
		}
		out = u
		if len(uc.Fields) == 0 {
			return nil
		}
		stored := &storedUser{User: *u, PasswordHash: u.PasswordHash}
		if uc.PasswordHash != "" {
			stored.PasswordHash, u.PasswordHash = uc.PasswordHash, uc.PasswordHash
		}
		var ch change
		userRecords.put(&ch, idKey(id), stored)
		if uc.EndLogins {
			if err := deleteUserLogins(tx, &ch, id, uc.Keep); err != nil {
				return err
			}
		}
		action := uc.Action
		if action == "" {
			action = mediation.AuditUserUpdate
		}
		ch.log(mediation.AuditEntry{At: db.now(), Actor: actor, Action: action, Object: "user:" + id.String(),
			Detail: map[string]string{"fields": strings.Join(uc.Fields, ",")}})
		return commit(tx, &ch)
	}, opts...)
	return out, err
}

func getUser(tx Tx, id mediation.ID) (*mediation.User, error) {
	s, err := userRecords.get(tx, idKey(id))
	if err != nil {
		return nil, err
	}
	s.User.PasswordHash = s.PasswordHash
	return &s.User, nil
}

// User returns the account with the given ID, or ENOTFOUND.
func (db *DB) User(id mediation.ID) (*mediation.User, error) {
	if s, found, ok := userRecords.recall(db, idKey(id)); ok {
		if !found {
			return nil, mediation.NotFound()
		}
		s.User.PasswordHash = s.PasswordHash
		return &s.User, nil
	}
	var u *mediation.User
	err := db.view(func(tx Tx) (err error) { u, err = getUser(tx, id); return })
	return u, err
}

// UserByName returns the account with the given username, or ENOTFOUND.
func (db *DB) UserByName(name string) (*mediation.User, error) {
	var u *mediation.User
	err := db.view(func(tx Tx) (err error) {
		id := tx.Bucket(usersByName.bucket).Get([]byte(name))
		if id == nil {
			return mediation.NotFound()
		}
		u, err = getUser(tx, mediation.ID(btoi(id)))
		return
	})
	return u, err
}

// Users lists accounts in ID order after cursor.
func (db *DB) Users(cursor mediation.ID, n int) ([]mediation.User, mediation.ID, error) {
	n = limit(n)
	var out []mediation.User
	var next mediation.ID
	err := db.view(func(tx Tx) error {
		out, next = nil, 0
		c := tx.Bucket(userRecords.bucket).Cursor()
		for k, v := c.Seek(itob(uint64(cursor) + 1)); k != nil; k, v = c.Next() {
			if len(out) == n {
				next = out[len(out)-1].ID
				break
			}
			var s storedUser
			if err := decode(v, &s); err != nil {
				return err
			}
			out = append(out, s.User)
		}
		return nil
	})
	return out, next, err
}

// HasUsers reports whether any account exists, for the first start.
func (db *DB) HasUsers() (bool, error) {
	var has bool
	err := db.view(func(tx Tx) error {
		k, _ := tx.Bucket(userRecords.bucket).Cursor().First()
		has = k != nil
		return nil
	})
	return has, err
}

// AllUsers lists every account in ID order.
func (db *DB) AllUsers() ([]mediation.User, error) {
	var out []mediation.User
	err := db.view(func(tx Tx) error {
		out = nil
		return tx.Bucket(userRecords.bucket).ForEach(func(_, v []byte) error {
			var s storedUser
			if err := decode(v, &s); err != nil {
				return err
			}
			out = append(out, s.User)
			return nil
		})
	})
	return out, err
}
