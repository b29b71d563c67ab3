package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

func (s *Server) submissionSubmit(c echo.Context) error {
	sub, err := s.cw.Submit(call(c), idParam(c, "case"), formInput(c))
	if e, ok := failed(err); ok {
		return s.caseFormFailed(c, e)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=submission_sent#submission-%s", sub.CaseID, sub.ID))
}

// releasePageData asks the author to confirm a release.
type releasePageData struct {
	Submission *mediation.Submission
	Others     []partyPublic
}

// releasePage asks the author to confirm, naming who will be able to read it.
func (s *Server) releasePage(c echo.Context) error {
	sub, others, err := s.cw.ToRelease(principal(c), idParam(c, "case"), idParam(c, "submission"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageRelease, releasePageData{Submission: sub, Others: publicParties(others)}, nil)
}

func (s *Server) releaseSubmit(c echo.Context) error {
	sub, err := s.cw.Release(call(c), idParam(c, "case"), idParam(c, "submission"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=released#submission-%s", sub.CaseID, sub.ID))
}
