package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The JSON API on correcting parties: PATCH a party's record, DELETE a
// party that has never entered (body {reason}).

func (s *Server) apiUpdateParty(c echo.Context) error {
	party, err := s.cw.UpdateParty(call(c), idParam(c, "case"), idParam(c, "party"), jsonInput(c))
	if err != nil {
		return err
	}
	return ok(c, partyFull{Party: *party, View: mediation.LevelFull})
}

func (s *Server) apiRemoveParty(c echo.Context) error {
	if _, err := s.cw.RemoveParty(call(c), idParam(c, "case"), idParam(c, "party"), jsonInput(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
