package web

import (
	"errors"
	"net/http"
	"time"

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
		if c.FormValue("resume_to") != "" {
			// Signing in again from a form whose login had expired.
			d := s.expiredData(c, c.FormValue("resume_to"), resumeValues(c))
			return s.render(c, statuses[e.Code], templates.PageExpired, d, st)
		}
		return s.render(c, statuses[e.Code], templates.PageLogin, nil, st)
	}
	s.rememberKind(c, "staff")
	if resumed, err := s.resumeAfterSignIn(c); resumed {
		return err
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
	// SetPIN asks for a new PIN, twice: the party has none (a first entry,
	// or the first after a reset).
	SetPIN bool
	// ResetBy and ResetAt say who reset the party's PIN and when.
	ResetBy string
	ResetAt *time.Time
}

// enterPage shows the landing of an invitation: what the token's holder is
// asked for, or the form again with what was wrong.
func (s *Server) enterPage(c echo.Context, status int, st *formState) error {
	p := principal(c)
	data := enterPageData{Staff: !p.Anonymous() && !s.cw.May(p, mediation.AbilityEnter)}
	if !data.Staff {
		// An unknown token is shown the same page: the press of the button
		// is what says so, under its rate limits.
		if entry, err := s.cw.Entry(c.Param("token")); err == nil {
			data.SetPIN, data.ResetBy, data.ResetAt = !entry.HasPIN, entry.ResetBy, entry.ResetAt
		} else if mediation.ErrorCode(err) != mediation.EUNAUTHORIZED {
			return err
		}
	}
	return s.render(c, status, templates.PageEnter, data, st)
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
	return s.enterPage(c, http.StatusOK, nil)
}

// invitationEnter turns the token into a login and sends the party to its
// case, so that the token leaves the address bar.
func (s *Server) invitationEnter(c echo.Context) error {
	if !s.cw.ValidToken(c.Param("token")) {
		return mediation.NotFound()
	}
	pin := c.FormValue("pin")
	if pin2, twice := c.Request().PostForm["pin2"]; twice && mediation.ValidPIN(pin) && pin2[0] != pin {
		st := typed(c)
		st.err = mediation.Invalid("pin2", "validation.pin_mismatch", "")
		return s.enterPage(c, http.StatusUnprocessableEntity, st)
	}
	party, err := s.enter(c, c.Param("token"), pin)
	var e *mediation.Error
	if errors.As(err, &e) && (e.Code == mediation.EINVALID || wrongPIN(err)) {
		st := typed(c)
		st.err = e
		return s.enterPage(c, statuses[e.Code], st)
	} else if err != nil {
		return err
	}
	s.rememberKind(c, "party")
	// A link from a slip carries the slip's language: the party's pages keep it.
	if to := c.QueryParam("lang"); knownLanguage(to) {
		s.rememberLanguage(c, to)
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String())
}
