package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
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
	e.POST("/cases/:case/transitions", s.caseFormSubmit(s.moveCase), s.pageForm)
	e.POST("/cases/:case/mediators", s.caseFormSubmit(s.assignMediator), s.pageForm)
	e.POST("/cases/:case/mediators/:user/remove", s.caseFormSubmit(s.removeMediator), s.pageForm)
	e.GET("/cases/:case/parties/new", s.newPartyPage)
	e.POST("/cases/:case/parties/new", s.newPartySubmit, s.pageForm)
	e.POST("/cases/:case/parties/:party/invitation", s.reinviteSubmit, s.pageForm)
	e.POST("/cases/:case/submissions", s.submissionSubmit, s.pageForm)
	e.GET("/cases/:case/submissions/:submission/release", s.releasePage)
	e.POST("/cases/:case/submissions/:submission/release", s.releaseSubmit, s.pageForm)

	e.GET("/admin/users", s.usersPage)
	e.POST("/admin/users", s.usersSubmit, s.pageForm)
}

// isPage says whether a request is for a page (rather than the API), so that
// its errors are answered as pages.
func isPage(c echo.Context) bool {
	p := c.Request().URL.Path
	return !strings.HasPrefix(p, "/api/") && p != "/healthz" && p != "/readyz" && p != "/metrics"
}

// errorPage answers an error as a page in the reader's language. A page that
// needs a session sends the anonymous to sign in instead.
func (s *Server) errorPage(c echo.Context, e *mediation.Error) error {
	if e.Code == mediation.EUNAUTHORIZED && c.Request().Method == http.MethodGet && e.Message == "error.unauthorized" {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	t := s.cat.forRequest(c.Request())
	status := statuses[e.Code]
	data := struct{ Title, Message, RequestID string }{
		Title: fmt.Sprintf("%d %s", status, t.T(fmt.Sprintf("error.title_%d", status), nil)), Message: t.T(e.Message, e.Args)}
	if e.Code == mediation.EINTERNAL {
		data.RequestID = requestID(c)
	}
	return s.render(c, status, templates.PageError, data, nil)
}

// home sends each kind of user to where their work is.
func (s *Server) home(c echo.Context) error {
	p := principal(c)
	switch {
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
	if to != "en" && to != "zh-Hans" {
		to = "zh-Hans"
	}
	c.SetCookie(&http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("back")))
}

func (s *Server) loginPage(c echo.Context) error {
	if !principal(c).Anonymous() {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, templates.PageLogin, nil, nil)
}

func (s *Server) loginSubmit(c echo.Context) error {
	if _, err := s.signIn(c, formReader(c)); err != nil {
		st := typed(c)
		var e *mediation.Error
		if !errors.As(err, &e) || e.Code == mediation.EINTERNAL {
			return err
		}
		st.err = e
		return s.render(c, statuses[e.Code], templates.PageLogin, nil, st)
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) logoutSubmit(c echo.Context) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	c.SetCookie(auth.ExpiredCookie(s.secure))
	return c.Redirect(http.StatusSeeOther, "/login")
}

// invitationLanding is where an invitation link leads: a button that enters
// the case. Only the press of it (a form with its CSRF token) turns the token
// into a session, so that a link on another site cannot sign a browser in as
// a party it does not belong to; and a staff session is never swapped for a
// party's by a link a mediator clicks on a slip.
func (s *Server) invitationLanding(c echo.Context) error {
	if !auth.ValidTokenSyntax(c.Param("token")) {
		return mediation.NotFound()
	}
	p := principal(c)
	return s.render(c, http.StatusOK, templates.PageEnter, map[string]any{"Staff": !p.Anonymous() && !p.IsParty()}, nil)
}

// invitationEnter turns the token into a session and sends the party to its
// case, so that the token leaves the address bar.
func (s *Server) invitationEnter(c echo.Context) error {
	if p := principal(c); !p.Anonymous() && !p.IsParty() {
		return mediation.Errorf(mediation.EFORBIDDEN, "enter.staff")
	}
	if !auth.ValidTokenSyntax(c.Param("token")) {
		return mediation.NotFound()
	}
	party, err := s.enter(c, c.Param("token"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+party.CaseID.String())
}

func (s *Server) officePage(c echo.Context) error {
	if err := s.require(c, authz.ObjStats, authz.ActRead); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageOffice, nil, nil)
}

// caseRow is one line of the case list.
type caseRow struct {
	ID        mediation.ID
	Reference string
	Title     string
	Status    mediation.Status
	Category  mediation.Category
	Community string
	OpenedAt  time.Time
	New       int
	activity  time.Time
}

func (s *Server) casesPage(c echo.Context) error {
	p := principal(c)
	if p.IsParty() {
		return c.Redirect(http.StatusSeeOther, "/cases/"+p.CaseID.String())
	}
	cases, next, err := s.listedCases(c)
	if err != nil {
		return err
	}
	rows := make([]caseRow, len(cases))
	for i, l := range cases {
		cs := l.Case
		rows[i] = caseRow{ID: cs.ID, Reference: cs.Reference, Status: cs.Status, Category: cs.Category,
			Community: s.communityName(cs.Community), OpenedAt: cs.OpenedAt, activity: cs.UpdatedAt}
		if l.Level == "full" {
			rows[i].Title = cs.Title
			if rows[i].New, err = s.db.Unseen(p.UserID, cs.ID); err != nil {
				return err
			}
			last, err := s.db.LastSubmissionAt(cs.ID)
			if err != nil {
				return err
			}
			if last.After(rows[i].activity) {
				rows[i].activity = last
			}
		}
	}
	// Newest activity first: a new submission brings a case to the top.
	slices.SortStableFunc(rows, func(a, b caseRow) int { return b.activity.Compare(a.activity) })
	var nextCursor string
	if next != 0 {
		nextCursor = next.String()
	}
	return s.render(c, http.StatusOK, templates.PageCases, map[string]any{
		"Rows": rows, "Next": nextCursor, "Status": c.QueryParam("status"), "Statuses": mediation.Statuses,
		"CanCreate": s.authz.MayEver(p, authz.ObjCase, authz.ActCreate),
		"IsAdmin":   s.authz.MayEver(p, authz.ObjUser, authz.ActCreate),
	}, nil)
}

func (s *Server) communityName(code string) string {
	if com, ok := s.places.Community(code); ok {
		return com.Name
	}
	return code
}

func (s *Server) newCaseForm() map[string]any {
	return map[string]any{"Categories": mediation.Categories, "Sources": mediation.Sources,
		"Communities": s.places.Communities}
}

func (s *Server) newCasePage(c echo.Context) error {
	if err := s.require(c, authz.ObjCase, authz.ActCreate); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageCaseNew, s.newCaseForm(), nil)
}

