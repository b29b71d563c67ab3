package store

import (
	"bytes"

	"tiaojie/internal/mediation"
)

// CaseCountsByStatus counts the cases in each status, reading only the
// cases_by_status index (never a case record). Every status of
// mediation.Statuses is present, with 0 when no case has it; a status found in
// the index that the domain no longer knows is counted under its own name, so
// that a stale entry shows up rather than vanishing.
func (db *DB) CaseCountsByStatus() (map[mediation.Status]int, error) {
	counts := make(map[mediation.Status]int, len(mediation.Statuses))
	for _, s := range mediation.Statuses {
		counts[s] = 0
	}
	err := db.view(func(tx Tx) error {
		c := tx.Bucket(casesByStatus.bucket).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				continue // not a status key; tiaojie check reports it
			}
			counts[mediation.Status(k[:i])]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}
