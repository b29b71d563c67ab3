package web

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// finalStatuses end the mediation one way or another: on the page, moving a
// case to one asks for a confirmation and a reason.
var finalStatuses = []mediation.Status{mediation.StatusAgreement, mediation.StatusNoAgreement,
	mediation.StatusWithdrawn, mediation.StatusClosed}

// moveCaseConfirmed is the status form's transition: a final one needs the
// box ticked and a reason. The check is made when the operation reads its
// input, after it has decided that the principal may move this case, so
// that what is refused never depends on the body.
func (s *Server) moveCaseConfirmed(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	// The moves open from the case's status, read (as the page itself is)
	// before the operation, which takes its own locks.
	var next []mediation.Status
	if v, err := s.cw.Case(r.Principal, idParam(c, "case")); err == nil && v.Record != nil {
		next = mediation.NextStatuses(v.Record.Status)
	}
	return s.cw.Transition(r, idParam(c, "case"), func(v any) error {
		if err := in(v); err != nil {
			return err
		}
		t, ok := v.(*mediation.Transition)
		if !ok || !slices.Contains(finalStatuses, t.To) {
			return nil
		}
		// An illegal move is the operation's to refuse (409), as it is.
		if !slices.Contains(next, t.To) {
			return nil
		}
		e := &mediation.Error{Code: mediation.EINVALID, Message: "error.invalid", Fields: map[string]mediation.FieldError{}}
		if strings.TrimSpace(t.Reason) == "" {
			e.Fields["reason"] = mediation.FieldError{Key: "validation.final_reason"}
		}
		if c.FormValue("confirm") != "yes" {
			e.Fields["confirm"] = mediation.FieldError{Key: "validation.final_confirm"}
		}
		if len(e.Fields) > 0 {
			return e
		}
		return nil
	})
}

// caseFormDone is the message after a form of the case page, by its route.
func caseFormDone(route string) string {
	switch {
	case strings.HasSuffix(route, "/transitions"):
		return "status_changed"
	case strings.HasSuffix(route, "/extension"):
		return "term_extended"
	case strings.HasSuffix(route, "/remove"):
		return "mediator_removed"
	case strings.HasSuffix(route, "/mediators"):
		return "mediator_assigned"
	}
	return "case_updated"
}
