package store

import (
	"bytes"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// CreateCase stores a new case, with its reference and ID set.
func (db *DB) CreateCase(c *mediation.Case, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		id, err := caseRecords.nextID(tx)
		if err != nil {
			return err
		}
		c.ID = id
		c.Reference = mediation.CaseReference(id, c.OpenedAt)
		c.Joined = make(map[mediation.ID]time.Time, len(c.Mediators))
		for _, m := range c.Mediators {
			if err := requireMediator(tx, m); err != nil {
				return err
			}
			c.Joined[m] = c.OpenedAt
		}
		var ch change
		caseRecords.put(&ch, idKey(id), c)
		ch.log(mediation.AuditEntry{CaseID: id, At: c.OpenedAt, Actor: actor,
			Action: mediation.AuditCaseCreate, Object: "case:" + id.String()})
		return commit(tx, &ch)
	}, opts...)
}

// changeCase commits the changed case c with its audit entry.
func changeCase(tx Tx, c *mediation.Case, e mediation.AuditEntry) error {
	var ch change
	caseRecords.put(&ch, idKey(c.ID), c)
	ch.log(e)
	return commit(tx, &ch)
}

func getCase(tx Tx, id mediation.ID) (*mediation.Case, error) {
	return caseRecords.get(tx, idKey(id))
}

// Case returns the case with the given ID, or ENOTFOUND.
func (db *DB) Case(id mediation.ID) (*mediation.Case, error) {
	var c *mediation.Case
	err := db.view(func(tx Tx) (err error) { c, err = getCase(tx, id); return })
	return c, err
}

// CaseChange is what a change to a case did, for its audit entry.
type CaseChange struct {
	Action string
	Detail map[string]string
}

// UpdateCase changes a case in one transaction: fn receives the stored case
// and what its file holds, changes the case or returns an error (which
// changes nothing), and says what it did; a change with no Action writes
// nothing.
func (db *DB) UpdateCase(id mediation.ID, actor string, fn func(c *mediation.Case, file mediation.CaseFile) (CaseChange, error), opts ...Option) (*mediation.Case, error) {
	var out *mediation.Case
	err := db.update(func(tx Tx) error {
		old, err := getCase(tx, id)
		if err != nil {
			return err
		}
		c := *old
		c.Mediators = slices.Clone(old.Mediators)
		file, err := caseFile(tx, &c)
		if err != nil {
			return err
		}
		did, err := fn(&c, file)
		if err != nil {
			return err
		}
		if did.Action == "" {
			out = old
			return nil
		}
		out = &c
		return changeCase(tx, &c, mediation.AuditEntry{CaseID: id, At: c.UpdatedAt, Actor: actor,
			Action: did.Action, Object: "case:" + id.String(), Detail: did.Detail})
	}, opts...)
	return out, err
}

func requireMediator(tx Tx, id mediation.ID) error {
	u, err := getUser(tx, id)
	if err != nil || u.Role != mediation.RoleMediator || !u.Active() {
		return mediation.Invalid("user_id", "validation.not_mediator", "")
	}
	return nil
}

