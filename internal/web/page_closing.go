package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The pages of closing a case: the checklist on the mediators' case page
// with its forms, the recusal form on a party's page, the mediator's
// conflict-of-interest profile and the printable case file (卷宗).

// closingPageRoutes registers the pages of closing, neutrality and recusals.
func (s *Server) closingPageRoutes() {
	e := s.echo
	e.POST("/cases/:case/parties/:party/notice", s.fileFormSubmit(func(c echo.Context, r *mediation.Request) error {
		_, err := s.cw.RecordNotice(r, idParam(c, "case"), idParam(c, "party"), formInput(c))
		return err
	}), s.pageForm)
	e.POST("/cases/:case/parties/:party/identity", s.fileFormSubmit(func(c echo.Context, r *mediation.Request) error {
		_, err := s.cw.ConfirmIdentity(r, idParam(c, "case"), idParam(c, "party"), formInput(c))
		return err
	}), s.pageForm)
	e.POST("/cases/:case/no-agreement", s.fileFormSubmit(func(c echo.Context, r *mediation.Request) error {
		_, err := s.cw.RecordNoAgreement(r, idParam(c, "case"), noAgreementForm(c))
		return err
	}), s.pageForm)
	e.POST("/cases/:case/recusals", s.fileFormSubmit(func(c echo.Context, r *mediation.Request) error {
		_, err := s.cw.RequestRecusal(r, idParam(c, "case"), formInput(c))
		return err
	}), s.pageForm)
	e.GET("/cases/:case/file", s.caseFilePage)
	e.GET("/me/interests", s.interestsPage)
	e.POST("/me/interests", s.interestsSubmit, s.pageForm)
}

// fileFormSubmit adapts an operation on a case's file to a form on the case
// page: on success back to the case's checklist, on a problem the case page
// with the message beside the form it came from.
func (s *Server) fileFormSubmit(op func(c echo.Context, r *mediation.Request) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := op(c, call(c))
		if e, ok := failed(err); ok {
			st := typed(c)
			st.err = e
			st.values["for"] = c.Param("party")
			return s.showCasePage(c, st)
		} else if err != nil {
			return err
		}
		done, anchor := "file_updated", "#closing"
		if principal(c).IsParty() {
			done, anchor = "recusal_requested", "#recusal"
		}
		return c.Redirect(http.StatusSeeOther, "/cases/"+idParam(c, "case").String()+"?done="+done+anchor)
	}
}

// noAgreementForm reads the form of a failed mediation: its reason, and the
// checkbox that the parties were told of their other remedies.
func noAgreementForm(c echo.Context) mediation.Input {
	return func(v any) error {
		in, ok := v.(*mediation.NoAgreementInput)
		form, err := c.FormParams()
		if !ok || err != nil {
			return errMalformed
		}
		in.Reason = form.Get("reason")
		in.RemediesExplained = form.Get("remedies_explained") != ""
		return nil
	}
}

// checkItem is one line of the checklist as the page shows it.
type checkItem struct {
	mediation.ChecklistItem
	Code      string
	PartyName string
}

// closingView is the checklist section of the mediators' case page.
type closingView struct {
	Checklist   *mediation.Checklist
	Items       []checkItem
	NoAgreement *mediation.NoAgreementNote
	// CanRecordFailure says the case's status takes the record of a failed
	// mediation (mediating or no_agreement).
	CanRecordFailure bool
	Overrides        []overrideView
	Recusals         []recusalView
	// ItemsHTML are the items as the page writes them (fragments.go).
	ItemsHTML []template.HTML
}

type overrideView struct {
	mediation.Override
	Name string
}

type recusalView struct {
	mediation.Recusal
	Mediator, Party string
}

// closingSection is the checklist, the overrides of conflict checks and the
// recusal requests, for the mediators' case page.
func (s *Server) closingSection(p mediation.Principal, cs *mediation.Case, parties []partyFull) (*closingView, error) {
	cl, err := s.cw.Checklist(p, cs.ID)
	if err != nil {
		return nil, err
	}
	d, err := s.cw.Dossier(p, cs.ID)
	if err != nil {
		return nil, err
	}
	recusals, err := s.cw.Recusals(p, cs.ID)
	if err != nil {
		return nil, err
	}
	names := map[mediation.ID]string{}
	for _, pt := range parties {
		names[pt.ID] = pt.Name
	}
	v := &closingView{Checklist: cl, NoAgreement: d.NoAgreement, CanRecordFailure: cs.AcceptsNoAgreement() == nil && cs.Changeable() == nil}
	for _, it := range cl.Items {
		v.Items = append(v.Items, checkItem{ChecklistItem: it, Code: it.Code(), PartyName: names[it.PartyID]})
	}
	mediators := map[mediation.ID]string{}
	for _, m := range s.cw.Mediators(cs) {
		mediators[m.ID] = m.DisplayName
	}
	for _, o := range d.Overrides {
		v.Overrides = append(v.Overrides, overrideView{Override: o, Name: s.userName(mediators, o.UserID)})
	}
	for _, r := range recusals {
		v.Recusals = append(v.Recusals, recusalView{Recusal: r, Mediator: s.userName(mediators, r.UserID), Party: names[r.PartyID]})
	}
	return v, nil
}

