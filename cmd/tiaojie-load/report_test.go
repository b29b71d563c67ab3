package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"tiaojie/internal/mediation"
)

func TestMedianAndQuantile(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		in := slices.Clone(c.in)
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
		if !slices.Equal(in, c.in) {
			t.Errorf("median reordered its input: %v", c.in)
		}
	}
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.9: 90 * time.Millisecond,
		0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := quantile(ds, q); got != want {
			t.Errorf("quantile(1..100 ms, %v) = %v, want %v", q, got, want)
		}
	}
	if quantile(nil, 0.5) != 0 || ratio(1, 0) != 0 || ratio(1, 4) != 0.25 {
		t.Error("empty quantile or zero ratio is not 0")
	}
}

func TestSummarizeTakesMediansAndSumsErrors(t *testing.T) {
	s := summarize([]Run{
		{Rate: 100, P50: 1 * time.Millisecond, P90: 5 * time.Millisecond, P99: 9 * time.Millisecond, Errors: 1},
		{Rate: 300, P50: 3 * time.Millisecond, P90: 4 * time.Millisecond, P99: 30 * time.Millisecond},
		{Rate: 200, P50: 2 * time.Millisecond, P90: 6 * time.Millisecond, P99: 10 * time.Millisecond, Errors: 2},
	})
	want := Summary{Runs: 3, Rate: 200, P50Ms: 2, P90Ms: 5, P99Ms: 10, Errors: 3}
	if s.Runs != want.Runs || s.Rate != want.Rate || s.P50Ms != want.P50Ms || s.P90Ms != want.P90Ms ||
		s.P99Ms != want.P99Ms || s.Errors != want.Errors {
		t.Errorf("summarize = %+v, want %+v", s, want)
	}
}

// The server's processor time per answer is the median of the runs', each
// over its successful answers; unknown for one run, it is not reported.
func TestSummarizeTakesProcessorTimePerAnswer(t *testing.T) {
	s := summarize([]Run{
		{Requests: 1000, CPU: 300 * time.Millisecond},             // 300 µs
		{Requests: 1010, Errors: 10, CPU: 200 * time.Millisecond}, // 200 µs
		{Requests: 500, CPU: 250 * time.Millisecond},              // 500 µs
	})
	if s.CPUMicros != 300 {
		t.Errorf("CPU per answer %v µs, want the median 300", s.CPUMicros)
	}
	if s := summarize([]Run{{Requests: 10, CPU: time.Millisecond}, {Requests: 10}}); s.CPUMicros != 0 {
		t.Errorf("with one run's time unknown: %v µs, want none", s.CPUMicros)
	}
}

func TestSummarizeTakesWritesPerCommit(t *testing.T) {
	s := summarize([]Run{
		{Requests: 1000, Commits: 100},            // 10
		{Requests: 1010, Errors: 10, Commits: 40}, // 25
		{Requests: 600, Commits: 30},              // 20
	})
	if s.PerCommit != 20 {
		t.Errorf("%v writes a commit, want the median 20", s.PerCommit)
	}
	if s := summarize([]Run{{Requests: 10, Commits: 2}, {Requests: 10}}); s.PerCommit != 0 {
		t.Errorf("with one run's commits unknown: %v, want none", s.PerCommit)
	}
}

// The committer's busy share is its time in write transactions over the
// run's length, which a run's rate and answers give.
func TestSummarizeTakesTheCommittersBusyShare(t *testing.T) {
	s := summarize([]Run{
		{Requests: 1000, Rate: 200, CommitBusy: 4500 * time.Millisecond},     // 5 s: 0.9
		{Requests: 1010, Errors: 10, Rate: 100, CommitBusy: 5 * time.Second}, // 10 s: 0.5
		{Requests: 600, Rate: 300, CommitBusy: 1600 * time.Millisecond},      // 2 s: 0.8
	})
	if math.Abs(s.CommitBusy-0.8) > 1e-9 {
		t.Errorf("the committer busy %v of the time, want the median 0.8", s.CommitBusy)
	}
	if s := summarize([]Run{{Requests: 10, Rate: 1, CommitBusy: time.Second}, {Requests: 10, Rate: 1}}); s.CommitBusy != 0 {
		t.Errorf("with one run's committer unknown: %v, want none", s.CommitBusy)
	}
}

