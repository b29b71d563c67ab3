package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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

func newMetrics(ls *limits, below ...prometheus.Collector) *metrics {
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
		m.rateLimited.WithLabelValues(l.Name()) // present at 0 before the first refusal
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.rateLimited,
		&limitsCollector{limits: ls},
	)
	m.registry.MustRegister(below...)
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

// limitsCollector shows how many keys each rate limiter holds: a sudden
// climb is an attack spreading over many names or addresses.
type limitsCollector struct{ limits *limits }

var descLimitKeys = prometheus.NewDesc("tiaojie_rate_limit_keys",
	"Names, tokens or addresses with recent failed attempts, by limit.", []string{"limit"}, nil)

func (lc *limitsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descLimitKeys }

func (lc *limitsCollector) Collect(ch chan<- prometheus.Metric) {
	for _, l := range lc.limits.all() {
		ch <- prometheus.MustNewConstMetric(descLimitKeys, prometheus.GaugeValue, float64(l.Size()), l.Name())
	}
}
