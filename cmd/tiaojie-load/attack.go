package main

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// request is one HTTP request the harness sends, to a path on whichever
// server it is aimed at.
type request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	// Want is the status a correct answer has.
	Want int
}

// rotation hands out reqs in turn, to base, safe for concurrent use; after
// limit requests (0: no limit) it answers vegeta.ErrNoTargets, which ends
// the attack.
func rotation(base string, reqs []request, limit uint64) vegeta.Targeter {
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		i := n.Add(1) - 1
		if limit > 0 && i >= limit {
			return vegeta.ErrNoTargets
		}
		r := reqs[i%uint64(len(reqs))]
		t.Method, t.URL, t.Body, t.Header = r.Method, base+r.Path, r.Body, r.Header
		return nil
	}
}

// closedLoop runs conns workers over conns keep-alive connections, each
// sending its next request as soon as its last is answered, for d (or until
// the targeter runs out): the most the target answers at that concurrency.
func closedLoop(tr vegeta.Targeter, conns int, d time.Duration, want func(*vegeta.Result) bool) (Run, map[string]uint64) {
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow),
		vegeta.Timeout(30*time.Second), vegeta.MaxBody(0))
	return collect(atk.Attack(tr, vegeta.Rate{}, d, "closed"), want, nil)
}

// openLoop sends at a fixed arrival rate for d whatever the answers take, so
// that a slow answer delays no later request and every latency counts from
// when its request was due: no coordinated omission. A request waits for one
// of conns keep-alive connections inside the client, and that wait counts in
// its latency.
func openLoop(tr vegeta.Targeter, rate float64, conns int, d time.Duration, want func(*vegeta.Result) bool,
	kind func(*vegeta.Result) string) (Run, map[string]uint64, map[string]Run, map[string]map[string]uint64) {
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(4096),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow),
		vegeta.Timeout(30*time.Second), vegeta.MaxBody(0))
	per := time.Second
	freq := int(rate)
	if rate < 1 {
		freq = 1
	}
	kinds := map[string]*tally{}
	total, codes := collect(atk.Attack(tr, vegeta.Rate{Freq: freq, Per: per}, d, "mix"), want, func(r *vegeta.Result, ok bool) {
		k := kind(r)
		t := kinds[k]
		if t == nil {
			t = newTally()
			kinds[k] = t
		}
		t.add(r, ok)
	})
	runs := map[string]Run{}
	kc := map[string]map[string]uint64{}
	for k, t := range kinds {
		runs[k] = t.run()
		kc[k] = t.codes
	}
	return total, codes, runs, kc
}

// tally counts the results of one kind.
type tally struct {
	m      vegeta.Metrics
	ok     uint64
	errs   uint64
	codes  map[string]uint64
	first  time.Time
	latest time.Time
}

func newTally() *tally { return &tally{codes: map[string]uint64{}} }

func (t *tally) add(r *vegeta.Result, ok bool) {
	t.m.Add(r)
	if t.first.IsZero() || r.Timestamp.Before(t.first) {
		t.first = r.Timestamp
	}
	if end := r.Timestamp.Add(r.Latency); end.After(t.latest) {
		t.latest = end
	}
	if ok {
		t.ok++
		return
	}
	t.errs++
	if r.Error != "" && r.Code == 0 {
		t.codes["transport"]++
	} else {
		t.codes[strconv.Itoa(int(r.Code))]++
	}
}

func (t *tally) run() Run {
	t.m.Close()
	elapsed := t.latest.Sub(t.first).Seconds()
	return Run{Requests: t.m.Requests, Errors: t.errs, Rate: ratio(float64(t.ok), elapsed),
		P50: t.m.Latencies.P50, P90: t.m.Latencies.P90, P99: t.m.Latencies.P99}
}

func collect(results <-chan *vegeta.Result, want func(*vegeta.Result) bool, each func(*vegeta.Result, bool)) (Run, map[string]uint64) {
	t := newTally()
	for r := range results {
		if r.Error == vegeta.ErrNoTargets.Error() {
			continue // the targeter ran out: not a request
		}
		ok := r.Error == "" && want(r)
		t.add(r, ok)
		if each != nil {
			each(r, ok)
		}
	}
	return t.run(), t.codes
}

// status is the want of a request that must answer code.
func status(code int) func(*vegeta.Result) bool {
	return func(r *vegeta.Result) bool { return int(r.Code) == code }
}
