package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// invitationView is handed to the mediator once: the token is never stored.
type invitationView struct {
	Token string `json:"token"`
	URL   string `json:"url"`
}

func newInvitationView(token string) invitationView {
	return invitationView{Token: token, URL: "/a/" + token}
}

// The JSON API on parties.

func (s *Server) apiCreateParty(c echo.Context) error {
	r := call(c)
	party, token, err := s.cw.AddParty(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	created := struct {
		partyFull
		Invitation *invitationView `json:"invitation,omitempty"`
	}{partyFull: partyFull{Party: *party, View: mediation.LevelFull}}
	if token != "" {
		inv := newInvitationView(token)
		created.Invitation = &inv
	}
	return answer(c, r, http.StatusCreated, created)
}

func (s *Server) apiListParties(c echo.Context) error {
	parties, err := s.cw.Parties(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	var pg mediation.Page
	if err := query(c)(&pg); err != nil {
		return err
	}
	views := []any{}
	var last, next mediation.ID
	for _, v := range parties {
		if v.Record.ID <= pg.Cursor {
			continue
		}
		if len(views) == pg.Limit {
			next = last
			break
		}
		views, last = append(views, partyView(v)), v.Record.ID
	}
	return ok(c, newList(views, next))
}

func (s *Server) apiCreateInvitation(c echo.Context) error {
	r := call(c)
	_, token, err := s.cw.Reinvite(r, idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, newInvitationView(token))
}

// apiResetPIN clears a party's forgotten PIN: its logins end, and it sets a
// new one at its next entry.
func (s *Server) apiResetPIN(c echo.Context) error {
	party, err := s.cw.ResetPIN(call(c), idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	s.forgetPINFailures(party.ID)
	return c.NoContent(http.StatusNoContent)
}
