package store

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Collector shows on /metrics the case counts and bbolt's statistics (Stats),
// read at scrape time. No label or value carries a name, an ID or any text a user
// wrote.
func (db *DB) Collector() prometheus.Collector { return &storeCollector{db: db} }

// storeCollector reads bbolt's statistics and the case counts at scrape time.
type storeCollector struct{ db *DB }

var (
	descCases = prometheus.NewDesc("tiaojie_cases", "Cases by status.", []string{"status"}, nil)
	descSize  = prometheus.NewDesc("tiaojie_bolt_file_size_bytes", "Size of the database as of the last commit.", nil, nil)

	descReadTx       = prometheus.NewDesc("tiaojie_bolt_read_tx_total", "Read transactions started.", nil, nil)
	descOpenReadTx   = prometheus.NewDesc("tiaojie_bolt_open_read_tx", "Read transactions open now.", nil, nil)
	descFreePages    = prometheus.NewDesc("tiaojie_bolt_free_pages", "Pages on the freelist.", nil, nil)
	descPendingPages = prometheus.NewDesc("tiaojie_bolt_pending_pages", "Pages freed but still held by an open read transaction.", nil, nil)
	descFreeAlloc    = prometheus.NewDesc("tiaojie_bolt_free_alloc_bytes", "Bytes in free pages.", nil, nil)
	descFreelistUse  = prometheus.NewDesc("tiaojie_bolt_freelist_inuse_bytes", "Bytes the freelist itself takes.", nil, nil)

	descPageCount     = prometheus.NewDesc("tiaojie_bolt_page_allocations_total", "Pages allocated by transactions.", nil, nil)
	descPageAlloc     = prometheus.NewDesc("tiaojie_bolt_page_alloc_bytes_total", "Bytes allocated for pages by transactions.", nil, nil)
	descCursors       = prometheus.NewDesc("tiaojie_bolt_cursors_total", "Cursors created.", nil, nil)
	descNodes         = prometheus.NewDesc("tiaojie_bolt_nodes_total", "Nodes allocated.", nil, nil)
	descNodeDerefs    = prometheus.NewDesc("tiaojie_bolt_node_derefs_total", "Node dereferences.", nil, nil)
	descRebalances    = prometheus.NewDesc("tiaojie_bolt_rebalances_total", "Node rebalances.", nil, nil)
	descRebalanceTime = prometheus.NewDesc("tiaojie_bolt_rebalance_seconds_total", "Time spent rebalancing.", nil, nil)
	descSplits        = prometheus.NewDesc("tiaojie_bolt_splits_total", "Nodes split.", nil, nil)
	descSpills        = prometheus.NewDesc("tiaojie_bolt_spills_total", "Nodes spilled.", nil, nil)
	descSpillTime     = prometheus.NewDesc("tiaojie_bolt_spill_seconds_total", "Time spent spilling.", nil, nil)
	descWrites        = prometheus.NewDesc("tiaojie_bolt_writes_total", "Page writes.", nil, nil)
	descWriteTime     = prometheus.NewDesc("tiaojie_bolt_write_seconds_total", "Time spent writing to disk.", nil, nil)

	// The group committer (group.go).
	descCommits   = prometheus.NewDesc("tiaojie_commit_transactions_total", "Write transactions the group committer ran, each mutation run alone after failing included.", nil, nil)
	descCommitted = prometheus.NewDesc("tiaojie_committed_mutations_total", "Mutations committed by the group committer.", nil, nil)
	descCommitTx  = prometheus.NewDesc("tiaojie_commit_seconds_total", "Time in the group committer's write transactions, commit and fsync included.", nil, nil)

	// The election of the writer, on etcd (election.go).
	descLeader        = prometheus.NewDesc("tiaojie_etcd_leader", "1 while this process is the store's elected writer.", nil, nil)
	descLeaderCommits = prometheus.NewDesc("tiaojie_etcd_leader_commits_total", "Commits made as the elected writer, fenced by its election key.", nil, nil)
	descNotLeader     = prometheus.NewDesc("tiaojie_etcd_not_leader_total", "Commits refused because this process had lost the election.", nil, nil)
)

func (sc *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCases, descSize, descReadTx, descOpenReadTx, descFreePages,
		descPendingPages, descFreeAlloc, descFreelistUse, descPageCount, descPageAlloc, descCursors, descNodes,
		descNodeDerefs, descRebalances, descRebalanceTime, descSplits, descSpills, descSpillTime, descWrites,
		descWriteTime, descCommits, descCommitted, descCommitTx, descLeader, descLeaderCommits, descNotLeader} {
		ch <- d
	}
}

func (sc *storeCollector) Collect(ch chan<- prometheus.Metric) {
	counts, err := sc.db.CaseCountsByStatus()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descCases, err)
	}
	for status, n := range counts {
		ch <- prometheus.MustNewConstMetric(descCases, prometheus.GaugeValue, float64(n), string(status))
	}
	st, err := sc.db.Stats()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descSize, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(st.Size))

	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	counter(descReadTx, float64(st.ReadTx))
	gauge(descOpenReadTx, float64(st.OpenReadTx))
	gauge(descFreePages, float64(st.FreePages))
	gauge(descPendingPages, float64(st.PendingPages))
	gauge(descFreeAlloc, float64(st.FreeAlloc))
	gauge(descFreelistUse, float64(st.FreelistInuse))
	counter(descPageCount, float64(st.PageCount))
	counter(descPageAlloc, float64(st.PageAlloc))
	counter(descCursors, float64(st.Cursors))
	counter(descNodes, float64(st.Nodes))
	counter(descNodeDerefs, float64(st.NodeDerefs))
	counter(descRebalances, float64(st.Rebalances))
	counter(descRebalanceTime, st.RebalanceTime.Seconds())
	counter(descSplits, float64(st.Splits))
	counter(descSpills, float64(st.Spills))
	counter(descSpillTime, st.SpillTime.Seconds())
	counter(descWrites, float64(st.Writes))
	counter(descWriteTime, st.WriteTime.Seconds())
	g := sc.db.GroupFigures()
	counter(descCommits, float64(g.Transactions))
	counter(descCommitted, float64(g.Mutations))
	counter(descCommitTx, g.InTx.Seconds())
	if b, ok := sc.db.backend.(*etcdBackend); ok && b.campaigned != nil {
		lead := 0.0
		if b.lead.Load() != nil {
			lead = 1
		}
		gauge(descLeader, lead)
		counter(descLeaderCommits, float64(b.fencedCommits.Load()))
		counter(descNotLeader, float64(b.notLeader.Load()))
	}
}
