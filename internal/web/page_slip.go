package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The invitation slip's language is chosen when it is printed, not by the
// mediator's interface: the invitation page holds the slip once in each
// language, and a control above it (on screen only) chooses the copy that
// shows and prints. Both copies are on the one page that shows the token, so
// choosing needs no second showing of it. Each copy's link and QR code carry
// its language, so the resident's pages open in the language of the slip.

// slipCopy is the slip in one language.
type slipCopy struct {
	Lang, Name string // the language's code, and its name in itself
	Chosen     bool   // the copy shown and printed when the page opens
	URL        string
	HTML       template.HTML
}

// slipData is what the slip partial is executed with.
type slipData struct {
	Lang      string
	Org       mediation.Organisation
	Name, Ref string
	URL       string
	QR        template.HTML
	Mediators []mediation.Person
}

// languageNames names each language in itself, for the choice of the slip's.
var languageNames = map[language.Tag]string{language.SimplifiedChinese: "中文", language.English: "English"}

// slips renders the invitation slip of the token in every language; the
// first, the residents' default language, is chosen.
func (s *Server) slips(c echo.Context, cs caseFull, party *mediation.Party, token string) ([]slipCopy, error) {
	base := s.scheme(c) + "://" + c.Request().Host + newInvitationView(token).URL
	var out []slipCopy
	for i, tag := range languages {
		code := tag.String()
		d := slipData{Lang: code, Org: s.places.Organisation, Name: party.Name, Ref: cs.Reference,
			URL: base + "?" + url.Values{"lang": {code}}.Encode(), Mediators: cs.Mediators}
		var err error
		if d.QR, err = qrSVG(d.URL); err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := s.views.pages[tag][templates.PageInvitation].ExecuteTemplate(&buf, "slip", d); err != nil {
			return nil, fmt.Errorf("web: render the %s slip: %w", code, err)
		}
		// The partial is executed by html/template: its output is escaped.
		out = append(out, slipCopy{Lang: code, Name: languageNames[tag], Chosen: i == 0, URL: d.URL,
			HTML: template.HTML(buf.String())})
	}
	return out, nil
}

// knownLanguage says whether a page's language may be chosen by this code:
// one of the languages the catalogue has.
func knownLanguage(code string) bool {
	return slices.ContainsFunc(languages, func(t language.Tag) bool { return t.String() == code })
}

// rememberLanguage keeps a chosen language in its cookie.
func (s *Server) rememberLanguage(c echo.Context, to string) {
	c.SetCookie(&http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}
