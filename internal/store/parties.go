package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
)

// CreateParty stores a new party of a case, with its first invitation, and
// sets its ID. It returns ECONFLICT when the party appears to be one of the
// case's mediators.
func (db *DB) CreateParty(p *mediation.Party, inv *mediation.Invitation, actor string, opts ...Option) error {
	return db.update(func(tx *bolt.Tx) error {
		c, err := getCase(tx, p.CaseID)
		if err != nil {
			return err
		}
		for _, m := range c.Mediators {
			u, err := getUser(tx, m)
			if err != nil {
				return err
			}
			if u.Conflicts(p) {
				return mediation.Errorf(mediation.ECONFLICT, "error.conflict_of_interest")
			}
		}
		id, err := nextID(tx, partyRecords.bucket)
		if err != nil {
			return err
		}
		p.ID = id
		if err := put(tx, partyRecords.bucket, itob(uint64(id)), p); err != nil {
			return err
		}
		if err := tx.Bucket(partiesByCase.bucket).Put(pair(p.CaseID, id), nil); err != nil {
			return err
		}
		err = appendAudit(tx, mediation.AuditEntry{CaseID: p.CaseID, At: p.CreatedAt, Actor: actor,
			Action: mediation.AuditPartyCreate, Object: "party:" + id.String(),
			Detail: map[string]string{"side": string(p.Side)}})
		if err != nil {
			return err
		}
		inv.PartyID, inv.CaseID = id, p.CaseID
		return putInvitation(tx, inv, actor)
	}, opts...)
}

func getParty(tx *bolt.Tx, id mediation.ID) (*mediation.Party, error) {
	var p mediation.Party
	if err := get(tx, partyRecords.bucket, itob(uint64(id)), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Party returns the party with the given ID, or ENOTFOUND.
func (db *DB) Party(id mediation.ID) (*mediation.Party, error) {
	var p *mediation.Party
	err := db.view(func(tx *bolt.Tx) (err error) { p, err = getParty(tx, id); return })
	return p, err
}

func partiesOf(tx *bolt.Tx, caseID mediation.ID) ([]mediation.Party, error) {
	var out []mediation.Party
	prefix := itob(uint64(caseID))
	c := tx.Bucket(partiesByCase.bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		p, err := getParty(tx, mediation.ID(btoi(k[8:])))
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// Parties lists the parties of a case in the order they were added.
func (db *DB) Parties(caseID mediation.ID) ([]mediation.Party, error) {
	var out []mediation.Party
	err := db.view(func(tx *bolt.Tx) (err error) { out, err = partiesOf(tx, caseID); return })
	return out, err
}

// IssueInvitation replaces the party's invitation with inv: the old token stops
// working and every login made from it ends.
func (db *DB) IssueInvitation(inv *mediation.Invitation, actor string) error {
	return db.update(func(tx *bolt.Tx) error {
		p, err := getParty(tx, inv.PartyID)
		if err != nil {
			return err
		}
		inv.CaseID = p.CaseID
		if err := deletePartyLogins(tx, p.ID); err != nil {
			return err
		}
		return putInvitation(tx, inv, actor)
	})
}

// putInvitation stores inv as its party's only invitation.
func putInvitation(tx *bolt.Tx, inv *mediation.Invitation, actor string) error {
	byParty := tx.Bucket(invitationsByParty.bucket)
	partyKey := itob(uint64(inv.PartyID))
	if old := byParty.Get(partyKey); old != nil {
		if err := tx.Bucket(invitationRecords.bucket).Delete(bytes.Clone(old)); err != nil {
			return err
		}
	}
	if err := put(tx, invitationRecords.bucket, inv.TokenHash, inv); err != nil {
		return err
	}
	if err := byParty.Put(partyKey, inv.TokenHash); err != nil {
		return err
	}
	return appendAudit(tx, mediation.AuditEntry{CaseID: inv.CaseID, At: inv.CreatedAt, Actor: actor,
		Action: mediation.AuditInvitationCreate, Object: "party:" + inv.PartyID.String()})
}

// Invitation returns the invitation whose token hashes to hash, or ENOTFOUND.
func (db *DB) Invitation(hash []byte) (*mediation.Invitation, error) {
	var inv mediation.Invitation
	err := db.view(func(tx *bolt.Tx) error { return get(tx, invitationRecords.bucket, hash, &inv) })
	if err != nil {
		return nil, err
	}
	return &inv, nil
}
