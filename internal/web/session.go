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

// signIn checks a staff user's password and starts a new session, setting
// its cookie. Any session the browser already had ends, so a session id never
// survives a sign-in. Failed attempts are rate limited.
func (s *Server) signIn(c echo.Context, read reader) (*mediation.User, error) {
	var in loginRequest
	if err := read(&in); err != nil {
		return nil, err
	}
	if err := mediation.Validate(&in); err != nil {
		return nil, err
	}
	done, err := s.limitLogin(c, in.Username)
	if err != nil {
		return nil, err
	}
	cred, u, err := s.auth.Login(in.Username, in.Password)
	done(err)
	if err != nil {
		return nil, err
	}
	return u, s.startSession(c, cred)
}

// startSession replaces the browser's session, if it had one, by cred's.
func (s *Server) startSession(c echo.Context, cred auth.Credential) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	c.SetCookie(auth.NewCookie(cred.Cookie, s.secure, cred.MaxAge))
	return nil
}

func (s *Server) apiLogin(c echo.Context) error {
	u, err := s.signIn(c, jsonReader(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"user": newUserView(u)})
}

// logout ends the session on the server and in the browser.
func (s *Server) logout(c echo.Context) error {
	if principal(c).Anonymous() {
		return mediation.Unauthorized()
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

// enter exchanges a party's invitation token for a session on its case,
// setting its cookie, and makes the party this request's principal. Failed
// attempts are rate limited.
func (s *Server) enter(c echo.Context, token string) (*mediation.Party, error) {
	done, err := s.limitAccess(c, token)
	if err != nil {
		return nil, err
	}
	cred, party, err := s.auth.Redeem(token)
	done(err)
	if err != nil {
		return nil, err
	}
	if err := s.startSession(c, cred); err != nil {
		return nil, err
	}
	c.Set(ctxPrincipal, mediation.Principal{PartyID: party.ID, CaseID: party.CaseID})
	return party, nil
}

func (s *Server) apiAccess(c echo.Context) error {
	var in accessRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := mediation.Validate(&in); err != nil {
		return err
	}
	party, err := s.enter(c, in.Token)
	if err != nil {
		return err
	}
	cs, err := s.db.Case(party.CaseID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"party": s.partyView(c, party), "case": s.caseView(c, cs, people{})})
}

// me says who the session belongs to.
func (s *Server) me(c echo.Context) error {
	p := principal(c)
	switch {
	case p.Anonymous():
		return mediation.Unauthorized()
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
		return mediation.Unauthorized()
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
