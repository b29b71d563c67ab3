package web

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// The pages of agreements (调解协议书) and return visits (回访): the section
// of the case pages, the agreement's own page (read, compare, revise,
// propose, sign, decline), its printed 协议书, and the visits' form.

func (s *Server) agreementPageRoutes() {
	e := s.echo
	e.POST("/cases/:case/agreements", s.agreementCreateSubmit, s.pageForm)
	e.GET("/cases/:case/agreements/:agreement", s.agreementPage)
	e.POST("/cases/:case/agreements/:agreement", s.agreementReviseSubmit, s.pageForm)
	e.GET("/cases/:case/agreements/:agreement/print", s.agreementPrintPage)
	e.POST("/cases/:case/agreements/:agreement/propose", s.agreementProposeSubmit, s.pageForm)
	e.POST("/cases/:case/agreements/:agreement/sign", s.agreementSignSubmit, s.pageForm)
	e.POST("/cases/:case/agreements/:agreement/decline", s.agreementDeclineSubmit, s.pageForm)
	e.POST("/cases/:case/visits", s.visitSubmit, s.pageForm)
}

// agreementRow is an agreement as the case pages list it.
type agreementRow struct {
	ID      mediation.ID
	CaseID  mediation.ID
	Status  string
	Oral    bool
	Version int
	Digest  string
}

// agreementSection is the agreements part of a case page: the agreements
// the reader may see; for the mediators the drafting form (with the
// parties as obligors), and, once an agreement is in effect, its terms for
// the return visits' form and the visits so far.
type agreementSection struct {
	CaseID     mediation.ID
	Mediating  bool
	Agreements []agreementRow
	Parties    []partyPublic
	FormTerms  []int
	Today      string
	Effective  *agreementView
	Visits     []mediation.Visit
	Names      map[mediation.ID]string
}

// formTermRows is how many term rows a drafting form offers.
const formTermRows = 5

func (s *Server) agreementSection(p mediation.Principal, cs *mediation.Case, parties []mediation.Visible[mediation.Party], mediator bool) (*agreementSection, error) {
	vs, err := s.cw.Agreements(p, cs.ID)
	if err != nil {
		return nil, err
	}
	sec := &agreementSection{CaseID: cs.ID, Mediating: cs.Status == mediation.StatusMediating,
		Parties: partyNames(parties), Today: s.today(), Names: map[mediation.ID]string{}}
	for i := range formTermRows {
		sec.FormTerms = append(sec.FormTerms, i)
	}
	for _, pt := range parties {
		sec.Names[pt.Record.ID] = pt.Record.Name
	}
	for _, v := range vs {
		a := v.Record
		latest := a.Latest()
		sec.Agreements = append(sec.Agreements, agreementRow{ID: a.ID, CaseID: a.CaseID, Status: a.Status(), Oral: a.Oral,
			Version: latest.Version, Digest: latest.Digest})
		if a.InEffect() && mediator {
			if sec.Effective, err = newAgreementView(v, a.EffectiveVersion); err != nil {
				return nil, err
			}
		}
	}
	if mediator && cs.AgreementInEffect() {
		if sec.Visits, err = s.cw.Visits(p, cs.ID); err != nil {
			return nil, err
		}
	}
	return sec, nil
}

// today is the day it is in the pages' zone, as a date input wants it
// (only a hint to the browser: the operations check the dates).
func (s *Server) today() string { return time.Now().In(s.views.zone).Format(time.DateOnly) }

// agreementPageData is an agreement's page.
type agreementPageData struct {
	Case      caseOverview
	Agreement *agreementView
	Mediator  bool
	// Names are the parties' and mediators' names by ID, for signatures and
	// obligors.
	Names      map[mediation.ID]string
	Signers    []signer
	CanPropose bool
	// Proposed is the version to sign now (0: none); SignedMine and
	// DeclinedMine say what the reader did with it.
	Proposed     int
	SignedMine   bool
	DeclinedMine bool
	Open         bool
	FormTerms    []int
	Parties      []partyPublic
	Today        string
}

// signer is one signature as the page shows it.
type signer struct {
	Name     string
	Party    bool
	Version  int
	Digest   string
	SignedAt any
	Current  bool
}

func (s *Server) agreementPage(c echo.Context) error { return s.showAgreementPage(c, nil) }

