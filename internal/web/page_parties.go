package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// partyNewPageData is the form that adds a party.
type partyNewPageData struct {
	Case  *mediation.Case
	Kinds []mediation.PartyKind
	Sides []mediation.Side
}

func newPartyForm(cs *mediation.Case) partyNewPageData {
	return partyNewPageData{Case: cs, Kinds: mediation.PartyKinds, Sides: mediation.Sides}
}

func (s *Server) newPartyPage(c echo.Context) error {
	cs, err := s.cw.CaseForNewParty(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PagePartyNew, newPartyForm(cs), nil)
}

// newPartySubmit adds the party and sends the mediator to its invitation
// (post/redirect/get): the token waits in memory for that page alone, so a
// reload of it never adds the party again.
func (s *Server) newPartySubmit(c echo.Context) error {
	party, token, err := s.cw.AddParty(call(c), idParam(c, "case"), formInput(c))
	if e, ok := failed(err); ok {
		cs, lerr := s.cw.CaseForNewParty(principal(c), idParam(c, "case"))
		if lerr != nil {
			return lerr
		}
		st := typed(c)
		st.err = e
		return s.render(c, statuses[e.Code], templates.PagePartyNew, newPartyForm(cs), st)
	} else if err != nil {
		return err
	}
	return s.toInvitation(c, party, token, "party_added")
}

// reinviteSubmit issues a new link, once the mediator has confirmed that the
// old one stops working.
func (s *Server) reinviteSubmit(c echo.Context) error {
	if c.FormValue("confirm") != "yes" {
		party, err := s.cw.PartyToEdit(principal(c), idParam(c, "case"), idParam(c, "party"))
		if err != nil {
			return err
		}
		st := typed(c)
		st.err = mediation.Invalid("confirm", "validation.confirm", "")
		return s.invitationPage(c, http.StatusUnprocessableEntity, party, "", st)
	}
	party, token, err := s.cw.Reinvite(call(c), idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	return s.toInvitation(c, party, token, "invitation_new")
}

// toInvitation keeps the new token for the invitation page and redirects
// there.
func (s *Server) toInvitation(c echo.Context, party *mediation.Party, token, done string) error {
	q := url.Values{"done": {done}}
	if token != "" { // a replayed request carries none
		login, _ := c.Get(ctxLogin).([]byte)
		q.Set("i", s.invites.put(token, party.ID, login))
	}
	return c.Redirect(http.StatusSeeOther, invitationPath(party)+"?"+q.Encode())
}

func invitationPath(p *mediation.Party) string {
	return "/cases/" + p.CaseID.String() + "/parties/" + p.ID.String() + "/invitation"
}

// invitationShow shows a new invitation the one time its token is kept for
// this mediator's page; otherwise it explains that the link was shown and
// offers a new one, behind a confirmation that the old one stops working.
func (s *Server) invitationShow(c echo.Context) error {
	party, err := s.cw.PartyToEdit(principal(c), idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	token := ""
	if i := c.QueryParam("i"); i != "" {
		login, _ := c.Get(ctxLogin).([]byte)
		if token, _ = s.invites.take(i, party.ID, login); token != "" {
			// The header's language link comes back here, to show it once more.
			c.Set(ctxBack, invitationPath(party)+"?"+url.Values{"i": {i}}.Encode())
		}
	}
	return s.invitationPage(c, http.StatusOK, party, token, nil)
}

// invitationPageData is a party's invitation, shown once; without a URL, the
// offer of a new link.
type invitationPageData struct {
	Case  caseFull
	Party *mediation.Party
	URL   string // the chosen slip's link; empty for the offer of a new one
	Org   mediation.Organisation
	// Slips is the printable slip in every language.
	Slips []slipCopy
}

// invitationPage shows a party's invitation as a link, a QR code and a
// printable slip (邀请函) with the notice of rights and duties (告知书), in
// the language chosen on the page (page_slip.go), or,
// without a token, the form that issues a new one. Only a mediator of the
// case gets here.
func (s *Server) invitationPage(c echo.Context, status int, party *mediation.Party, token string, st *formState) error {
	v, err := s.cw.Case(principal(c), party.CaseID)
	if err != nil {
		return err
	}
	if v.Level != mediation.LevelFull {
		return mediation.NotFound()
	}
	data := invitationPageData{Case: s.caseFullOf(v.Record), Party: party, Org: s.places.Organisation}
	if token != "" {
		if data.Slips, err = s.slips(c, data.Case, party, token); err != nil {
			return err
		}
		data.URL = data.Slips[0].URL
	}
	return s.render(c, status, templates.PageInvitation, data, st)
}

// qrSVG draws the QR code of s as an inline SVG: no image request, no script,
// and it prints sharply at any size.
func qrSVG(s string) (template.HTML, error) {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return "", err
	}
	bits := q.Bitmap()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img"><rect width="100%%" height="100%%" fill="#fff"/><path fill="#000" d="`, len(bits), len(bits))
	for y, row := range bits {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	// The markup is built here from numbers only; nothing of the input is in it.
	return template.HTML(b.String()), nil
}

// resetPINSubmit clears a party's forgotten PIN from the case page and goes
// back to it.
func (s *Server) resetPINSubmit(c echo.Context) error {
	party, err := s.cw.ResetPIN(call(c), idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	s.forgetPINFailures(party.ID)
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String()+"?done=pin_reset")
}
