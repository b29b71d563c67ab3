package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The JSON API on cases.

func (s *Server) apiCreateCase(c echo.Context) error {
	r := call(c)
	v, err := s.cw.CreateCase(r, jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, s.caseView(v))
}

func (s *Server) apiListCases(c echo.Context) error {
	cases, next, err := s.cw.Cases(principal(c), query(c))
	if err != nil {
		return err
	}
	views := make([]any, len(cases))
	for i, v := range cases {
		views[i] = s.caseView(v)
	}
	return ok(c, newList(views, next))
}

func (s *Server) apiShowCase(c echo.Context) error {
	v, err := s.cw.Case(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return ok(c, s.caseView(v))
}

// caseOp is an operation on the case the path names, answering the case as
// its reader may now see it. The API and the pages' forms call the same ones.
type caseOp func(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error)

func (s *Server) updateCase(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	return s.cw.UpdateCase(r, idParam(c, "case"), in)
}

func (s *Server) moveCase(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	return s.cw.Transition(r, idParam(c, "case"), in)
}

func (s *Server) extendTerm(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	return s.cw.ExtendTerm(r, idParam(c, "case"), in)
}

func (s *Server) assignMediator(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	return s.cw.AssignMediator(r, idParam(c, "case"), in)
}

func (s *Server) removeMediator(c echo.Context, r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	return s.cw.RemoveMediator(r, idParam(c, "case"), idParam(c, "user"), in)
}

// caseAnswer adapts an operation on a case to a JSON answer.
func (s *Server) caseAnswer(op caseOp) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := call(c)
		v, err := op(c, r, jsonInput(c))
		if err != nil {
			return err
		}
		return answer(c, r, http.StatusOK, s.caseView(v))
	}
}