// loadAgreementPage gathers what the agreement's page and its print show, at
// the version the query names (default: the latest the reader may see).
func (s *Server) loadAgreementPage(c echo.Context) (*agreementPageData, error) {
	p := principal(c)
	caseID := idParam(c, "case")
	v, err := s.cw.Agreement(p, caseID, idParam(c, "agreement"))
	if err != nil {
		return nil, err
	}
	cs, err := s.cw.Case(p, caseID)
	if err != nil {
		return nil, err
	}
	parties, err := s.cw.Parties(p, caseID)
	if err != nil {
		return nil, err
	}
	n, err := versionQuery(c, "version")
	if err != nil {
		return nil, err
	}
	if n == 0 && v.Record.InEffect() {
		n = v.Record.EffectiveVersion
	}
	av, err := newAgreementView(v, n)
	if err != nil {
		return nil, err
	}
	if from, err := versionQuery(c, "compare"); err != nil {
		return nil, err
	} else if from != 0 {
		if err := av.compare(v, from); err != nil {
			return nil, err
		}
	}
	a := v.Record
	d := &agreementPageData{Case: s.caseOverviewOf(cs.Record), Agreement: av, Mediator: v.Level == mediation.LevelFull,
		Names: map[mediation.ID]string{}, Open: cs.Record.Status == mediation.StatusMediating && !a.InEffect() && !a.Oral,
		Parties: partyNames(parties), Today: s.today()}
	for i := range max(formTermRows, len(av.Terms)+2) {
		d.FormTerms = append(d.FormTerms, i)
	}
	for _, pt := range parties {
		d.Names[pt.Record.ID] = pt.Record.Name
	}
	users := map[mediation.ID]string{}
	for _, m := range s.cw.Mediators(cs.Record) {
		users[m.ID] = m.DisplayName
	}
	if pv := a.Proposed(); pv != nil && d.Open {
		d.Proposed = pv.Version
		d.SignedMine = a.SignedBy(p.PartyID, p.UserID, pv.Version) != nil
		d.DeclinedMine = p.IsParty() && a.DeclinedBy(p.PartyID, pv.Version) != nil
	}
	d.CanPropose = d.Mediator && d.Open && a.Latest().ProposedAt == nil
	for _, sig := range a.Signatures {
		sg := signer{Name: d.Names[sig.PartyID], Party: sig.PartyID != 0, Version: sig.Version, Digest: sig.Digest,
			SignedAt: sig.SignedAt, Current: sig.Version == av.Version}
		if sig.UserID != 0 {
			sg.Name = users[sig.UserID]
			if sg.Name == "" {
				sg.Name = sig.Name
			}
		}
		d.Signers = append(d.Signers, sg)
	}
	return d, nil
}

func (s *Server) showAgreementPage(c echo.Context, st *formState) error {
	d, err := s.loadAgreementPage(c)
	if err != nil {
		return err
	}
	if st == nil && d.Mediator && d.Open {
		st = prefilled(d.Agreement)
	}
	status := http.StatusOK
	if st != nil && st.err != nil {
		status = statuses[st.err.Code]
	}
	return s.render(c, status, templates.PageAgreement, d, st)
}

// agreementPrintData is the printed 协议书: one copy for each party and one
// for the file.
type agreementPrintData struct {
	*agreementPageData
	Copies       []string
	Organisation string
	Mediators    []string
	Date         any
}

func (s *Server) agreementPrintPage(c echo.Context) error {
	d, err := s.loadAgreementPage(c)
	if err != nil {
		return err
	}
	t := s.cat.forRequest(c.Request())
	// The configured organisation, or the generic name where none is.
	pd := &agreementPrintData{agreementPageData: d, Organisation: cmp.Or(s.places.Organisation.Name, t.T("agreement.organisation", nil))}
	for _, pt := range d.Agreement.Parties {
		pd.Copies = append(pd.Copies, t.T("agreement.copy_for", map[string]any{"Name": pt.Name}))
	}
	pd.Copies = append(pd.Copies, t.T("agreement.copy_file", nil))
	for _, sg := range d.Signers {
		if !sg.Party && sg.Current {
			pd.Mediators = append(pd.Mediators, sg.Name)
		}
	}
	pd.Date = d.Agreement.CreatedAt
	if d.Agreement.EffectiveAt != nil && d.Agreement.EffectiveVersion == d.Agreement.Version {
		pd.Date = *d.Agreement.EffectiveAt
	}
	return s.render(c, http.StatusOK, templates.PageAgreementPrint, pd, nil)
}

// agreementFormInput reads the drafting form: the texts, the parties'
// information (rows party_id_N, party_name_N, …), the term rows (term_text_N,
// …; trailing empty rows are dropped) and, when starting one, "oral".
func agreementFormInput(c echo.Context) mediation.Input {
	return func(v any) error {
		form, err := c.FormParams()
		if err != nil {
			return errMalformed
		}
		content := mediation.AgreementContent{Facts: form.Get("facts"), DisputedMatters: form.Get("disputed_matters"),
			Responsibility: form.Get("responsibility"), Remarks: form.Get("remarks")}
		for i := 0; form.Has("party_id_" + strconv.Itoa(i)); i++ {
			k := strconv.Itoa(i)
			id, _ := mediation.ParseID(form.Get("party_id_" + k))
			content.Parties = append(content.Parties, mediation.AgreementParty{PartyID: id, Name: form.Get("party_name_" + k),
				Kind: mediation.PartyKind(form.Get("party_kind_" + k)), Side: mediation.Side(form.Get("party_side_" + k)),
				Represents: form.Get("party_represents_" + k), Address: form.Get("party_address_" + k)})
		}
		var terms []mediation.AgreementTerm
		last := -1
		for i := 0; form.Has("term_text_" + strconv.Itoa(i)); i++ {
			k := strconv.Itoa(i)
			id, _ := mediation.ParseID(form.Get("term_obligor_" + k))
			t := mediation.AgreementTerm{ObligorPartyID: id, Text: form.Get("term_text_" + k), Manner: form.Get("term_manner_" + k),
				Place: form.Get("term_place_" + k), Deadline: form.Get("term_deadline_" + k)}
			terms = append(terms, t)
			if strings.TrimSpace(t.Text+t.Manner+t.Place+t.Deadline) != "" {
				last = i
			}
		}
		content.Terms = terms[:last+1]
		switch dst := v.(type) {
		case *mediation.AgreementInput:
			*dst = mediation.AgreementInput{Oral: form.Get("oral") == "true", Parties: content.Parties, Facts: content.Facts,
				DisputedMatters: content.DisputedMatters, Responsibility: content.Responsibility, Terms: content.Terms,
				Remarks: content.Remarks}
		case *mediation.AgreementContent:
			*dst = content
		default:
			return fmt.Errorf("web: agreement form into %T", v)
		}
		return nil
	}
}