// AssignMediator adds a mediator to a case. It returns EINVALID when the user
// is not a mediator and ECONFLICT when the mediator appears to be one of the
// case's parties; assigning an assigned mediator again changes nothing.
func (db *DB) AssignMediator(caseID, user mediation.ID, actor string, opts ...Option) (*mediation.Case, error) {
	var out *mediation.Case
	err := db.update(func(tx Tx) error {
		old, err := getCase(tx, caseID)
		if err != nil {
			return err
		}
		if err := requireMediator(tx, user); err != nil {
			return err
		}
		if old.HasMediator(user) {
			out = old
			return nil
		}
		u, err := getUser(tx, user)
		if err != nil {
			return err
		}
		parties, err := partiesOf(tx, caseID)
		if err != nil {
			return err
		}
		for i := range parties {
			if u.Conflicts(&parties[i]) {
				return mediation.Errorf(mediation.ECONFLICT, "error.conflict_of_interest")
			}
		}
		var o options
		for _, opt := range opts {
			opt(&o)
		}
		conflicts, err := conflictsOf(tx, old, user, parties)
		if err != nil {
			return err
		}
		if len(conflicts) > 0 && o.override == "" {
			return &mediation.Error{Code: mediation.ECONFLICT, Message: "error.interests_conflict", Conflicts: conflicts}
		}
		c := *old
		c.Mediators = append(slices.Clone(old.Mediators), user)
		c.UpdatedAt = db.now()
		c.Joined = maps.Clone(old.Joined)
		if c.Joined == nil {
			c.Joined = map[mediation.ID]time.Time{}
		}
		c.Joined[user] = c.UpdatedAt
		out = &c
		if len(conflicts) == 0 {
			return changeCase(tx, &c, mediation.AuditEntry{CaseID: caseID, At: c.UpdatedAt, Actor: actor,
				Action: mediation.AuditMediatorAssign, Object: "user:" + user.String()})
		}
		// Overridden: the justification goes into the case file, shown on
		// the case page, and into the audit entry.
		d, err := getDossier(tx, caseID)
		if err != nil {
			return err
		}
		d.Overrides = append(slices.Clone(d.Overrides), mediation.Override{UserID: user, Reason: o.override,
			Conflicts: conflicts, By: actor, At: c.UpdatedAt})
		var ch change
		caseRecords.put(&ch, idKey(c.ID), &c)
		dossierRecords.put(&ch, idKey(caseID), d)
		ch.log(mediation.AuditEntry{CaseID: caseID, At: c.UpdatedAt, Actor: actor,
			Action: mediation.AuditMediatorAssign, Object: "user:" + user.String(),
			Detail: map[string]string{"override": o.override}})
		return commit(tx, &ch)
	}, opts...)
	return out, err
}

// RemoveMediator takes a mediator off a case, recording the reason (a recusal
// is logged as such). The last mediator cannot be removed: a case must always
// have one, so another is assigned first.
func (db *DB) RemoveMediator(caseID, user mediation.ID, actor, reason string) (*mediation.Case, error) {
	var out *mediation.Case
	err := db.update(func(tx Tx) error {
		old, err := getCase(tx, caseID)
		if err != nil {
			return err
		}
		if !old.HasMediator(user) {
			return mediation.NotFound()
		}
		if len(old.Mediators) == 1 {
			return mediation.Errorf(mediation.ECONFLICT, "error.last_mediator")
		}
		c := *old
		c.Mediators = slices.DeleteFunc(slices.Clone(old.Mediators), func(m mediation.ID) bool { return m == user })
		c.UpdatedAt = db.now()
		c.Joined = maps.Clone(old.Joined)
		delete(c.Joined, user)
		c.Former = append(slices.Clone(old.Former), mediation.Departure{UserID: user, Since: old.JoinedAt(user), Left: c.UpdatedAt})
		out = &c
		var ch change
		caseRecords.put(&ch, idKey(c.ID), &c)
		ch.log(mediation.AuditEntry{CaseID: caseID, At: c.UpdatedAt, Actor: actor,
			Action: mediation.AuditMediatorRemove, Object: "user:" + user.String(),
			Detail: map[string]string{"reason": reason}})
		// A request that the mediator step aside is settled by its removal.
		if err := settleRecusals(tx, &ch, caseID, user, c.UpdatedAt); err != nil {
			return err
		}
		return commit(tx, &ch)
	})
	return out, err
}

// CaseFilter selects cases to list. Exactly one of Mediator, Case or All says
// whose cases.
type CaseFilter struct {
	Mediator mediation.ID // the cases this mediator is assigned to
	Case     mediation.ID // just this case (a party's own)
	All      bool         // every case
	Status   mediation.Status
	Category mediation.Category
	Cursor   mediation.ID // list cases with smaller IDs (newest first)
	Limit    int
	// Community narrows to one community; Text to the cases whose number
	// or title, or a party's name or phone, holds it.
	Community string
	Text      string
}

