package mediation

import (
	"strings"
	"time"
)

// CalendarEntry is a session as a calendar shows it: the session at the
// level its reader may see it, and its case's reference (2026-0042), which is
// how a calendar names the case; never a party's name, since calendars
// leak.
type CalendarEntry struct {
	Session       Visible[Session]
	CaseReference string
}

// MaxCalendarRange is the longest range a calendar query may ask for.
const MaxCalendarRange = 100 * 24 * time.Hour

// CalendarQuery is the range of a calendar: the sessions starting from From
// (inclusive) up to To (exclusive).
type CalendarQuery struct {
	From, To time.Time
}

// ParseCalendarQuery reads a range of days, YYYY-MM-DD each, in zone: from
// the start of from to the end of to. An empty from is today, an empty to
// six days after from.
func ParseCalendarQuery(from, to string, zone *time.Location, now time.Time) (CalendarQuery, error) {
	f := fieldErrors{}
	day := func(field, s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), zone)
		if err != nil {
			f.add(field, "validation.date", "")
		}
		return d
	}
	var q CalendarQuery
	if from == "" {
		today := now.In(zone)
		q.From = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone)
	} else {
		q.From = day("from", from)
	}
	if to == "" {
		q.To = q.From.AddDate(0, 0, 7)
	} else {
		q.To = day("to", to).AddDate(0, 0, 1)
	}
	if err := f.err(); err != nil {
		return q, err
	}
	switch {
	case !q.To.After(q.From):
		f.add("to", "validation.after_start", "")
	case q.To.Sub(q.From) > MaxCalendarRange:
		f.add("to", "validation.calendar_range", "100")
	}
	return q, f.err()
}

// Feed is the secret address of a mediator's calendar feed, stored as a
// hash of its token: a new one replaces the old.
type Feed struct {
	UserID    ID        `json:"user_id"`
	TokenHash []byte    `json:"token_hash"`
	CreatedAt time.Time `json:"created_at"`
}
