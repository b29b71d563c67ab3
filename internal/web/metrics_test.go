package web_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"tiaojie/internal/mediation"
)

// scrape reads GET /metrics as anyone, and parses it.
func scrape(t *testing.T, a *testApp) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	status, raw, h := a.client().doHeaders("GET", "/metrics", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d: %s", status, raw)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	families, err := p.TextToMetricFamilies(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse /metrics: %v\n%s", err, raw)
	}
	return families, string(raw)
}

// value finds the sample of family whose labels include want.
func value(t *testing.T, families map[string]*dto.MetricFamily, family string, want map[string]string) (float64, bool) {
	t.Helper()
	f, ok := families[family]
	if !ok {
		t.Fatalf("no family %s", family)
	}
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := s.app
	// A few more requests of the kinds the labels must tame.
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA, nil, http.StatusOK, nil)
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	a.client().do("GET", "/a-path-nobody-routes/"+s.tokenA1, nil)
	a.client().do("BREW", "/api/v1/cases", nil)
	a.client().do("POST", "/api/v1/login", login("nobody.here", "wrong"))

	families, raw := scrape(t, a)
	// One more write, for the committer's figures to count.
	s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, nil)
	later, _ := scrape(t, a)

	t.Run("RequestsByRouteTemplateAndStatus", func(t *testing.T) {
		for _, tc := range []struct {
			labels  map[string]string
			atLeast float64
		}{
			{map[string]string{"method": "POST", "route": "/api/v1/cases", "status": "201"}, 2},
			{map[string]string{"method": "POST", "route": "/api/v1/cases/:case/parties", "status": "201"}, 3},
			{map[string]string{"method": "GET", "route": "/api/v1/cases/:case", "status": "200"}, 1},
			{map[string]string{"method": "POST", "route": "/api/v1/login", "status": "401"}, 1},
			{map[string]string{"method": "GET", "route": "unmatched", "status": "404"}, 1},
			{map[string]string{"method": "other", "status": "404"}, 1},
		} {
			if v, ok := value(t, families, "tiaojie_http_requests_total", tc.labels); !ok || v < tc.atLeast {
				t.Errorf("tiaojie_http_requests_total%v = %v (present %v), want at least %v", tc.labels, v, ok, tc.atLeast)
			}
		}
		if n, ok := value(t, families, "tiaojie_http_request_duration_seconds", map[string]string{"method": "POST", "route": "/api/v1/cases/:case/submissions"}); !ok || n < 3 {
			t.Errorf("latency histogram of submissions holds %v samples, want 3", n)
		}
	})

	t.Run("LabelsAreRouteTemplatesOnly", func(t *testing.T) {
		routes := map[string]bool{"unmatched": true}
		for _, r := range a.Server.Routes() {
			_, path, _ := strings.Cut(r, " ")
			routes[path] = true
		}
		methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
		for name, f := range families {
			for _, m := range f.GetMetric() {
				for _, l := range m.GetLabel() {
					switch l.GetName() {
					case "route":
						if !routes[l.GetValue()] {
							t.Errorf("%s has route %q, not a registered template", name, l.GetValue())
						}
					case "method":
						if !slices.Contains(methods, l.GetValue()) {
							t.Errorf("%s has method %q", name, l.GetValue())
						}
					}
				}
			}
		}
	})

	t.Run("NoPersonalData", func(t *testing.T) {
		for _, secret := range slices.Concat(everySceneSecret, []string{s.tokenA1, s.tokenA2, s.tokenB1,
			"nobody.here", "li.jianguo", "a-path-nobody-routes"}) {
			if strings.Contains(raw, secret) {
				t.Errorf("/metrics holds %q", secret)
			}
		}
	})

	t.Run("CasesByStatus", func(t *testing.T) {
		want := map[mediation.Status]float64{mediation.StatusIntake: 1, mediation.StatusMediating: 1}
		for _, st := range mediation.Statuses {
			if v, ok := value(t, families, "tiaojie_cases", map[string]string{"status": string(st)}); !ok || v != want[st] {
				t.Errorf("tiaojie_cases{status=%q} = %v (present %v), want %v", st, v, ok, want[st])
			}
		}
	})

	t.Run("BoltStats", func(t *testing.T) {
		for _, name := range []string{"tiaojie_bolt_read_tx_total", "tiaojie_bolt_page_allocations_total",
			"tiaojie_bolt_writes_total", "tiaojie_bolt_file_size_bytes"} {
			if v, ok := value(t, families, name, nil); !ok || v <= 0 {
				t.Errorf("%s = %v, want > 0", name, v)
			}
		}
		for _, name := range []string{"tiaojie_bolt_open_read_tx", "tiaojie_bolt_free_pages", "tiaojie_bolt_pending_pages"} {
			if _, ok := value(t, families, name, nil); !ok {
				t.Errorf("no %s", name)
			}
		}
	})

	t.Run("GroupCommitter", func(t *testing.T) {
		for _, name := range []string{"tiaojie_commit_transactions_total", "tiaojie_committed_mutations_total",
			"tiaojie_commit_seconds_total"} {
			was, _ := value(t, families, name, nil)
			is, _ := value(t, later, name, nil)
			if was <= 0 || is <= was {
				t.Errorf("%s went from %v to %v over a write", name, was, is)
			}
		}
	})

	t.Run("RateLimitsAndRuntime", func(t *testing.T) {
		for _, limit := range []string{"login_account", "login_address", "access_token", "access_address"} {
			if _, ok := value(t, families, "tiaojie_rate_limited_total", map[string]string{"limit": limit}); !ok {
				t.Errorf("no tiaojie_rate_limited_total{limit=%q}", limit)
			}
			if _, ok := value(t, families, "tiaojie_rate_limit_keys", map[string]string{"limit": limit}); !ok {
				t.Errorf("no tiaojie_rate_limit_keys{limit=%q}", limit)
			}
		}
		if v, _ := value(t, families, "tiaojie_rate_limit_keys", map[string]string{"limit": "login_account"}); v != 1 {
			t.Errorf("login_account holds %v keys, want 1 (nobody.here)", v)
		}
		for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
			if _, ok := families[name]; !ok {
				t.Errorf("no %s", name)
			}
		}
	})
}

func TestMetricsCountRateLimitRefusals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	for range 6 {
		c.do("POST", "/api/v1/login", login("zhao.lei", "guess"))
	}
	families, _ := scrape(t, a)
	if v, _ := value(t, families, "tiaojie_rate_limited_total", map[string]string{"limit": "login_account"}); v != 1 {
		t.Errorf("tiaojie_rate_limited_total{limit=login_account} = %v, want 1", v)
	}
	if v, _ := value(t, families, "tiaojie_http_requests_total", map[string]string{"route": "/api/v1/login", "status": "429"}); v != 1 {
		t.Errorf("429s on /api/v1/login = %v, want 1", v)
	}
}
