package web

import (
	"github.com/labstack/echo/v4"
)

// The statutory clock's deadlines, for mediators, by day. A page's cursor is
// the position of its last deadline: the list is derived from the cases at
// each request, so a deadline has no ID of its own.

func (s *Server) apiCaseDeadlines(c echo.Context) error {
	ds, err := s.cw.CaseDeadlines(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	page, next, err := paged(c, ds, position)
	if err != nil {
		return err
	}
	return ok(c, newList(page, next))
}

func (s *Server) apiDeadlines(c echo.Context) error {
	ds, err := s.cw.Deadlines(principal(c))
	if err != nil {
		return err
	}
	page, next, err := paged(c, ds, position)
	if err != nil {
		return err
	}
	return ok(c, newList(page, next))
}
