package store

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// seedCounters writes the counters n cases would have made, spread over
// the ten years to 2026-10, directly (committing a million cases one by
// one would take hours): each synthetic case goes through countersOf, the
// sums into the bucket in one transaction.
func seedCounters(tb testing.TB, n int) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "counters.db"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	zone, _ := loadZone(defaultZone)
	r := rand.New(rand.NewPCG(uint64(n), 1))
	places := mediation.DefaultPlaces()
	start := time.Date(2016, 11, 1, 0, 0, 0, 0, zone)
	span := time.Date(2026, 11, 1, 0, 0, 0, 0, zone).Sub(start)
	sums := map[string]int64{}
	for range n {
		opened := start.Add(time.Duration(r.Int64N(int64(span))))
		c := &mediation.Case{Category: mediation.Categories[r.IntN(8)], Source: mediation.Sources[r.IntN(5)],
			Community: places.Communities[r.IntN(len(places.Communities))].Code, OpenedAt: opened, Status: mediation.StatusMediating}
		if r.IntN(4) > 0 {
			closed := opened.Add(time.Duration(r.IntN(60*24)) * time.Hour)
			c.Status, c.ClosedAt, c.Outcome = mediation.StatusClosed, &closed, mediation.Outcomes[r.IntN(3)]
		}
		for _, k := range countersOf(c, r.IntN(5), zone) {
			sums[string(counterKey(k))] += k.N
		}
	}
	err = db.backend.Update(func(tx Tx) error {
		b := tx.Bucket(bucketCounters)
		for k, v := range sums {
			if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(v))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return db
}

// Reading what a month's tables need (the counters of its year to date)
// reads a bounded number of keys: it costs about the same whether the file
// holds a thousand cases or a million.
func BenchmarkCountersOfAMonth(b *testing.B) {
	months := make([]string, 10)
	for i := range months {
		months[i] = fmt.Sprintf("2026-%02d", i+1)
	}
	for _, n := range []int{1_000, 1_000_000} {
		db := seedCounters(b, n)
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			var got int
			for b.Loop() {
				cs, err := db.Counters(months)
				if err != nil {
					b.Fatal(err)
				}
				got = len(cs)
			}
			b.ReportMetric(float64(got), "counters")
		})
	}
}
