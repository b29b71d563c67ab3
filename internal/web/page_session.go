package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The page of one session, for its mediators: move it to another time or
// place, or cancel it, postpone it, or log it as held, each with its reason.

// sessionPageData is one session and what may be done with it.
type sessionPageData struct {
	Reference string
	Session   sessionRow
	// StartsAt and EndsAt are its times as a datetime-local field shows them.
	StartsAt, EndsAt string
	// Movable says whether it may be given a new time or place (scheduled or
	// postponed); Moves lists the statuses it may change to.
	Movable bool
	Moves   []mediation.SessionStatus
	Rooms   []string
}

func (s *Server) sessionPage(c echo.Context) error { return s.showSessionPage(c, nil) }

func (s *Server) showSessionPage(c echo.Context, st *formState) error {
	p := principal(c)
	caseID, id := idParam(c, "case"), idParam(c, "session")
	v, err := s.cw.SessionToChange(p, caseID, id)
	if err != nil {
		return err
	}
	cs, err := s.cw.Case(p, caseID)
	if err != nil {
		return err
	}
	names := map[mediation.ID]string{}
	if v.Level == mediation.LevelFull && v.Record.PartyID != 0 {
		parties, err := s.cw.Parties(p, caseID)
		if err != nil {
			return err
		}
		for _, pt := range parties {
			names[pt.Record.ID] = pt.Record.Name
		}
	}
	ss := v.Record
	local := "2006-01-02T15:04"
	data := sessionPageData{Reference: cs.Record.Reference, Session: sessionRowOf(v, names),
		StartsAt: ss.StartsAt.In(s.views.zone).Format(local), EndsAt: ss.EndsAt.In(s.views.zone).Format(local),
		Rooms: s.places.Rooms, Movable: ss.Status == mediation.SessionScheduled || ss.Status == mediation.SessionPostponed}
	for _, m := range ss.Moves() {
		// Scheduling a postponed session again is giving it a new time.
		if m != mediation.SessionScheduled {
			data.Moves = append(data.Moves, m)
		}
	}
	status := http.StatusOK
	if st != nil && st.err != nil {
		status = statuses[st.err.Code]
	}
	return s.render(c, status, templates.PageSession, data, st)
}

// sessionChangeInput is either form of the session page as a patch: "move"
// sends the new times and place, "status" the new status and its reason.
func (s *Server) sessionChangeInput(c echo.Context) mediation.Input {
	return func(v any) error {
		patch := v.(*mediation.SessionPatch)
		if err := bindForm(c, patch); err != nil {
			return err
		}
		if c.FormValue("form") == "move" {
			patch.Status, patch.Reason = nil, nil
		} else {
			patch.StartsAt, patch.EndsAt, patch.Location = nil, nil, nil
		}
		for _, f := range []*string{patch.StartsAt, patch.EndsAt} {
			if f == nil {
				continue
			}
			if t, err := time.ParseInLocation("2006-01-02T15:04", *f, s.views.zone); err == nil {
				*f = t.Format(time.RFC3339)
			}
		}
		return nil
	}
}

func (s *Server) sessionChangeSubmit(c echo.Context) error {
	v, err := s.cw.ChangeSession(call(c), idParam(c, "case"), idParam(c, "session"), s.sessionChangeInput(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.showSessionPage(c, st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=session_changed#session-%s", v.Record.CaseID, v.Record.ID))
}
