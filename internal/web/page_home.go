package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The pages: the same operations as the JSON API, read from forms and shown
// as HTML. Forms post, then redirect (post-redirect-get); a form with
// something to mend is shown again as typed, with the message beside the
// field.

// pageRoutes registers the server-rendered pages.
func (s *Server) pageRoutes() {
	e := s.echo
	e.GET("/static/:file", s.stylesheet)
	e.GET("/", s.home)
	e.GET("/lang", s.switchLanguage)
	e.GET("/login", s.loginPage)
	e.POST("/login", s.loginSubmit, s.pageForm)
	e.POST("/logout", s.logoutSubmit, s.pageForm)
	e.GET("/a/:token", s.invitationLanding)
	e.POST("/a/:token", s.invitationEnter, s.pageForm)
	e.GET("/office", s.officePage)

	e.GET("/cases", s.casesPage)
	e.GET("/cases/new", s.newCasePage)
	e.POST("/cases/new", s.newCaseSubmit, s.pageForm)
	e.GET("/cases/:case", s.casePage)
	e.POST("/cases/:case/transitions", s.caseFormSubmit(s.moveCaseConfirmed), s.pageForm)
	e.POST("/cases/:case/extension", s.caseFormSubmit(s.extendTerm), s.pageForm)
	e.POST("/cases/:case/mediators", s.caseFormSubmit(s.assignMediator), s.pageForm)
	e.POST("/cases/:case/mediators/:user/remove", s.caseFormSubmit(s.removeMediator), s.pageForm)
	e.GET("/cases/:case/parties/new", s.newPartyPage)
	e.POST("/cases/:case/parties/new", s.newPartySubmit, s.pageForm)
	e.POST("/cases/:case/parties/:party/invitation", s.reinviteSubmit, s.pageForm)
	e.POST("/cases/:case/parties/:party/pin-reset", s.resetPINSubmit, s.pageForm)
	e.POST("/cases/:case/submissions", s.submissionSubmit, s.pageForm)
	e.GET("/cases/:case/submissions/:submission/release", s.releasePage)
	e.POST("/cases/:case/submissions/:submission/release", s.releaseSubmit, s.pageForm)

	e.POST("/cases/:case/sessions", s.sessionSubmit, s.pageForm)
	e.GET("/cases/:case/sessions/:session", s.sessionPage)
	e.POST("/cases/:case/sessions/:session", s.sessionChangeSubmit, s.pageForm)
	e.GET("/cases/:case/sessions/:session/record", s.recordPage)
	e.POST("/cases/:case/sessions/:session/record", s.recordSubmit, s.pageForm)
	e.GET("/calendar", s.calendarPage)
	e.POST("/calendar/feed", s.feedSubmit, s.pageForm)

	e.GET("/admin/users", s.usersPage)
	e.POST("/admin/users", s.usersSubmit, s.pageForm)

	// Party corrections, and a party's invitation shown once after a redirect.
	e.GET("/cases/:case/parties/:party/invitation", s.invitationShow)
	e.GET("/cases/:case/parties/:party/edit", s.editPartyPage)
	e.POST("/cases/:case/parties/:party/edit", s.editPartySubmit, s.pageForm)
	e.POST("/cases/:case/parties/:party/remove", s.removePartySubmit, s.pageForm)

	// The site's icon.
	e.GET("/favicon.ico", s.serveFavicon)
	// Attachments: the form is multipart, read (and its CSRF token checked)
	// by the handler itself.
	e.POST("/cases/:case/submissions/:submission/attachments", s.attachmentSubmit)
	e.GET("/cases/:case/submissions/:submission/attachments/:attachment", s.showAttachment)
	// Agreements (调解协议书) and return visits (回访).
	s.agreementPageRoutes()
	// Closing a case, the mediator's own neutrality and recusals.
	s.closingPageRoutes()
}

// isPage says whether a request is for a page (rather than the API), so that
// its errors are answered as pages.
func isPage(c echo.Context) bool {
	p := c.Request().URL.Path
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics"
}

// errorPageData is what the error page shows; every error page also says
// whom to call (the same for every reader, so that a page tells nothing of
// who reads it).
type errorPageData struct {
	Title, Message, RequestID string
	// LinkGone marks the page of an invitation link that no longer works.
	LinkGone bool
}

// errorPage answers an error as a page in the reader's language. A page that
// needs a login sends the anonymous to sign in instead.
func (s *Server) errorPage(c echo.Context, e *mediation.Error) error {
	if e.Code == mediation.EUNAUTHORIZED && e.Message == "error.unauthorized" {
		if shown, err := s.expiredPage(c); shown {
			return err
		}
		if c.Request().Method == http.MethodGet {
			return c.Redirect(http.StatusSeeOther, "/login")
		}
	}
	t := s.cat.forRequest(c.Request())
	status := statuses[e.Code]
	data := errorPageData{
		Title: fmt.Sprintf("%d %s", status, t.T(fmt.Sprintf("error.title_%d", status), nil)), Message: t.T(e.Message, e.Args)}
	if e.Code == mediation.EINTERNAL {
		data.RequestID = requestID(c)
	}
	if e.Message == "error.invitation_invalid" {
		// A replaced or unknown link: said in plain words, without a code.
		data.Title, data.LinkGone = t.T("error.link_title", nil), true
	}
	return s.render(c, status, templates.PageError, data, nil)
}

// home sends each kind of user to where their work is.
func (s *Server) home(c echo.Context) error {
	p := principal(c)
	switch {
	case p.Anonymous() && wasKind(c) == "party":
		return s.residentHome(c)
	case p.Anonymous():
		return c.Redirect(http.StatusSeeOther, "/login")
	case p.IsParty():
		return c.Redirect(http.StatusSeeOther, "/cases/"+p.CaseID.String())
	case p.Role == mediation.RoleOffice:
		return c.Redirect(http.StatusSeeOther, "/office")
	}
	return c.Redirect(http.StatusSeeOther, "/cases")
}

// switchLanguage remembers the chosen language and goes back.
func (s *Server) switchLanguage(c echo.Context) error {
	to := c.QueryParam("to")
	if !knownLanguage(to) {
		to = languages[0].String()
	}
	s.rememberLanguage(c, to)
	back := localPath(c.QueryParam("back"))
	// A new invitation's page, switched to the other language, shows the
	// invitation once more (to the login that made it).
	if u, err := url.Parse(c.QueryParam("back")); err == nil && strings.HasSuffix(back, "/invitation") {
		if i := u.Query().Get("i"); i != "" {
			login, _ := c.Get(ctxLogin).([]byte)
			s.invites.rearm(i, login)
			back += "?" + url.Values{"i": {i}}.Encode()
		}
	}
	return c.Redirect(http.StatusSeeOther, back)
}

func (s *Server) officePage(c echo.Context) error { return s.statsPage(c) }

func (s *Server) communityName(code string) string {
	if com, ok := s.places.Community(code); ok {
		return com.Name
	}
	return code
}
