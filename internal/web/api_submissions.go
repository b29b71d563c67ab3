package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The JSON API on submissions.

func (s *Server) apiCreateSubmission(c echo.Context) error {
	r := call(c)
	sub, err := s.cw.Submit(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, sub)
}

func (s *Server) apiListSubmissions(c echo.Context) error {
	items, next, err := s.cw.Submissions(principal(c), idParam(c, "case"), query(c))
	if err != nil {
		return err
	}
	return rawList(c, items, next)
}

func (s *Server) apiShowSubmission(c echo.Context) error {
	sub, err := s.cw.Submission(principal(c), idParam(c, "case"), idParam(c, "submission"))
	if err != nil {
		return err
	}
	return ok(c, sub)
}

func (s *Server) apiReleaseSubmission(c echo.Context) error {
	r := call(c)
	sub, err := s.cw.Release(r, idParam(c, "case"), idParam(c, "submission"))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, sub)
}