// Cases lists cases newest first. next is the cursor of the following page, or
// zero at the end.
func (db *DB) Cases(f CaseFilter) (out []mediation.Case, next mediation.ID, err error) {
	f.Limit = limit(f.Limit)
	err = db.view(func(tx Tx) error {
		out, next = make([]mediation.Case, 0, min(f.Limit, 64)), 0
		var ids iter.Seq[mediation.ID]
		switch {
		case f.Case != 0:
			ids = func(yield func(mediation.ID) bool) {
				if f.Cursor == 0 || f.Case < f.Cursor {
					yield(f.Case)
				}
			}
		case f.Mediator != 0:
			ids = descending(tx.Bucket(casesByMediator.bucket), idKey(f.Mediator), f.Cursor)
		case f.All && f.Status != "":
			ids = descending(tx.Bucket(casesByStatus.bucket), statusKey(f.Status, nil), f.Cursor)
		case f.All:
			ids = descending(tx.Bucket(caseRecords.bucket), nil, f.Cursor)
		default:
			return nil
		}
		for id := range ids {
			c, err := getCase(tx, id)
			if mediation.ErrorCode(err) == mediation.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			if (f.Status != "" && c.Status != f.Status) || (f.Category != "" && c.Category != f.Category) ||
				(f.Community != "" && c.Community != f.Community) {
				continue
			}
			if f.Text != "" {
				if ok, err := caseHolds(tx, c, f.Text); err != nil {
					return err
				} else if !ok {
					continue
				}
			}
			if len(out) == f.Limit {
				next = out[len(out)-1].ID
				break
			}
			out = append(out, *c)
		}
		return nil
	})
	return out, next, err
}

// descending yields the IDs that end the keys under prefix, largest first,
// starting below cursor (or at the end when cursor is zero).
func descending(b Bucket, prefix []byte, cursor mediation.ID) iter.Seq[mediation.ID] {
	return func(yield func(mediation.ID) bool) {
		c := b.Cursor()
		var k []byte
		if cursor == 0 {
			// Seek past the prefix, then step back onto its last key.
			end := append(bytes.Clone(prefix), bytes.Repeat([]byte{0xff}, 9)...)
			if k, _ = c.Seek(end); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		} else {
			if k, _ = c.Seek(append(bytes.Clone(prefix), itob(uint64(cursor))...)); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, _ = c.Prev() {
			if !yield(mediation.ID(btoi(k[len(prefix):]))) {
				return
			}
		}
	}
}

// Members lists every assignment of a mediator and every party, by case, so
// that the authorizer can rebuild its grants at start.
func (db *DB) Members(mediator func(user, caseID mediation.ID), party func(party, caseID mediation.ID)) error {
	return db.view(func(tx Tx) error {
		err := tx.Bucket(casesByMediator.bucket).ForEach(func(k, _ []byte) error {
			mediator(mediation.ID(btoi(k[:8])), mediation.ID(btoi(k[8:])))
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(partiesByCase.bucket).ForEach(func(k, _ []byte) error {
			party(mediation.ID(btoi(k[8:])), mediation.ID(btoi(k[:8])))
			return nil
		})
	})
}

// TransitionCase moves a case through its status machine, checking the move
// and the case file in the same transaction that writes it.
func (db *DB) TransitionCase(id mediation.ID, actor string, t mediation.Transition, opts ...Option) (*mediation.Case, error) {
	now := db.now()
	return db.UpdateCase(id, actor, func(c *mediation.Case, file mediation.CaseFile) (CaseChange, error) {
		from := c.Status
		if err := c.Move(t, file, now); err != nil {
			return CaseChange{}, err
		}
		return CaseChange{Action: mediation.AuditCaseTransition,
			Detail: map[string]string{"from": string(from), "to": string(c.Status), "reason": t.Reason}}, nil
	}, opts...)
}

// caseHolds reports whether the case's number or title, or one of its
// parties' names or phones, holds text (a phone matched by its digits).
func caseHolds(tx Tx, c *mediation.Case, text string) (bool, error) {
	low := strings.ToLower(text)
	if strings.Contains(strings.ToLower(c.Reference), low) || strings.Contains(strings.ToLower(c.Title), low) {
		return true, nil
	}
	parties, err := partiesOf(tx, c.ID)
	if err != nil {
		return false, err
	}
	digits := onlyDigits(text)
	for _, p := range parties {
		if strings.Contains(strings.ToLower(p.Name), low) ||
			len(digits) >= 4 && strings.Contains(onlyDigits(p.Phone), digits) {
			return true, nil
		}
	}
	return false, nil
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
