package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// partyEditPageData is the form that corrects a party, and the one that
// takes it off the case while it has not entered.
type partyEditPageData struct {
	Case    *mediation.Case
	Party   *mediation.Party
	Kinds   []mediation.PartyKind
	Sides   []mediation.Side
	Entered bool
}

func (s *Server) partyEditForm(c echo.Context, status int, st *formState) error {
	p := principal(c)
	party, err := s.cw.PartyToEdit(p, idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	cs, err := s.cw.CaseForNewParty(p, party.CaseID)
	if err != nil {
		return err
	}
	entries, err := s.cw.PartyEntries(p, party.CaseID)
	if err != nil {
		return err
	}
	if st == nil {
		st = &formState{values: map[string]string{"name": party.Name, "kind": string(party.Kind),
			"side": string(party.Side), "phone": party.Phone, "address": party.Address, "represents": party.Represents}}
	}
	_, entered := entries[party.ID]
	return s.render(c, status, templates.PagePartyEdit, partyEditPageData{Case: cs, Party: party,
		Kinds: mediation.PartyKinds, Sides: mediation.Sides, Entered: entered}, st)
}

func (s *Server) editPartyPage(c echo.Context) error { return s.partyEditForm(c, http.StatusOK, nil) }

func (s *Server) editPartySubmit(c echo.Context) error {
	party, err := s.cw.UpdateParty(call(c), idParam(c, "case"), idParam(c, "party"), formInput(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.partyEditForm(c, statuses[e.Code], st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String()+"?done=party_updated#party-"+party.ID.String())
}

func (s *Server) removePartySubmit(c echo.Context) error {
	party, err := s.cw.RemoveParty(call(c), idParam(c, "case"), idParam(c, "party"), formInput(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.values["form"] = "remove"
		st.err = e
		return s.partyEditForm(c, statuses[e.Code], st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String()+"?done=party_removed#parties-h")
}
