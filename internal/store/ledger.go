package store

import (
	"time"

	"tiaojie/internal/mediation"
)

// ImportLedger stores the cases of a paper register with their parties, in
// one transaction: every case or none. Each goes through commit like any
// case (its statistics counters with it) and is audited as imported. The
// cases and parties get their IDs and references.
func (db *DB) ImportLedger(cases []*mediation.Case, parties [][]*mediation.Party, actor string) error {
	at := db.now()
	return db.backend.Update(func(tx Tx) error {
		for i, c := range cases {
			id, err := caseRecords.nextID(tx)
			if err != nil {
				return err
			}
			c.ID, c.Reference = id, mediation.CaseReference(id, c.OpenedAt)
			c.Joined = map[mediation.ID]time.Time{}
			var ch change
			caseRecords.put(&ch, idKey(id), c)
			ch.log(mediation.AuditEntry{CaseID: id, At: at, Actor: actor, Action: mediation.AuditCaseImport,
				Object: "case:" + id.String(),
				Detail: map[string]string{"accepted_on": c.OpenedAt.Format(time.RFC3339), "status": string(c.Status)}})
			for _, p := range parties[i] {
				pid, err := partyRecords.nextID(tx)
				if err != nil {
					return err
				}
				p.ID, p.CaseID = pid, id
				partyRecords.put(&ch, idKey(pid), p)
				ch.log(mediation.AuditEntry{CaseID: id, At: at, Actor: actor, Action: mediation.AuditPartyCreate,
					Object: "party:" + pid.String(), Detail: map[string]string{"side": string(p.Side)}})
			}
			if err := commit(tx, &ch); err != nil {
				return err
			}
		}
		return nil
	})
}
