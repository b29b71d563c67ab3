package stats

import (
	"tiaojie/internal/mediation"
)

// The counts of a year as the attacker sees them: each published count is a
// sum of hidden monthly base counts (variables), and the base counts are
// tied by what every table of one population shares. Three populations,
// independent of each other:
//
//   - cases opened: per month, category × community (a) and source (s);
//     Σa = Σs (the two tables share the grand total);
//   - cases closed: per month, category × outcome (A) and community ×
//     outcome (B); for each outcome ΣA = ΣB (the two tables share the
//     outcome totals and the grand total);
//   - agreement terms found at return visits: per month, one count (t).
//
// Any base counts meeting these ties are the margins of some cases (a
// transportation problem always has a solution), so the attacker knows
// nothing more than these equations, non-negativity and what is published.
type model struct {
	k     int
	vals  []float64 // true value of each base variable
	pop   []int     // population of each base variable
	cells []cell
	ties  [][]int // per tie: +vars, a separator -1, −vars
	// tieMonth is the month (1..12) of each tie; periodStart the index of
	// each period's first cell (every period lays its cells out alike).
	tieMonth    []int
	periodStart []int
}

// A cell is one published count of one period: the sum of its base vars.
type cell struct {
	pop        int
	step       int // the month (1..12) after which it is published
	vars       []int
	value      int64
	suppressed bool
	primary    bool
	period     int // 0..11 months, 12..15 quarters, 16 the year
}

const (
	popOpened = iota
	popClosed
	popTerms
)

// dims are the codes the tables range over.
type dims struct {
	categories  []mediation.Category
	communities []string
	sources     []mediation.Source
	outcomes    []mediation.Status
}

// periodsOfYear are the periods a year publishes, with their months and
// the step (month) after which each is complete.
func periodsOfYear(year int) []Period {
	var ps []Period
	for m := 1; m <= 12; m++ {
		ps = append(ps, Period{Year: year, Month: m})
	}
	for q := 1; q <= 4; q++ {
		ps = append(ps, Period{Year: year, Quarter: q})
	}
	return append(ps, Period{Year: year})
}

// monthVars are a population's base variables of one month, by name.
type monthVars struct {
	a   [][]int // opened: [category][community]
	s   []int   // opened: [source]
	ca  [][]int // closed: [category][outcome]
	cb  [][]int // closed: [community][outcome]
	t   int     // terms
	cat map[mediation.Category]int
	com map[string]int
}

// cellRef names the cells of one period in the tables, for the tables to
// look their published values up.
type cellRef struct {
	opened   map[[2]int]int // [category+1 or 0][community+1 or 0] → cell; [0][0] the total
	source   map[int]int    // source+1 → cell (0: the total, shared with opened)
	closedCO map[[2]int]int // [category+1|0][outcome+1|0]
	closedMO map[[2]int]int // [community+1|0][outcome+1|0] ([0][*] shared with closedCO)
	terms    int
}

