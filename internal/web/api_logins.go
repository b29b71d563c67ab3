package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=128"`
}

// signIn checks a staff user's password and starts a new login, setting its
// cookie. Any login the browser already had ends, so a login id never
// survives a sign-in. Failed attempts are rate limited.
func (s *Server) signIn(c echo.Context, in mediation.Input) (*mediation.User, error) {
	var req loginRequest
	if err := in(&req); err != nil {
		return nil, err
	}
	if err := mediation.Validate(&req); err != nil {
		return nil, err
	}
	done, err := s.limitLogin(c, req.Username)
	if err != nil {
		return nil, err
	}
	cred, u, err := s.cw.SignIn(req.Username, req.Password)
	done(err)
	if err != nil {
		return nil, err
	}
	s.rememberDevice(c, req.Username)
	return u, s.startLogin(c, cred)
}

// startLogin replaces the browser's login, if it had one, by cred's.
func (s *Server) startLogin(c echo.Context, cred mediation.Credential) error {
	if err := s.endLogin(c); err != nil {
		return err
	}
	c.SetCookie(newLoginCookie(cred.Cookie, s.secure, cred.MaxAge))
	return nil
}

func (s *Server) apiLogin(c echo.Context) error {
	u, err := s.signIn(c, jsonInput(c))
	if err != nil {
		return err
	}
	return ok(c, map[string]any{"user": newUserView(u)})
}

// logout ends the login on the server and in the browser.
func (s *Server) logout(c echo.Context) error {
	if principal(c).Anonymous() {
		return mediation.Unauthorized()
	}
	if err := s.endLogin(c); err != nil {
		return err
	}
	signedOut(c, s.secure)
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) endLogin(c echo.Context) error {
	if id, ok := c.Get(ctxLogin).([]byte); ok {
		return s.cw.SignOut(id)
	}
	return nil
}

type accessRequest struct {
	Token string `json:"token" validate:"required,max=64"`
	PIN   string `json:"pin" validate:"max=64"`
}

// enter exchanges a party's invitation token and PIN for a login on its
// case, setting its cookie, and makes the party this request's principal.
// Failed attempts (an unknown token, a wrong PIN) are rate limited, a wrong
// PIN per party, whatever link it came with; the answer to one says how
// many tries are left and whom to call. A staff login is refused and left
// as it was.
func (s *Server) enter(c echo.Context, token, pin string) (*mediation.Party, error) {
	key := token
	entry, _ := s.cw.Entry(token)
	if entry != nil {
		key = "party:" + entry.PartyID.String()
	}
	done, err := s.limitAccess(c, key)
	if err != nil {
		return nil, err
	}
	cred, party, err := s.cw.Enter(principal(c), token, pin)
	done(err)
	if wrongPIN(err) && entry != nil {
		return nil, s.pinWrong(c, key, entry)
	}
	if err != nil {
		return nil, err
	}
	if err := s.startLogin(c, cred); err != nil {
		return nil, err
	}
	c.Set(ctxPrincipal, mediation.Principal{PartyID: party.ID, CaseID: party.CaseID})
	return party, nil
}

// wrongPIN reports whether err is a wrong PIN.
func wrongPIN(err error) bool {
	var e *mediation.Error
	return errors.As(err, &e) && e.Message == "error.pin_wrong"
}

func (s *Server) apiAccess(c echo.Context) error {
	var in accessRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := mediation.Validate(&in); err != nil {
		return err
	}
	if _, err := s.enter(c, in.Token, in.PIN); err != nil {
		return err
	}
	_, party, cs, err := s.cw.Me(principal(c))
	if err != nil {
		return err
	}
	return ok(c, map[string]any{"party": partyView(party), "case": s.caseView(cs)})
}

// me says who the login belongs to.
func (s *Server) me(c echo.Context) error {
	u, party, cs, err := s.cw.Me(principal(c))
	if err != nil {
		return err
	}
	if u == nil {
		return ok(c, map[string]any{"kind": "party", "party": partyView(party), "case": s.caseView(cs)})
	}
	return ok(c, map[string]any{"kind": "staff", "role": u.Role, "user": newUserView(u)})
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
	return ok(c, map[string]any{
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
		"organisation":     s.places.Organisation,
	})
}
