// Command tiaojie-load measures the real server against the ceilings of its
// parts, in one run: it fills a fresh database through the operations,
// builds and starts the server on it, captures each measured endpoint's real
// answer and serves those very bytes from a bare echo server, measures raw
// bbolt DB.Batch at the same concurrency and value size, and drives the
// server and the ceilings alternately over keep-alive connections, one
// endpoint at a time and then in a realistic mix. Run it from the
// repository's root:
//
//	go run ./cmd/tiaojie-load [--cases 10000] [--submissions 100000] [--duration 5s] [--json]
//
// All traffic goes to 127.0.0.1. Every loop is bounded in count and in time.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"tiaojie/internal/mediation"
)

type config struct {
	cases, submissions, mediators, partiesPer, workers int
	connections, rounds, sessions, flatViews           int
	duration, flatTimeout, mixDuration                 time.Duration
	mixRate                                            float64
	json, keep                                         bool
	// pprof is the loopback address the server serves its profiler on
	// while it is measured (off when empty).
	pprof string
	// only names the endpoints to measure, comma-separated (all when
	// empty): for comparing one endpoint between commits in less time.
	only string
}

// measures says whether the run measures the endpoint named.
func (c *config) measures(name string) bool {
	return c.only == "" || slices.Contains(strings.Split(c.only, ","), name)
}

func main() {
	var cfg config
	var ceilingAddr string
	fs := flag.NewFlagSet("tiaojie-load", flag.ExitOnError)
	fs.IntVar(&cfg.cases, "cases", 10000, "cases in the database")
	fs.IntVar(&cfg.submissions, "submissions", 100000, "submissions in the database")
	fs.IntVar(&cfg.mediators, "mediators", 5, "mediator accounts; the first opens every case, all are assigned to the measured case")
	fs.IntVar(&cfg.partiesPer, "parties", 2, "parties per case (the measured case has 5)")
	fs.IntVar(&cfg.workers, "fill-workers", 64, "goroutines filling the database")
	fs.IntVar(&cfg.connections, "connections", 64, "keep-alive connections (and writers for raw DB.Batch)")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "length of each timed run")
	fs.IntVar(&cfg.rounds, "rounds", 3, "alternating server/ceiling runs per endpoint (medians are reported)")
	fs.IntVar(&cfg.sessions, "sessions", 64, "parties of other cases that enter, for writing and for the mix")
	fs.IntVar(&cfg.flatViews, "flat-views", 10000, "views of the case page between the flat check's two runs")
	fs.DurationVar(&cfg.flatTimeout, "flat-timeout", 10*time.Minute, "longest the flat check's views may take")
	fs.Float64Var(&cfg.mixRate, "mix-rate", 300, "arrival rate of the mixed run, requests per second (open loop)")
	fs.DurationVar(&cfg.mixDuration, "mix-duration", 10*time.Second, "length of the mixed run")
	fs.BoolVar(&cfg.json, "json", false, "print the report as JSON, for comparison between commits")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory (database, server log)")
	fs.StringVar(&cfg.only, "only", "", "measure only these endpoints, comma-separated (party_list, party_create, case_page, case_json, case_list_page)")
	fs.StringVar(&cfg.pprof, "pprof", "", "serve the measured server's profiler on this loopback address (e.g. 127.0.0.1:6060)")
	fs.StringVar(&ceilingAddr, "ceiling-addr", "", "(internal) serve the captured answers on this address")
	fs.Parse(os.Args[1:])

	if file := os.Getenv(ceilingEnv); file != "" {
		if err := serveCeiling(file, ceilingAddr); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "ceiling:", err)
			os.Exit(1)
		}
		return
	}
	if err := cfg.check(); err != nil {
		fmt.Fprintln(os.Stderr, "tiaojie-load:", err)
		os.Exit(2)
	}
	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-interrupted
		fmt.Fprintln(os.Stderr, "tiaojie-load: interrupted; stopping the servers it started")
		stopStarted()
		os.Exit(130)
	}()
	rep, err := run(cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tiaojie-load:", err)
		os.Exit(1)
	}
	if cfg.json {
		rep.writeJSON(os.Stdout)
	} else {
		rep.writeTable(os.Stdout)
	}
}

