package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The return visits' form, on the mediators' case page.

// visitFormInput reads the return visit's form: one "performance_N" per
// term of the agreement in effect (left empty: the visit said nothing of it).
func visitFormInput(c echo.Context) mediation.Input {
	return func(v any) error {
		vi := v.(*mediation.VisitInput)
		form, err := c.FormParams()
		if err != nil {
			return errMalformed
		}
		vi.PartyID, _ = mediation.ParseID(form.Get("party_id"))
		vi.VisitedOn, vi.Notes = form.Get("visited_on"), form.Get("notes")
		vi.Satisfaction, _ = strconv.Atoi(form.Get("satisfaction"))
		for i := 0; form.Has("performance_" + strconv.Itoa(i)); i++ {
			if perf := form.Get("performance_" + strconv.Itoa(i)); perf != "" {
				vi.Terms = append(vi.Terms, mediation.VisitTerm{TermIndex: i, Performance: mediation.Performance(perf)})
			}
		}
		return nil
	}
}

func (s *Server) visitSubmit(c echo.Context) error {
	v, err := s.cw.CreateVisit(call(c), idParam(c, "case"), visitFormInput(c))
	if e, ok := failed(err); ok {
		return s.caseFormFailed(c, e)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s?done=visit_saved#visit-%s", v.CaseID, v.ID))
}