func (s *Server) newCaseSubmit(c echo.Context) error {
	cs, err := s.openCase(c, formReader(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.render(c, statuses[e.Code], templates.PageCaseNew, s.newCaseForm(), st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+cs.ID.String())
}

// casePage shows the case as the principal may see it: the mediators' whole
// file, a party's own view, or the admin's metadata.
func (s *Server) casePage(c echo.Context) error {
	cs, err := s.visibleCase(c)
	if err != nil {
		return err
	}
	return s.showCasePage(c, cs, nil)
}

func (s *Server) showCasePage(c echo.Context, cs *mediation.Case, st *formState) error {
	status := http.StatusOK
	if st != nil && st.err != nil {
		status = statuses[st.err.Code]
	}
	switch s.caseLevel(c, cs) {
	case "full":
		data, err := s.mediatorView(c, cs)
		if err != nil {
			return err
		}
		return s.render(c, status, templates.PageCase, data, st)
	case "overview":
		data, err := s.partyCaseView(c, cs)
		if err != nil {
			return err
		}
		return s.render(c, status, templates.PageMyCase, data, st)
	case "meta":
		data, err := s.adminCaseView(c, cs)
		if err != nil {
			return err
		}
		return s.render(c, status, templates.PageCaseMeta, data, st)
	}
	return mediation.NotFound()
}

// partyColumn is one party's submissions, grouped by kind, side by side with
// the other parties'.
type partyColumn struct {
	Party  mediation.Party
	Groups []kindGroup
}

type kindGroup struct {
	Kind  mediation.SubmissionKind
	Items []mediation.Submission
}

// mediatorView is the mediators' case page: every party, every submission side
// by side, the trail. Showing the submissions is a read, and audited as one.
func (s *Server) mediatorView(c echo.Context, cs *mediation.Case) (map[string]any, error) {
	parties, err := s.db.Parties(cs.ID)
	if err != nil {
		return nil, err
	}
	subs, err := s.allSubmissions(c, cs)
	if err != nil {
		return nil, err
	}
	columns := make([]partyColumn, len(parties))
	for i, pt := range parties {
		columns[i].Party = pt
		for _, kind := range mediation.SubmissionKinds {
			g := kindGroup{Kind: kind}
			for _, sub := range subs {
				if sub.PartyID == pt.ID && sub.Kind == kind {
					g.Items = append(g.Items, sub)
				}
			}
			if len(g.Items) > 0 {
				columns[i].Groups = append(columns[i].Groups, g)
			}
		}
	}
	if len(subs) > 0 {
		if err := s.db.RecordSeen(principal(c).UserID, cs.ID, subs[len(subs)-1].ID); err != nil {
			return nil, err
		}
	}
	trail, more, err := s.latestAudit(cs.ID, 50)
	if err != nil {
		return nil, err
	}
	views := make([]any, len(parties))
	for i := range parties {
		views[i] = s.partyView(c, &parties[i])
	}
	return map[string]any{"Case": s.caseView(c, cs, people{}), "CommunityName": s.communityName(cs.Community),
		"Parties": views, "Columns": columns, "Kinds": mediation.SubmissionKinds, "Trail": trail, "TrailMore": more}, nil
}

// latestAudit is the newest n entries of the case's trail, newest first, and
// whether there are older ones.
func (s *Server) latestAudit(caseID mediation.ID, n int) ([]auditView, bool, error) {
	var all []auditView
	names := map[string]string{}
	for cursor := uint64(0); ; {
		entries, next, err := s.db.CaseAudit(caseID, cursor, 200)
		if err != nil {
			return nil, false, err
		}
		all = append(all, s.auditViews(entries, names)...)
		if next == 0 {
			break
		}
		cursor = next
	}
	slices.Reverse(all)
	if len(all) > n {
		return all[:n], true, nil
	}
	return all, false, nil
}

// sharedSubmission is another party's submission that it released.
type sharedSubmission struct {
	Author     string
	Submission mediation.Submission
}

// partyCaseView is a party's page: its own submissions, what others released,
// the other parties' names and sides, and the form to add a submission.
func (s *Server) partyCaseView(c echo.Context, cs *mediation.Case) (map[string]any, error) {
	p := principal(c)
	parties, err := s.db.Parties(cs.ID)
	if err != nil {
		return nil, err
	}
	names := map[mediation.ID]string{}
	var me any
	var others []any
	for i, pt := range parties {
		names[pt.ID] = pt.Name
		if pt.ID == p.PartyID {
			me = s.partyView(c, &parties[i])
		} else {
			others = append(others, s.partyView(c, &parties[i]))
		}
	}
	subs, err := s.allSubmissions(c, cs)
	if err != nil {
		return nil, err
	}
	var mine []mediation.Submission
	var shared []sharedSubmission
	for _, sub := range subs {
		if sub.PartyID == p.PartyID {
			mine = append(mine, sub)
		} else {
			shared = append(shared, sharedSubmission{Author: names[sub.PartyID], Submission: sub})
		}
	}
	return map[string]any{"Case": s.caseView(c, cs, people{}), "Me": me, "Others": others, "Mine": mine,
		"Shared": shared, "Kinds": mediation.SubmissionKinds, "Open": cs.AcceptsSubmissions() == nil}, nil
}

// adminCaseView is the admin's page: metadata and the mediators, with the
// forms to assign and remove them.
func (s *Server) adminCaseView(c echo.Context, cs *mediation.Case) (map[string]any, error) {
	p := principal(c)
	var candidates []mediation.User
	if s.authz.Allowed(p, authz.ActAssign, authz.CaseObject(authz.ObjMediator, cs)) &&
		s.authz.MayEver(p, authz.ObjUser, authz.ActRead) {
		users, err := s.db.AllUsers()
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Role == mediation.RoleMediator && !cs.HasMediator(u.ID) {
				candidates = append(candidates, u)
			}
		}
	}
	return map[string]any{"Case": s.caseView(c, cs, people{}), "CommunityName": s.communityName(cs.Community),
		"Candidates": candidates, "CanRemove": s.authz.MayEver(p, authz.ObjMediator, authz.ActRemove)}, nil
}

// caseFormSubmit adapts an operation on a case to a form on the case page: on
// success back to the case, on a problem the case page with the message.
func (s *Server) caseFormSubmit(op func(echo.Context, reader) (*mediation.Case, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, err := op(c, formReader(c))
		if e, ok := failed(err); ok {
			return s.caseFormFailed(c, e)
		} else if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/cases/"+cs.ID.String())
	}
}

// caseFormFailed shows the case page again with what was wrong with a form
// on it. The operation decided the principal may act on this case, so it may
// see the case page.
func (s *Server) caseFormFailed(c echo.Context, e *mediation.Error) error {
	cs, err := s.visibleCase(c)
	if err != nil {
		return err
	}
	st := typed(c)
	st.err = e
	// A form about one of several mediators says which, so that the message
	// stands beside that mediator's form.
	if user := c.Param("user"); user != "" {
		st.values["for"] = user
	}
	return s.showCasePage(c, cs, st)
}

func (s *Server) newPartyForm(cs *mediation.Case) map[string]any {
	return map[string]any{"Case": cs, "Kinds": mediation.PartyKinds, "Sides": mediation.Sides}
}

func (s *Server) newPartyPage(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjParty, authz.ActCreate)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PagePartyNew, s.newPartyForm(cs), nil)
}