func (c config) check() error {
	var errs []error
	if c.cases < specialCases+1 {
		errs = append(errs, fmt.Errorf("--cases must be at least %d", specialCases+1))
	}
	if c.submissions < bigSubs+listOwn {
		errs = append(errs, fmt.Errorf("--submissions must be at least %d (the measured cases hold %d)", bigSubs+listOwn, bigSubs+listOwn))
	}
	if c.mediators < 1 || c.mediators > 100 {
		errs = append(errs, errors.New("--mediators must be 1 to 100"))
	}
	if c.partiesPer < 1 || c.partiesPer > 20 {
		errs = append(errs, errors.New("--parties must be 1 to 20"))
	}
	if c.workers < 1 || c.connections < 1 || c.connections > 4096 || c.rounds < 1 || c.sessions < 1 {
		errs = append(errs, errors.New("--fill-workers, --connections (≤ 4096), --rounds and --sessions must be positive"))
	}
	if c.duration < 100*time.Millisecond || c.duration > 10*time.Minute || c.mixDuration > time.Hour {
		errs = append(errs, errors.New("--duration must be 100ms to 10m, --mix-duration at most 1h"))
	}
	if c.flatViews < 0 || c.mixRate < 0 {
		errs = append(errs, errors.New("--flat-views and --mix-rate must not be negative"))
	}
	return errors.Join(errs...)
}

// measured is one endpoint's request against the server and its want.
type measured struct {
	name, what string
	reqs       []request // in turn; the first is captured
	write      bool      // its ceiling is raw DB.Batch instead of the same bytes
}

