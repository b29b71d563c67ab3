package web

import (
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

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
	Overdue   bool
	activity  time.Time
}

// casesPageData is the case list.
type casesPageData struct {
	Rows []caseRow
	// RowsHTML are the rows as the page writes them (fragments.go).
	RowsHTML template.HTML
	// FiltersHTML is the search and filters form (fragments.go).
	FiltersHTML template.HTML
	Next        string
	Status      string
	Statuses    []mediation.Status
	CanCreate   bool
	IsAdmin     bool
	// The mediator's search and filters, as asked.
	Search                 bool
	Q, Category, Community string
	Categories             []mediation.Category
	Communities            []mediation.Community
	// Due are the deadlines of the mediator's cases due this week, Overdue
	// those past.
	Due, Overdue []deadlineRow
}

func (s *Server) casesPage(c echo.Context) error {
	p := principal(c)
	if p.IsParty() {
		return c.Redirect(http.StatusSeeOther, "/cases/"+p.CaseID.String())
	}
	cases, next, err := s.cw.Cases(p, query(c))
	if err != nil {
		return err
	}
	activity, err := s.cw.Activity(p, cases)
	if err != nil {
		return err
	}
	rows := make([]caseRow, len(cases))
	for i, v := range cases {
		cs := v.Record
		rows[i] = caseRow{ID: cs.ID, Reference: cs.Reference, Status: cs.Status, Category: cs.Category,
			Community: s.communityName(cs.Community), OpenedAt: cs.OpenedAt,
			New: activity[i].Unseen, activity: activity[i].Last}
		if v.Level == mediation.LevelFull {
			rows[i].Title = cs.Title
		}
	}
	var due, overdue []deadlineRow
	if s.cw.May(p, mediation.AbilityReadDeadlines) {
		if due, overdue, err = s.deadlineRows(p, cases); err != nil {
			return err
		}
		late := map[mediation.ID]bool{}
		for _, d := range overdue {
			late[d.CaseID] = true
		}
		for i := range rows {
			rows[i].Overdue = late[rows[i].ID]
		}
	}
	rows = byActivity(rows)
	data := casesPageData{Rows: rows, Status: c.QueryParam("status"), Statuses: mediation.Statuses,
		CanCreate: s.cw.May(p, mediation.AbilityOpenCase), IsAdmin: s.cw.May(p, mediation.AbilityManageUsers),
		Due: due, Overdue: overdue,
		Search: s.cw.May(p, mediation.AbilityOpenCase), Q: c.QueryParam("q"), Category: c.QueryParam("category"),
		Community: c.QueryParam("community"), Categories: mediation.Categories, Communities: s.places.Communities}
	if next != 0 {
		data.Next = next.String()
	}
	tag := s.cat.forRequest(c.Request()).tag
	if data.RowsHTML, err = s.caseRowsHTML(tag, rows); err != nil {
		return err
	}
	if data.FiltersHTML, err = s.filtersHTML(tag, &data); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageCases, data, nil)
}

// byActivity is the rows, newest activity first (a new submission brings a
// case to the top), in list order where it is the same. The rows are
// sorted by pointer: a row is many words, and moving rows while sorting
// them took a twentieth of the page's time.
func byActivity(rows []caseRow) []caseRow {
	order := make([]*caseRow, len(rows))
	for i := range rows {
		order[i] = &rows[i]
	}
	slices.SortStableFunc(order, func(a, b *caseRow) int { return b.activity.Compare(a.activity) })
	out := make([]caseRow, len(rows))
	for i, r := range order {
		out[i] = *r
	}
	return out
}

// caseNewPageData is the form that opens a case.
type caseNewPageData struct {
	Categories  []mediation.Category
	Sources     []mediation.Source
	Communities []mediation.Community
}

func (s *Server) newCaseForm() caseNewPageData {
	return caseNewPageData{Categories: mediation.Categories, Sources: mediation.Sources,
		Communities: s.places.Communities}
}

func (s *Server) newCasePage(c echo.Context) error {
	if err := s.cw.Require(principal(c), mediation.AbilityOpenCase); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, templates.PageCaseNew, s.newCaseForm(), nil)
}

