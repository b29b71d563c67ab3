package web

import (
	"fmt"
	"html/template"
	"net/http"
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

// newPartySubmit adds the party and shows its invitation at once: the token
// exists only in this answer, so this one form does not redirect.
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
	return s.invitationPage(c, party, token)
}

func (s *Server) reinviteSubmit(c echo.Context) error {
	party, token, err := s.cw.Reinvite(call(c), idParam(c, "case"), idParam(c, "party"))
	if err != nil {
		return err
	}
	return s.invitationPage(c, party, token)
}

// invitationPageData is a party's invitation, shown once.
type invitationPageData struct {
	Case  caseFull
	Party *mediation.Party
	URL   string
	QR    template.HTML
}

// invitationPage shows a party's invitation as a link, a QR code and a
// printable slip (邀请函) with the notice of rights and duties (告知书). Only
// a mediator of the case gets here, having just made the invitation.
func (s *Server) invitationPage(c echo.Context, party *mediation.Party, token string) error {
	v, err := s.cw.Case(principal(c), party.CaseID)
	if err != nil {
		return err
	}
	if v.Level != mediation.LevelFull {
		return mediation.NotFound()
	}
	link := s.scheme(c) + "://" + c.Request().Host + newInvitationView(token).URL
	qr, err := qrSVG(link)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageInvitation,
		invitationPageData{Case: s.caseFullOf(v.Record), Party: party, URL: link, QR: qr}, nil)
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
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String())
}
