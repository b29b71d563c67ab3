package stats_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"tiaojie/internal/mediation"
	"tiaojie/internal/stats"
)

var testCommunities = []string{"dongfeng", "xinhua", "heping-li"}

// register draws a year of counters: a few cases a month, skewed so that
// small counts are common.
func register(t *rapid.T, year int) []mediation.Counter {
	var out []mediation.Counter
	n := rapid.IntRange(0, 40).Draw(t, "cases")
	for i := 0; i < n; i++ {
		m := rapid.IntRange(1, 12).Draw(t, "month")
		month := fmt.Sprintf("%04d-%02d", year, m)
		cat := rapid.SampledFrom(mediation.Categories[:4]).Draw(t, "category")
		com := rapid.SampledFrom(testCommunities).Draw(t, "community")
		src := rapid.SampledFrom(mediation.Sources[:3]).Draw(t, "source")
		cnt := int64(rapid.IntRange(1, 8).Draw(t, "count"))
		out = append(out, mediation.Counter{Family: mediation.CountOpened, Month: month, Category: cat, Community: com, Source: src, N: cnt})
		if rapid.Bool().Draw(t, "closed") {
			o := rapid.SampledFrom(mediation.Outcomes).Draw(t, "outcome")
			out = append(out,
				mediation.Counter{Family: mediation.CountClosed, Month: month, Category: cat, Community: com, Source: src, Outcome: o, N: cnt},
				mediation.Counter{Family: mediation.CountDays, Month: month, Category: cat, Value: rapid.IntRange(0, 60).Draw(t, "days"), N: cnt},
				mediation.Counter{Family: mediation.CountSessions, Month: month, Category: cat, Value: rapid.IntRange(0, 5).Draw(t, "sessions"), N: cnt})
		}
	}
	return out
}

// truth is the true count of a cell of a count table, from the counters.
func truth(counters []mediation.Counter, p stats.Period, table string, c stats.Cell) int64 {
	months := p.Months()
	var n int64
	for _, x := range counters {
		if !slices.Contains(months, x.Month) {
			continue
		}
		match := func(dim, v string) bool { d := c.Dim(dim); return d == "" || d == v }
		switch table {
		case stats.OpenedByCategoryCommunity, stats.OpenedBySource:
			if x.Family == mediation.CountOpened && match("category", string(x.Category)) &&
				match("community", x.Community) && match("source", string(x.Source)) {
				n += x.N
			}
		case stats.ClosedByCategoryOutcome, stats.ClosedByCommunityOutcome:
			if x.Family == mediation.CountClosed && match("category", string(x.Category)) &&
				match("community", x.Community) && match("outcome", string(x.Outcome)) {
				n += x.N
			}
		}
	}
	return n
}

// attacker holds, for a year, a variable for every finest monthly count the
// tables are sums of, and the equations of every published cell of every
// period and of what the tables of one population share.
type attacker struct {
	vars   map[string]int
	vals   []float64
	eqs    []stats.Equation
	counts int
}

func (a *attacker) v(name string) int {
	if i, ok := a.vars[name]; ok {
		return i
	}
	a.vars[name] = len(a.vals)
	a.vals = append(a.vals, 0)
	return len(a.vals) - 1
}

// cellVars are the finest monthly counts a published cell sums.
func (a *attacker) cellVars(p stats.Period, table string, c stats.Cell) []int {
	var out []int
	for _, m := range p.Months() {
		switch table {
		case stats.OpenedByCategoryCommunity:
			for _, cat := range mediation.Categories {
				for _, com := range testCommunities {
					if (c.Dim("category") == "" || c.Dim("category") == string(cat)) && (c.Dim("community") == "" || c.Dim("community") == com) {
						out = append(out, a.v("a "+m+" "+string(cat)+" "+com))
					}
				}
			}
		case stats.OpenedBySource:
			for _, s := range mediation.Sources {
				if c.Dim("source") == "" || c.Dim("source") == string(s) {
					out = append(out, a.v("s "+m+" "+string(s)))
				}
			}
		case stats.ClosedByCategoryOutcome:
			for _, cat := range mediation.Categories {
				for _, o := range mediation.Outcomes {
					if (c.Dim("category") == "" || c.Dim("category") == string(cat)) && (c.Dim("outcome") == "" || c.Dim("outcome") == string(o)) {
						out = append(out, a.v("A "+m+" "+string(cat)+" "+string(o)))
					}
				}
			}
		case stats.ClosedByCommunityOutcome:
			for _, com := range testCommunities {
				for _, o := range mediation.Outcomes {
					if (c.Dim("community") == "" || c.Dim("community") == com) && (c.Dim("outcome") == "" || c.Dim("outcome") == string(o)) {
						out = append(out, a.v("B "+m+" "+com+" "+string(o)))
					}
				}
			}
		}
	}
	return out
}

func countTable(id string) bool {
	return id == stats.OpenedByCategoryCommunity || id == stats.OpenedBySource ||
		id == stats.ClosedByCategoryOutcome || id == stats.ClosedByCommunityOutcome
}

// yearReports builds the reports of every period of the year.
func yearReports(cfg stats.Config, year int, counters []mediation.Counter) map[stats.Period]stats.Report {
	out := map[stats.Period]stats.Report{}
	for m := 1; m <= 12; m++ {
		p := stats.Period{Year: year, Month: m}
		out[p] = stats.Build(cfg, p, counters)
	}
	for q := 1; q <= 4; q++ {
		p := stats.Period{Year: year, Quarter: q}
		out[p] = stats.Build(cfg, p, counters)
	}
	p := stats.Period{Year: year}
	out[p] = stats.Build(cfg, p, counters)
	return out
}