func run(cfg config, log io.Writer) (*Report, error) {
	say := func(format string, args ...any) { fmt.Fprintf(log, "load: "+format+"\n", args...) }
	rep := &Report{Machine: machine(), Commit: commit(), Command: "go run ./cmd/tiaojie-load " + strings.Join(os.Args[1:], " ")}
	s := &rep.Settings
	s.Cases, s.Submissions, s.Mediators, s.PartiesPer = cfg.cases, cfg.submissions, cfg.mediators, cfg.partiesPer
	s.Connections, s.Duration, s.Rounds = cfg.connections, cfg.duration.String(), cfg.rounds
	s.Argon2Params = paramsText(harnessParams)

	dir, err := os.MkdirTemp("", "tiaojie-load-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		say("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}

	say("building ./cmd/tiaojie")
	bin, err := buildServer(dir)
	if err != nil {
		return nil, err
	}

	dbPath := filepath.Join(dir, "tiaojie.db")
	say("filling %d cases, %d submissions through the operations (%d goroutines; harness accounts use argon2id %s)",
		cfg.cases, cfg.submissions, cfg.workers, s.Argon2Params)
	began := time.Now()
	w, times, err := fill(dbPath, cfg)
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	rep.Fill.Seconds = time.Since(began).Seconds()
	rep.Fill.CasesSeconds, rep.Fill.SubmitSeconds = times.cases.Seconds(), times.submissions.Seconds()
	rep.Fill.SubmitsPerSec = float64(cfg.submissions) / times.submissions.Seconds()
	rep.Fill.Parties = len(w.Others) + len(w.BigParties)
	if st, err := os.Stat(dbPath); err == nil {
		rep.Fill.DatabaseBytes = st.Size()
	}
	changes := cfg.cases + rep.Fill.Parties + cfg.mediators - 1
	rep.Notes = append(rep.Notes, fmt.Sprintf("fill: opening a case and adding a party change membership, which the operations do one at a time: %d such changes took %.1f ms each",
		changes, 1000*rep.Fill.CasesSeconds/float64(changes)))
	say("filled in %.1f s (cases and parties %.1f s, submissions %.1f s, %.0f/s)",
		rep.Fill.Seconds, rep.Fill.CasesSeconds, rep.Fill.SubmitSeconds, rep.Fill.SubmitsPerSec)
	say("filled also: the street office's account, and a year of register history for its statistics (%d cases, %s to %s)",
		w.History, w.Months[0], w.Months[len(w.Months)-1])
	if err := uncache(dbPath); err != nil {
		return nil, fmt.Errorf("drop the filled database from the page cache: %w", err)
	}

	srv, ready, err := startServer(bin, dbPath, filepath.Join(dir, "server.log"), cfg.pprof, time.Minute)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	rep.ReadySeconds = ready.Seconds()
	say("server ready in %.2f s at %s", rep.ReadySeconds, srv.base)

	// Sign in: every mediator, the measured case's parties and a spread of
	// the other cases' parties.
	var mediators []string
	for _, m := range w.Mediators {
		c, err := signIn(srv.base, "/api/v1/login", map[string]string{"username": m.Username, "password": m.Password})
		if err == nil {
			c, err = asBrowser(srv.base, c, "/cases")
		}
		if err != nil {
			return nil, fmt.Errorf("sign in %s: %w", m.Username, err)
		}
		mediators = append(mediators, c)
	}
	office, err := signIn(srv.base, "/api/v1/login", map[string]string{"username": w.Office.Username, "password": w.Office.Password})
	if err == nil {
		office, err = asBrowser(srv.base, office, "/office")
	}
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", w.Office.Username, err)
	}
	// A party's first entry sets its PIN (and every later one would need it).
	enter := func(p invited) (string, error) {
		return signIn(srv.base, "/api/v1/access", map[string]string{"token": p.Token, "pin": "135790"})
	}
	lister, err := enter(w.Lister)
	if err != nil {
		return nil, fmt.Errorf("enter as a party: %w", err)
	}
	type session struct {
		invited
		cookie string
	}
	var writers []session
	inMix := map[mediation.ID]bool{}
	n := min(cfg.sessions, len(w.Others))
	for i := range n {
		p := w.Others[i*len(w.Others)/n]
		c, err := enter(p)
		if err != nil {
			return nil, fmt.Errorf("enter as a party: %w", err)
		}
		writers = append(writers, session{p, c})
		inMix[p.Case] = true
	}
	say("signed in %d mediators, the office and %d parties", len(mediators), len(writers)+1)

	lead := mediators[0]
	get := func(path, cookie string) request {
		return request{Method: http.MethodGet, Path: path, Header: http.Header{"Cookie": {cookie}}, Want: http.StatusOK}
	}
	var creates []request
	for i, s := range writers {
		body, _ := json.Marshal(map[string]string{"kind": "proposal", "body": submissionInput(i).Body})
		creates = append(creates, request{Method: http.MethodPost, Path: "/api/v1/cases/" + s.Case.String() + "/submissions",
			Header: http.Header{"Cookie": {s.cookie}, "Content-Type": {"application/json"}}, Body: body, Want: http.StatusCreated})
	}
	big := w.Big.String()
	endpoints := []measured{
		{name: "party_list", what: fmt.Sprintf("a party lists its %d own submissions (JSON)", listOwn),
			reqs: []request{get("/api/v1/cases/"+w.Lister.Case.String()+"/submissions", lister)}},
		{name: "party_create", what: "a party creates a submission (fsync'd)", reqs: creates, write: true},
		// The case page goes first of the big case's, so that its first run
		// sees the case as the fill left it.
		{name: "case_page", what: fmt.Sprintf("the mediator's case page (HTML, %d submissions, %d parties)", bigSubs, bigPartyCount),
			reqs: []request{get("/cases/"+big, lead)}},
		{name: "case_json", what: "a mediator's case answer (JSON)", reqs: []request{get("/api/v1/cases/"+big, lead)}},
		{name: "case_list_page", what: fmt.Sprintf("a mediator's case list page (HTML, 50 of %d)", cfg.cases),
			reqs: []request{get("/cases", lead)}},
	}

	for _, name := range strings.Split(cfg.only, ",") {
		if name != "" && !slices.ContainsFunc(endpoints, func(e measured) bool { return e.name == name }) {
			return nil, fmt.Errorf("--only: no endpoint is named %q", name)
		}
	}

	// Capture each real answer, to be served as it is by the ceiling.
	var answers []captured
	valueBytes := 0
	for _, e := range endpoints {
		c, _, err := send(context.Background(), srv.base, e.reqs[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.name, err)
		}
		if c.Status != e.reqs[0].Want {
			return nil, fmt.Errorf("%s: %s %s answered %d, not %d: %.300s", e.name, c.Method, c.Path, c.Status, e.reqs[0].Want, c.Plain)
		}
		c.Name = e.name
		if e.write {
			valueBytes = len(c.Plain)
			c.Path = "/api/v1/cases/:case/submissions"
		}
		answers = append(answers, *c)
		say("captured %s: %d, %d bytes (%d as sent, %s)", e.name, c.Status, len(c.Plain), len(c.Body), encodingOf(c.Header))
	}
	rep.Fill.ValueBytes = valueBytes
	ceil, err := startCeiling(dir, answers, 30*time.Second)
	if err != nil {
		return nil, err
	}
	defer ceil.stop()

	pageViews := 1 // the capture
	// alternate runs the endpoint and its ceiling alternately, rounds
	// times: the server's runs, the ceiling's and the server's statuses.
	alternate := func(e measured) (srvRuns, ceilRuns []Run, codes map[string]uint64, err error) {
		codes = map[string]uint64{}
		for round := range cfg.rounds {
			cpu, cpuErr := readCPU(srv.cmd.Process.Pid)
			var commits uint64
			var busy time.Duration
			var commitsErr error
			if e.write {
				commits, busy, commitsErr = committer(srv.base)
			}
			r, c := closedLoop(rotation(srv.base, e.reqs, 0), cfg.connections, cfg.duration, status(e.reqs[0].Want))
			if after, err := readCPU(srv.cmd.Process.Pid); err == nil && cpuErr == nil {
				r.CPU = after - cpu
			}
			if e.write && commitsErr == nil {
				if after, busyAfter, err := committer(srv.base); err == nil {
					r.Commits, r.CommitBusy = after-commits, busyAfter-busy
				}
			}
			srvRuns = append(srvRuns, r)
			for k, v := range c {
				codes[k] += v
			}
			if e.name == "case_page" {
				pageViews += int(r.Requests)
			}
			var cr Run
			if e.write {
				cr, err = rawBatch(filepath.Join(dir, fmt.Sprintf("raw-%d.db", round)), cfg.connections, valueBytes, cfg.duration)
				if err != nil {
					return nil, nil, nil, err
				}
			} else {
				cr, _ = closedLoop(rotation(ceil.base, e.reqs, 0), cfg.connections, cfg.duration, status(e.reqs[0].Want))
			}
			ceilRuns = append(ceilRuns, cr)
			say("%s round %d: server %.0f/s (p99 %.1f ms, %d errors), ceiling %.0f/s (p99 %.1f ms)",
				e.name, round+1, r.Rate, ms(r.P99), r.Errors, cr.Rate, ms(cr.P99))
		}
		return srvRuns, ceilRuns, codes, nil
	}
	for _, e := range endpoints {
		if !cfg.measures(e.name) {
			continue
		}
		viewsBefore := pageViews
		srvRuns, ceilRuns, codes, err := alternate(e)
		if err != nil {
			return nil, err
		}
		ep := Endpoint{Name: e.name, What: e.what, Server: summarize(srvRuns), Ceiling: summarize(ceilRuns),
			CeilingKind: "bare echo, same bytes"}
		if e.write {
			ep.CeilingKind = fmt.Sprintf("raw bbolt DB.Batch, %d writers, %d-byte values", cfg.connections, valueBytes)
		}
		if len(codes) > 0 {
			ep.Server.Codes = codes
		}
		ep.Ratio = ratio(ep.Server.Rate, ep.Ceiling.Rate)
		ep.Target = targets[e.name]
		ep.P99Ratio = ratio(ep.Server.P99Ms, ep.Ceiling.P99Ms)
		rep.Endpoints = append(rep.Endpoints, ep)

		// The flat check: the case page's ratio to its ceiling, in as many
		// alternating rounds after the views as before them, so that the
		// machine's own drift between the two does not count as the page's.
		if e.name == "case_page" && cfg.flatViews > 0 {
			say("flat check: %d more views of the case page (at most %s)", cfg.flatViews, cfg.flatTimeout)
			v, _ := closedLoop(rotation(srv.base, e.reqs, uint64(cfg.flatViews)), cfg.connections, cfg.flatTimeout, status(http.StatusOK))
			pageViews += int(v.Requests)
			f := &Flat{ViewsBefore: viewsBefore, FirstRate: ep.Server.Rate, FirstRatio: ep.Ratio,
				ExtraViews: int(v.Requests), ViewsAfter: pageViews}
			srvAfter, ceilAfter, _, err := alternate(e)
			if err != nil {
				return nil, err
			}
			f.AfterRate = summarize(srvAfter).Rate
			f.AfterRatio = ratio(f.AfterRate, summarize(ceilAfter).Rate)
			f.Ratio = ratio(f.AfterRatio, f.FirstRatio)
			rep.Flat = f
			say("flat check: %.3f of the ceiling at first, %.3f after %d views: %.3f", f.FirstRatio, f.AfterRatio, f.ViewsAfter, f.Ratio)
			if v.Requests < uint64(cfg.flatViews) {
				rep.Notes = append(rep.Notes, fmt.Sprintf("the flat check made %d of %d views within --flat-timeout %s",
					v.Requests, cfg.flatViews, cfg.flatTimeout))
			}
		}
	}

	if m, err := readMemory(srv.cmd.Process.Pid); err == nil {
		rep.PeakRSSMB = float64(m.peak) / (1 << 20)
		rep.RSSAnonMB, rep.RSSFileMB = float64(m.anon)/(1<<20), float64(m.file)/(1<<20)
	} else {
		rep.Notes = append(rep.Notes, "peak RSS: "+err.Error())
	}

	// The realistic mix: parties read and write their own case, mediators
	// list their cases and open cases and their pages, all at once, at a
	// fixed arrival rate. It is served by the server started again on the
	// same file, dropped from the page cache again, so that its peak
	// resident set is that of a server serving the mix (the target's), not
	// what the closed loops above left; the sign-ins are in the file and
	// hold across the restart.
	if cfg.mixRate > 0 && cfg.mixDuration > 0 {
		srv.stop()
		if err := uncache(dbPath); err != nil {
			return nil, fmt.Errorf("drop the database from the page cache before the mix: %w", err)
		}
		srv, ready, err = startServer(bin, dbPath, filepath.Join(dir, "server-mix.log"), cfg.pprof, time.Minute)
		if err != nil {
			return nil, err
		}
		defer srv.stop()
		say("mixed run: the server started again on the file, ready in %.2f s", ready.Seconds())
		var mediatorCases []mediation.ID
		for _, id := range w.Cases {
			if !inMix[id] {
				mediatorCases = append(mediatorCases, id)
			}
			if len(mediatorCases) == 500 {
				break
			}
		}
		reqs, kinds := mixRequests(mixInput{
			lead: lead, others: mediators[1:], big: w.Big, cases: mediatorCases, office: office, months: w.Months,
			parties: func() (ps []mixParty) {
				for i, s := range writers {
					ps = append(ps, mixParty{s.Case, s.cookie, creates[i]})
				}
				return ps
			}(),
		})
		say("mixed run: %.0f req/s for %s", cfg.mixRate, cfg.mixDuration)
		total, codes, runs, kc := openLoop(rotation(srv.base, reqs, 0), cfg.mixRate, cfg.connections, cfg.mixDuration,
			func(r *vegeta.Result) bool {
				return int(r.Code) == kinds[key(r.Method, strings.TrimPrefix(r.URL, srv.base))].want
			},
			func(r *vegeta.Result) string { return kinds[key(r.Method, strings.TrimPrefix(r.URL, srv.base))].name })
		mix := &Mix{TargetRate: cfg.mixRate, Duration: cfg.mixDuration.String(), Achieved: total.Rate,
			Total: summarize([]Run{total}), Kinds: map[string]Summary{}}
		if len(codes) > 0 {
			mix.Total.Codes = codes
		}
		for k, r := range runs {
			sm := summarize([]Run{r})
			if len(kc[k]) > 0 {
				sm.Codes = kc[k]
			}
			mix.Kinds[k] = sm
		}
		if m, err := readMemory(srv.cmd.Process.Pid); err == nil {
			mix.PeakRSSMB = float64(m.peak) / (1 << 20)
			mix.RSSAnonMB, mix.RSSFileMB = float64(m.anon)/(1<<20), float64(m.file)/(1<<20)
		} else {
			rep.Notes = append(rep.Notes, "peak RSS of the mix: "+err.Error())
		}
		rep.Mix = mix
		if total.Rate < 0.95*cfg.mixRate {
			rep.Notes = append(rep.Notes, fmt.Sprintf("mix: the server answered %.0f of the %.0f requests per second that arrived; the queue grew through the run and the mix's latencies are mostly waiting",
				total.Rate, cfg.mixRate))
		}
		say("mixed run: %.0f ok/s, p99 %.1f ms, %d errors", total.Rate, ms(total.P99), total.Errors)
	}

	return rep, nil
}

