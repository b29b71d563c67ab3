package stats

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"sort"

	"tiaojie/internal/mediation"
)

// Config is what the tables range over and how small a count may be shown.
type Config struct {
	// K: counts from 1 to K−1 are withheld, and every rate, median or share
	// over fewer than K cases. At least MinK.
	K int
	// Communities are the configured community codes, in display order.
	Communities []string
}

// The least and the default K.
const (
	MinK     = 3
	DefaultK = 5
)

// Table ids, in the order the tables are published.
const (
	OpenedByCategoryCommunity = "opened_by_category_community"
	OpenedBySource            = "opened_by_source"
	ClosedByCategoryOutcome   = "closed_by_category_outcome"
	ClosedByCommunityOutcome  = "closed_by_community_outcome"
	AgreementRateByCategory   = "agreement_rate_by_category"
	DaysToCloseByCategory     = "days_to_close_by_category"
	SessionsPerClosedCase     = "sessions_per_closed_case"
	TermsPerformed            = "terms_performed"
)

// TableIDs lists every table id in order.
var TableIDs = []string{OpenedByCategoryCommunity, OpenedBySource, ClosedByCategoryOutcome,
	ClosedByCommunityOutcome, AgreementRateByCategory, DaysToCloseByCategory, SessionsPerClosedCase, TermsPerformed}

// Report is every table of one period.
type Report struct {
	Period string  `json:"period"`
	K      int     `json:"k"`
	Tables []Table `json:"tables"`
}

// Table is one fixed table: a cell for every combination of its dims and
// their totals (a dim left out of a cell is its total).
type Table struct {
	ID      string   `json:"id"`
	Measure string   `json:"measure"` // count, rate, days, sessions, share
	Dims    []string `json:"dims"`
	Cells   []Cell   `json:"cells"`
}

// Cell is one cell: its dims (code by dim; absent = total) and either its
// figures or Suppressed.
type Cell struct {
	Dims       [][2]string // [dim, code], in the table's dim order
	Suppressed bool
	Count      *int64
	N          *int64
	Rate       *float64
	Median     *float64
	P90        *float64
	Mean       *float64
	Share      *float64
}

// Dim is the code of dim in the cell, "" for its total.
func (c Cell) Dim(dim string) string {
	for _, d := range c.Dims {
		if d[0] == dim {
			return d[1]
		}
	}
	return ""
}

