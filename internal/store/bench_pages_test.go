package store_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"tiaojie/internal/mediation"
)

// BenchmarkCommitPages is what a group commit writes to the file when
// parties of different cases create submissions at once, as on a server: 64
// cases of one party each, 100 submissions each to begin with, then b.N more
// from 1, 16 and 64 writers, each writer a case of its own. It reports the
// mutations a commit carried, the pages it wrote (pages/commit) and their
// share of each mutation (pages/mutation), and the time bbolt took to write
// and fsync them (write-ms/commit): a commit writes the pages every write
// of it touched, and a submission touches its record's page, the audit
// entry's, and its entry's in submissions_by_case, on a page of its case's
// own (its creation entry has none in audit_by_case: the submission's ID is
// that entry's number).
func BenchmarkCommitPages(b *testing.B) {
	for _, writers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			w := newWorld(b)
			var cases []*mediation.Case
			var parties []*mediation.Party
			for i := range 64 {
				c := createCase(b, w.db, w.mediator, fmt.Sprint("车位", i), mediation.CategoryParking)
				cases = append(cases, c)
				parties = append(parties, createParty(b, w.db, c, w.mediator, fmt.Sprint("赵明", i), mediation.SideApplicant, "13800138001"))
			}
			create := func(writers, n int) {
				var next atomic.Int64
				var wg sync.WaitGroup
				for i := range writers {
					wg.Go(func() {
						for j := next.Add(1); j <= int64(n); j = next.Add(1) {
							s := newSubmission(b, cases[i].ID, parties[i].ID, fmt.Sprintf("材料 %d", j))
							if err := w.db.CreateSubmission(s, "p:1"); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
			}
			create(64, 6400)
			g0 := w.db.GroupFigures()
			s0, err := w.db.Stats()
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			create(writers, b.N)
			b.StopTimer()
			g := w.db.GroupFigures().Minus(g0)
			s, err := w.db.Stats()
			if err != nil {
				b.Fatal(err)
			}
			txs, pages := float64(g.Transactions), float64(s.Writes-s0.Writes)
			b.ReportMetric(float64(g.Mutations)/txs, "mutations/commit")
			b.ReportMetric(pages/txs, "pages/commit")
			b.ReportMetric(pages/float64(g.Mutations), "pages/mutation")
			b.ReportMetric((s.WriteTime-s0.WriteTime).Seconds()*1e3/txs, "write-ms/commit")
		})
	}
}
