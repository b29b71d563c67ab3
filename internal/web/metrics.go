package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tiaojie/internal/store"
)

// metrics are what GET /metrics shows, on a registry of the server's own (not
// the global one, so that a process may hold several servers, as the tests
// do). Every label comes from a small fixed set: route templates, methods,
// statuses, case statuses, limit names. No label or value carries a name, an
// ID, a token, an address or any text a user wrote.
type metrics struct {
	registry     *prometheus.Registry
	handler      http.Handler
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	rateLimited  *prometheus.CounterVec
	knownMethods map[string]bool
}

func newMetrics(db *store.DB, ls *limits) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tiaojie_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tiaojie_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route template.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tiaojie_rate_limited_total",
			Help: "Requests refused with 429, by the limit that refused them.",
		}, []string{"limit"}),
		knownMethods: map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodPost: true,
			http.MethodPut: true, http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true},
	}
	for _, l := range ls.all() {
		m.rateLimited.WithLabelValues(l.name) // present at 0 before the first refusal
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.rateLimited,
		&storeCollector{db: db},
		&limitsCollector{limits: ls},
	)
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
	return m
}

func (m *metrics) refused(limit string) { m.rateLimited.WithLabelValues(limit).Inc() }

// countRequests counts every request by route template and status, and
// times it. It answers errors itself (through the one error handler) so that
// the status it counts is the one sent.
func (s *Server) countRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		method := c.Request().Method
		if !s.metrics.knownMethods[method] {
			method = "other" // the method is the client's choice: keep the label set small
		}
		route := c.Path()
		if route == "" {
			route = "unmatched" // never the raw URL, which may hold a token
		}
		s.metrics.requests.WithLabelValues(method, route, strconv.Itoa(c.Response().Status)).Inc()
		s.metrics.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		return nil
	}
}

// showMetrics answers GET /metrics in the Prometheus text format. It is open
// to anyone who reaches the listener, like /healthz: a Prometheus server
// cannot hold a session, and handing one a staff session (or a token of its
// own) would create a standing credential far more dangerous to lose than
// what it guards. What it guards is counts and timings with no personal
// data. Deployments keep it from the public at the network: the reverse
// proxy does not forward /metrics (see the README), or a firewall admits only
// the monitoring host.
func (s *Server) showMetrics(c echo.Context) error {
	s.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}

// storeCollector reads bbolt's statistics and the case counts at scrape time.
type storeCollector struct{ db *store.DB }

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
)

func (sc *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCases, descSize, descReadTx, descOpenReadTx, descFreePages,
		descPendingPages, descFreeAlloc, descFreelistUse, descPageCount, descPageAlloc, descCursors, descNodes,
		descNodeDerefs, descRebalances, descRebalanceTime, descSplits, descSpills, descSpillTime, descWrites,
		descWriteTime} {
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
}

// limitsCollector shows how many keys each rate limiter holds: a sudden
// climb is an attack spreading over many names or addresses.
type limitsCollector struct{ limits *limits }

var descLimitKeys = prometheus.NewDesc("tiaojie_rate_limit_keys",
	"Names, tokens or addresses with recent failed attempts, by limit.", []string{"limit"}, nil)

func (lc *limitsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descLimitKeys }

func (lc *limitsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, l := range lc.limits.all() {
		ch <- prometheus.MustNewConstMetric(descLimitKeys, prometheus.GaugeValue, float64(l.size()), l.name)
	}
}
