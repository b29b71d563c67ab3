package store

import (
	"bytes"
	"maps"
	"slices"
	"time"

	"tiaojie/internal/mediation"
)

// The case file (卷宗) before closing, the mediators' conflict-of-interest
// profiles and the parties' recusal requests.

func getDossier(tx Tx, caseID mediation.ID) (*mediation.Dossier, error) {
	d, err := dossierRecords.get(tx, idKey(caseID))
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		return &mediation.Dossier{CaseID: caseID}, nil
	}
	return d, err
}

// Dossier returns what the case's file holds beyond its own records (an
// empty one for a case where nothing is recorded yet).
func (db *DB) Dossier(caseID mediation.ID) (*mediation.Dossier, error) {
	var d *mediation.Dossier
	err := db.view(func(tx Tx) (err error) { d, err = getDossier(tx, caseID); return })
	return d, err
}

// FileChange is what a change to a case's file did, for its audit entry.
type FileChange struct {
	Action string
	Object string
	Detail map[string]string
}

// UpdateDossier changes the case's file in one transaction: fn receives the
// stored case, its parties and a copy of its file, and changes the file or
// returns an error, which changes nothing; a change with no Action writes
// nothing. A closed case's file does not change (ECONFLICT).
func (db *DB) UpdateDossier(caseID mediation.ID, actor string, fn func(c *mediation.Case, parties []mediation.Party, d *mediation.Dossier) (FileChange, error), opts ...Option) (*mediation.Dossier, error) {
	var out *mediation.Dossier
	err := db.update(func(tx Tx) error {
		c, err := getCase(tx, caseID)
		if err != nil {
			return err
		}
		if err := c.Changeable(); err != nil {
			return err
		}
		parties, err := partiesOf(tx, caseID)
		if err != nil {
			return err
		}
		d, err := getDossier(tx, caseID)
		if err != nil {
			return err
		}
		d.Notices, d.Identities = maps.Clone(d.Notices), maps.Clone(d.Identities)
		did, err := fn(c, parties, d)
		if err != nil || did.Action == "" {
			out = d
			return err
		}
		out = d
		var ch change
		dossierRecords.put(&ch, idKey(caseID), d)
		ch.log(mediation.AuditEntry{CaseID: caseID, At: db.now(), Actor: actor, Action: did.Action,
			Object: did.Object, Detail: did.Detail})
		return commit(tx, &ch)
	}, opts...)
	return out, err
}

// noticeAtEntry records, in the change of a party's first entry, that the
// party was shown the notice of its rights and duties there, unless one is
// recorded already or the case is closed.
func noticeAtEntry(tx Tx, ch *change, caseID, party mediation.ID, at time.Time, actor string) error {
	c, err := getCase(tx, caseID)
	if err != nil {
		return err
	}
	d, err := getDossier(tx, caseID)
	if err != nil || c.Changeable() != nil {
		return err
	}
	if _, ok := d.Notices[party]; ok {
		return nil
	}
	d.Notices = maps.Clone(d.Notices)
	if d.Notices == nil {
		d.Notices = map[mediation.ID]mediation.Mark{}
	}
	d.Notices[party] = mediation.Mark{At: at, By: actor, Way: mediation.WayEntry}
	dossierRecords.put(ch, idKey(caseID), d)
	ch.log(mediation.AuditEntry{CaseID: caseID, At: at, Actor: actor, Action: mediation.AuditNoticeRecord,
		Object: "party:" + party.String(), Detail: map[string]string{"way": mediation.WayEntry}})
	return nil
}

// caseFile summarises what the case file holds, for the closing check and
// the checklist.
func caseFile(tx Tx, c *mediation.Case) (mediation.CaseFile, error) {
	var f mediation.CaseFile
	var err error
	if f.Parties, err = partiesOf(tx, c.ID); err != nil {
		return f, err
	}
	d, err := getDossier(tx, c.ID)
	if err != nil {
		return f, err
	}
	f.Dossier = *d
	if f.Records, err = heldWithRecord(tx, c.ID); err != nil {
		return f, err
	}
	// An agreement every party and a mediator signed, or an oral one: the
	// case keeps its summary from the transaction in which it took effect.
	f.Agreement = c.AgreementInEffect()
	return f, nil
}

// heldWithRecord counts the case's held sessions that have a record.
func heldWithRecord(tx Tx, caseID mediation.ID) (int, error) {
	n := 0
	prefix := idKey(caseID)
	cur := tx.Bucket(sessionsByCase.bucket).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		id := k[len(k)-8:]
		s, err := getSession(tx, mediation.ID(btoi(id)))
		if err != nil {
			return 0, err
		}
		if s.Status == mediation.SessionHeld && tx.Bucket(recordRecords.bucket).Get(id) != nil {
			n++
		}
	}
	return n, nil
}

// CaseFile returns the case with what its file holds, read together.
func (db *DB) CaseFile(caseID mediation.ID) (*mediation.Case, mediation.CaseFile, error) {
	var c *mediation.Case
	var f mediation.CaseFile
	err := db.view(func(tx Tx) (err error) {
		if c, err = getCase(tx, caseID); err != nil {
			return err
		}
		f, err = caseFile(tx, c)
		return err
	})
	return c, f, err
}

// Overriding makes an assignment go ahead despite a conflict of the
// mediator's interests with the case, recording reason as its
// justification.
func Overriding(reason string) Option {
	return func(o *options) { o.override = reason }
}

