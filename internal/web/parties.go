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

// createParty adds a party to the case and answers, this one time, with its
// invitation.
func (s *Server) createParty(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjParty, authz.ActCreate)
	if err != nil {
		return err
	}
	var in mediation.PartyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p := principal(c)
	party, err := mediation.NewParty(in, cs.ID, p.UserID, s.db.Now().UTC())
	if err != nil {
		return err
	}
	token, inv, err := s.auth.NewInvitation(0, cs.ID, p.UserID)
	if err != nil {
		return err
	}
	if err := s.db.CreateParty(party, inv, actor(c)); err != nil {
		return err
	}
	if err := s.authz.Grant(authz.PartyGrant(party.ID, cs.ID)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, struct {
		partyFull
		Invitation invitationView `json:"invitation"`
	}{partyFull{Party: *party, View: "full"}, newInvitationView(token)})
}

// listParties lists the case's parties: all of each record for the mediators,
// names and sides (and its own record) for a party.
func (s *Server) listParties(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjParty, authz.ActRead)
	if err != nil {
		return err
	}
	cursor, limit, err := page(c)
	if err != nil {
		return err
	}
	parties, err := s.db.Parties(cs.ID)
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

// createInvitation replaces a party's invitation: the old link stops working
// and the sessions made from it end.
func (s *Server) createInvitation(c echo.Context) error {
	if err := s.require(c, authz.ObjInvitation, authz.ActCreate); err != nil {
		return err
	}
	caseID, err := pathID(c, "case")
	if err != nil {
		return err
	}
	partyID, err := pathID(c, "party")
	if err != nil {
		return err
	}
	party, err := s.db.Party(partyID)
	if err != nil {
		return err
	}
	if party.CaseID != caseID {
		return mediation.NotFound()
	}
	if err := s.authz.Check(principal(c), authz.ActCreate, authz.PartyObject(authz.ObjInvitation, party)); err != nil {
		return err
	}
	token, inv, err := s.auth.NewInvitation(party.ID, party.CaseID, principal(c).UserID)
	if err != nil {
		return err
	}
	if err := s.db.IssueInvitation(inv, actor(c)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newInvitationView(token))
}
