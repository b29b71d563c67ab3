package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/auth"
	"tiaojie/internal/mediation"
)

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=128"`
}

// login starts a staff session. Any session the browser already had ends, so
// a session id never survives a sign-in.
func (s *Server) login(c echo.Context) error {
	var in loginRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := mediation.Validate(&in); err != nil {
		return err
	}
	cred, u, err := s.auth.Login(in.Username, in.Password)
	if err != nil {
		return err
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	c.SetCookie(auth.NewCookie(cred.Cookie, s.secure, cred.MaxAge))
	return c.JSON(http.StatusOK, map[string]any{"user": newUserView(u)})
}

// logout ends the session on the server and in the browser.
func (s *Server) logout(c echo.Context) error {
	if principal(c).Anonymous() {
		return mediation.Errorf(mediation.EUNAUTHORIZED, "error.unauthorized")
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	c.SetCookie(auth.ExpiredCookie(s.secure))
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) endSession(c echo.Context) error {
	if id, ok := c.Get(ctxSession).([]byte); ok {
		return s.auth.Logout(id)
	}
	return nil
}

type accessRequest struct {
	Token string `json:"token" validate:"required,max=64"`
}

// access exchanges a party's invitation token for a session on its case.
func (s *Server) access(c echo.Context) error {
	var in accessRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := mediation.Validate(&in); err != nil {
		return err
	}
	cred, party, err := s.auth.Redeem(in.Token)
	if err != nil {
		return err
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	cs, err := s.db.Case(party.CaseID)
	if err != nil {
		return err
	}
	c.SetCookie(auth.NewCookie(cred.Cookie, s.secure, cred.MaxAge))
	// The new session is not yet this request's principal; answer as it will be.
	c.Set(ctxPrincipal, mediation.Principal{PartyID: party.ID, CaseID: party.CaseID})
	return c.JSON(http.StatusOK, map[string]any{"party": s.partyView(c, party), "case": s.caseView(c, cs, people{})})
}

// me says who the session belongs to.
func (s *Server) me(c echo.Context) error {
	p := principal(c)
	switch {
	case p.Anonymous():
		return mediation.Errorf(mediation.EUNAUTHORIZED, "error.unauthorized")
	case p.IsParty():
		party, err := s.db.Party(p.PartyID)
		if err != nil {
			return err
		}
		cs, err := s.db.Case(p.CaseID)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"kind": "party", "party": s.partyView(c, party),
			"case": s.caseView(c, cs, people{})})
	}
	u, err := s.db.User(p.UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"kind": "staff", "role": u.Role, "user": newUserView(u)})
}

// choice is one value of an enumeration with its label in the reader's language.
type choice struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func choices[T ~string](t translator, prefix string, values []T) []choice {
	out := make([]choice, len(values))
	for i, v := range values {
		out[i] = choice{Code: string(v), Label: t.T(prefix+"."+string(v), nil)}
	}
	return out
}

// meta is what a form needs: every enumeration, labelled, and the configured
// communities and rooms.
func (s *Server) meta(c echo.Context) error {
	if principal(c).Anonymous() {
		return mediation.Errorf(mediation.EUNAUTHORIZED, "error.unauthorized")
	}
	t := s.cat.forRequest(c.Request())
	return c.JSON(http.StatusOK, map[string]any{
		"language":         t.tag.String(),
		"categories":       choices(t, "category", mediation.Categories),
		"sources":          choices(t, "source", mediation.Sources),
		"statuses":         choices(t, "status", mediation.Statuses),
		"party_kinds":      choices(t, "party_kind", mediation.PartyKinds),
		"sides":            choices(t, "side", mediation.Sides),
		"submission_kinds": choices(t, "submission_kind", mediation.SubmissionKinds),
		"roles":            choices(t, "role", mediation.Roles),
		"communities":      s.places.Communities,
		"rooms":            s.places.Rooms,
	})
}
