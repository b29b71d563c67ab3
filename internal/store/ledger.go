package store

import (
	"errors"
	"fmt"
	"time"

	"tiaojie/internal/mediation"
)

// LedgerImport is how far an import of a register got.
type LedgerImport struct {
	// Total is the register's cases; Stored how many of them the store
	// holds now; Earlier how many of those an earlier run had stored.
	Total, Stored, Earlier int
	// Transactions is how many transactions this run committed.
	Transactions int
}

// ErrLedgerImported is ImportLedgerKeyed's answer for a register whose every
// case an earlier run stored: nothing is stored again.
var ErrLedgerImported = errors.New("store: this register was imported already")

// metaLedgerImport is the key of an import's progress in the meta bucket,
// under its key: how many of the register's cases are stored (8 bytes).
func metaLedgerImport(key string) []byte { return []byte("ledger_import\x00" + key) }

// ImportLedger stores a paper register's entries as the cases and parties
// they bring into the file (LedgerEntry.Case and Parties), as
// ImportLedgerKeyed does.
func (db *DB) ImportLedger(key string, places *mediation.Places, entries []mediation.LedgerEntry, actor string) (LedgerImport, error) {
	cases := make([]*mediation.Case, len(entries))
	parties := make([][]*mediation.Party, len(entries))
	for i := range entries {
		cases[i], parties[i] = entries[i].Case(places), entries[i].Parties()
	}
	return db.ImportLedgerKeyed(key, cases, parties, actor)
}

// ImportLedgerKeyed stores the cases of a paper register with their
// parties, each through commit like any case (its statistics counters with
// it) and audited as imported, the cases and parties given their IDs and
// references; in as few transactions as the backend takes: on bbolt one, all or nothing; on
// etcd (128 operations, 1.5 MiB a transaction) as many cases as fill three
// quarters of one, then the next. Each transaction stores whole cases (the
// case, its parties, their index entries, audit entries and counters) and,
// with key (the register's SHA-256), how many of the register's cases are
// stored so far, so the store is consistent after every one. A run that
// stops midway (a crash, a lost connection) is carried on by running the
// same register again: it skips the cases the record says are stored,
// and a register stored whole answers ErrLedgerImported. Without key there
// is no record, and a run that stops midway leaves its first cases stored.
func (db *DB) ImportLedgerKeyed(key string, cases []*mediation.Case, parties [][]*mediation.Party, actor string) (LedgerImport, error) {
	at := db.now()
	progress := LedgerImport{Total: len(cases)}
	lim := db.backend.Limits()
	most := len(cases) // the most cases a transaction tries
	first := true
	for first || progress.Stored < len(cases) {
		var from, took int
		err := db.backend.Update(func(tx Tx) error {
			from, took = progress.Stored, 0
			if key != "" {
				if v := tx.Bucket(bucketMeta).Get(metaLedgerImport(key)); len(v) == 8 {
					from = int(btoi(v))
				}
				if first && from >= len(cases) && len(cases) > 0 {
					return ErrLedgerImported
				}
			}
			for i := from; i < len(cases) && took < most; i++ {
				if err := importCase(tx, cases[i], parties[i], at, actor); err != nil {
					return err
				}
				took++
				if lim.nearlyFull(tx) {
					break
				}
			}
			if key != "" {
				return tx.Bucket(bucketMeta).Put(metaLedgerImport(key), itob(uint64(from+took)))
			}
			return nil
		})
		if first && key != "" {
			progress.Earlier = from
		}
		first = false
		if errors.Is(err, ErrTxnTooLarge) && took > 1 {
			most = took - 1 // one case more than fitted
			continue
		}
		if errors.Is(err, ErrLedgerImported) {
			progress.Stored, progress.Earlier = len(cases), len(cases)
			return progress, err
		}
		if err != nil {
			progress.Stored = from
			if errors.Is(err, ErrTxnTooLarge) {
				err = fmt.Errorf("store: case %d of the register alone is larger than one transaction takes: %w", from+1, err)
			}
			return progress, err
		}
		progress.Stored = from + took
		progress.Transactions++
		if took == 0 {
			break // nothing left
		}
	}
	return progress, nil
}

// importCase stores one case of a register with its parties.
func importCase(tx Tx, c *mediation.Case, parties []*mediation.Party, at time.Time, actor string) error {
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
	for _, p := range parties {
		pid, err := partyRecords.nextID(tx)
		if err != nil {
			return err
		}
		p.ID, p.CaseID = pid, id
		partyRecords.put(&ch, idKey(pid), p)
		ch.log(mediation.AuditEntry{CaseID: id, At: at, Actor: actor, Action: mediation.AuditPartyCreate,
			Object: "party:" + pid.String(), Detail: map[string]string{"side": string(p.Side)}})
	}
	return commit(tx, &ch)
}
