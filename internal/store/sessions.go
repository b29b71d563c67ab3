package store

import (
	"bytes"
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// CreateSession stores a new session and sets its ID. In the same
// transaction it checks what the caller checked before: the case takes
// sessions (ECONFLICT), the caucus's party is of the case and the mediators
// are assigned to it (EINVALID), and that no session that is not cancelled
// overlaps it sharing a mediator, a room or a party (*mediation.Booked). So
// of two bookings of one slot, however close, exactly one is stored.
func (db *DB) CreateSession(s *mediation.Session, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		// A run the group committer rolled back gave s an ID that another
		// session may hold now; checkBooking must not take that one for s.
		s.ID = 0
		c, err := getCase(tx, s.CaseID)
		if err != nil {
			return err
		}
		if err := c.AcceptsSessions(); err != nil {
			return err
		}
		if s.Kind == mediation.SessionCaucus {
			if p, err := getParty(tx, s.PartyID); err != nil || p.CaseID != s.CaseID {
				return mediation.Invalid("party_id", "validation.party", "")
			}
		}
		for _, m := range s.MediatorIDs {
			if !c.HasMediator(m) {
				return mediation.Invalid("mediator_ids", "validation.session_mediator", "")
			}
		}
		if err := checkBooking(tx, s); err != nil {
			return err
		}
		id, err := sessionRecords.nextID(tx)
		if err != nil {
			return err
		}
		s.ID = id
		var ch change
		sessionRecords.put(&ch, idKey(id), s)
		ch.log(mediation.AuditEntry{CaseID: s.CaseID, At: s.CreatedAt, Actor: actor,
			Action: mediation.AuditSessionSchedule, Object: "session:" + id.String(),
			Detail: map[string]string{"kind": string(s.Kind), "status": string(s.Status),
				"starts_at": s.StartsAt.Format(time.RFC3339), "ends_at": s.EndsAt.Format(time.RFC3339)}})
		return commit(tx, &ch)
	}, opts...)
}

// UpdateSession changes a session in one transaction: fn receives the stored
// session (a copy) and changes it or returns an error, which changes
// nothing; it reports whether the time or place moved, and then the booking
// is checked again as CreateSession checks it. A closed case's sessions do
// not change (ECONFLICT).
func (db *DB) UpdateSession(id mediation.ID, actor string, fn func(s *mediation.Session) (moved bool, err error), opts ...Option) (*mediation.Session, error) {
	var out *mediation.Session
	err := db.update(func(tx Tx) error {
		s, err := getSession(tx, id)
		if err != nil {
			return err
		}
		c, err := getCase(tx, s.CaseID)
		if err != nil {
			return err
		}
		if err := c.AcceptsSessions(); err != nil {
			return err
		}
		before := *s
		moved, err := fn(s)
		if err != nil {
			return err
		}
		out = s
		if moved {
			if err := checkBooking(tx, s); err != nil {
				return err
			}
		}
		detail := map[string]string{}
		if s.Status != before.Status {
			detail["status"] = string(s.Status)
		}
		if moved {
			detail["starts_at"], detail["ends_at"] = s.StartsAt.Format(time.RFC3339), s.EndsAt.Format(time.RFC3339)
		}
		if s.Location != before.Location {
			detail["location"] = "changed"
		}
		if len(detail) == 0 {
			out = &before
			return nil
		}
		var ch change
		sessionRecords.put(&ch, idKey(id), s)
		ch.log(mediation.AuditEntry{CaseID: s.CaseID, At: s.UpdatedAt, Actor: actor,
			Action: mediation.AuditSessionChange, Object: "session:" + id.String(), Detail: detail})
		return commit(tx, &ch)
	}, opts...)
	return out, err
}

func getSession(tx Tx, id mediation.ID) (*mediation.Session, error) {
	return sessionRecords.get(tx, idKey(id))
}

// Session returns the session with the given ID, or ENOTFOUND.
func (db *DB) Session(id mediation.ID) (*mediation.Session, error) {
	var s *mediation.Session
	err := db.view(func(tx Tx) (err error) { s, err = getSession(tx, id); return })
	return s, err
}

// checkBooking returns *mediation.Booked naming the first stored session
// that s would be double-booked with. It reads only the sessions that start
// less than MaxSessionLength before s under each of s's mediators, its room
// and its case (the only place its parties can be), never the whole
// calendar.
func checkBooking(tx Tx, s *mediation.Session) error {
	if !s.Blocks() {
		return nil
	}
	var prefixes [][]byte
	for _, m := range s.MediatorIDs {
		prefixes = append(prefixes, idKey(m))
	}
	buckets := slices.Repeat([]Bucket{tx.Bucket(sessionsByMediator.bucket)}, len(prefixes))
	if s.Room {
		prefixes = append(prefixes, append([]byte(s.Location), 0))
		buckets = append(buckets, tx.Bucket(sessionsByRoom.bucket))
	}
	prefixes = append(prefixes, idKey(s.CaseID))
	buckets = append(buckets, tx.Bucket(sessionsByCase.bucket))
	for i, prefix := range prefixes {
		for id := range startingBetween(buckets[i], prefix, s.StartsAt.Add(-mediation.MaxSessionLength), s.EndsAt) {
			if id == s.ID {
				continue
			}
			o, err := getSession(tx, id)
			if err != nil {
				return err
			}
			if with, ok := s.Clash(o); ok {
				return &mediation.Booked{With: with, Session: *o}
			}
		}
	}
	return nil
}

