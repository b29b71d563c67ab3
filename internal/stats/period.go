// Package stats builds the street office's fixed tables for a completed
// period from the maintained counters, and suppresses what could point at a
// household: counts from 1 to k−1, rates and durations over fewer than k
// cases, and enough further cells that no suppressed count can be narrowed
// into 1..k−1 by solving the linear equations of everything published. It is
// pure: it reads counters, never a case, and imports the domain alone.
package stats

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Period is a calendar month, quarter or year.
type Period struct {
	Year    int
	Quarter int // 1..4, or 0
	Month   int // 1..12, or 0
}

// ErrPeriod is returned by ParsePeriod for text that is no period.
var ErrPeriod = errors.New("stats: a period is YYYY-MM, YYYY-Qn or YYYY")

// ParsePeriod reads YYYY-MM, YYYY-Qn or YYYY.
func ParsePeriod(s string) (Period, error) {
	if len(s) < 4 {
		return Period{}, ErrPeriod
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 || y > 9999 {
		return Period{}, ErrPeriod
	}
	switch {
	case len(s) == 4:
		return Period{Year: y}, nil
	case len(s) == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4':
		return Period{Year: y, Quarter: int(s[6] - '0')}, nil
	case len(s) == 7 && s[4] == '-':
		m, err := strconv.Atoi(s[5:])
		if err != nil || m < 1 || m > 12 || s[5] == '+' || s[5] == '-' {
			return Period{}, ErrPeriod
		}
		return Period{Year: y, Month: m}, nil
	}
	return Period{}, ErrPeriod
}

func (p Period) String() string {
	switch {
	case p.Month > 0:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Month)
	case p.Quarter > 0:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Quarter)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// first and last are the period's first and last months (1..12).
func (p Period) first() int {
	switch {
	case p.Month > 0:
		return p.Month
	case p.Quarter > 0:
		return 3*p.Quarter - 2
	}
	return 1
}

func (p Period) last() int {
	switch {
	case p.Month > 0:
		return p.Month
	case p.Quarter > 0:
		return 3 * p.Quarter
	}
	return 12
}

// Months lists the period's months, YYYY-MM.
func (p Period) Months() []string {
	var out []string
	for m := p.first(); m <= p.last(); m++ {
		out = append(out, fmt.Sprintf("%04d-%02d", p.Year, m))
	}
	return out
}

// YearToDate lists the months of the period's year up to its last: what the
// tables of the period, and the suppression of everything published with
// them, are built from.
func (p Period) YearToDate() []string {
	return Period{Year: p.Year, Quarter: 0, Month: 0}.Months()[:p.last()]
}

// Completed reports whether the period has ended by now in zone: its last
// day is over.
func (p Period) Completed(now time.Time, zone *time.Location) bool {
	end := time.Date(p.Year, time.Month(p.last())+1, 1, 0, 0, 0, 0, zone)
	return !now.Before(end)
}

// LastCompletedMonth is the month before the one running now in zone.
func LastCompletedMonth(now time.Time, zone *time.Location) Period {
	t := now.In(zone)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, zone).AddDate(0, -1, 0)
	return Period{Year: first.Year(), Month: int(first.Month())}
}

// Recent lists the completed periods of the current and the previous year,
// newest first within each kind: months, then quarters, then years. It is
// what the office's period chooser offers.
func Recent(now time.Time, zone *time.Location) []Period {
	var out []Period
	y := now.In(zone).Year()
	for _, year := range []int{y, y - 1} {
		for m := 12; m >= 1; m-- {
			if p := (Period{Year: year, Month: m}); p.Completed(now, zone) {
				out = append(out, p)
			}
		}
	}
	for _, year := range []int{y, y - 1} {
		for q := 4; q >= 1; q-- {
			if p := (Period{Year: year, Quarter: q}); p.Completed(now, zone) {
				out = append(out, p)
			}
		}
	}
	for _, year := range []int{y - 1, y - 2} {
		if p := (Period{Year: year}); p.Completed(now, zone) {
			out = append(out, p)
		}
	}
	return out
}
