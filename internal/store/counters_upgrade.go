package store

import (
	"bytes"
	"fmt"
	"time"

	"tiaojie/internal/mediation"
)

// upgradeCounters brings a file from schema version 2 to 3: a case closed
// before cases recorded their outcome gets it from its audit entries (the
// status its last closing transition left), and the counters are marked
// unbuilt, so that prepareCounters builds them from the cases. It writes the
// case records directly: outcome is in no index, and the audit chain already
// holds the transition it restates.
func upgradeCounters(tx Tx) error {
	cases := tx.Bucket([]byte("cases"))
	var fixed []*mediation.Case
	err := cases.ForEach(func(k, v []byte) error {
		var c mediation.Case
		if err := decode(v, &c); err != nil {
			return fmt.Errorf("case [%x]: %w", k, err)
		}
		if c.Status != mediation.StatusClosed || c.Outcome != "" {
			return nil
		}
		outcome, err := closedFrom(tx, c.ID)
		if err != nil {
			return err
		}
		c.Outcome = outcome
		fixed = append(fixed, &c)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range fixed {
		v, err := encode(c)
		if err != nil {
			return err
		}
		if err := cases.Put(idKey(c.ID), v); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Delete(metaStatsZone)
}

// closedFrom is the status the last closing transition of a case left,
// from its audit entries; withdrawn when none says.
func closedFrom(tx Tx, caseID mediation.ID) (mediation.Status, error) {
	outcome := mediation.StatusWithdrawn
	prefix := idKey(caseID)
	audit := tx.Bucket([]byte("audit"))
	cur := tx.Bucket([]byte("audit_by_case")).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		v := audit.Get(k[8:])
		if v == nil {
			continue
		}
		var ch chained
		if err := decode(v, &ch); err != nil {
			return "", err
		}
		e := ch.Entry
		if e.Action == mediation.AuditCaseTransition && e.Detail["to"] == string(mediation.StatusClosed) {
			if from := mediation.Status(e.Detail["from"]); from != "" {
				outcome = from
			}
		}
	}
	return outcome, nil
}

// prepareCounters dates the counters in zone (Asia/Shanghai when nil): a
// file whose counters are unbuilt or dated in another zone has them built
// from its cases.
func prepareCounters(tx Tx, zone *time.Location) error {
	if zone == nil {
		var err error
		if zone, err = loadZone(defaultZone); err != nil {
			return err
		}
	}
	if v := tx.Bucket(bucketMeta).Get(metaStatsZone); v != nil && string(v) == zone.String() {
		return nil
	}
	if _, err := loadZone(zone.String()); err != nil {
		zones.Store(zone.String(), zone)
	}
	if partsNeeded(tx) {
		return nil // more than one transaction: rebuildCountersInParts, after
	}
	if err := buildCounters(tx, zone); err != nil {
		return fmt.Errorf("store: build statistics counters: %w", err)
	}
	return nil
}