// startingBetween yields the IDs of the entries under prefix (then a time,
// then an ID) whose time is in [from, to), earliest first.
func startingBetween(b Bucket, prefix []byte, from, to time.Time) func(yield func(mediation.ID) bool) {
	return func(yield func(mediation.ID) bool) {
		c := b.Cursor()
		end := append(bytes.Clone(prefix), timeKey(to)...)
		for k, _ := c.Seek(append(bytes.Clone(prefix), timeKey(from)...)); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, end) < 0; k, _ = c.Next() {
			if len(k) != len(prefix)+16 {
				continue
			}
			if !yield(mediation.ID(btoi(k[len(prefix)+8:]))) {
				return
			}
		}
	}
}

// SessionFilter selects sessions to list, earliest first.
type SessionFilter struct {
	// Case lists the case's sessions; with Party, only its joint sessions and
	// the party's own caucuses, read through their own indexes so that
	// another party's caucus is never loaded.
	Case, Party mediation.ID
	// Mediator lists the sessions the mediator attends, across cases.
	Mediator mediation.ID
	// From and To bound the start; zero: unbounded.
	From, To time.Time
}

// Sessions lists the sessions the filter selects, earliest first.
func (db *DB) Sessions(f SessionFilter) ([]mediation.Session, error) {
	from, to := f.From, f.To
	if from.IsZero() {
		from = time.Unix(0, 0)
	}
	if to.IsZero() {
		to = time.Unix(1<<40, 0)
	}
	var out []mediation.Session
	err := db.view(func(tx Tx) error {
		out = nil
		var seqs []func(func(mediation.ID) bool)
		switch {
		case f.Mediator != 0:
			seqs = append(seqs, startingBetween(tx.Bucket(sessionsByMediator.bucket), idKey(f.Mediator), from, to))
		case f.Party != 0:
			seqs = append(seqs, startingBetween(tx.Bucket(sessionsJoint.bucket), idKey(f.Case), from, to),
				startingBetween(tx.Bucket(sessionsByParty.bucket), idKey(f.Party), from, to))
		default:
			seqs = append(seqs, startingBetween(tx.Bucket(sessionsByCase.bucket), idKey(f.Case), from, to))
		}
		for _, seq := range seqs {
			for id := range seq {
				s, err := getSession(tx, id)
				if err != nil {
					return err
				}
				out = append(out, *s)
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b mediation.Session) int {
		if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, err
}

// WriteRecord stores the record of a held session, replacing the one before
// (its version one higher), with an audit entry naming the parts changed. In
// the same transaction it checks that the session is held and its case not
// closed (ECONFLICT). A record the same as the stored one writes nothing.
func (db *DB) WriteRecord(r *mediation.SessionRecord, actor string, opts ...Option) (*mediation.SessionRecord, error) {
	var out *mediation.SessionRecord
	err := db.update(func(tx Tx) error {
		s, err := getSession(tx, r.SessionID)
		if err != nil {
			return err
		}
		c, err := getCase(tx, s.CaseID)
		if err != nil {
			return err
		}
		if err := c.AcceptsSessions(); err != nil {
			return err
		}
		if s.Status != mediation.SessionHeld || s.CaseID != r.CaseID {
			return mediation.Errorf(mediation.ECONFLICT, "error.record_not_held")
		}
		old, err := recordRecords.get(tx, idKey(s.ID))
		if mediation.ErrorCode(err) == mediation.ENOTFOUND {
			old = nil
		} else if err != nil {
			return err
		}
		changed := r.Changed(old)
		if len(changed) == 0 {
			out = old
			return nil
		}
		w := *r
		w.Version = 1
		if old != nil {
			w.Version = old.Version + 1
		}
		out = &w
		var ch change
		recordRecords.put(&ch, idKey(s.ID), &w)
		ch.log(mediation.AuditEntry{CaseID: s.CaseID, At: w.UpdatedAt, Actor: actor, Action: mediation.AuditRecordWrite,
			Object: "session:" + s.ID.String(), Detail: map[string]string{"version": strconv.Itoa(w.Version),
				"changed": strings.Join(changed, ",")}})
		return commit(tx, &ch)
	}, opts...)
	return out, err
}

// Record returns the record of the session, or ENOTFOUND when none is
// written yet.
func (db *DB) Record(session mediation.ID) (*mediation.SessionRecord, error) {
	var r *mediation.SessionRecord
	err := db.view(func(tx Tx) (err error) { r, err = recordRecords.get(tx, idKey(session)); return })
	return r, err
}
