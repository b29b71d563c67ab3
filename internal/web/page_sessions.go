package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The pages of sessions: the list and the scheduling form on the case page,
// the mediation record's form, and the mediator's week.

// sessionRow is a session as a page lists it.
type sessionRow struct {
	ID        mediation.ID
	CaseID    mediation.ID
	Reference string
	Kind      mediation.SessionKind
	// With names the caucus's party, on the mediators' pages only.
	With     string
	StartsAt time.Time
	EndsAt   time.Time
	Location string
	Status   mediation.SessionStatus
	Reason   string
	Held     bool
	// Open says whether it may still be moved, cancelled or postponed.
	Open bool
}

func sessionRowOf(v mediation.Visible[mediation.Session], names map[mediation.ID]string) sessionRow {
	ss := v.Record
	r := sessionRow{ID: ss.ID, CaseID: ss.CaseID, Kind: ss.Kind, StartsAt: ss.StartsAt, EndsAt: ss.EndsAt,
		Location: ss.Location, Status: ss.Status, Held: ss.Status == mediation.SessionHeld,
		Open: ss.Status == mediation.SessionScheduled || ss.Status == mediation.SessionPostponed}
	if v.Level == mediation.LevelFull {
		r.With, r.Reason = names[ss.PartyID], ss.Reason
	}
	return r
}

// sessionRows are the case's sessions the principal may see.
func (s *Server) sessionRows(p mediation.Principal, caseID mediation.ID, names map[mediation.ID]string) ([]sessionRow, error) {
	vs, err := s.cw.Sessions(p, caseID)
	if err != nil {
		return nil, err
	}
	rows := make([]sessionRow, len(vs))
	for i, v := range vs {
		rows[i] = sessionRowOf(v, names)
	}
	return rows, nil
}

// sessionFormInput is the scheduling form as the operation's input: the
// browser's local date and time (datetime-local) are read in the configured
// zone.
func (s *Server) sessionFormInput(c echo.Context) mediation.Input {
	return func(v any) error {
		si := v.(*mediation.SessionInput)
		if err := bindForm(c, si); err != nil {
			return err
		}
		for _, f := range []*string{&si.StartsAt, &si.EndsAt} {
			if t, err := time.ParseInLocation("2006-01-02T15:04", *f, s.views.zone); err == nil {
				*f = t.Format(time.RFC3339)
			}
		}
		return nil
	}
}

func (s *Server) sessionSubmit(c echo.Context) error {
	v, err := s.cw.ScheduleSession(call(c), idParam(c, "case"), s.sessionFormInput(c))
	if e, ok := failed(err); ok {
		return s.caseFormFailed(c, e)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=session_scheduled#session-%s", v.Record.CaseID, v.Record.ID))
}

// attendee is one party expected at a session, for the record's form.
type attendee struct {
	ID       mediation.ID
	Name     string
	Attended bool
}

// recordPageData is the form of a session's mediation record.
type recordPageData struct {
	Reference string
	Session   sessionRow
	Attendees []attendee
	Record    mediation.SessionRecord
}

func (s *Server) recordPage(c echo.Context) error { return s.showRecordPage(c, nil) }

func (s *Server) showRecordPage(c echo.Context, st *formState) error {
	p := principal(c)
	caseID, id := idParam(c, "case"), idParam(c, "session")
	rec, err := s.cw.Record(p, caseID, id)
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		// Not written yet, or not there: the session decides which.
		rec, err = &mediation.SessionRecord{}, nil
	}
	if err != nil {
		return err
	}
	v, err := s.cw.Session(p, caseID, id)
	if err != nil {
		return err
	}
	cs, err := s.cw.Case(p, caseID)
	if err != nil {
		return err
	}
	parties, err := s.cw.Parties(p, caseID)
	if err != nil {
		return err
	}
	data := recordPageData{Reference: cs.Record.Reference, Record: *rec}
	names := map[mediation.ID]string{}
	for _, pt := range parties {
		names[pt.Record.ID] = pt.Record.Name
		if v.Record.Kind == mediation.SessionJoint || pt.Record.ID == v.Record.PartyID {
			data.Attendees = append(data.Attendees, attendee{ID: pt.Record.ID, Name: pt.Record.Name,
				Attended: rec.Attendance[pt.Record.ID.String()]})
		}
	}
	data.Session = sessionRowOf(v, names)
	status := http.StatusOK
	if st != nil && st.err != nil {
		status = statuses[st.err.Code]
	}
	return s.render(c, status, templates.PageRecord, data, st)
}

