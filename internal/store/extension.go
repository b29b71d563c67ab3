package store

import (
	"strings"

	"tiaojie/internal/mediation"
)

// ExtendTerm records that both sides of the case consented to one further
// month of mediation, checked against the case's parties in the same
// transaction, and audits it.
func (db *DB) ExtendTerm(id mediation.ID, actor string, by mediation.ID, in mediation.ExtensionInput, opts ...Option) (*mediation.Case, error) {
	var out *mediation.Case
	err := db.update(func(tx Tx) error {
		old, err := getCase(tx, id)
		if err != nil {
			return err
		}
		parties, err := partiesOf(tx, id)
		if err != nil {
			return err
		}
		c := *old
		if err := c.Extend(in, parties, by, db.now()); err != nil {
			return err
		}
		consented := make([]string, len(c.Extension.ConsentedBy))
		for i, p := range c.Extension.ConsentedBy {
			consented[i] = "party:" + p.String()
		}
		out = &c
		return changeCase(tx, &c, mediation.AuditEntry{CaseID: id, At: c.UpdatedAt, Actor: actor,
			Action: mediation.AuditTermExtend, Object: "case:" + id.String(),
			Detail: map[string]string{"reason": c.Extension.Reason, "consented_by": strings.Join(consented, " ")}})
	}, opts...)
	return out, err
}
