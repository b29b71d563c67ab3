package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
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

// addParty adds a party to the case with its first invitation, whose token is
// returned this one time (a replayed request returns no token).
func (s *Server) addParty(c echo.Context, read reader) (*mediation.Party, string, error) {
	cs, err := s.loadCase(c, authz.ObjParty, authz.ActCreate)
	if err != nil {
		return nil, "", err
	}
	var in mediation.PartyInput
	if err := read(&in); err != nil {
		return nil, "", err
	}
	p := principal(c)
	party, err := mediation.NewParty(in, cs.ID, p.UserID, s.db.Now().UTC())
	if err != nil {
		return nil, "", err
	}
	token, inv, err := s.auth.NewInvitation(0, cs.ID, p.UserID)
	if err != nil {
		return nil, "", err
	}
	err = s.db.CreateParty(party, inv, actor(c), keyed(c)...)
	if r, ok := replayed(c, err); ok {
		// The token was handed out once, in the first answer, and is not kept.
		token = ""
		party, err = s.db.Party(r.ID())
	}
	if err != nil {
		return nil, "", err
	}
	return party, token, s.authz.Grant(authz.PartyGrant(party.ID, cs.ID))
}

// caseParties loads the case named in the URL and its parties, for a
// principal who may read parties there; partyView then decides how much of
// each it sees.
func (s *Server) caseParties(c echo.Context) (*mediation.Case, []mediation.Party, error) {
	cs, err := s.loadCase(c, authz.ObjParty, authz.ActRead)
	if err != nil {
		return nil, nil, err
	}
	parties, err := s.db.Parties(cs.ID)
	return cs, parties, err
}

// reinvite replaces a party's invitation: the old link stops working and the
// sessions made from it end.
func (s *Server) reinvite(c echo.Context) (*mediation.Party, string, error) {
	if err := s.require(c, authz.ObjInvitation, authz.ActCreate); err != nil {
		return nil, "", err
	}
	caseID, err := pathID(c, "case")
	if err != nil {
		return nil, "", err
	}
	partyID, err := pathID(c, "party")
	if err != nil {
		return nil, "", err
	}
	party, err := s.db.Party(partyID)
	if err != nil {
		return nil, "", err
	}
	if party.CaseID != caseID {
		return nil, "", mediation.NotFound()
	}
	if err := s.authz.Check(principal(c), authz.ActCreate, authz.PartyObject(authz.ObjInvitation, party)); err != nil {
		return nil, "", err
	}
	token, inv, err := s.auth.NewInvitation(party.ID, party.CaseID, principal(c).UserID)
	if err != nil {
		return nil, "", err
	}
	return party, token, s.db.IssueInvitation(inv, actor(c))
}

// The JSON API on parties.

func (s *Server) apiCreateParty(c echo.Context) error {
	party, token, err := s.addParty(c, jsonReader(c))
	if err != nil {
		return err
	}
	answer := struct {
		partyFull
		Invitation *invitationView `json:"invitation,omitempty"`
	}{partyFull: partyFull{Party: *party, View: "full"}}
	if token != "" {
		inv := newInvitationView(token)
		answer.Invitation = &inv
	}
	return c.JSON(http.StatusCreated, answer)
}

func (s *Server) apiListParties(c echo.Context) error {
	_, parties, err := s.caseParties(c)
	if err != nil {
		return err
	}
	cursor, limit, err := page(c)
	if err != nil {
		return err
	}
	views := []any{}
	var last, next mediation.ID
	for i := range parties {
		if parties[i].ID <= cursor {
			continue
		}
		if len(views) == limit {
			next = last
			break
		}
		if v := s.partyView(c, &parties[i]); v != nil {
			views, last = append(views, v), parties[i].ID
		}
	}
	return c.JSON(http.StatusOK, newList(views, next))
}

func (s *Server) apiCreateInvitation(c echo.Context) error {
	_, token, err := s.reinvite(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newInvitationView(token))
}