// countersIn finds the committer's counters among the others of /metrics.
func TestCountersIn(t *testing.T) {
	const text = `# HELP tiaojie_commit_transactions_total Write transactions the group committer ran.
# TYPE tiaojie_commit_transactions_total counter
tiaojie_commit_seconds_total 12.5
tiaojie_commit_transactions_total_other 7
tiaojie_commit_transactions_total 1.234567e+06
tiaojie_committed_mutations_total 9.9e+06
`
	v, err := countersIn(strings.NewReader(text), "tiaojie_commit_transactions_total", "tiaojie_commit_seconds_total")
	if err != nil || len(v) != 2 || v[0] != 1234567 || v[1] != 12.5 {
		t.Errorf("got %v, %v; want [1234567 12.5]", v, err)
	}
	if _, err := countersIn(strings.NewReader(text), "tiaojie_commit_seconds_total", "tiaojie_missing_total"); err == nil {
		t.Error("a counter that is not there was found")
	}
}

// readCPU reads this process's processor time, which grows as it works.
func TestReadCPU(t *testing.T) {
	before, err := readCPU(os.Getpid())
	if err != nil && runtime.GOOS != "linux" {
		t.Skipf("no /proc here: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	}
	after, err := readCPU(os.Getpid())
	if err != nil || after <= before {
		t.Errorf("processor time %v after 50 ms of work, %v before (%v)", after, before, err)
	}
}

// The JSON report keeps its field names: it is compared between commits.
func TestReportJSONShape(t *testing.T) {
	r := &Report{Machine: "2 cores", Endpoints: []Endpoint{{Name: "party_list", Server: Summary{Rate: 10},
		Ceiling: Summary{Rate: 40}, Ratio: 0.25}}, Flat: &Flat{Ratio: 0.9},
		Mix: &Mix{Kinds: map[string]Summary{"party: lists own submissions": {Rate: 1}}}}
	var buf bytes.Buffer
	if err := r.writeJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"machine", "settings", "fill", "ready_seconds", "peak_rss_mb", "endpoints", "flat_page", "mix"} {
		if _, ok := m[k]; !ok {
			t.Errorf("report JSON has no %q: %s", k, buf.String())
		}
	}
	ep := m["endpoints"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "server", "ceiling", "ratio"} {
		if _, ok := ep[k]; !ok {
			t.Errorf("endpoint JSON has no %q", k)
		}
	}
	if rate := ep["server"].(map[string]any)["rate"]; rate != 10.0 {
		t.Errorf("server rate = %v", rate)
	}
	var table bytes.Buffer
	r.writeTable(&table)
	if !strings.Contains(table.String(), "**0.250**") || !strings.Contains(table.String(), "flat page") {
		t.Errorf("table lacks the ratio or the flat check:\n%s", table.String())
	}
}

func TestRotationTakesTurnsAndStops(t *testing.T) {
	reqs := []request{{Method: "GET", Path: "/a"}, {Method: "POST", Path: "/b"}}
	tr := rotation("http://127.0.0.1:1", reqs, 3)
	var got []string
	for {
		var tg vegeta.Target
		if err := tr(&tg); err != nil {
			if err != vegeta.ErrNoTargets {
				t.Fatal(err)
			}
			break
		}
		got = append(got, tg.Method+" "+tg.URL)
		if len(got) > 10 {
			t.Fatal("the rotation did not stop at its limit")
		}
	}
	want := []string{"GET http://127.0.0.1:1/a", "POST http://127.0.0.1:1/b", "GET http://127.0.0.1:1/a"}
	if !slices.Equal(got, want) {
		t.Errorf("rotation = %v, want %v", got, want)
	}
}

// Every request of the mix has one kind, found again by its method and
// path, in the mix's proportions.
func TestMixRequestsKeepTheirShares(t *testing.T) {
	var parties []mixParty
	for i := range 8 {
		c := mediation.ID(100 + i)
		parties = append(parties, mixParty{Case: c, cookie: "p", create: request{Method: http.MethodPost,
			Path: "/api/v1/cases/" + c.String() + "/submissions", Want: http.StatusCreated}})
	}
	reqs, kinds := mixRequests(mixInput{lead: "m0", others: []string{"m1"}, big: 1,
		cases: []mediation.ID{2, 3, 4}, parties: parties, office: "o", months: []string{"2026-10", "2026-11"}})
	if len(reqs) != 1000 {
		t.Fatalf("%d requests, want 1000", len(reqs))
	}
	count := map[string]int{}
	for _, r := range reqs {
		k, ok := kinds[key(r.Method, r.Path)]
		if !ok {
			t.Fatalf("%s %s has no kind", r.Method, r.Path)
		}
		if k.want == 0 {
			t.Errorf("%s %s expects no status", r.Method, r.Path)
		}
		count[k.name]++
	}
	for _, s := range mixShares {
		if count[s.name] != s.share*10 {
			t.Errorf("%s: %d of 1000, want %d", s.name, count[s.name], s.share*10)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	good := config{cases: 10, submissions: 100, mediators: 2, partiesPer: 2, workers: 4, connections: 8,
		rounds: 1, sessions: 4, duration: time.Second, mixDuration: time.Second}
	if err := good.check(); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.submissions, bad.duration = 10, time.Hour
	if err := bad.check(); err == nil || !strings.Contains(err.Error(), "--submissions") || !strings.Contains(err.Error(), "--duration") {
		t.Errorf("check = %v", err)
	}
}

func TestReadMemoryOfThisProcess(t *testing.T) {
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Skip("no /proc here:", err)
	}
	if m.peak <= 0 || m.anon <= 0 || m.peak < m.anon {
		t.Errorf("memory = %+v", m)
	}
}

// A signed-in mediator's pages are asked for as a browser asks: with the
// cookies the first page set (the CSRF cookie), so that the server is not
// made to mint a token, and a page never sent before, on every view.
func TestAsBrowserKeepsWhatTheFirstPageSet(t *testing.T) {
	var minted int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie("session"); err != nil || r.URL.Path != "/cases" {
			http.Error(w, "not signed in", http.StatusUnauthorized)
			return
		}
		if _, err := r.Cookie("csrf"); err != nil {
			minted++
			http.SetCookie(w, &http.Cookie{Name: "csrf", Value: fmt.Sprint("token", minted)})
		}
		w.Write([]byte("<p>cases</p>"))
	}))
	defer srv.Close()

	cookie, err := asBrowser(srv.URL, "session=s1", "/cases")
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "session=s1; csrf=token1" {
		t.Fatalf("cookie = %q, want the session's and the CSRF cookie the first page set", cookie)
	}
	for range 3 {
		if _, cookies, err := send(t.Context(), srv.URL, request{Method: http.MethodGet, Path: "/cases",
			Header: http.Header{"Cookie": {cookie}}}); err != nil || len(cookies) != 0 {
			t.Fatalf("a later view set %v (%v): the server minted a token again", cookies, err)
		}
	}
	if minted != 1 {
		t.Errorf("%d tokens minted, want 1", minted)
	}
	if _, err := asBrowser(srv.URL, "other=x", "/cases"); err == nil {
		t.Error("a page refused (401) was taken as signed in")
	}
	if _, err := asBrowser(srv.URL, "session=s1", "/office"); err == nil || !strings.Contains(err.Error(), "GET /office: 401") {
		t.Errorf("another first page: %v, want it asked for and its refusal named", err)
	}
}
