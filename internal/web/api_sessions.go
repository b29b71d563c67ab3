package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The JSON API on sessions.

// sessionOverview is what a party sees of a session: its time, place and
// status.
type sessionOverview struct {
	ID       mediation.ID            `json:"id"`
	CaseID   mediation.ID            `json:"case_id"`
	Kind     mediation.SessionKind   `json:"kind"`
	PartyID  mediation.ID            `json:"party_id,omitempty"`
	StartsAt time.Time               `json:"starts_at"`
	EndsAt   time.Time               `json:"ends_at"`
	Location string                  `json:"location"`
	Status   mediation.SessionStatus `json:"status"`
	View     mediation.Level         `json:"view"`
}

// sessionFull is what the case's mediators see.
type sessionFull struct {
	mediation.Session
	View mediation.Level `json:"view"`
}

// sessionView is the session at the level its reader may see it.
func sessionView(v mediation.Visible[mediation.Session]) any {
	ss := v.Record
	switch v.Level {
	case mediation.LevelFull:
		return sessionFull{Session: *ss, View: v.Level}
	case mediation.LevelOverview:
		return sessionOverview{ID: ss.ID, CaseID: ss.CaseID, Kind: ss.Kind, PartyID: ss.PartyID,
			StartsAt: ss.StartsAt, EndsAt: ss.EndsAt, Location: ss.Location, Status: ss.Status, View: v.Level}
	}
	return nil
}

func (s *Server) apiScheduleSession(c echo.Context) error {
	r := call(c)
	v, err := s.cw.ScheduleSession(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, sessionView(v))
}

func (s *Server) apiListSessions(c echo.Context) error {
	vs, err := s.cw.Sessions(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	page, next, err := paged(c, vs, func(_ int, v mediation.Visible[mediation.Session]) mediation.ID { return v.Record.ID })
	if err != nil {
		return err
	}
	items := make([]any, len(page))
	for i, v := range page {
		items[i] = sessionView(v)
	}
	return ok(c, newList(items, next))
}

func (s *Server) apiShowSession(c echo.Context) error {
	v, err := s.cw.Session(principal(c), idParam(c, "case"), idParam(c, "session"))
	if err != nil {
		return err
	}
	return ok(c, sessionView(v))
}

func (s *Server) apiChangeSession(c echo.Context) error {
	r := call(c)
	v, err := s.cw.ChangeSession(r, idParam(c, "case"), idParam(c, "session"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, sessionView(v))
}

func (s *Server) apiWriteRecord(c echo.Context) error {
	r := call(c)
	rec, err := s.cw.WriteRecord(r, idParam(c, "case"), idParam(c, "session"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, rec)
}

func (s *Server) apiShowRecord(c echo.Context) error {
	rec, err := s.cw.Record(principal(c), idParam(c, "case"), idParam(c, "session"))
	if err != nil {
		return err
	}
	return ok(c, rec)
}
