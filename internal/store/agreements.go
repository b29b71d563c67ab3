package store

import (
	"bytes"
	"slices"
	"strconv"

	"tiaojie/internal/mediation"
)

// CreateAgreement stores a new agreement of a case being mediated, with its
// ID set and its first version sealed (the digest covers the ID). An oral
// agreement takes effect as it is stored: the case moves to status agreement
// in the same transaction, audited.
func (db *DB) CreateAgreement(a *mediation.Agreement, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		c, err := getCase(tx, a.CaseID)
		if err != nil {
			return err
		}
		if err := c.AcceptsAgreements(); err != nil {
			return err
		}
		id, err := agreementRecords.nextID(tx)
		if err != nil {
			return err
		}
		a.ID = id
		a.Seal(&a.Versions[0])
		var ch change
		agreementRecords.put(&ch, idKey(id), a)
		ch.log(mediation.AuditEntry{CaseID: a.CaseID, At: a.CreatedAt, Actor: actor, Action: mediation.AuditAgreementCreate,
			Object: "agreement:" + id.String(), Detail: map[string]string{"version": "1", "oral": strconv.FormatBool(a.Oral),
				"digest": a.Versions[0].Digest}})
		if a.InEffect() {
			takeEffect(&ch, c, a, actor)
		}
		return commit(tx, &ch)
	}, opts...)
}

// takeEffect adds to the change the case moving to status agreement with
// the agreement in effect, and its audit entries.
func takeEffect(ch *change, old *mediation.Case, a *mediation.Agreement, actor string) {
	c := *old
	c.TakeEffect(a, *a.EffectiveAt)
	caseRecords.put(ch, idKey(c.ID), &c)
	v := a.Effective()
	ch.log(mediation.AuditEntry{CaseID: c.ID, At: c.UpdatedAt, Actor: actor, Action: mediation.AuditAgreementEffect,
		Object: "agreement:" + a.ID.String(), Detail: map[string]string{"version": strconv.Itoa(v.Version), "digest": v.Digest}})
	ch.log(mediation.AuditEntry{CaseID: c.ID, At: c.UpdatedAt, Actor: actor, Action: mediation.AuditCaseTransition,
		Object: "case:" + c.ID.String(), Detail: map[string]string{"from": string(old.Status), "to": string(c.Status),
			"agreement": a.ID.String()}})
}

// AgreementChange is what a change to an agreement did, for its audit
// entry; Action "" writes nothing.
type AgreementChange struct {
	Action string
	Detail map[string]string
}

// UpdateAgreement changes an agreement in one transaction: fn receives the
// stored agreement, its case and the case's parties as they are now, and
// changes the agreement or returns an error (which changes nothing). When
// the change makes the agreement take effect, the case moves to status
// agreement in the same transaction.
func (db *DB) UpdateAgreement(id mediation.ID, actor string, fn func(a *mediation.Agreement, c *mediation.Case, parties []mediation.Party) (AgreementChange, error), opts ...Option) (*mediation.Agreement, error) {
	var out *mediation.Agreement
	err := db.update(func(tx Tx) error {
		a, err := agreementRecords.get(tx, idKey(id))
		if err != nil {
			return err
		}
		c, err := getCase(tx, a.CaseID)
		if err != nil {
			return err
		}
		parties, err := partiesOf(tx, a.CaseID)
		if err != nil {
			return err
		}
		was := a.InEffect()
		did, err := fn(a, c, parties)
		if err != nil {
			return err
		}
		out = a
		if did.Action == "" {
			return nil
		}
		var ch change
		agreementRecords.put(&ch, idKey(id), a)
		ch.log(mediation.AuditEntry{CaseID: a.CaseID, At: a.UpdatedAt, Actor: actor, Action: did.Action,
			Object: "agreement:" + id.String(), Detail: did.Detail})
		if !was && a.InEffect() {
			takeEffect(&ch, c, a, actor)
		}
		return commit(tx, &ch)
	}, opts...)
	return out, err
}

