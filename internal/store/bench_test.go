package store_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"tiaojie/internal/mediation"
)

// BenchmarkAuditRead compares the two ways a read is put on record: queued and
// group-committed (RecordRead, what every submission read does) against a
// transaction of its own (RecordNow, what a backup does). The ratio is what
// the design's "a read never waits for a disk flush" buys.
func BenchmarkAuditRead(b *testing.B) {
	for _, way := range []string{"queued", "own-transaction"} {
		b.Run(way, func(b *testing.B) {
			db := MustOpenDB(b)
			e := mediation.AuditEntry{CaseID: 1, Actor: "u:1", Action: mediation.AuditSubmissionRead, Object: "submission:1"}
			b.ResetTimer()
			for b.Loop() {
				if way == "queued" {
					db.RecordRead(e)
				} else if err := db.RecordNow(e); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			db.FlushReads()
		})
	}
}

// BenchmarkCreateSubmission writes submissions from many goroutines at once;
// DB.Batch lets them share commits.
func BenchmarkCreateSubmission(b *testing.B) {
	w := newWorld(b)
	c := createCase(b, w.db, w.mediator, "车位", mediation.CategoryParking)
	p := createParty(b, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := newSubmission(b, c.ID, p.ID, fmt.Sprintf("材料 %d", n.Add(1)))
			if err := w.db.CreateSubmission(s, "p:1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
