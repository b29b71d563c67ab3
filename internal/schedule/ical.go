// Package schedule is the mediation's calendar, kept pure: it turns sessions
// into iCalendar (RFC 5545) and knows nothing of HTTP or storage. An event
// names its case by reference and its place, never a party: calendars are
// synchronised to phones and shared.
package schedule

import (
	"bytes"
	"time"

	ics "github.com/arran4/golang-ical"

	"tiaojie/internal/mediation"
)

// Labels are the words an event is written in, in the reader's language.
type Labels struct {
	// Summary is an event's title for a session of the case (kind is the
	// session kind's label, reference the case's).
	Summary func(kind mediation.SessionKind, reference string) string
	// Name is the calendar's name.
	Name string
}

// status is the iCalendar STATUS of a session: a cancelled one stays in the
// feed as CANCELLED, so that subscribed calendars drop it.
func status(s mediation.SessionStatus) ics.ObjectStatus {
	switch s {
	case mediation.SessionCancelled:
		return ics.ObjectStatusCancelled
	case mediation.SessionPostponed:
		return ics.ObjectStatusTentative
	}
	return ics.ObjectStatusConfirmed
}

// UID is the stable identifier of a session's event, the same in every feed
// that carries it.
func UID(s *mediation.Session) string { return "session-" + s.ID.String() + "@tiaojie" }

// Encode writes the entries as one iCalendar, stamped now.
func Encode(entries []mediation.CalendarEntry, l Labels, now time.Time) []byte {
	cal := ics.NewCalendarFor("tiaojie")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(l.Name)
	cal.SetXWRCalName(l.Name)
	for _, e := range entries {
		s := e.Session.Record
		ev := cal.AddEvent(UID(s))
		ev.SetDtStampTime(now.UTC())
		ev.SetStartAt(s.StartsAt.UTC())
		ev.SetEndAt(s.EndsAt.UTC())
		ev.SetSummary(l.Summary(s.Kind, e.CaseReference))
		ev.SetLocation(s.Location)
		ev.SetStatus(status(s.Status))
		ev.SetSequence(s.Revision)
		if !s.UpdatedAt.IsZero() {
			ev.SetLastModifiedAt(s.UpdatedAt.UTC())
		}
	}
	var b bytes.Buffer
	_ = cal.SerializeTo(&b) // a bytes.Buffer does not fail
	return b.Bytes()
}