func agreementPath(caseID, id mediation.ID) string {
	return fmt.Sprintf("/cases/%s/agreements/%s", caseID, id)
}

func (s *Server) agreementCreateSubmit(c echo.Context) error {
	v, err := s.cw.CreateAgreement(call(c), idParam(c, "case"), agreementFormInput(c))
	if e, ok := failed(err); ok {
		return s.caseFormFailed(c, e)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, agreementPath(v.Record.CaseID, v.Record.ID)+"?done=agreement_saved")
}

// agreementFormDone answers a form of the agreement's page: the page again
// with what is wrong, or back to the page (post/redirect/get).
func (s *Server) agreementFormDone(c echo.Context, err error, done, anchor string) error {
	if e, ok := failed(err); ok {
		st := typed(c)
		st.err = e
		return s.showAgreementPage(c, st)
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, agreementPath(idParam(c, "case"), idParam(c, "agreement"))+"?done="+done+anchor)
}

func (s *Server) agreementReviseSubmit(c echo.Context) error {
	_, err := s.cw.ReviseAgreement(call(c), idParam(c, "case"), idParam(c, "agreement"), agreementFormInput(c))
	return s.agreementFormDone(c, err, "agreement_saved", "")
}

func (s *Server) agreementProposeSubmit(c echo.Context) error {
	_, err := s.cw.ProposeAgreement(call(c), idParam(c, "case"), idParam(c, "agreement"))
	return s.agreementFormDone(c, err, "agreement_proposed", "")
}

func (s *Server) agreementSignSubmit(c echo.Context) error {
	in := func(v any) error {
		si := v.(*mediation.SignInput)
		if err := bindForm(c, si); err != nil {
			return err
		}
		si.Version, _ = strconv.Atoi(c.FormValue("version"))
		return nil
	}
	err := s.limitSigning(c, func() error {
		_, err := s.cw.SignAgreement(call(c), idParam(c, "case"), idParam(c, "agreement"), in)
		return err
	})
	return s.agreementFormDone(c, err, "agreement_signed", "#signatures")
}

func (s *Server) agreementDeclineSubmit(c echo.Context) error {
	in := func(v any) error {
		di := v.(*mediation.DeclineInput)
		if err := bindForm(c, di); err != nil {
			return err
		}
		di.Version, _ = strconv.Atoi(c.FormValue("version"))
		return nil
	}
	_, err := s.cw.DeclineAgreement(call(c), idParam(c, "case"), idParam(c, "agreement"), in)
	return s.agreementFormDone(c, err, "agreement_declined", "#signatures")
}

// prefilled is the revising form filled with the version shown.
func prefilled(av *agreementView) *formState {
	v := map[string]string{"facts": av.Facts, "disputed_matters": av.DisputedMatters,
		"responsibility": av.Responsibility, "remarks": av.Remarks}
	for i, p := range av.Parties {
		k := strconv.Itoa(i)
		v["party_name_"+k], v["party_represents_"+k], v["party_address_"+k] = p.Name, p.Represents, p.Address
	}
	for i, t := range av.Terms {
		k := strconv.Itoa(i)
		v["term_obligor_"+k], v["term_text_"+k], v["term_manner_"+k] = t.ObligorPartyID.String(), t.Text, t.Manner
		v["term_place_"+k], v["term_deadline_"+k] = t.Place, t.Deadline
	}
	return &formState{values: v}
}

// partyNames are the name and side of every party the reader may see, for
// the obligors of terms and the visits' form (no contact details).
func partyNames(parties []mediation.Visible[mediation.Party]) []partyPublic {
	out := make([]partyPublic, 0, len(parties))
	for _, v := range parties {
		pt := v.Record
		out = append(out, partyPublic{ID: pt.ID, CaseID: pt.CaseID, Name: pt.Name, Kind: pt.Kind, Side: pt.Side, View: mediation.LevelPublic})
	}
	return out
}
