package store_test

import (
	"fmt"
	"sort"
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

// logRatios logs each run's rate (named backend[-2proc]/writers=N) as a
// ratio to bbolt's at the same number of writers.
func logRatios(b *testing.B, rates map[string]float64) {
	var names []string
	for name := range rates {
		names = append(names, name)
	}
	sort.Strings(names)
	var out strings.Builder
	for _, name := range names {
		be, writers, _ := strings.Cut(name, "/")
		base, ok := rates["bbolt/"+writers]
		if !ok || be == "bbolt" {
			fmt.Fprintf(&out, "\n%-12s %-11s %8.0f writes/s", be, writers, rates[name])
			continue
		}
		fmt.Fprintf(&out, "\n%-12s %-11s %8.0f writes/s  %.3f of bbolt's", be, writers, rates[name], rates[name]/base)
	}
	b.Logf("writes/s, and as a ratio to bbolt's at as many writers, in this run:%s", out.String())
}
