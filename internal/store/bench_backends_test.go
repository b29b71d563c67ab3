package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// BenchmarkBackendWrites is write throughput on each backend of the table:
// submissions created by 1, 16 and 64 writers at once, every one a mutation
// with its record, index entries and audit entry, group-committed. On etcd
// also from two databases on one store (two processes), the writers shared
// between them, in two ways. -2proc: both campaign (election.go), and the
// follower's writers have their writes made by the leader, as a follower
// forwards them (the HTTP hop left out), then wait until the follower's
// watches have the leader's commit (WaitWatches), as it does before it
// relays the answer. -2proc-cas: both commit, as before the election: their
// groups conflict on the audit chain's head and run again (conflicts/op). On etcd it also reports where a write's time goes:
// the Txns (txns/op: one a group, and one more a conflict) and the reads
// (each a round trip, made one after another by the committer) a write
// takes, the time each took, and the member's log syncs per write.
//
// And on a 3-member cluster (etcd3, see clusterBackend), one and two
// databases; at the end the log has each run's writes/s as a ratio to
// bbolt's at the same number of writers, measured in this one run.
func BenchmarkBackendWrites(b *testing.B) {
	var rates []rate
	for _, be := range append(slices.Clone(backends), clusterBackend(b)) {
		for _, procs := range []string{"", "-2proc", "-2proc-cas"} {
			if procs != "" && be.name == "bbolt" {
				continue
			}
			for _, writers := range []int{1, 16, 64} {
				name := fmt.Sprintf("%s%s/writers=%d", be.name, procs, writers)
				b.Run(name, func(b *testing.B) {
					chosen.Store(b.Name(), be)
					w := newWorld(b)
					c := createCase(b, w.db, w.mediator, "车位", mediation.CategoryParking)
					p := createParty(b, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
					dbs := []*store.DB{w.db}
					switch procs {
					case "-2proc-cas":
						second, err := reopenerOf(w.db)(store.Options{})
						if err != nil {
							b.Fatal(err)
						}
						defer second.Close()
						dbs = append(dbs, second)
					case "-2proc":
						dbs = nil
						for i := range 2 {
							db, err := store.OpenCandidate(w.db, fmt.Sprintf("http://candidate-%d", i))
							if err != nil {
								b.Fatal(err)
							}
							defer db.Close()
							dbs = append(dbs, db)
						}
						for !dbs[0].Leading() && !dbs[1].Leading() {
							time.Sleep(time.Millisecond)
						}
						if dbs[0].Leading() {
							// The follower first: one writer is forwarded.
							dbs[0], dbs[1] = dbs[1], dbs[0]
						}
					}
					before := figuresOf(dbs)
					syncs, syncTime := etcdtest.WALFsyncs()
					var next atomic.Int64
					var wg sync.WaitGroup
					b.ResetTimer()
					for i := range writers {
						db := dbs[i%len(dbs)]
						wg.Go(func() {
							for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
								s := newSubmission(b, c.ID, p.ID, fmt.Sprintf("材料 %d", i))
								if err := createAsServer(db, dbs, s); err != nil {
									b.Error(err)
									return
								}
							}
						})
					}
					wg.Wait()
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
					rates = setRate(rates, name, float64(b.N)/b.Elapsed().Seconds())
					var conflicts int64
					for _, db := range dbs {
						conflicts += db.Conflicts()
					}
					b.ReportMetric(float64(conflicts)/float64(b.N), "conflicts/op")
					if f := figuresOf(dbs).Minus(before); f.Commits > 0 {
						// Where the time goes on etcd: round trips per
						// write, and the time each took.
						b.ReportMetric(float64(f.Commits)/float64(b.N), "txns/op")
						b.ReportMetric(float64(f.Reads)/float64(b.N), "reads/op")
						b.ReportMetric(f.TxnTime.Seconds()*1e3/float64(f.Commits), "ms/txn")
						b.ReportMetric(f.FirstReadTime.Seconds()*1e3/float64(f.FirstReads), "ms/1st-read")
						if later := f.Reads - f.FirstReads; later > 0 {
							b.ReportMetric((f.ReadTime-f.FirstReadTime).Seconds()*1e3/float64(later), "ms/later-read")
						}
						// A Txn that fails its compares is a raft round too.
						n, took := etcdtest.WALFsyncs()
						if n -= syncs; n > 0 {
							b.ReportMetric(float64(n)/float64(b.N), "fsyncs/op")
							b.ReportMetric((took-syncTime).Seconds()*1e3/float64(n), "ms/fsync")
						}
					}
				})
			}
		}
	}
	logRatios(b, rates)
}

// createAsServer makes the submission as a server on db does: itself, or,
// when db campaigns and another of dbs leads, through the leader, then
// waiting until db's watches have the leader's commit.
func createAsServer(db *store.DB, dbs []*store.DB, s *mediation.Submission) error {
	if !db.Campaigning() || db.Leading() {
		return db.CreateSubmission(s, "p:1")
	}
	for _, leader := range dbs {
		if leader.Leading() {
			if err := leader.CreateSubmission(s, "p:1"); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return db.WaitWatches(ctx, leader.WatchedRevision(), nil)
		}
	}
	return errors.New("no leader")
}

// figuresOf are the etcd round trips of some databases, summed.
func figuresOf(dbs []*store.DB) store.EtcdFigures {
	var f store.EtcdFigures
	for _, db := range dbs {
		f = f.Plus(db.EtcdFigures())
	}
	return f
}
