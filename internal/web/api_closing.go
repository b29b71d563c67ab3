package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// The JSON API on closing a case, the mediator's own neutrality and
// recusals (回避).

func (s *Server) apiChecklist(c echo.Context) error {
	cl, err := s.cw.Checklist(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return ok(c, cl)
}

func (s *Server) apiRecordNotice(c echo.Context) error {
	r := call(c)
	cl, err := s.cw.RecordNotice(r, idParam(c, "case"), idParam(c, "party"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, cl)
}

func (s *Server) apiConfirmIdentity(c echo.Context) error {
	r := call(c)
	cl, err := s.cw.ConfirmIdentity(r, idParam(c, "case"), idParam(c, "party"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, cl)
}

func (s *Server) apiRecordNoAgreement(c echo.Context) error {
	r := call(c)
	cl, err := s.cw.RecordNoAgreement(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, cl)
}

func (s *Server) apiInterests(c echo.Context) error {
	in, err := s.cw.Interests(principal(c))
	if err != nil {
		return err
	}
	return ok(c, in)
}

func (s *Server) apiSetInterests(c echo.Context) error {
	r := call(c)
	in, err := s.cw.SetInterests(r, jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusOK, in)
}

func (s *Server) apiRequestRecusal(c echo.Context) error {
	r := call(c)
	rec, err := s.cw.RequestRecusal(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, rec)
}

func (s *Server) apiListRecusals(c echo.Context) error {
	rs, err := s.cw.Recusals(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return ok(c, newList(rs, 0))
}

func (s *Server) apiShowRecusal(c echo.Context) error {
	rec, err := s.cw.Recusal(principal(c), idParam(c, "case"), idParam(c, "recusal"))
	if err != nil {
		return err
	}
	return ok(c, rec)
}

// closingRoutes registers the API of closing, neutrality and recusals.
func (s *Server) closingRoutes(api *echo.Group) {
	api.GET("/me/interests", s.apiInterests)
	api.PUT("/me/interests", s.apiSetInterests)
	api.GET("/cases/:case/closing", s.apiChecklist)
	api.PUT("/cases/:case/parties/:party/notice", s.apiRecordNotice)
	api.PUT("/cases/:case/parties/:party/identity", s.apiConfirmIdentity)
	api.PUT("/cases/:case/no-agreement", s.apiRecordNoAgreement)
	api.POST("/cases/:case/recusals", s.apiRequestRecusal)
	api.GET("/cases/:case/recusals", s.apiListRecusals)
	api.GET("/cases/:case/recusals/:recusal", s.apiShowRecusal)
}