// conflictsOf lists the conflicts of the user's profile with the case.
func conflictsOf(tx Tx, c *mediation.Case, user mediation.ID, parties []mediation.Party) ([]mediation.Conflict, error) {
	in, err := getInterests(tx, user)
	if err != nil {
		return nil, err
	}
	return in.ConflictsWith(c, parties), nil
}

// ConflictsOf is the conflicts of the user's profile with the case as
// stored now.
func (db *DB) ConflictsOf(caseID, user mediation.ID) ([]mediation.Conflict, error) {
	var out []mediation.Conflict
	err := db.view(func(tx Tx) error {
		c, err := getCase(tx, caseID)
		if err != nil {
			return err
		}
		parties, err := partiesOf(tx, caseID)
		if err != nil {
			return err
		}
		out, err = conflictsOf(tx, c, user, parties)
		return err
	})
	return out, err
}

func getInterests(tx Tx, user mediation.ID) (*mediation.Interests, error) {
	in, err := interestRecords.get(tx, idKey(user))
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		return &mediation.Interests{UserID: user, Communities: []string{}, Buildings: []string{}, Organisations: []string{}}, nil
	}
	return in, err
}

// Interests returns the user's conflict-of-interest profile (an empty one
// when none is recorded).
func (db *DB) Interests(user mediation.ID) (*mediation.Interests, error) {
	var in *mediation.Interests
	err := db.view(func(tx Tx) (err error) { in, err = getInterests(tx, user); return })
	return in, err
}

// PutInterests replaces the user's profile, audited by the lists changed.
// A profile the same as the stored one writes nothing.
func (db *DB) PutInterests(in *mediation.Interests, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		old, err := getInterests(tx, in.UserID)
		if err != nil {
			return err
		}
		var changed []string
		for name, pair := range map[string][2][]string{"communities": {old.Communities, in.Communities},
			"buildings": {old.Buildings, in.Buildings}, "organisations": {old.Organisations, in.Organisations}} {
			if !slices.Equal(pair[0], pair[1]) {
				changed = append(changed, name)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		slices.Sort(changed)
		var ch change
		interestRecords.put(&ch, idKey(in.UserID), in)
		detail := map[string]string{}
		for _, c := range changed {
			detail[c] = "changed"
		}
		ch.log(mediation.AuditEntry{At: in.UpdatedAt, Actor: actor, Action: mediation.AuditInterestsUpdate,
			Object: "user:" + in.UserID.String(), Detail: detail})
		return commit(tx, &ch)
	}, opts...)
}

// CreateRecusal stores a party's request that a mediator step aside and
// sets its ID. In the same transaction it checks that the case is not closed
// and that the mediator is still on it, and refuses a second pending
// request by the same party about the same mediator (ECONFLICT).
func (db *DB) CreateRecusal(r *mediation.Recusal, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		c, err := getCase(tx, r.CaseID)
		if err != nil {
			return err
		}
		if err := c.Changeable(); err != nil {
			return err
		}
		if !c.HasMediator(r.UserID) {
			return mediation.Invalid("user_id", "validation.recusal_mediator", "")
		}
		open, err := recusalsOf(tx, r.CaseID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(open, func(o mediation.Recusal) bool {
			return o.Pending() && o.PartyID == r.PartyID && o.UserID == r.UserID
		}) {
			return mediation.Errorf(mediation.ECONFLICT, "error.recusal_twice")
		}
		id, err := recusalRecords.nextID(tx)
		if err != nil {
			return err
		}
		r.ID = id
		var ch change
		recusalRecords.put(&ch, idKey(id), r)
		ch.log(mediation.AuditEntry{CaseID: r.CaseID, At: r.CreatedAt, Actor: actor, Action: mediation.AuditRecusalRequest,
			Object: "recusal:" + id.String(), Detail: map[string]string{"mediator": "user:" + r.UserID.String()}})
		return commit(tx, &ch)
	}, opts...)
}

func recusalsOf(tx Tx, caseID mediation.ID) ([]mediation.Recusal, error) {
	var out []mediation.Recusal
	prefix := idKey(caseID)
	cur := tx.Bucket(recusalsByCase.bucket).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		r, err := recusalRecords.get(tx, k[8:])
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// Recusals lists the case's recusal requests, oldest first.
func (db *DB) Recusals(caseID mediation.ID) ([]mediation.Recusal, error) {
	var out []mediation.Recusal
	err := db.view(func(tx Tx) (err error) { out, err = recusalsOf(tx, caseID); return })
	return out, err
}

// Recusing lists the cases with a pending recusal request, for the grants
// rebuilt at start.
func (db *DB) Recusing() ([]mediation.ID, error) {
	var out []mediation.ID
	err := db.view(func(tx Tx) error {
		return tx.Bucket(recusalRecords.bucket).ForEach(func(k, v []byte) error {
			r, err := recusalRecords.get(tx, k)
			if err != nil {
				return err
			}
			if r.Pending() && !slices.Contains(out, r.CaseID) {
				out = append(out, r.CaseID)
			}
			return nil
		})
	})
	return out, err
}

// settleRecusals marks, in the change that takes the mediator off the case,
// every pending request that it step aside as settled.
func settleRecusals(tx Tx, ch *change, caseID, user mediation.ID, at time.Time) error {
	rs, err := recusalsOf(tx, caseID)
	if err != nil {
		return err
	}
	for i := range rs {
		if r := &rs[i]; r.Pending() && r.UserID == user {
			t := at
			r.SettledAt = &t
			recusalRecords.put(ch, idKey(r.ID), r)
		}
	}
	return nil
}
