package web

import (
	"github.com/labstack/echo/v4"
)

// The statutory clock's deadlines, for mediators.

func (s *Server) apiCaseDeadlines(c echo.Context) error {
	ds, err := s.cw.CaseDeadlines(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return ok(c, newList(ds, 0))
}

func (s *Server) apiDeadlines(c echo.Context) error {
	ds, err := s.cw.Deadlines(principal(c))
	if err != nil {
		return err
	}
	return ok(c, newList(ds, 0))
}
