package web

import (
	"github.com/labstack/echo/v4"
)

// showAudit lists who read and changed what in the case, oldest first.
func (s *Server) showAudit(c echo.Context) error {
	entries, next, err := s.cw.Trail(principal(c), idParam(c, "case"), query(c))
	if err != nil {
		return err
	}
	return ok(c, newList(auditViews(entries), next))
}