// Every shown count is the true count and none is in 1..k−1; no rate,
// median or mean over fewer than k cases is shown; and the attacker who
// solves every equation of the year's published tables together narrows no
// suppressed count into 1..k−1.
func TestSuppressionHoldsAgainstTheAttacker(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		const year = 2025
		k := rapid.IntRange(3, 6).Draw(rt, "k")
		cfg := stats.Config{K: k, Communities: testCommunities}
		counters := register(rt, year)
		reports := yearReports(cfg, year, counters)
		a := &attacker{vars: map[string]int{}}
		type hidden struct {
			p     stats.Period
			table string
			cell  stats.Cell
			vars  []int
			value int64
		}
		var suppressed []hidden
		for p, r := range reports {
			if r.K != k {
				rt.Fatalf("%s: k = %d, want %d", p, r.K, k)
			}
			for _, tb := range r.Tables {
				for _, c := range tb.Cells {
					if !countTable(tb.ID) {
						if c.N != nil && *c.N > 0 && *c.N < int64(k) {
							rt.Fatalf("%s %s: n = %d is shown, under k = %d", p, tb.ID, *c.N, k)
						}
						if (c.Rate != nil || c.Median != nil || c.Mean != nil || c.Share != nil) && (c.N == nil || *c.N < int64(k)) {
							rt.Fatalf("%s %s: a figure over fewer than k cases is shown: %+v", p, tb.ID, c)
						}
						continue
					}
					want := truth(counters, p, tb.ID, c)
					vars := a.cellVars(p, tb.ID, c)
					if c.Suppressed {
						suppressed = append(suppressed, hidden{p, tb.ID, c, vars, want})
						continue
					}
					if *c.Count != want {
						rt.Fatalf("%s %s %v: count %d, true count %d", p, tb.ID, c.Dims, *c.Count, want)
					}
					if want > 0 && want < int64(k) {
						rt.Fatalf("%s %s %v: count %d is shown, under k = %d", p, tb.ID, c.Dims, want, k)
					}
					a.eqs = append(a.eqs, stats.Equation{Plus: vars, Value: float64(want)})
				}
			}
		}
		// The ties of each month: the two opened tables share their total;
		// the two closed tables share the total of each outcome.
		for m := 1; m <= 12; m++ {
			p := stats.Period{Year: year, Month: m}
			a.eqs = append(a.eqs, stats.Equation{
				Plus:  a.cellVars(p, stats.OpenedByCategoryCommunity, stats.Cell{}),
				Minus: a.cellVars(p, stats.OpenedBySource, stats.Cell{})})
			for _, o := range mediation.Outcomes {
				c := stats.Cell{Dims: [][2]string{{"outcome", string(o)}}}
				a.eqs = append(a.eqs, stats.Equation{
					Plus:  a.cellVars(p, stats.ClosedByCategoryOutcome, c),
					Minus: a.cellVars(p, stats.ClosedByCommunityOutcome, c)})
			}
		}
		for _, h := range suppressed {
			if h.value < 1 || h.value >= int64(k) {
				continue // a zero or a count of k or more cannot be narrowed into 1..k−1
			}
			lo, hi := stats.Bounds(a.eqs, h.vars, nil)
			if lo >= 1-1e-6 && hi <= float64(k-1)+1e-6 {
				rt.Fatalf("%s %s %v (true %d): the attacker narrows it to [%g, %g], inside 1..%d", h.p, h.table, h.cell.Dims, h.value, lo, hi, k-1)
			}
		}
	})
}

// A month's tables are those it had when it completed: later months add
// suppression to their own cells only.
func TestPublishedMonthsDoNotChange(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := stats.Config{K: 5, Communities: testCommunities}
		counters := register(rt, 2025)
		m := rapid.IntRange(1, 11).Draw(rt, "month")
		p := stats.Period{Year: 2025, Month: m}
		// What was there when the month completed: only its year to date.
		var then []mediation.Counter
		for _, c := range counters {
			if c.Month <= p.String() {
				then = append(then, c)
			}
		}
		a, _ := json.Marshal(stats.Build(cfg, p, then))
		b, _ := json.Marshal(stats.Build(cfg, p, counters))
		if string(a) != string(b) {
			rt.Fatalf("month %s changed when later months came:\n%v\n%v", p, a, b)
		}
	})
}

func TestPeriods(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 1, 0, 30, 0, 0, zone)
	for _, tc := range []struct {
		in   string
		done bool
	}{{"2026-10", true}, {"2026-11", false}, {"2026-Q3", true}, {"2026-Q4", false}, {"2025", true}, {"2026", false}} {
		p, err := stats.ParsePeriod(tc.in)
		if err != nil || p.String() != tc.in {
			t.Fatalf("ParsePeriod(%q) = %v, %v", tc.in, p, err)
		}
		if got := p.Completed(now, zone); got != tc.done {
			t.Errorf("%s completed at %s: %v, want %v", tc.in, now, got, tc.done)
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-00", "2026-Q5", "26-10", "2026-1", "2026-+1", "dragons"} {
		if _, err := stats.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) succeeded", bad)
		}
	}
	if got := stats.LastCompletedMonth(now, zone).String(); got != "2026-10" {
		t.Errorf("LastCompletedMonth = %s, want 2026-10", got)
	}
}
