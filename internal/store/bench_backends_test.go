package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"tiaojie/internal/mediation"
)

// BenchmarkBackendWrites is write throughput on each backend of the table:
// submissions created by 1, 16 and 64 writers at once, every one a mutation
// with its record, index entries and audit entry, group-committed.
func BenchmarkBackendWrites(b *testing.B) {
	for _, be := range backends {
		for _, writers := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("%s/writers=%d", be.name, writers), func(b *testing.B) {
				chosen.Store(b.Name(), be)
				w := newWorld(b)
				c := createCase(b, w.db, w.mediator, "车位", mediation.CategoryParking)
				p := createParty(b, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for range writers {
					wg.Go(func() {
						for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
							s := newSubmission(b, c.ID, p.ID, fmt.Sprintf("材料 %d", i))
							if err := w.db.CreateSubmission(s, "p:1"); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}