// Agreement returns the agreement with the given ID, or ENOTFOUND.
func (db *DB) Agreement(id mediation.ID) (*mediation.Agreement, error) {
	var a *mediation.Agreement
	err := db.view(func(tx Tx) (err error) { a, err = agreementRecords.get(tx, idKey(id)); return })
	return a, err
}

// Agreements lists the agreements of a case, oldest first.
func (db *DB) Agreements(caseID mediation.ID) ([]mediation.Agreement, error) {
	var out []mediation.Agreement
	err := db.view(func(tx Tx) (err error) { out, err = agreementsOf(tx, caseID); return })
	return out, err
}

func agreementsOf(tx Tx, caseID mediation.ID) ([]mediation.Agreement, error) {
	var out []mediation.Agreement
	prefix := idKey(caseID)
	c := tx.Bucket(agreementsByCase.bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		a, err := agreementRecords.get(tx, k[8:])
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// AgreementInEffect is the agreement in effect on the case (a written one
// every party and a mediator signed, or an oral one recorded), or nil when
// it has none: what the closing checklist's "agreement" item asks. The
// case record says so too (mediation.Case.AgreementInEffect), inside any
// transaction that has the case.
func (db *DB) AgreementInEffect(caseID mediation.ID) (*mediation.Agreement, error) {
	var out *mediation.Agreement
	err := db.view(func(tx Tx) error {
		c, err := getCase(tx, caseID)
		if err != nil {
			return err
		}
		if !c.AgreementInEffect() {
			return nil
		}
		out, err = agreementRecords.get(tx, idKey(c.Agreed.AgreementID))
		return err
	})
	return out, err
}

// CreateVisit stores a return visit and brings the case's summary of its
// agreement (what the clock counts) up to date, in one transaction. The
// case must still be in status agreement with that agreement in effect
// (ECONFLICT).
func (db *DB) CreateVisit(v *mediation.Visit, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		old, err := getCase(tx, v.CaseID)
		if err != nil {
			return err
		}
		if !old.AgreementInEffect() || old.Status != mediation.StatusAgreement || old.Agreed.AgreementID != v.AgreementID {
			return &mediation.Error{Code: mediation.ECONFLICT, Message: "error.visit_needs_agreement", Missing: []string{"agreement"}}
		}
		id, err := visitRecords.nextID(tx)
		if err != nil {
			return err
		}
		v.ID = id
		c := *old
		agreed := *old.Agreed
		agreed.Terms = slices.Clone(old.Agreed.Terms)
		agreed.Record(v)
		c.Agreed = &agreed
		var ch change
		visitRecords.put(&ch, idKey(id), v)
		caseRecords.put(&ch, idKey(c.ID), &c)
		for _, t := range v.Terms {
			ch.stats.TermsFound(&c, v.VisitedOn, string(t.Performance), 1)
		}
		detail := map[string]string{"party": v.PartyID.String(), "visited_on": v.VisitedOn,
			"satisfaction": strconv.Itoa(v.Satisfaction)}
		for _, t := range v.Terms {
			detail["term."+strconv.Itoa(t.TermIndex)] = string(t.Performance)
		}
		ch.log(mediation.AuditEntry{CaseID: v.CaseID, At: v.CreatedAt, Actor: actor, Action: mediation.AuditVisitCreate,
			Object: "visit:" + id.String(), Detail: detail})
		return commit(tx, &ch)
	}, opts...)
}

// Visits lists the return visits of a case, oldest first.
func (db *DB) Visits(caseID mediation.ID) ([]mediation.Visit, error) {
	var out []mediation.Visit
	err := db.view(func(tx Tx) error {
		out = nil
		prefix := idKey(caseID)
		c := tx.Bucket(visitsByCase.bucket).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			v, err := visitRecords.get(tx, k[8:])
			if err != nil {
				return err
			}
			out = append(out, *v)
		}
		return nil
	})
	return out, err
}
