package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Run is the outcome of one timed run against one target.
type Run struct {
	Requests uint64        `json:"requests"`
	Errors   uint64        `json:"errors"`
	Rate     float64       `json:"rate"` // successful answers per second
	P50      time.Duration `json:"p50_ns"`
	P90      time.Duration `json:"p90_ns"`
	P99      time.Duration `json:"p99_ns"`
	// CPU is the processor time the measured server's process spent
	// through the run, user and system (0 where /proc does not say).
	CPU time.Duration `json:"cpu_ns,omitempty"`
	// Commits is how many write transactions carried the run's writes
	// (0 for a read): the server's committer's, or raw DB.Batch's.
	Commits uint64 `json:"commits,omitempty"`
	// CommitBusy is how long the server's committer spent in write
	// transactions through the run, commit and fsync included (0 for a read
	// and for raw DB.Batch).
	CommitBusy time.Duration `json:"commit_busy_ns,omitempty"`
}

// Summary is the median of several runs of one target, and their errors.
type Summary struct {
	Runs   int     `json:"runs"`
	Rate   float64 `json:"rate"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	Errors uint64  `json:"errors"`
	// CPUMicros is the server's processor time per successful answer, in
	// µs (the median of the runs'; 0 where unknown): unlike a rate, it
	// hardly moves with what else the machine runs, so that it tells two
	// commits apart where their rates' spread does not.
	CPUMicros float64 `json:"cpu_us,omitempty"`
	// PerCommit is how many writes one write transaction carried (the
	// median of the runs'; 0 for a read).
	PerCommit float64 `json:"per_commit,omitempty"`
	// CommitBusy is the share of the run the server's committer spent in
	// write transactions (the median of the runs'; 0 where unknown): near 1,
	// the committer, not the processor, bounds the write.
	CommitBusy float64 `json:"commit_busy,omitempty"`
	// Codes counts the answers that were not the expected status, by status
	// (or "transport" for a failed request), over all runs.
	Codes map[string]uint64 `json:"codes,omitempty"`
}

// summarize takes the medians of runs: of the rates and of each percentile.
func summarize(runs []Run) Summary {
	s := Summary{Runs: len(runs)}
	if len(runs) == 0 {
		return s
	}
	var rates, p50, p90, p99, cpu, perCommit, busy []float64
	for _, r := range runs {
		ok := r.Requests - r.Errors
		if r.CommitBusy > 0 && r.Rate > 0 {
			busy = append(busy, r.CommitBusy.Seconds()*r.Rate/float64(ok)) // the run lasted ok/Rate
		}
		if r.Commits > 0 {
			perCommit = append(perCommit, float64(ok)/float64(r.Commits))
		}
		if r.CPU > 0 && ok > 0 {
			cpu = append(cpu, float64(r.CPU)/float64(time.Microsecond)/float64(ok))
		}
		rates = append(rates, r.Rate)
		p50 = append(p50, ms(r.P50))
		p90 = append(p90, ms(r.P90))
		p99 = append(p99, ms(r.P99))
		s.Errors += r.Errors
	}
	s.Rate, s.P50Ms, s.P90Ms, s.P99Ms = median(rates), median(p50), median(p90), median(p99)
	if len(cpu) == len(runs) {
		s.CPUMicros = median(cpu)
	}
	if len(perCommit) == len(runs) {
		s.PerCommit = median(perCommit)
	}
	if len(busy) == len(runs) {
		s.CommitBusy = median(busy)
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median of xs (the mean of the middle two for an even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// Endpoint is one endpoint measured alone against its ceiling.
type Endpoint struct {
	Name    string  `json:"name"`
	What    string  `json:"what"`
	Server  Summary `json:"server"`
	Ceiling Summary `json:"ceiling"`
	// CeilingKind says what the ceiling is: "bare echo, same bytes" or
	// "raw bbolt DB.Batch".
	CeilingKind string `json:"ceiling_kind"`
	// Ratio is the server's median rate over the ceiling's; P99Ratio the
	// server's median p99 over the ceiling's (0 where the ceiling has none).
	Ratio    float64 `json:"ratio"`
	P99Ratio float64 `json:"p99_ratio,omitempty"`
	// Target is the ratio the performance issue asks for (0: none).
	Target float64 `json:"target,omitempty"`
}

// targets are the ratios to the ceilings that the performance work aims at,
// by endpoint; flatTarget is the flat page's (within 1.2× of the first run).
var targets = map[string]float64{"party_list": 0.60, "party_create": 1.0, "case_json": 0.40,
	"case_page": 0.10, "case_list_page": 0.25}

const flatTarget = 1 / 1.2

// Flat is the check that the mediator's case page does not slow down with use.
type Flat struct {
	ViewsBefore int `json:"views_before"` // views of the page before its first rounds
	// FirstRate and FirstRatio are the median rate of the page's rounds and
	// its ratio to the ceiling; AfterRate and AfterRatio the same of as
	// many rounds after the extra views.
	FirstRate  float64 `json:"first_rate"`
	FirstRatio float64 `json:"first_ratio"`
	ExtraViews int     `json:"extra_views"` // views made between the two
	ViewsAfter int     `json:"views_after"` // views before the rounds after
	AfterRate  float64 `json:"after_rate"`
	AfterRatio float64 `json:"after_ratio"`
	// Ratio is AfterRatio over FirstRatio: 1 is flat, below 1 slower with
	// use.
	Ratio float64 `json:"ratio"`
}

// Mix is the realistic mixed run: an open-loop arrival rate over every kind
// of request at once.
type Mix struct {
	TargetRate float64            `json:"target_rate"`
	Duration   string             `json:"duration"`
	Achieved   float64            `json:"achieved_rate"`
	Total      Summary            `json:"total"`
	Kinds      map[string]Summary `json:"kinds"`
	// PeakRSSMB is the resident high-water mark of the server started
	// again for the mix, from its start to the mix's end; RSSAnonMB and
	// RSSFileMB split its resident set at the end.
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"`
	RSSAnonMB float64 `json:"rss_anon_mb,omitempty"`
	RSSFileMB float64 `json:"rss_file_mb,omitempty"`
}

