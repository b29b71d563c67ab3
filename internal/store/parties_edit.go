package store

import (
	"bytes"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// UpdateParty stores a corrected party record, with the audit entry naming
// the fields that changed. The party keeps its ID, case and invitation.
func (db *DB) UpdateParty(p *mediation.Party, changed []string, at time.Time, actor string, opts ...Option) error {
	return db.update(func(tx Tx) error {
		old, err := getParty(tx, p.ID)
		if err != nil {
			return err
		}
		if old.CaseID != p.CaseID {
			return mediation.NotFound()
		}
		c, err := getCase(tx, p.CaseID)
		if err != nil {
			return err
		}
		if err := requireNoMediatorConflict(tx, c, p); err != nil {
			return err
		}
		var ch change
		partyRecords.put(&ch, idKey(p.ID), p)
		ch.log(mediation.AuditEntry{CaseID: p.CaseID, At: at, Actor: actor,
			Action: mediation.AuditPartyUpdate, Object: "party:" + p.ID.String(),
			Detail: map[string]string{"fields": strings.Join(changed, ",")}})
		return commit(tx, &ch)
	}, opts...)
}

// RemoveParty takes a party off its case, with its invitation and the
// reason in the audit entry. Only a party that has never entered and has
// nothing on the file (no submission, no caucus) can be removed: otherwise
// ECONFLICT, and the record stays.
func (db *DB) RemoveParty(caseID, partyID mediation.ID, reason string, at time.Time, actor string) (*mediation.Party, error) {
	var removed *mediation.Party
	err := db.update(func(tx Tx) error {
		p, err := getParty(tx, partyID)
		if err != nil {
			return err
		}
		if p.CaseID != caseID {
			return mediation.NotFound()
		}
		var ch change
		if hash := tx.Bucket(invitationsByParty.bucket).Get(idKey(p.ID)); hash != nil {
			inv, err := invitationRecords.get(tx, hash)
			if err != nil {
				return err
			}
			if inv.RedeemedAt != nil {
				return mediation.Errorf(mediation.ECONFLICT, "error.party_entered")
			}
			invitationRecords.del(&ch, bytes.Clone(hash))
		}
		for range ascendingWhere(tx.Bucket(submissionsByCase.bucket), idKey(p.CaseID), 0, authoredBy(p.ID)) {
			return mediation.Errorf(mediation.ECONFLICT, "error.party_has_records")
		}
		if k, _ := tx.Bucket(sessionsByParty.bucket).Cursor().Seek(idKey(p.ID)); k != nil && bytes.HasPrefix(k, idKey(p.ID)) {
			return mediation.Errorf(mediation.ECONFLICT, "error.party_has_records")
		}
		deletePartyLogins(tx, &ch, p.ID)
		partyRecords.del(&ch, idKey(p.ID))
		ch.log(mediation.AuditEntry{CaseID: p.CaseID, At: at, Actor: actor,
			Action: mediation.AuditPartyRemove, Object: "party:" + p.ID.String(),
			Detail: map[string]string{"name": p.Name, "reason": reason}})
		removed = p
		return commit(tx, &ch)
	})
	return removed, err
}

// PartyEntries says, for each party of a case that has entered, when it
// first did (its invitation's redemption).
func (db *DB) PartyEntries(caseID mediation.ID) (map[mediation.ID]time.Time, error) {
	out := map[mediation.ID]time.Time{}
	err := db.view(func(tx Tx) error {
		parties, err := partiesOf(tx, caseID)
		if err != nil {
			return err
		}
		for _, p := range parties {
			hash := tx.Bucket(invitationsByParty.bucket).Get(idKey(p.ID))
			if hash == nil {
				continue
			}
			inv, err := invitationRecords.get(tx, hash)
			if err != nil {
				return err
			}
			if inv.RedeemedAt != nil {
				out[p.ID] = *inv.RedeemedAt
			}
		}
		return nil
	})
	return out, err
}