func (s *Server) newCaseSubmit(c echo.Context) error {
	v, err := s.cw.CreateCase(call(c), formInput(c))
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.render(c, statuses[e.Code], templates.PageCaseNew, s.newCaseForm(), st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/cases/"+v.Record.ID.String()+"?done=case_created")
}

// casePage shows the case as the principal may see it: the mediators' whole
// file, a party's own view, or the admin's metadata.
func (s *Server) casePage(c echo.Context) error {
	return s.showCasePage(c, nil)
}

func (s *Server) showCasePage(c echo.Context, st *formState) error {
	p := principal(c)
	v, err := s.cw.Case(p, idParam(c, "case"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if st != nil && st.err != nil {
		status = statuses[st.err.Code]
	}
	switch v.Level {
	case mediation.LevelFull:
		data, err := s.mediatorView(p, v.Record)
		if err != nil {
			return err
		}
		tr := s.cat.forRequest(c.Request())
		data.Lines = s.trailLines(tr, data.trail, data.trailNames(s.cw.Mediators(v.Record)))
		var subs []mediation.Submission
		for _, col := range data.Columns {
			for _, g := range col.Groups {
				subs = append(subs, g.Items...)
			}
		}
		every := func(mediation.Submission) bool { return true }
		if data.Evidence, err = s.evidence(c, p, v.Record, subs, every, st); err != nil {
			return err
		}
		if err := s.caseFragments(tr, data, s.csrfToken(c), st); err != nil {
			return err
		}
		return s.render(c, status, templates.PageCase, data, st)
	case mediation.LevelOverview:
		data, err := s.partyCaseView(p, v.Record)
		if err != nil {
			return err
		}
		subs := slices.Clone(data.Mine)
		for _, sh := range data.Shared {
			subs = append(subs, sh.Submission)
		}
		own := func(sub mediation.Submission) bool { return sub.PartyID == p.PartyID }
		if data.Evidence, err = s.evidence(c, p, v.Record, subs, own, st); err != nil {
			return err
		}
		return s.render(c, status, templates.PageMyCase, data, st)
	case mediation.LevelMeta:
		data, err := s.adminCaseView(p, v.Record)
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
	// HTML are the items as the page writes them (fragments.go).
	HTML []template.HTML
}

// casePageData is the mediators' case page.
type casePageData struct {
	Case          caseFull
	CommunityName string
	Parties       []partyFull
	// PartyRows are the parties table's rows as the page writes them
	// (fragments.go).
	PartyRows []template.HTML
	Columns   []partyColumn
	Kinds     []mediation.SubmissionKind
	Trail     []auditView
	TrailMore bool
	// Candidates are the mediators who may be added to the case.
	Candidates   []mediation.User
	Sessions     []sessionRow
	SessionKinds []mediation.SessionKind
	Rooms        []string
	// entered says when each party first entered (absent: not yet), for
	// the party rows.
	entered map[mediation.ID]time.Time
	// Lines are the trail in words; trail and subs what they are made from.
	Lines []trailLine
	trail []mediation.TrailEntry
	subs  []mediation.Submission
	// Evidence is each submission's attachments.
	Evidence map[mediation.ID]*evidenceView
	// Agreements are the agreements section, with the return visits.
	Agreements *agreementSection
	// Closing is the checklist of the case file, the overrides of conflict
	// checks and the recusal requests.
	Closing *closingView
}

// mediatorView is the mediators' case page: every party, every submission side
// by side, the trail. Showing the submissions is a read, and audited as one.
func (s *Server) mediatorView(p mediation.Principal, cs *mediation.Case) (*casePageData, error) {
	parties, err := s.cw.Parties(p, cs.ID)
	if err != nil {
		return nil, err
	}
	subs, err := s.cw.AllSubmissions(p, cs.ID)
	if err != nil {
		return nil, err
	}
	trail, more, err := s.cw.LatestTrail(p, cs.ID, 50)
	if err != nil {
		return nil, err
	}
	candidates, err := s.cw.MediatorCandidates(p, cs)
	if err != nil {
		return nil, err
	}
	data := &casePageData{Case: s.caseFullOf(cs), CommunityName: s.communityName(cs.Community),
		Parties: fullParties(parties), Kinds: mediation.SubmissionKinds, Trail: auditViews(trail), TrailMore: more,
		Candidates: candidates, SessionKinds: mediation.SessionKinds, Rooms: s.places.Rooms,
		trail: trail, subs: subs}
	if data.entered, err = s.cw.PartyEntries(p, cs.ID); err != nil {
		return nil, err
	}
	names := map[mediation.ID]string{}
	for _, pt := range parties {
		names[pt.Record.ID] = pt.Record.Name
	}
	if data.Sessions, err = s.sessionRows(p, cs.ID, names); err != nil {
		return nil, err
	}
	if data.Agreements, err = s.agreementSection(p, cs, parties, true); err != nil {
		return nil, err
	}
	if data.Closing, err = s.closingSection(p, cs, data.Parties); err != nil {
		return nil, err
	}
	for _, pt := range data.Parties {
		col := partyColumn{Party: pt.Party}
		for _, kind := range mediation.SubmissionKinds {
			g := kindGroup{Kind: kind}
			for _, sub := range subs {
				if sub.PartyID == pt.ID && sub.Kind == kind {
					g.Items = append(g.Items, sub)
				}
			}
			if len(g.Items) > 0 {
				col.Groups = append(col.Groups, g)
			}
		}
		data.Columns = append(data.Columns, col)
	}
	return data, nil
}

// caseMetaPageData is the admin's page of a case.
type caseMetaPageData struct {
	Case          caseMeta
	CommunityName string
	Candidates    []mediation.User
	CanRemove     bool
}

// adminCaseView is the admin's page: metadata and the mediators, with the
// forms to assign and remove them.
func (s *Server) adminCaseView(p mediation.Principal, cs *mediation.Case) (*caseMetaPageData, error) {
	candidates, err := s.cw.MediatorCandidates(p, cs)
	if err != nil {
		return nil, err
	}
	return &caseMetaPageData{Case: s.caseMetaOf(cs), CommunityName: s.communityName(cs.Community),
		Candidates: candidates, CanRemove: s.cw.MayChangeMediators(p, cs)}, nil
}

// caseFormSubmit adapts an operation on a case to a form on the case page: on
// success back to the case, on a problem the case page with the message.
func (s *Server) caseFormSubmit(op caseOp) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, err := op(c, call(c), formInput(c))
		if e, ok := failed(err); ok {
			return s.caseFormFailed(c, e)
		} else if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/cases/"+idParam(c, "case").String()+"?done="+caseFormDone(c.Path()))
	}
}

// caseFormFailed shows the case page again with what was wrong with a form
// on it. The operation decided the principal may act on this case, so it may
// see the case page.
func (s *Server) caseFormFailed(c echo.Context, e *mediation.Error) error {
	st := typed(c)
	st.err = e
	// A form about one of several mediators says which, so that the message
	// stands beside that mediator's form.
	if user := c.Param("user"); user != "" {
		st.values["for"] = user
	}
	return s.showCasePage(c, st)
}