// userName is a mediator's display name, or its user ID once it has left
// the case.
func (s *Server) userName(known map[mediation.ID]string, id mediation.ID) string {
	if n, ok := known[id]; ok {
		return n
	}
	return "#" + id.String()
}

// recusalSection is a party's own recusal requests and the mediators it may
// ask to step aside, for its page of the case.
type partyRecusals struct {
	Mine      []recusalView
	Mediators []mediation.Person
	Open      bool
}

func (s *Server) recusalSection(p mediation.Principal, cs *mediation.Case) (*partyRecusals, error) {
	rs, err := s.cw.Recusals(p, cs.ID)
	if err != nil {
		return nil, err
	}
	mediators := s.cw.Mediators(cs)
	known := map[mediation.ID]string{}
	for _, m := range mediators {
		known[m.ID] = m.DisplayName
	}
	out := &partyRecusals{Mediators: mediators, Open: cs.Changeable() == nil}
	for _, r := range rs {
		out.Mine = append(out.Mine, recusalView{Recusal: r, Mediator: s.userName(known, r.UserID)})
	}
	return out, nil
}

// caseFilePageData is the printable case file.
type caseFilePageData struct {
	File          *mediation.CaseFileView
	CommunityName string
	Mediators     []mediation.Person
	PartyNames    map[string]string
	Items         []checkItem
	Printed       string
}

// caseFilePage shows the case file (卷宗) for printing, A4.
func (s *Server) caseFilePage(c echo.Context) error {
	p := principal(c)
	f, err := s.cw.CaseFile(p, idParam(c, "case"))
	if err != nil {
		return err
	}
	data := caseFilePageData{File: f, CommunityName: s.communityName(f.Case.Community),
		Mediators: s.cw.Mediators(&f.Case), PartyNames: map[string]string{}}
	for _, pt := range f.Parties {
		data.PartyNames[pt.ID.String()] = pt.Name
	}
	for _, it := range f.Checklist.Items {
		data.Items = append(data.Items, checkItem{ChecklistItem: it, Code: it.Code(), PartyName: data.PartyNames[it.PartyID.String()]})
	}
	return s.render(c, http.StatusOK, templates.PageCaseFile, data, nil)
}

// interestsPageData is the mediator's conflict-of-interest profile.
type interestsPageData struct {
	Interests     *mediation.Interests
	Communities   []mediation.Community
	Chosen        map[string]bool
	Buildings     string
	Organisations string
}

func (s *Server) interestsPage(c echo.Context) error {
	return s.showInterests(c, nil)
}

func (s *Server) showInterests(c echo.Context, st *formState) error {
	in, err := s.cw.Interests(principal(c))
	if err != nil {
		return err
	}
	data := interestsPageData{Interests: in, Communities: s.places.Communities, Chosen: map[string]bool{},
		Buildings: strings.Join(in.Buildings, "\n"), Organisations: strings.Join(in.Organisations, "\n")}
	for _, code := range in.Communities {
		data.Chosen[code] = true
	}
	status := http.StatusOK
	if st != nil && st.err != nil {
		status = statuses[st.err.Code]
		form, _ := c.FormParams()
		data.Chosen = map[string]bool{}
		for _, code := range form["communities"] {
			data.Chosen[code] = true
		}
		data.Buildings, data.Organisations = form.Get("buildings"), form.Get("organisations")
	}
	return s.render(c, status, templates.PageInterests, data, st)
}

// interestsSubmit saves the profile: communities ticked, buildings and
// organisations one a line.
func (s *Server) interestsSubmit(c echo.Context) error {
	_, err := s.cw.SetInterests(call(c), func(v any) error {
		in, ok := v.(*mediation.InterestsInput)
		form, err := c.FormParams()
		if !ok || err != nil {
			return errMalformed
		}
		in.Communities = append([]string{}, form["communities"]...)
		in.Buildings, in.Organisations = lines(form.Get("buildings")), lines(form.Get("organisations"))
		return nil
	})
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.showInterests(c, st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/me/interests?done=interests_saved")
}

// lines splits a text area into its non-blank lines.
func lines(text string) []string {
	out := []string{}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