type mixParty struct {
	Case   mediation.ID
	cookie string
	create request
}

type mixInput struct {
	lead    string
	others  []string
	big     mediation.ID
	cases   []mediation.ID
	parties []mixParty
	// office is the street office's cookie; months the completed months
	// whose statistics it reads.
	office string
	months []string
}

type mixKind struct {
	name string
	want int
}

func key(method, path string) string { return method + " " + path }

// mixShares are the kinds of request in the mix and how many of every 100.
var mixShares = []struct {
	name  string
	share int
}{
	{"party: lists own submissions", 33},
	{"party: opens its case", 10},
	{"party: creates a submission", 15},
	{"mediator: case list page", 10},
	{"mediator: case list (JSON)", 5},
	{"mediator: opens a case (JSON)", 15},
	{"mediator: case page", 10},
	{"office: statistics (JSON)", 1},
	{"office: statistics page", 1},
}

// mixRequests makes 1,000 requests in the mix's proportions, in a fixed
// shuffled order, and the kind of each by method and path (the parties'
// cases and the mediators' are distinct, so a path names one kind).
func mixRequests(in mixInput) ([]request, map[string]mixKind) {
	kinds := map[string]mixKind{}
	var reqs []request
	rng := rand.New(rand.NewPCG(9, 9))
	add := func(kind string, r request) {
		kinds[key(r.Method, r.Path)] = mixKind{kind, r.Want}
		reqs = append(reqs, r)
	}
	get := func(path, cookie string) request {
		return request{Method: http.MethodGet, Path: path, Header: http.Header{"Cookie": {cookie}}, Want: http.StatusOK}
	}
	mediator := func() (string, mediation.ID) {
		if len(in.cases) == 0 || len(in.others) > 0 && rng.IntN(5) == 0 {
			return append(in.others, in.lead)[rng.IntN(len(in.others)+1)], in.big // all are assigned to the big case
		}
		return in.lead, in.cases[rng.IntN(len(in.cases))]
	}
	for _, s := range mixShares {
		for range s.share * 10 {
			p := in.parties[rng.IntN(len(in.parties))]
			switch s.name {
			case "party: lists own submissions":
				add(s.name, get("/api/v1/cases/"+p.Case.String()+"/submissions", p.cookie))
			case "party: opens its case":
				add(s.name, get("/api/v1/cases/"+p.Case.String(), p.cookie))
			case "party: creates a submission":
				add(s.name, p.create)
			case "mediator: case list page":
				cookie, _ := mediator()
				add(s.name, get("/cases", cookie))
			case "mediator: case list (JSON)":
				cookie, _ := mediator()
				add(s.name, get("/api/v1/cases", cookie))
			case "mediator: opens a case (JSON)":
				cookie, id := mediator()
				add(s.name, get("/api/v1/cases/"+id.String(), cookie))
			case "mediator: case page":
				cookie, id := mediator()
				add(s.name, get("/cases/"+id.String(), cookie))
			case "office: statistics (JSON)":
				add(s.name, get("/api/v1/stats?period="+in.months[rng.IntN(len(in.months))], in.office))
			case "office: statistics page":
				add(s.name, get("/office?period="+in.months[rng.IntN(len(in.months))], in.office))
			}
		}
	}
	rng.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
	return reqs, kinds
}

// machine describes where the harness runs.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %s/%s, %s", runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// commit is the short hash of HEAD, marked when the tree has changes.
func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		c += "+changes"
	}
	return c
}

// encodingOf names the answer's Content-Encoding, "identity" when none.
func encodingOf(h http.Header) string {
	if ce := h.Get("Content-Encoding"); ce != "" {
		return ce
	}
	return "identity"
}