// newModel lays out a year's base variables from its counters (the months
// up to through), and every cell of every period complete by then.
func newModel(d dims, k int, year int, through int, counters []mediation.Counter) (*model, []cellRef) {
	md := &model{k: k}
	newVar := func(pop int) int {
		md.vals = append(md.vals, 0)
		md.pop = append(md.pop, pop)
		return len(md.vals) - 1
	}
	cat := map[mediation.Category]int{}
	for i, c := range d.categories {
		cat[c] = i
	}
	com := map[string]int{}
	for i, c := range d.communities {
		com[c] = i
	}
	src := map[mediation.Source]int{}
	for i, s := range d.sources {
		src[s] = i
	}
	out := map[mediation.Status]int{}
	for i, o := range d.outcomes {
		out[o] = i
	}
	months := make([]monthVars, 12)
	for m := range months {
		mv := &months[m]
		mv.a = make([][]int, len(d.categories))
		mv.ca = make([][]int, len(d.categories))
		for i := range d.categories {
			mv.a[i] = make([]int, len(d.communities))
			for j := range d.communities {
				mv.a[i][j] = newVar(popOpened)
			}
			mv.ca[i] = make([]int, len(d.outcomes))
			for j := range d.outcomes {
				mv.ca[i][j] = newVar(popClosed)
			}
		}
		mv.s = make([]int, len(d.sources))
		for i := range d.sources {
			mv.s[i] = newVar(popOpened)
		}
		mv.cb = make([][]int, len(d.communities))
		for i := range d.communities {
			mv.cb[i] = make([]int, len(d.outcomes))
			for j := range d.outcomes {
				mv.cb[i][j] = newVar(popClosed)
			}
		}
		mv.t = newVar(popTerms)
		// The ties of the month.
		var sa, ss []int
		for i := range d.categories {
			sa = append(sa, mv.a[i]...)
		}
		ss = append(ss, mv.s...)
		md.ties = append(md.ties, tie(sa, ss))
		md.tieMonth = append(md.tieMonth, m+1)
		for o := range d.outcomes {
			var l, r []int
			for i := range d.categories {
				l = append(l, mv.ca[i][o])
			}
			for i := range d.communities {
				r = append(r, mv.cb[i][o])
			}
			md.ties = append(md.ties, tie(l, r))
			md.tieMonth = append(md.tieMonth, m+1)
		}
	}
	// The true values. A code the configuration no longer knows is left out
	// of every table (its cases are in no cell and no total).
	for _, c := range counters {
		m := monthOf(c.Month, year)
		if m < 1 || m > through {
			continue
		}
		mv := &months[m-1]
		ci, okc := cat[c.Category]
		switch c.Family {
		case mediation.CountOpened:
			mi, okm := com[c.Community]
			si, oks := src[c.Source]
			if okc && okm && oks {
				md.vals[mv.a[ci][mi]] += float64(c.N)
				md.vals[mv.s[si]] += float64(c.N)
			}
		case mediation.CountClosed:
			mi, okm := com[c.Community]
			oi, oko := out[c.Outcome]
			if okc && okm && oko {
				md.vals[mv.ca[ci][oi]] += float64(c.N)
				md.vals[mv.cb[mi][oi]] += float64(c.N)
			}
		case mediation.CountTerms:
			if okc {
				md.vals[mv.t] += float64(c.N)
			}
		}
	}
	// The cells of every period complete by through.
	var refs []cellRef
	for pi, p := range periodsOfYear(year) {
		step := p.last()
		md.periodStart = append(md.periodStart, len(md.cells))
		ref := cellRef{opened: map[[2]int]int{}, source: map[int]int{}, closedCO: map[[2]int]int{}, closedMO: map[[2]int]int{}}
		if step > through {
			refs = append(refs, ref)
			continue
		}
		ms := months[p.first()-1 : p.last()]
		add := func(pop int, vars []int) int {
			c := cell{pop: pop, step: step, vars: vars, period: pi}
			for _, v := range vars {
				c.value += int64(md.vals[v])
			}
			md.cells = append(md.cells, c)
			return len(md.cells) - 1
		}
		for ci := -1; ci < len(d.categories); ci++ {
			for mi := -1; mi < len(d.communities); mi++ {
				var vars []int
				for _, mv := range ms {
					for i := range d.categories {
						for j := range d.communities {
							if (ci < 0 || ci == i) && (mi < 0 || mi == j) {
								vars = append(vars, mv.a[i][j])
							}
						}
					}
				}
				ref.opened[[2]int{ci + 1, mi + 1}] = add(popOpened, vars)
			}
		}
		ref.source[0] = ref.opened[[2]int{0, 0}]
		for si := range d.sources {
			var vars []int
			for _, mv := range ms {
				vars = append(vars, mv.s[si])
			}
			ref.source[si+1] = add(popOpened, vars)
		}
		for ci := -1; ci < len(d.categories); ci++ {
			for oi := -1; oi < len(d.outcomes); oi++ {
				var vars []int
				for _, mv := range ms {
					for i := range d.categories {
						for j := range d.outcomes {
							if (ci < 0 || ci == i) && (oi < 0 || oi == j) {
								vars = append(vars, mv.ca[i][j])
							}
						}
					}
				}
				ref.closedCO[[2]int{ci + 1, oi + 1}] = add(popClosed, vars)
			}
		}
		for oi := -1; oi < len(d.outcomes); oi++ {
			ref.closedMO[[2]int{0, oi + 1}] = ref.closedCO[[2]int{0, oi + 1}]
		}
		for mi := range d.communities {
			for oi := -1; oi < len(d.outcomes); oi++ {
				var vars []int
				for _, mv := range ms {
					for j := range d.outcomes {
						if oi < 0 || oi == j {
							vars = append(vars, mv.cb[mi][j])
						}
					}
				}
				ref.closedMO[[2]int{mi + 1, oi + 1}] = add(popClosed, vars)
			}
		}
		var tv []int
		for _, mv := range ms {
			tv = append(tv, mv.t)
		}
		ref.terms = add(popTerms, tv)
		refs = append(refs, ref)
	}
	return md, refs
}

// tie encodes Σl − Σr = 0.
func tie(l, r []int) []int {
	out := append([]int(nil), l...)
	out = append(out, -1)
	return append(out, r...)
}

func monthOf(month string, year int) int {
	if len(month) != 7 || month[:4] != itoa4(year) {
		return 0
	}
	return int(month[5]-'0')*10 + int(month[6]-'0')
}

func itoa4(y int) string {
	b := []byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)}
	return string(b)
}