// newPartySubmit adds the party and shows its invitation at once: the token
// exists only in this answer, so this one form does not redirect.
func (s *Server) newPartySubmit(c echo.Context) error {
	party, token, err := s.addParty(c, formReader(c))
	if e, ok := failed(err); ok {
		cs, lerr := s.loadCase(c, authz.ObjParty, authz.ActCreate)
		if lerr != nil {
			return lerr
		}
		st := typed(c)
		st.err = e
		return s.render(c, statuses[e.Code], templates.PagePartyNew, s.newPartyForm(cs), st)
	} else if err != nil {
		return err
	}
	return s.invitationPage(c, party, token)
}

func (s *Server) reinviteSubmit(c echo.Context) error {
	party, token, err := s.reinvite(c)
	if err != nil {
		return err
	}
	return s.invitationPage(c, party, token)
}

// invitationPage shows a party's invitation as a link, a QR code and a
// printable slip (邀请函) with the notice of rights and duties (告知书).
func (s *Server) invitationPage(c echo.Context, party *mediation.Party, token string) error {
	cs, err := s.db.Case(party.CaseID)
	if err != nil {
		return err
	}
	link := s.scheme(c) + "://" + c.Request().Host + newInvitationView(token).URL
	qr, err := qrSVG(link)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageInvitation, map[string]any{
		"Case": s.caseView(c, cs, people{}), "Party": party, "URL": link, "QR": qr}, nil)
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