// MarshalJSON writes the dims first, then the figures, then suppressed.
func (c Cell) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	field := func(k string, v any) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(v)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	for _, d := range c.Dims {
		field(d[0], d[1])
	}
	if c.Suppressed {
		field("suppressed", true)
		b.WriteByte('}')
		return b.Bytes(), nil
	}
	for _, f := range []struct {
		k string
		i *int64
		f *float64
	}{{"count", c.Count, nil}, {"n", c.N, nil}, {"rate", nil, c.Rate}, {"median", nil, c.Median},
		{"p90", nil, c.P90}, {"mean", nil, c.Mean}, {"share", nil, c.Share}} {
		if f.i != nil {
			field(f.k, *f.i)
		}
		if f.f != nil {
			field(f.k, *f.f)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (cfg Config) dims() dims {
	return dims{categories: mediation.Categories, communities: cfg.Communities,
		sources: mediation.Sources, outcomes: mediation.Outcomes}
}

// Build makes every table of the period p from counters, which must hold
// every counter of p's months. Each month's suppression is decided from
// that month alone, and a quarter or year shows only sums of shown month
// cells, so a month's tables read today are those it had when it completed
// (as long as the counters of the past stay as they were), and what the
// periods publish together tells no more than the months do.
func Build(cfg Config, p Period, counters []mediation.Counter) Report {
	k := max(cfg.K, MinK)
	d := cfg.dims()
	md, refs := newModel(d, k, p.Year, p.last(), counters)
	md.suppress(p.first(), p.last())
	pi := slices.Index(periodsOfYear(p.Year), p)
	ref := refs[pi]
	in := map[string]bool{}
	for _, m := range p.Months() {
		in[m] = true
	}
	hist := histograms(counters, in, d)

	r := Report{Period: p.String(), K: k}
	count := func(ci int) Cell {
		c := md.cells[ci]
		if c.suppressed {
			return Cell{Suppressed: true}
		}
		v := c.value
		return Cell{Count: &v}
	}
	withDims := func(c Cell, dims ...[2]string) Cell {
		for _, x := range dims {
			if x[1] != "" {
				c.Dims = append(c.Dims, x)
			}
		}
		return c
	}
	code := func(list []string, i int) string {
		if i == 0 {
			return ""
		}
		return list[i-1]
	}
	cats := make([]string, len(d.categories))
	for i, c := range d.categories {
		cats[i] = string(c)
	}
	srcs := make([]string, len(d.sources))
	for i, s := range d.sources {
		srcs[i] = string(s)
	}
	outs := make([]string, len(d.outcomes))
	for i, o := range d.outcomes {
		outs[i] = string(o)
	}
	order := func(n int) []int { // codes first, the total last
		out := make([]int, 0, n+1)
		for i := 1; i <= n; i++ {
			out = append(out, i)
		}
		return append(out, 0)
	}

	t := Table{ID: OpenedByCategoryCommunity, Measure: "count", Dims: []string{"category", "community"}}
	for _, ci := range order(len(cats)) {
		for _, mi := range order(len(d.communities)) {
			t.Cells = append(t.Cells, withDims(count(ref.opened[[2]int{ci, mi}]),
				[2]string{"category", code(cats, ci)}, [2]string{"community", code(d.communities, mi)}))
		}
	}
	r.Tables = append(r.Tables, t)
	t = Table{ID: OpenedBySource, Measure: "count", Dims: []string{"source"}}
	for _, si := range order(len(srcs)) {
		t.Cells = append(t.Cells, withDims(count(ref.source[si]), [2]string{"source", code(srcs, si)}))
	}
	r.Tables = append(r.Tables, t)
	t = Table{ID: ClosedByCategoryOutcome, Measure: "count", Dims: []string{"category", "outcome"}}
	for _, ci := range order(len(cats)) {
		for _, oi := range order(len(outs)) {
			t.Cells = append(t.Cells, withDims(count(ref.closedCO[[2]int{ci, oi}]),
				[2]string{"category", code(cats, ci)}, [2]string{"outcome", code(outs, oi)}))
		}
	}
	r.Tables = append(r.Tables, t)
	t = Table{ID: ClosedByCommunityOutcome, Measure: "count", Dims: []string{"community", "outcome"}}
	for _, mi := range order(len(d.communities)) {
		for _, oi := range order(len(outs)) {
			t.Cells = append(t.Cells, withDims(count(ref.closedMO[[2]int{mi, oi}]),
				[2]string{"community", code(d.communities, mi)}, [2]string{"outcome", code(outs, oi)}))
		}
	}
	r.Tables = append(r.Tables, t)

	// The figures over cases: shown only where their n is a published count
	// of at least k (an n of 0 is shown without figures).
	closedN := func(ci int) (int64, bool) {
		c := md.cells[ref.closedCO[[2]int{ci, 0}]]
		return c.value, !c.suppressed
	}
	rate := Table{ID: AgreementRateByCategory, Measure: "rate", Dims: []string{"category"}}
	days := Table{ID: DaysToCloseByCategory, Measure: "days", Dims: []string{"category"}}
	for _, ci := range order(len(cats)) {
		dim := [2]string{"category", code(cats, ci)}
		n, shown := closedN(ci)
		agreed := md.cells[ref.closedCO[[2]int{ci, 1}]] // outcome 1: agreement
		switch {
		case !shown:
			rate.Cells = append(rate.Cells, withDims(Cell{Suppressed: true}, dim))
			days.Cells = append(days.Cells, withDims(Cell{Suppressed: true}, dim))
			continue
		case n == 0:
			rate.Cells = append(rate.Cells, withDims(Cell{N: ptr(n)}, dim))
			days.Cells = append(days.Cells, withDims(Cell{N: ptr(n)}, dim))
			continue
		case n < int64(k):
			rate.Cells = append(rate.Cells, withDims(Cell{Suppressed: true}, dim))
			days.Cells = append(days.Cells, withDims(Cell{Suppressed: true}, dim))
			continue
		}
		if agreed.suppressed {
			rate.Cells = append(rate.Cells, withDims(Cell{Suppressed: true}, dim))
		} else {
			rate.Cells = append(rate.Cells, withDims(Cell{N: ptr(n), Rate: ptr(round(float64(agreed.value)/float64(n), 3))}, dim))
		}
		h := hist.days[dim[1]]
		days.Cells = append(days.Cells, withDims(Cell{N: ptr(n), Median: ptr(median(h)), P90: ptr(percentile(h, 0.9))}, dim))
	}
	r.Tables = append(r.Tables, rate, days)

	sess := Table{ID: SessionsPerClosedCase, Measure: "sessions", Dims: []string{}}
	switch n, shown := closedN(0); {
	case !shown || (n > 0 && n < int64(k)):
		sess.Cells = []Cell{{Suppressed: true}}
	case n == 0:
		sess.Cells = []Cell{{N: ptr(n)}}
	default:
		h := hist.sessions
		sess.Cells = []Cell{{N: ptr(n), Mean: ptr(round(mean(h), 1)), Median: ptr(median(h))}}
	}
	terms := Table{ID: TermsPerformed, Measure: "share", Dims: []string{}}
	switch tc := md.cells[ref.terms]; {
	case tc.suppressed || (tc.value > 0 && tc.value < int64(k)):
		terms.Cells = []Cell{{Suppressed: true}}
	case tc.value == 0:
		terms.Cells = []Cell{{N: ptr(tc.value)}}
	default:
		terms.Cells = []Cell{{N: ptr(tc.value), Share: ptr(round(float64(hist.performed)/float64(tc.value), 3))}}
	}
	r.Tables = append(r.Tables, sess, terms)
	return r
}

// hists are the distributions of a period: days to close by category ("" all), sessions held.
type hists struct {
	days      map[string]map[int]int64
	sessions  map[int]int64
	performed int64
}

func histograms(counters []mediation.Counter, in map[string]bool, d dims) hists {
	h := hists{days: map[string]map[int]int64{"": {}}, sessions: map[int]int64{}}
	for _, c := range d.categories {
		h.days[string(c)] = map[int]int64{}
	}
	for _, c := range counters {
		if !in[c.Month] || !slices.Contains(d.categories, c.Category) {
			continue
		}
		switch c.Family {
		case mediation.CountDays:
			h.days[string(c.Category)][c.Value] += c.N
			h.days[""][c.Value] += c.N
		case mediation.CountSessions:
			h.sessions[c.Value] += c.N
		case mediation.CountTerms:
			if c.Performance == "performed" {
				h.performed += c.N
			}
		}
	}
	return h
}

func ptr[T any](v T) *T { return &v }

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func expand(h map[int]int64) ([]int, int64) {
	keys := make([]int, 0, len(h))
	var n int64
	for k, c := range h {
		if c > 0 {
			keys = append(keys, k)
			n += c
		}
	}
	sort.Ints(keys)
	return keys, n
}

// nth is the value of rank r (0-based) of the distribution.
func nth(h map[int]int64, r int64) float64 {
	keys, _ := expand(h)
	for _, k := range keys {
		if r < h[k] {
			return float64(k)
		}
		r -= h[k]
	}
	return 0
}

func median(h map[int]int64) float64 {
	_, n := expand(h)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return nth(h, n/2)
	}
	return (nth(h, n/2-1) + nth(h, n/2)) / 2
}

// percentile is the nearest-rank percentile q of the distribution.
func percentile(h map[int]int64, q float64) float64 {
	_, n := expand(h)
	if n == 0 {
		return 0
	}
	r := int64(math.Ceil(q*float64(n))) - 1
	return nth(h, max(r, 0))
}

func mean(h map[int]int64) float64 {
	keys, n := expand(h)
	if n == 0 {
		return 0
	}
	var s float64
	for _, k := range keys {
		s += float64(k) * float64(h[k])
	}
	return s / float64(n)
}
