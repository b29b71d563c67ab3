package store

import (
	"encoding/binary"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store/etcdtest"
)

// register is n closed cases at 21:00 UTC on a month's last day (the next
// morning in Shanghai), over n/3 months and three categories.
func register(n int) ([]*mediation.Case, [][]*mediation.Party) {
	places := mediation.DefaultPlaces()
	cats := []mediation.Category{mediation.CategoryNoise, mediation.CategoryParking, mediation.CategoryPets}
	var cases []*mediation.Case
	var parties [][]*mediation.Party
	for i := range n {
		month := time.Date(2018, time.Month(1+i/3), 1, 0, 0, 0, 0, time.UTC)
		closed := month.AddDate(0, 1, 0).Add(-3 * time.Hour)
		e := mediation.LedgerEntry{Line: i + 2, AcceptedOn: month.AddDate(0, 0, 2), ClosedOn: &closed, Category: cats[i%3],
			Community: "heping-li", Source: mediation.SourcePartyApplication, Outcome: mediation.StatusAgreement,
			Sessions: 1 + i%4, Applicant: fmt.Sprintf("甲%d", i), Respondent: fmt.Sprintf("乙%d", i)}
		cases, parties = append(cases, e.Case(places)), append(parties, e.Parties())
	}
	return cases, parties
}

func countersOfDB(t *testing.T, db *DB) map[string]int64 {
	t.Helper()
	var out map[string]int64
	if err := db.view(func(tx Tx) (err error) { out, err = storedCounters(tx); return }); err != nil {
		t.Fatal(err)
	}
	return out
}

// On etcd the counters of a store with more of them than one transaction
// takes are rebuilt for a new zone in parts, to what a file rebuilt at once
// holds; a rebuild stopped midway (its holder gone, the zone unrecorded,
// counters half corrected) is taken over and finished at the next start.
func TestCountersRebuiltInParts(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	eo := EtcdOptions{Endpoints: etcdtest.Shared(t).Endpoints, Prefix: fmt.Sprintf("internal/%d/", internalPrefixes.Add(1))}
	db, err := OpenEtcd(eo, Options{Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	cases, parties := register(90)
	if _, err := db.ImportLedgerKeyed("", cases, parties, "system"); err != nil {
		t.Fatal(err)
	}
	inUTC := countersOfDB(t, db)
	db.Close()

	file, err := Open(filepath.Join(t.TempDir(), "ref.db"), Options{Zone: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	cases, parties = register(90)
	if _, err := file.ImportLedgerKeyed("", cases, parties, "system"); err != nil {
		t.Fatal(err)
	}
	want := countersOfDB(t, file)
	differ := 0
	for k := range mergeKeys(want, inUTC) {
		if want[k] != inUTC[k] {
			differ++
		}
	}
	if differ <= 128 {
		t.Fatalf("only %d counters move with the zone: not more than one transaction", differ)
	}

	db, err = OpenEtcd(eo, Options{Zone: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if got := countersOfDB(t, db); !maps.Equal(got, want) {
		t.Errorf("rebuilt in parts: %d counters, the file's %d", len(got), len(want))
	}
	if err := db.CheckCounters(); err != nil {
		t.Errorf("CheckCounters: %v", err)
	}

	// A rebuild stopped midway: the zone unrecorded, a counter half
	// corrected, its holder silent for longer than staleRebuild.
	err = db.backend.Update(func(tx Tx) error {
		meta := tx.Bucket(bucketMeta)
		meta.Delete(metaStatsZone)
		meta.Put(metaStatsRebuild, fmt.Appendf(nil, "gone %d", time.Now().Add(-time.Minute).Unix()))
		c := tx.Bucket(bucketCounters)
		k, _ := c.Cursor().First()
		return c.Put(append([]byte(nil), k...), binary.BigEndian.AppendUint64(nil, 999))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = OpenEtcd(eo, Options{Zone: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := countersOfDB(t, db); !maps.Equal(got, want) {
		t.Errorf("after the rebuild taken over: %d counters, the file's %d", len(got), len(want))
	}
	var held []byte
	db.view(func(tx Tx) error { held = tx.Bucket(bucketMeta).Get(metaStatsRebuild); return nil })
	if held != nil {
		t.Errorf("the rebuild is still held: %q", held)
	}
}