func (s *Server) submissionSubmit(c echo.Context) error {
	sub, err := s.submit(c, formReader(c))
	if e, ok := failed(err); ok {
		return s.caseFormFailed(c, e)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s#submission-%s", sub.CaseID, sub.ID))
}

// releasePage asks the author to confirm, naming who will be able to read it.
func (s *Server) releasePage(c echo.Context) error {
	sub, err := s.toRelease(c)
	if err != nil {
		return err
	}
	parties, err := s.db.Parties(sub.CaseID)
	if err != nil {
		return err
	}
	var others []any
	for i := range parties {
		if parties[i].ID != sub.PartyID {
			others = append(others, s.partyView(c, &parties[i]))
		}
	}
	// The author reads its own submission here: a read, and audited as one.
	s.db.RecordRead(mediation.AuditEntry{CaseID: sub.CaseID, Actor: actor(c), Action: mediation.AuditSubmissionRead,
		Object: "submission:" + sub.ID.String()})
	return s.render(c, http.StatusOK, templates.PageRelease, map[string]any{"Submission": sub, "Others": others}, nil)
}

func (s *Server) releaseSubmit(c echo.Context) error {
	sub, err := s.release(c)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cases/%s#submission-%s", sub.CaseID, sub.ID))
}

func (s *Server) usersPage(c echo.Context) error {
	return s.showUsers(c, http.StatusOK, nil)
}

func (s *Server) showUsers(c echo.Context, status int, st *formState) error {
	users, _, err := s.listedUsers(c)
	if err != nil {
		return err
	}
	return s.render(c, status, templates.PageUsers, map[string]any{"Users": users, "Roles": mediation.Roles}, st)
}

func (s *Server) usersSubmit(c echo.Context) error {
	_, err := s.addUser(c, formReader(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.showUsers(c, statuses[e.Code], st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
