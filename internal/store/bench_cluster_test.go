package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// clusterBackend places stores on a 3-member etcd cluster (etcd3): three
// member processes on loopback, fsync on, each store under a key prefix of
// its own. The cluster starts at the first store placed, and is killed when
// parent ends; its start time goes to parent's log.
func clusterBackend(parent testing.TB) testBackend {
	var (
		once    sync.Once
		cluster *etcdtest.Cluster
		err     error
	)
	return testBackend{name: "etcd3", place: func(tb testing.TB) func(store.Options) (*store.DB, error) {
		once.Do(func() {
			cluster, err = etcdtest.StartCluster(parent.TempDir(), 3)
			if err == nil {
				parent.Cleanup(cluster.Stop)
				parent.Logf("the 3-member cluster started in %s", cluster.Started.Round(time.Millisecond))
			}
		})
		if err != nil {
			tb.Fatal(err)
		}
		eo := store.EtcdOptions{Endpoints: cluster.Endpoints, Prefix: fmt.Sprintf("bench/%d/", prefixes.Add(1))}
		return func(opt store.Options) (*store.DB, error) { return store.OpenEtcd(eo, opt) }
	}}
}

// A rate is one run's writes/s, named backend[-2proc]/writers=N.
type rate struct {
	name  string
	value float64
}

// setRate records a run's rate: a benchmark runs again with a larger b.N,
// and the last run is the one reported.
func setRate(rates []rate, name string, v float64) []rate {
	for i := range rates {
		if rates[i].name == name {
			rates[i].value = v
			return rates
		}
	}
	return append(rates, rate{name, v})
}

// logRatios logs each run's rate, in the order run, as a ratio to bbolt's
// at the same number of writers.
func logRatios(b *testing.B, rates []rate) {
	base := map[string]float64{}
	for _, r := range rates {
		if be, writers, _ := strings.Cut(r.name, "/"); be == "bbolt" {
			base[writers] = r.value
		}
	}
	var out strings.Builder
	for _, r := range rates {
		be, writers, _ := strings.Cut(r.name, "/")
		fmt.Fprintf(&out, "\n%-16s %-11s %8.0f writes/s", be, writers, r.value)
		if bb, ok := base[writers]; ok && be != "bbolt" {
			fmt.Fprintf(&out, "  %.3f of bbolt's", r.value/bb)
		}
	}
	b.Logf("writes/s, and as a ratio to bbolt's at as many writers, in this run:%s", out.String())
}
