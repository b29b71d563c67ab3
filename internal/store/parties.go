package store

import (
	"bytes"

	"tiaojie/internal/mediation"
)

// CreateParty stores a new party of a case, with its first invitation, and
// sets its ID. It returns ECONFLICT when the party appears to be one of the
// case's mediators.
func (db *DB) CreateParty(p *mediation.Party, inv *mediation.Invitation, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		c, err := getCase(tx, p.CaseID)
		if err != nil {
			return err
		}
		if err := requireNoMediatorConflict(tx, c, p); err != nil {
			return err
		}
		id, err := partyRecords.nextID(tx)
		if err != nil {
			return err
		}
		p.ID = id
		var ch change
		partyRecords.put(&ch, idKey(id), p)
		ch.log(mediation.AuditEntry{CaseID: p.CaseID, At: p.CreatedAt, Actor: actor,
			Action: mediation.AuditPartyCreate, Object: "party:" + id.String(),
			Detail: map[string]string{"side": string(p.Side)}})
		inv.PartyID, inv.CaseID = id, p.CaseID
		replaceInvitation(tx, &ch, inv, actor)
		return commit(tx, &ch)
	}, opts...)
}

func getParty(tx Tx, id mediation.ID) (*mediation.Party, error) {
	return partyRecords.get(tx, idKey(id))
}

// Party returns the party with the given ID, or ENOTFOUND.
func (db *DB) Party(id mediation.ID) (*mediation.Party, error) {
	var p *mediation.Party
	err := db.view(func(tx Tx) (err error) { p, err = getParty(tx, id); return })
	return p, err
}

func partiesOf(tx Tx, caseID mediation.ID) ([]mediation.Party, error) {
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
	err := db.view(func(tx Tx) (err error) { out, err = partiesOf(tx, caseID); return })
	return out, err
}

// IssueInvitation replaces the party's invitation with inv: the old token stops
// working and every login made from it ends.
func (db *DB) IssueInvitation(inv *mediation.Invitation, actor string) error {
	return db.update(func(tx Tx) error {
		p, err := getParty(tx, inv.PartyID)
		if err != nil {
			return err
		}
		inv.CaseID = p.CaseID
		var ch change
		deletePartyLogins(tx, &ch, p.ID)
		replaceInvitation(tx, &ch, inv, actor)
		return commit(tx, &ch)
	})
}

// replaceInvitation adds to the change storing inv as its party's only
// invitation: the one the party had, if any, is deleted.
func replaceInvitation(tx Tx, ch *change, inv *mediation.Invitation, actor string) {
	if old := tx.Bucket(invitationsByParty.bucket).Get(idKey(inv.PartyID)); old != nil {
		// The PIN is the party's: it goes on with the new link.
		if was, err := invitationRecords.get(tx, old); err == nil {
			inv.PINHash, inv.PINSetAt, inv.PINResetBy, inv.PINResetAt = was.PINHash, was.PINSetAt, was.PINResetBy, was.PINResetAt
		}
		invitationRecords.del(ch, bytes.Clone(old))
	}
	invitationRecords.put(ch, inv.TokenHash, inv)
	ch.log(mediation.AuditEntry{CaseID: inv.CaseID, At: inv.CreatedAt, Actor: actor,
		Action: mediation.AuditInvitationCreate, Object: "party:" + inv.PartyID.String()})
}

// Redeem stores a party's login made from the invitation whose token hashes
// to hash, marking the invitation used (so that it no longer expires), with
// the audit entry. pinHash, when set, is the PIN the party sets at this
// first entry. It returns ENOTFOUND when the invitation was replaced
// meanwhile, and ECONFLICT when a PIN was to be set but one was set
// meanwhile (the PIN given must then be checked against it).
func (db *DB) Redeem(hash []byte, l *Login, audit *mediation.AuditEntry, pinHash string) error {
	return db.update(func(tx Tx) error {
		inv, err := invitationRecords.get(tx, hash)
		if err != nil {
			return err
		}
		if inv.PartyID != l.PartyID {
			return mediation.NotFound()
		}
		var ch change
		changed := false
		if inv.RedeemedAt == nil {
			at := l.CreatedAt
			inv.RedeemedAt, changed = &at, true
			// The entry page shows the notice of rights and duties: a
			// first entry records that it was given.
			if err := noticeAtEntry(tx, &ch, inv.CaseID, inv.PartyID, at, audit.Actor); err != nil {
				return err
			}
		}
		if pinHash != "" {
			if inv.PINHash != "" {
				return mediation.Errorf(mediation.ECONFLICT, "error.pin_wrong")
			}
			at := l.CreatedAt
			inv.PINHash, inv.PINSetAt, changed = pinHash, &at, true
			ch.log(mediation.AuditEntry{CaseID: inv.CaseID, At: at, Actor: audit.Actor,
				Action: mediation.AuditPINSet, Object: "party:" + inv.PartyID.String()})
		}
		if changed {
			invitationRecords.put(&ch, hash, inv)
		}
		loginRecords.put(&ch, l.ID, l)
		ch.log(*audit)
		return commit(tx, &ch)
	})
}

// ResetPIN clears a party's PIN, remembering who reset it and when, and ends
// every login of the party, with the audit entry. It returns ENOTFOUND for a
// party without an invitation.
func (db *DB) ResetPIN(party, by mediation.ID, actor string) error {
	return db.update(func(tx Tx) error {
		key := tx.Bucket(invitationsByParty.bucket).Get(idKey(party))
		if key == nil {
			return mediation.NotFound()
		}
		key = bytes.Clone(key)
		inv, err := invitationRecords.get(tx, key)
		if err != nil {
			return err
		}
		now := db.now()
		inv.PINHash, inv.PINSetAt, inv.PINResetBy, inv.PINResetAt = "", nil, by, &now
		var ch change
		invitationRecords.put(&ch, key, inv)
		deletePartyLogins(tx, &ch, party)
		ch.log(mediation.AuditEntry{CaseID: inv.CaseID, At: now, Actor: actor,
			Action: mediation.AuditPINReset, Object: "party:" + party.String()})
		return commit(tx, &ch)
	})
}

// PartyInvitation returns the party's current invitation, or ENOTFOUND.
func (db *DB) PartyInvitation(party mediation.ID) (*mediation.Invitation, error) {
	var inv *mediation.Invitation
	err := db.view(func(tx Tx) (err error) {
		key := tx.Bucket(invitationsByParty.bucket).Get(idKey(party))
		if key == nil {
			return mediation.NotFound()
		}
		inv, err = invitationRecords.get(tx, key)
		return
	})
	return inv, err
}

// Invitation returns the invitation whose token hashes to hash, or ENOTFOUND.
func (db *DB) Invitation(hash []byte) (*mediation.Invitation, error) {
	var inv *mediation.Invitation
	err := db.view(func(tx Tx) (err error) { inv, err = invitationRecords.get(tx, hash); return })
	return inv, err
}

// requireNoMediatorConflict returns ECONFLICT when the party, as it is to be
// stored, appears to be one of the case's mediators.
func requireNoMediatorConflict(tx Tx, c *mediation.Case, p *mediation.Party) error {
	for _, m := range c.Mediators {
		u, err := getUser(tx, m)
		if err != nil {
			return err
		}
		if u.Conflicts(p) {
			return mediation.Errorf(mediation.ECONFLICT, "error.conflict_of_interest")
		}
	}
	return nil
}