// recordFormInput is the record's form: a checkbox "attended" per party
// present, among the parties "expected".
func recordFormInput(c echo.Context) mediation.Input {
	return func(v any) error {
		ri := v.(*mediation.RecordInput)
		if err := bindForm(c, ri); err != nil {
			return err
		}
		form, _ := c.FormParams()
		ri.Attendance = map[string]bool{}
		for _, id := range form["expected"] {
			ri.Attendance[id] = false
		}
		for _, id := range form["attended"] {
			if _, ok := ri.Attendance[id]; ok {
				ri.Attendance[id] = true
			}
		}
		return nil
	}
}

func (s *Server) recordSubmit(c echo.Context) error {
	_, err := s.cw.WriteRecord(call(c), idParam(c, "case"), idParam(c, "session"), recordFormInput(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.showRecordPage(c, st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=record_saved#session-%s", idParam(c, "case"), idParam(c, "session")))
}

// calendarDay is one day of the week view.
type calendarDay struct {
	Date     time.Time
	Today    bool
	Sessions []sessionRow
}

// calendarPageData is a mediator's week across its cases.
type calendarPageData struct {
	Days       []calendarDay
	Prev, Next string
	From, To   time.Time
	// FeedURL is the new secret address of the feed, shown once after it
	// was made.
	FeedURL string
}

func (s *Server) calendarPage(c echo.Context) error { return s.showCalendar(c, "") }

// feedSubmit makes a new feed address and shows it, this once, on the week.
func (s *Server) feedSubmit(c echo.Context) error {
	token, err := s.cw.IssueFeed(call(c))
	if err != nil {
		return err
	}
	return s.showCalendar(c, c.Scheme()+"://"+c.Request().Host+"/feeds/"+token+".ics")
}

func (s *Server) showCalendar(c echo.Context, feedURL string) error {
	zone := s.views.zone
	from := c.QueryParam("from")
	if from == "" {
		today := time.Now().In(zone)
		monday := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone)
		from = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7)).Format(time.DateOnly)
	}
	q, qerr := mediation.ParseCalendarQuery(from, "", zone, time.Now())
	entries, err := s.cw.Calendar(principal(c), func(v any) error {
		*v.(*mediation.CalendarQuery) = q
		return qerr
	})
	if err != nil {
		return err
	}
	data := calendarPageData{From: q.From, To: q.To.AddDate(0, 0, -1),
		Prev: q.From.AddDate(0, 0, -7).Format(time.DateOnly), Next: q.To.Format(time.DateOnly), FeedURL: feedURL}
	today := time.Now().In(zone).Format(time.DateOnly)
	for d := q.From; d.Before(q.To); d = d.AddDate(0, 0, 1) {
		day := calendarDay{Date: d, Today: d.Format(time.DateOnly) == today}
		for _, e := range entries {
			if e.Session.Record.StartsAt.In(zone).Format(time.DateOnly) == d.Format(time.DateOnly) {
				r := sessionRowOf(mediation.Visible[mediation.Session]{Record: e.Session.Record, Level: mediation.LevelOverview}, nil)
				r.Reference = e.CaseReference
				day.Sessions = append(day.Sessions, r)
			}
		}
		data.Days = append(data.Days, day)
	}
	return s.render(c, http.StatusOK, templates.PageCalendar, data, nil)
}
