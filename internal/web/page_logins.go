package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

func (s *Server) loginPage(c echo.Context) error {
	if !principal(c).Anonymous() {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, templates.PageLogin, nil, nil)
}

func (s *Server) loginSubmit(c echo.Context) error {
	if _, err := s.signIn(c, formInput(c)); err != nil {
		st := typed(c)
		var e *mediation.Error
		if !errors.As(err, &e) || e.Code == mediation.EINTERNAL {
			return err
		}
		st.err = e
		return s.render(c, statuses[e.Code], templates.PageLogin, nil, st)
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) logoutSubmit(c echo.Context) error {
	if err := s.endLogin(c); err != nil {
		return err
	}
	signedOut(c, s.secure)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// enterPageData is what the invitation landing shows.
type enterPageData struct {
	// Staff is set for a staff login, which an invitation never replaces.
	Staff bool
}

// invitationLanding is where an invitation link leads: a button that enters
// the case. Only the press of it (a form with its CSRF token) turns the token
// into a login, so that a link on another site cannot sign a browser in as a
// party it does not belong to; and a staff login is never swapped for a
// party's by a link a mediator clicks on a slip.
func (s *Server) invitationLanding(c echo.Context) error {
	if !s.cw.ValidToken(c.Param("token")) {
		return mediation.NotFound()
	}
	p := principal(c)
	return s.render(c, http.StatusOK, templates.PageEnter, enterPageData{Staff: !p.Anonymous() && !s.cw.May(p, mediation.AbilityEnter)}, nil)
}

// invitationEnter turns the token into a login and sends the party to its
// case, so that the token leaves the address bar.
func (s *Server) invitationEnter(c echo.Context) error {
	if !s.cw.ValidToken(c.Param("token")) {
		return mediation.NotFound()
	}
	party, err := s.enter(c, c.Param("token"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String())
}
