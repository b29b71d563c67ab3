package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// openFixture opens a copy of testdata/v1.db, upgraded.
func openFixture(t *testing.T) *DB {
	t.Helper()
	raw, err := os.ReadFile("testdata/v1.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	addSessions(t, db)
	addAttachment(t, db)
	return db
}

// addSessions gives case 1 of the fixture, which predates sessions, a joint
// session in a room and a caucus elsewhere, so that every index has entries.
func addSessions(t *testing.T, db *DB) {
	t.Helper()
	c, err := db.Case(1)
	if err != nil {
		t.Fatal(err)
	}
	parties, err := db.Parties(1)
	if err != nil || len(parties) == 0 {
		t.Fatalf("parties of case 1: %v", err)
	}
	start := time.Date(2027, 3, 1, 2, 0, 0, 0, time.UTC)
	for _, s := range []*mediation.Session{
		{CaseID: 1, Kind: mediation.SessionJoint, StartsAt: start, EndsAt: start.Add(time.Hour), Location: "第一调解室", Room: true},
		{CaseID: 1, Kind: mediation.SessionCaucus, PartyID: parties[0].ID, StartsAt: start.Add(2 * time.Hour),
			EndsAt: start.Add(3 * time.Hour), Location: "3号楼院子"},
	} {
		s.MediatorIDs, s.Status, s.CreatedAt = c.Mediators, mediation.SessionScheduled, start
		if err := db.CreateSession(s, "system"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.IssueFeed(&mediation.Feed{UserID: c.Mediators[0], TokenHash: bytes.Repeat([]byte{7}, 32), CreatedAt: start}, "system"); err != nil {
		t.Fatal(err)
	}
	// A party's request that the mediator step aside (recusals_by_case).
	if err := db.CreateRecusal(&mediation.Recusal{CaseID: 1, PartyID: parties[0].ID, UserID: c.Mediators[0],
		Reason: "调解员是对方亲戚", CreatedAt: start}, "system"); err != nil {
		t.Fatal(err)
	}
	addAgreement(t, db, parties[0].ID, start)
}

// addAgreement gives case 1 an oral agreement and a return visit, written
// as records, so that their indexes have entries.
func addAgreement(t *testing.T, db *DB, party mediation.ID, at time.Time) {
	t.Helper()
	err := db.update(func(tx Tx) error {
		aid, err := agreementRecords.nextID(tx)
		if err != nil {
			return err
		}
		vid, err := visitRecords.nextID(tx)
		if err != nil {
			return err
		}
		var ch change
		agreementRecords.put(&ch, idKey(aid), &mediation.Agreement{ID: aid, CaseID: 1, Oral: true, CreatedAt: at,
			Versions: []mediation.AgreementVersion{{Version: 1, CreatedAt: at, Content: mediation.AgreementContent{
				Terms: []mediation.AgreementTerm{{ObligorPartyID: party, Text: "移车", Manner: "自行", Deadline: "2027-03-08"}}}}}})
		visitRecords.put(&ch, idKey(vid), &mediation.Visit{ID: vid, CaseID: 1, AgreementID: aid, PartyID: party,
			VisitedOn: "2027-03-15", Satisfaction: 4, CreatedAt: at})
		return commit(tx, &ch)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func indexSnapshot(t *testing.T, db *DB) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	err := db.view(func(tx Tx) error {
		for _, ix := range indexes {
			m := map[string]string{}
			tx.Bucket(ix.bucket).ForEach(func(k, v []byte) error { m[string(k)] = string(v); return nil })
			out[string(ix.bucket)] = m
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// eachRecord commits, for every record of every indexed kind, the change
// made by fn.
func eachRecord(t *testing.T, db *DB, fn func(ch *change, k *kind, key []byte, r any)) {
	t.Helper()
	err := db.backend.Update(func(tx Tx) error {
		var ch change
		for _, k := range indexedKinds() {
			err := tx.Bucket(k.bucket).ForEach(func(key, v []byte) error {
				r, err := k.decode(v)
				if err != nil {
					return err
				}
				fn(&ch, k, bytes.Clone(key), r)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return commit(tx, &ch)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// commit derives every index entry from the declarations: writing each
// record again changes no index, and deleting every record empties them all.
func TestCommitKeepsEveryIndex(t *testing.T) {
	db := openFixture(t)
	before := indexSnapshot(t, db)
	for name, entries := range before {
		if len(entries) == 0 {
			t.Fatalf("the fixture leaves %s empty, so this test proves nothing for it", name)
		}
	}

	eachRecord(t, db, func(ch *change, k *kind, key []byte, r any) {
		ch.writes = append(ch.writes, write{of: k, key: key, record: r})
	})
	after := indexSnapshot(t, db)
	for name := range before {
		if len(after[name]) != len(before[name]) {
			t.Errorf("rewriting every record changed %s from %d to %d entries", name, len(before[name]), len(after[name]))
		}
		for k, v := range before[name] {
			if got, ok := after[name][k]; !ok || got != v {
				t.Errorf("rewriting every record changed %s [%x]", name, k)
			}
		}
	}
	if err := db.CheckIndexes(); err != nil {
		t.Errorf("CheckIndexes after rewriting every record: %v", err)
	}

	// The audit chain is left alone: deleting its entries would break it.
	eachRecord(t, db, func(ch *change, k *kind, key []byte, r any) {
		if k != auditRecords.kind {
			ch.writes = append(ch.writes, write{of: k, key: key})
		}
	})
	for name, entries := range indexSnapshot(t, db) {
		if name != string(auditByCase.bucket) && len(entries) != 0 {
			t.Errorf("after deleting every record, %s still holds %d entries", name, len(entries))
		}
	}
	if err := db.CheckIndexes(); err != nil {
		t.Errorf("CheckIndexes after deleting every record: %v", err)
	}
}

// A new index is one declaration: the layout names each bucket once.
func TestLayoutNamesEachBucketOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range allBuckets() {
		if seen[string(name)] {
			t.Errorf("bucket %s is declared twice", name)
		}
		seen[string(name)] = true
	}
	for _, ix := range indexes {
		if !slices.Contains(ix.of.indexes, ix) {
			t.Errorf("index %s is not among its kind's", ix.bucket)
		}
	}
	if len(allBuckets()) != 3+len(kinds)+len(indexes) {
		t.Errorf("%d buckets, want meta, %d kinds of record, %d indexes, the counters and the published ones", len(allBuckets()), len(kinds), len(indexes))
	}
}
