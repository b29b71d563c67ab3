// Package clock derives the statutory deadlines of a case from what its file
// records and the day it is, purely: no storage, no HTTP, and the day comes
// from the caller (an injectable Now), so that every rule is testable at its
// boundaries.
package clock

import (
	"slices"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// Date is a calendar day in the configured zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the day t falls on in zone.
func DateOf(t time.Time, zone *time.Location) Date {
	y, m, d := t.In(zone).Date()
	return Date{y, m, d}
}

func (d Date) String() string { return d.time().Format(time.DateOnly) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays is the day n calendar days after d.
func (d Date) AddDays(n int) Date {
	t := d.time().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// AddMonths is the day n months after d: the same day of the month, or the
// month's last day when it has no such day (31 January + 1 month is 28 or
// 29 February), as periods counted in months end in Chinese law.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}

// Term is an agreement term as the clock needs it: its performance deadline
// and what return visits found.
type Term struct {
	Deadline Date
	// Performed is set when a return visit found the term performed.
	Performed bool
	// Visited is set when a return visit took place after the deadline.
	Visited bool
}

// Facts are what the case file records that the deadlines depend on.
type Facts struct {
	CaseID   mediation.ID
	Accepted Date // the day the case was accepted (受理)
	// Extended is set when both sides consented to one further month.
	Extended bool
	// Ended is the day mediation ended (an agreement, none, a withdrawal,
	// the close), if it has.
	Ended *Date
	// Effective is the day the agreement took effect, if one has.
	Effective *Date
	// Confirmation is set once the parties applied for judicial
	// confirmation.
	Confirmation bool
	Terms        []Term
}

// FactsOf are the facts of a case record, in zone: its acceptance (the day
// it was opened), its extension, the day its mediation ended, when it has,
// and the agreement in effect as the record summarises it (the day it took
// effect, each term's deadline, what return visits found).
func FactsOf(c *mediation.Case, zone *time.Location) Facts {
	f := Facts{CaseID: c.ID, Accepted: DateOf(c.OpenedAt, zone), Extended: c.Extension != nil}
	if g := c.Agreed; g != nil {
		effective := DateOf(g.EffectiveAt, zone)
		f.Effective = &effective
		for _, t := range g.Terms {
			d, err := time.Parse(time.DateOnly, t.Deadline)
			if err != nil {
				continue // validated when drafted: never
			}
			f.Terms = append(f.Terms, Term{Deadline: DateOf(d, time.UTC),
				Performed: t.Performance == mediation.Performed, Visited: t.Visited})
		}
	}
	switch c.Status {
	case mediation.StatusIntake, mediation.StatusMediating:
	default:
		ended := DateOf(c.UpdatedAt, zone)
		if c.ClosedAt != nil {
			ended = DateOf(*c.ClosedAt, zone)
		}
		f.Ended = &ended
	}
	return f
}

// status of a deadline due at the end of day due: met when it was, else
// open through the due day and overdue from the next.
func status(due, today Date, met bool) mediation.DeadlineStatus {
	switch {
	case met:
		return mediation.DeadlineMet
	case due.Before(today):
		return mediation.DeadlineOverdue
	}
	return mediation.DeadlineOpen
}

// Deadlines are every deadline of the case on the day today, earliest
// first.
func Deadlines(f Facts, today Date) []mediation.Deadline {
	months := 1
	if f.Extended {
		months = 2
	}
	term := f.Accepted.AddMonths(months)
	st := status(term, today, false)
	if f.Ended != nil {
		// Mediation that ended by the last day met its term; one that
		// ended later stays overdue.
		st = mediation.DeadlineMet
		if term.Before(*f.Ended) {
			st = mediation.DeadlineOverdue
		}
	}
	out := []mediation.Deadline{{CaseID: f.CaseID, Kind: mediation.DeadlineTerm, DueOn: term.String(), Status: st}}
	if f.Effective != nil {
		due := f.Effective.AddDays(30)
		out = append(out, mediation.Deadline{CaseID: f.CaseID, Kind: mediation.DeadlineJudicialConfirmation,
			DueOn: due.String(), Status: status(due, today, f.Confirmation)})
	}
	for i, t := range f.Terms {
		out = append(out, mediation.Deadline{CaseID: f.CaseID, Kind: mediation.DeadlinePerformance,
			DueOn: t.Deadline.String(), Status: status(t.Deadline, today, t.Performed), Term: &i})
		visit := t.Deadline.AddDays(7)
		out = append(out, mediation.Deadline{CaseID: f.CaseID, Kind: mediation.DeadlineReturnVisit,
			DueOn: visit.String(), Status: status(visit, today, t.Visited), Term: &i})
	}
	slices.SortStableFunc(out, func(a, b mediation.Deadline) int { return strings.Compare(a.DueOn, b.DueOn) })
	return out
}

// DueWithin reports whether an open deadline falls due in the days from
// today to today+days: what a start page lists as due this week (days 6).
// The last day is worked out once, for every deadline asked about.
func DueWithin(today Date, days int) func(mediation.Deadline) bool {
	last := today.AddDays(days).String()
	return func(d mediation.Deadline) bool { return d.Status == mediation.DeadlineOpen && d.DueOn <= last }
}