// Report is everything one run of the harness measured.
type Report struct {
	Commit   string `json:"commit,omitempty"`
	Machine  string `json:"machine"`
	Command  string `json:"command"`
	Settings struct {
		Cases        int    `json:"cases"`
		Submissions  int    `json:"submissions"`
		Mediators    int    `json:"mediators"`
		PartiesPer   int    `json:"parties_per_case"`
		Connections  int    `json:"connections"`
		Duration     string `json:"duration"`
		Rounds       int    `json:"rounds"`
		Argon2Params string `json:"argon2_params"`
	} `json:"settings"`
	Fill struct {
		Seconds       float64 `json:"seconds"`
		CasesSeconds  float64 `json:"cases_and_parties_seconds"`
		SubmitSeconds float64 `json:"submissions_seconds"`
		SubmitsPerSec float64 `json:"submissions_per_second"`
		DatabaseBytes int64   `json:"database_bytes"`
		Parties       int     `json:"parties"`
		ValueBytes    int     `json:"submission_value_bytes"`
	} `json:"fill"`
	ReadySeconds float64 `json:"ready_seconds"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
	// PeakRSSMB is the server's resident high-water mark through the
	// endpoints' closed loops and the flat check; RSSAnonMB and RSSFileMB
	// split its resident set at their end into the heap and stacks and the
	// file-backed pages (the database's memory map).
	RSSAnonMB float64    `json:"rss_anon_mb"`
	RSSFileMB float64    `json:"rss_file_mb"`
	Endpoints []Endpoint `json:"endpoints"`
	Flat      *Flat      `json:"flat_page,omitempty"`
	Mix       *Mix       `json:"mix,omitempty"`
	Notes     []string   `json:"notes,omitempty"`
}

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTable prints the report for a reader, as a Markdown table that can go
// into the README as it is.
func (r *Report) writeTable(w io.Writer) {
	fmt.Fprintf(w, "machine: %s\n", r.Machine)
	if r.Commit != "" {
		fmt.Fprintf(w, "commit: %s\n", r.Commit)
	}
	s := r.Settings
	fmt.Fprintf(w, "data: %d cases, %d submissions, %d parties, %d mediators; %d connections, %s × %d rounds (medians)\n",
		s.Cases, s.Submissions, r.Fill.Parties, s.Mediators, s.Connections, s.Duration, s.Rounds)
	fmt.Fprintf(w, "fill: %.1f s (cases and parties %.1f s, submissions %.1f s = %.0f/s), database %.1f MB; harness accounts use argon2id %s\n",
		r.Fill.Seconds, r.Fill.CasesSeconds, r.Fill.SubmitSeconds, r.Fill.SubmitsPerSec,
		float64(r.Fill.DatabaseBytes)/1e6, s.Argon2Params)
	fmt.Fprintf(w, "server: ready %.2f s after start, peak RSS %.0f MB through the endpoints' runs (at their end: %.0f MB anonymous, %.0f MB file-backed)\n\n",
		r.ReadySeconds, r.PeakRSSMB, r.RSSAnonMB, r.RSSFileMB)

	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "| endpoint\t tiaojie req/s\t p50/p90/p99 ms\t errors\t CPU µs/answer\t ceiling\t ceiling req/s\t ceiling p50/p90/p99 ms\t ratio\t target\t p99 ratio\t")
	fmt.Fprintln(tw, "| ---\t ---\t ---\t ---\t ---\t ---\t ---\t ---\t ---\t ---\t ---\t")
	for _, e := range r.Endpoints {
		fmt.Fprintf(tw, "| %s\t %.0f\t %s\t %d\t %s\t %s\t %.0f\t %s\t **%.3f**\t %s\t %s\t\n",
			e.What, e.Server.Rate, pcts(e.Server), e.Server.Errors, cpuMicros(e.Server.CPUMicros), e.CeilingKind,
			e.Ceiling.Rate, pcts(e.Ceiling), e.Ratio, target(e.Target), p99ratio(e.P99Ratio))
	}
	tw.Flush()
	for _, e := range r.Endpoints {
		if e.Server.PerCommit > 0 && e.Ceiling.PerCommit > 0 {
			fmt.Fprintf(w, "\n%s: %.1f writes a commit, raw DB.Batch %.1f", e.Name, e.Server.PerCommit, e.Ceiling.PerCommit)
			if e.Server.CommitBusy > 0 {
				fmt.Fprintf(w, "; the committer in a write transaction %.0f%% of the time", 100*e.Server.CommitBusy)
			}
			fmt.Fprintln(w)
		}
	}
	if f := r.Flat; f != nil {
		fmt.Fprintf(w, "\nflat page: case page %.0f req/s, %.3f of its ceiling, at first (after %d views); %.0f req/s, %.3f, after %d more views (%d in all): ratio **%.3f** (target %s)\n",
			f.FirstRate, f.FirstRatio, f.ViewsBefore, f.AfterRate, f.AfterRatio, f.ExtraViews, f.ViewsAfter, f.Ratio, target(flatTarget))
	}
	if m := r.Mix; m != nil {
		fmt.Fprintf(w, "\nmixed run: open loop at %.0f req/s for %s, achieved %.0f ok/s, %d errors",
			m.TargetRate, m.Duration, m.Achieved, m.Total.Errors)
		if m.PeakRSSMB > 0 {
			fmt.Fprintf(w, "; peak RSS of the server started again for it **%.0f MB** (target ≤ 300; at the end %.0f MB anonymous, %.0f MB file-backed)",
				m.PeakRSSMB, m.RSSAnonMB, m.RSSFileMB)
		}
		fmt.Fprint(w, "\n\n")
		tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.Debug)
		fmt.Fprintln(tw, "| in the mix\t ok/s\t p50/p90/p99 ms\t errors\t")
		fmt.Fprintln(tw, "| ---\t ---\t ---\t ---\t")
		for _, k := range mixOrder(m.Kinds) {
			v := m.Kinds[k]
			fmt.Fprintf(tw, "| %s\t %.0f\t %s\t %d%s\t\n", k, v.Rate, pcts(v), v.Errors, codes(v.Codes))
		}
		tw.Flush()
	}
	notes := slices.Clone(r.Notes)
	for _, e := range r.Endpoints {
		if len(e.Server.Codes) > 0 {
			notes = append(notes, fmt.Sprintf("unexpected answers, %s:%s", e.Name, codes(e.Server.Codes)))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w) // a Markdown table ends at a blank line
	}
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func pcts(s Summary) string {
	return fmt.Sprintf("%.1f / %.1f / %.1f", s.P50Ms, s.P90Ms, s.P99Ms)
}

func target(x float64) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf("≥ %.2f", x)
}

func p99ratio(x float64) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", x)
}

// cpuMicros shows the server's processor time per answer, "–" where unknown.
func cpuMicros(us float64) string {
	if us == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", us)
}

func codes(m map[string]uint64) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, m[k]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func mixOrder(m map[string]Summary) []string {
	return slices.Sorted(maps.Keys(m))
}

// quantile is the nearest-rank q-quantile of ds; 0 for none.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
