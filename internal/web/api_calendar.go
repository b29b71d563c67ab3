package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/internal/schedule"
)

// Calendars: the mediator's range query, its iCalendar feeds, and a case's
// sessions as iCalendar.

// calendarQuery reads ?from= and ?to= (days, in the configured zone).
func (s *Server) calendarQuery(c echo.Context) mediation.Input {
	return func(v any) error {
		q, err := mediation.ParseCalendarQuery(c.QueryParam("from"), c.QueryParam("to"), s.views.zone, time.Now())
		*v.(*mediation.CalendarQuery) = q
		return err
	}
}

// calendarItem is one session of a calendar answer: the session as its
// reader may see it, with its case's reference.
type calendarItem struct {
	Session       any    `json:"session"`
	CaseReference string `json:"case_reference"`
}

func (s *Server) apiCalendar(c echo.Context) error {
	entries, err := s.cw.Calendar(principal(c), s.calendarQuery(c))
	if err != nil {
		return err
	}
	page, next, err := paged(c, entries, func(_ int, e mediation.CalendarEntry) mediation.ID { return e.Session.Record.ID })
	if err != nil {
		return err
	}
	items := make([]calendarItem, len(page))
	for i, e := range page {
		items[i] = calendarItem{Session: sessionView(e.Session), CaseReference: e.CaseReference}
	}
	return ok(c, newList(items, next))
}

// ics answers the entries as an iCalendar in the reader's language.
func (s *Server) ics(c echo.Context, entries []mediation.CalendarEntry, download string) error {
	t := s.cat.forRequest(c.Request())
	l := schedule.Labels{Name: t.T("calendar.name", nil),
		Summary: func(kind mediation.SessionKind, ref string) string {
			return t.T("calendar.summary", map[string]any{"Kind": t.T("session_kind."+string(kind), nil), "Reference": ref})
		}}
	if download != "" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+download+`"`)
	}
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", schedule.Encode(entries, l, time.Now()))
}

func (s *Server) apiCalendarICS(c echo.Context) error {
	p := principal(c)
	entries, err := s.cw.Calendar(p, mediation.Given(mediation.CalendarQuery{
		From: time.Now().AddDate(0, -1, 0), To: time.Now().AddDate(1, 0, 0)}))
	if err != nil {
		return err
	}
	return s.ics(c, entries, "tiaojie.ics")
}

func (s *Server) apiIssueFeed(c echo.Context) error {
	r := call(c)
	token, err := s.cw.IssueFeed(r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"url": "/feeds/" + token + ".ics"})
}

// feed is the calendar a phone subscribes to: the secret in the address is
// all the access there is.
func (s *Server) feed(c echo.Context) error {
	token, ok := strings.CutSuffix(c.Param("feed"), ".ics")
	if !ok {
		return mediation.NotFound()
	}
	entries, err := s.cw.Feed(token)
	if err != nil {
		return err
	}
	return s.ics(c, entries, "")
}

func (s *Server) apiCaseICS(c echo.Context) error {
	entries, err := s.cw.CaseCalendar(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return s.ics(c, entries, "sessions.ics")
}
