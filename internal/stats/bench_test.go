package stats_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/stats"
)

// yearOf makes the counters of a year of n cases spread over the months,
// categories, communities and sources, a third of them closed.
func yearOf(year, n int, communities []string) []mediation.Counter {
	r := rand.New(rand.NewPCG(1, 2))
	var out []mediation.Counter
	for i := 0; i < n; i++ {
		month := fmt.Sprintf("%04d-%02d", year, r.IntN(12)+1)
		cat := mediation.Categories[r.IntN(len(mediation.Categories))]
		com := communities[r.IntN(len(communities))]
		src := mediation.Sources[r.IntN(len(mediation.Sources))]
		out = append(out, mediation.Counter{Family: mediation.CountOpened, Month: month, Category: cat, Community: com, Source: src, N: 1})
		if i%3 == 0 {
			o := mediation.Outcomes[r.IntN(3)]
			out = append(out,
				mediation.Counter{Family: mediation.CountClosed, Month: month, Category: cat, Community: com, Source: src, Outcome: o, N: 1},
				mediation.Counter{Family: mediation.CountDays, Month: month, Category: cat, Value: r.IntN(40), N: 1},
				mediation.Counter{Family: mediation.CountSessions, Month: month, Category: cat, Value: r.IntN(4), N: 1})
		}
	}
	return out
}

// The suppression of a whole year: every month, quarter and the year, as Build decides it for the year.
func BenchmarkSuppressYear(b *testing.B) {
	communities := []string{"heping-li", "dongfeng", "xinhua", "qingnian-lu", "chaoyang-yuan"}
	counters := yearOf(2025, 600, communities)
	cfg := stats.Config{K: 5, Communities: communities}
	for b.Loop() {
		stats.Build(cfg, stats.Period{Year: 2025}, counters)
	}
}

// A month's tables (October: the suppression of its year to date) from the
// counters of a year of 1,000 and of 100,000 cases.
func BenchmarkBuildMonth(b *testing.B) {
	communities := []string{"heping-li", "dongfeng", "xinhua", "qingnian-lu", "chaoyang-yuan"}
	cfg := stats.Config{K: 5, Communities: communities}
	for _, n := range []int{1_000, 100_000} {
		counters := yearOf(2025, n, communities)
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			for b.Loop() {
				stats.Build(cfg, stats.Period{Year: 2025, Month: 10}, counters)
			}
		})
	}
}
