package stats

import (
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// An Equation says that the base variables Plus, less those of Minus, sum to
// Value.
type Equation struct {
	Plus, Minus []int
	Value       float64
}

// Bounds returns the least and the most that the sum of the base variables
// target can be, for non-negative base variables meeting every equation: the
// attacker's linear programs (lp.Simplex). An unbounded side is ±Inf; when
// the solver fails on one side, that side is reported as the value a
// feasible point gives (guess), so that a failure errs towards "narrowed".
func Bounds(eqs []Equation, target []int, guess []float64) (lo, hi float64) {
	red := reduce(eqs, target)
	if red.fixedOnly {
		return red.fixed, red.fixed
	}
	lo, hi = red.fixed, math.Inf(1)
	if !red.free {
		hi = red.solve(-1, guess)
	}
	lo = red.solve(1, guess)
	return lo, hi
}

// maxOf is the most the attacker can make the cell, given the published
// cells of its month and the month's ties.
func (md *model) maxOf(ci int) float64 {
	eqs := md.equations(md.cells[ci].pop, md.cells[ci].period)
	_, hi := Bounds(eqs, md.cells[ci].vars, md.vals)
	return hi
}

// equations are what the attacker knows of a population in a month: its
// published cells and its ties. (Quarters and years add nothing: suppress
// shows a cell of theirs only where it is the sum of shown month cells.)
func (md *model) equations(pop, month int) []Equation {
	var eqs []Equation
	for _, c := range md.cells {
		if c.pop == pop && c.period == month && !c.suppressed {
			eqs = append(eqs, Equation{Plus: c.vars, Value: float64(c.value)})
		}
	}
	for ti, t := range md.ties {
		i := slices.Index(t, -1)
		if md.tieMonth[ti] == month+1 && len(t) > 1 && md.pop[t[0]] == pop {
			eqs = append(eqs, Equation{Plus: t[:i], Minus: t[i+1:]})
		}
	}
	return eqs
}

// reduced is a linear program after the variables the equations fix alone
// are substituted: zeros of published zero sums, and single unknowns.
type reduced struct {
	fixed     float64 // the target's fixed part
	fixedOnly bool    // the target is fixed entirely
	free      bool    // the target has a variable no equation bounds
	cols      []int   // unknown variables, in column order
	col       map[int]int
	rows      [][]float64
	rhs       []float64
	obj       []float64 // 1 for the target's unknown variables
}

const eps = 1e-7

// bigM prices the artificial variables out of every optimum: the counts are
// far smaller.
const bigM = 1e6

func reduce(eqs []Equation, target []int) *reduced {
	fixed := map[int]float64{}
	for changed := true; changed; {
		changed = false
		for _, e := range eqs {
			rhs := e.Value
			var unknown []int
			var coef []float64
			for _, v := range e.Plus {
				if x, ok := fixed[v]; ok {
					rhs -= x
				} else {
					unknown, coef = append(unknown, v), append(coef, 1)
				}
			}
			for _, v := range e.Minus {
				if x, ok := fixed[v]; ok {
					rhs += x
				} else {
					unknown, coef = append(unknown, v), append(coef, -1)
				}
			}
			switch {
			case len(unknown) == 1:
				fixed[unknown[0]] = rhs / coef[0]
				changed = true
			case len(unknown) > 1 && len(e.Minus) == 0 && math.Abs(rhs) < eps:
				for _, v := range unknown {
					fixed[v] = 0
				}
				changed = true
			}
		}
	}
	r := &reduced{col: map[int]int{}}
	inTarget := map[int]bool{}
	for _, v := range target {
		if x, ok := fixed[v]; ok {
			r.fixed += x
		} else {
			inTarget[v] = true
		}
	}
	if len(inTarget) == 0 {
		r.fixedOnly = true
		return r
	}
	var rows [][2][]int
	var rhss []float64
	for _, e := range eqs {
		rhs := e.Value
		var plus, minus []int
		for _, v := range e.Plus {
			if x, ok := fixed[v]; ok {
				rhs -= x
			} else {
				plus = append(plus, v)
			}
		}
		for _, v := range e.Minus {
			if x, ok := fixed[v]; ok {
				rhs += x
			} else {
				minus = append(minus, v)
			}
		}
		if len(plus)+len(minus) == 0 {
			continue
		}
		for _, v := range append(slices.Clone(plus), minus...) {
			if _, ok := r.col[v]; !ok {
				r.col[v] = len(r.cols)
				r.cols = append(r.cols, v)
			}
		}
		rows = append(rows, [2][]int{plus, minus})
		rhss = append(rhss, rhs)
	}
	for v := range inTarget {
		if _, ok := r.col[v]; !ok {
			r.free = true // in no equation: as large as one likes
		}
	}
	n := len(r.cols)
	r.obj = make([]float64, n)
	for v := range inTarget {
		if j, ok := r.col[v]; ok {
			r.obj[j] = 1
		}
	}
	// Keep a set of linearly independent rows (the solver needs full row
	// rank): Gaussian elimination with partial pivoting on a copy.
	dense := make([][]float64, len(rows))
	for i, row := range rows {
		dense[i] = make([]float64, n+1)
		for _, v := range row[0] {
			dense[i][r.col[v]] += 1
		}
		for _, v := range row[1] {
			dense[i][r.col[v]] -= 1
		}
		dense[i][n] = rhss[i]
	}
	work := make([][]float64, len(dense))
	for i := range dense {
		work[i] = slices.Clone(dense[i])
	}
	var basis [][]float64 // reduced rows kept, each with its pivot column
	var pivots []int
	for i := range work {
		row := work[i]
		for bi, b := range basis {
			if f := row[pivots[bi]]; f != 0 {
				for j := range row {
					row[j] -= f * b[j]
				}
			}
		}
		p, best := -1, eps
		for j := 0; j < n; j++ {
			if a := math.Abs(row[j]); a > best {
				p, best = j, a
			}
		}
		if p < 0 {
			continue // dependent (or, with rhs ≠ 0, inconsistent: rounding)
		}
		f := row[p]
		for j := range row {
			row[j] /= f
		}
		basis = append(basis, row)
		pivots = append(pivots, p)
		r.rows = append(r.rows, dense[i][:n])
		r.rhs = append(r.rhs, dense[i][n])
	}
	return r
}

// solve minimises sign × the target over the program, returning the
// target's value there (with its fixed part). guess is the true values.
func (r *reduced) solve(sign float64, guess []float64) float64 {
	n := len(r.cols)
	fallback := r.fixed
	for j, v := range r.cols {
		if r.obj[j] != 0 && v < len(guess) {
			fallback += guess[v]
		}
	}
	if len(r.rows) == 0 {
		if sign > 0 {
			return r.fixed
		}
		return math.Inf(1)
	}
	// Columns with no entry in any kept row are free: drop them (a target's
	// one is unbounded above, and 0 at the least).
	var keep []int
	for j := 0; j < n; j++ {
		for _, row := range r.rows {
			if row[j] != 0 {
				keep = append(keep, j)
				break
			}
		}
	}
	if len(keep) < n {
		for j := 0; j < n; j++ {
			if !slices.Contains(keep, j) && r.obj[j] != 0 && sign < 0 {
				return math.Inf(1)
			}
		}
	}
	m := len(r.rows)
	if len(keep) < m {
		return fallback
	}
	// Big-M with an artificial variable per row: the artificials are a
	// feasible basis to start from (b ≥ 0), which spares the solver its
	// search for one.
	w := len(keep) + m
	A := mat.NewDense(m, w, nil)
	c := make([]float64, w)
	for jj, j := range keep {
		c[jj] = sign * r.obj[j]
		for i, row := range r.rows {
			A.Set(i, jj, row[j])
		}
	}
	b := slices.Clone(r.rhs)
	for i := range b {
		if b[i] < 0 { // keep b non-negative
			b[i] = -b[i]
			for jj := range keep {
				A.Set(i, jj, -A.At(i, jj))
			}
		}
	}
	basic := make([]int, m)
	for i := 0; i < m; i++ {
		A.Set(i, len(keep)+i, 1)
		c[len(keep)+i] = bigM
		basic[i] = len(keep) + i
	}
	opt, x, err := lp.Simplex(c, A, b, 1e-9, basic)
	if err == nil {
		for i := 0; i < m; i++ {
			if x[len(keep)+i] > 1e-6 {
				return fallback // rounding left the equations unmet
			}
		}
	}
	switch {
	case errors.Is(err, lp.ErrUnbounded):
		if sign < 0 {
			return math.Inf(1)
		}
		return math.Inf(-1)
	case err != nil:
		return fallback
	}
	return r.fixed + sign*opt
}

// suppress marks the cells to withhold. Each month on its own: primary
// suppression of its counts in 1..k−1, then, while the attacker's linear
// program (every shown cell of the month's tables, what the tables of one
// population share, non-negativity) narrows a withheld small count into
// 1..k−1, the cheapest cell related to it is withheld too. A quarter or the
// year shows a cell only where the same cell of every one of its months is
// shown, so that it is their sum and tells the attacker nothing new: the
// equations of all periods together are those of the months, which are
// independent of each other.
func (md *model) suppress(from, through int) {
	k := int64(md.k)
	for m := from - 1; m < through; m++ {
		for pop := popOpened; pop <= popTerms; pop++ {
			var fresh []int
			for i := range md.cells {
				c := &md.cells[i]
				if c.pop != pop || c.period != m {
					continue
				}
				fresh = append(fresh, i)
				if c.value >= 1 && c.value < k {
					c.suppressed, c.primary = true, true
				}
			}
			md.secondary(pop, fresh)
		}
	}
	ps := periodsOfYear(0)
	for pi := 12; pi < len(ps); pi++ {
		if ps[pi].last() > through || ps[pi].first() < from {
			continue
		}
		n := len(md.cells) - md.periodStart[pi]
		if pi+1 < len(md.periodStart) {
			n = md.periodStart[pi+1] - md.periodStart[pi]
		}
		for pos := 0; pos < n; pos++ {
			for m := ps[pi].first() - 1; m < ps[pi].last(); m++ {
				if md.cells[md.periodStart[m]+pos].suppressed {
					md.cells[md.periodStart[pi]+pos].suppressed = true
				}
			}
		}
	}
}

// secondary withholds cells of the month (fresh) until no small
// suppressed count of the population is narrowed into 1..k−1.
func (md *model) secondary(pop int, fresh []int) {
	k := float64(md.k)
	// Withholding more only takes equations away, so a cell the attacker
	// cannot narrow stays so: it is not checked again.
	safe := map[int]bool{}
	for {
		var tight []int
		for _, i := range fresh {
			if !md.cells[i].primary || safe[i] {
				continue
			}
			if md.maxOf(i) < k-eps {
				tight = append(tight, i)
			} else {
				safe[i] = true
			}
		}
		if len(tight) == 0 {
			return
		}
		added := false
		for _, t := range tight {
			if ci := md.cheapest(t, fresh); ci >= 0 {
				md.cells[ci].suppressed = true
				added = true
			}
		}
		if !added {
			// Nothing more can help: withhold the whole month of the
			// population.
			for _, ci := range fresh {
				md.cells[ci].suppressed = true
			}
			return
		}
	}
}

// cheapest is the shown cell of the month whose withholding costs least
// that shares an equation with one constraining cell t: the smallest
// positive count, then a zero, then larger counts; a finer cell before a
// coarser.
func (md *model) cheapest(t int, fresh []int) int {
	near := map[int]bool{}
	tv := md.cells[t].vars
	for _, ci := range fresh {
		if c := md.cells[ci]; !c.suppressed && overlaps(c.vars, tv) {
			for _, v := range c.vars {
				near[v] = true
			}
		}
	}
	for _, v := range tv {
		near[v] = true
	}
	if ci := md.cheapestOf(t, fresh, near); ci >= 0 {
		return ci
	}
	// None shares an equation with it: the attacker reaches it through the
	// ties, so any cell of the month may help.
	return md.cheapestOf(t, fresh, nil)
}

// cheapestOf is the cheapest shown cell of fresh with a variable in near
// (any, when near is nil).
func (md *model) cheapestOf(t int, fresh []int, near map[int]bool) int {
	best, bestCost := -1, math.Inf(1)
	for _, ci := range fresh {
		c := md.cells[ci]
		if c.suppressed || ci == t {
			continue
		}
		hit := near == nil
		for _, v := range c.vars {
			if near[v] {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		cost := float64(c.value)
		if c.value == 0 {
			cost = float64(md.k) - 0.5
		}
		cost += float64(len(c.vars)) * 1e-6
		if cost < bestCost {
			best, bestCost = ci, cost
		}
	}
	return best
}

func overlaps(a, b []int) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	set := make(map[int]bool, len(a))
	for _, v := range a {
		set[v] = true
	}
	for _, v := range b {
		if set[v] {
			return true
		}
	}
	return false
}
