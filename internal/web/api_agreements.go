package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// The JSON API on agreements (调解协议书) and return visits (回访).

// agreementVersionSummary is one version in an agreement's list of them.
type agreementVersionSummary struct {
	Version    int        `json:"version"`
	Digest     string     `json:"digest"`
	CreatedAt  time.Time  `json:"created_at"`
	ProposedAt *time.Time `json:"proposed_at,omitempty"`
}

// agreementView is an agreement as its reader may see it, showing one
// version: its content, its canonical text (what is signed) and digest, the
// versions the reader may see, every signature and refusal given to them,
// and, when asked, a field-by-field comparison with another version.
type agreementView struct {
	ID     mediation.ID `json:"id"`
	CaseID mediation.ID `json:"case_id"`
	Oral   bool         `json:"oral"`
	Status string       `json:"status"`

	Version    int        `json:"version"`
	Digest     string     `json:"digest"`
	Text       string     `json:"text"`
	CreatedAt  time.Time  `json:"created_at"`
	ProposedAt *time.Time `json:"proposed_at,omitempty"`
	mediation.AgreementContent

	Versions         []agreementVersionSummary `json:"versions"`
	Signatures       []mediation.Signature     `json:"signatures"`
	Declines         []mediation.Decline       `json:"declines"`
	EffectiveVersion int                       `json:"effective_version,omitempty"`
	EffectiveAt      *time.Time                `json:"effective_at,omitempty"`

	ComparedTo *int                    `json:"compared_to,omitempty"`
	Comparison []mediation.FieldChange `json:"comparison,omitempty"`
	View       mediation.Level         `json:"view"`
}

// newAgreementView shows version n of the agreement (0: the latest the
// reader may see); a version it may not see is ENOTFOUND.
func newAgreementView(v mediation.Visible[mediation.Agreement], n int) (*agreementView, error) {
	a := v.Record
	ver := a.Latest()
	if n != 0 {
		ver = a.Version(n)
	}
	if ver == nil {
		return nil, mediation.NotFound()
	}
	out := &agreementView{ID: a.ID, CaseID: a.CaseID, Oral: a.Oral, Status: a.Status(),
		Version: ver.Version, Digest: ver.Digest, Text: string(a.CanonicalText(ver)), CreatedAt: ver.CreatedAt,
		ProposedAt: ver.ProposedAt, AgreementContent: ver.Content,
		Signatures: a.Signatures, Declines: a.Declines, EffectiveVersion: a.EffectiveVersion, EffectiveAt: a.EffectiveAt,
		View: v.Level}
	for _, x := range a.Versions {
		out.Versions = append(out.Versions, agreementVersionSummary{Version: x.Version, Digest: x.Digest,
			CreatedAt: x.CreatedAt, ProposedAt: x.ProposedAt})
	}
	if out.Signatures == nil {
		out.Signatures = []mediation.Signature{}
	}
	if out.Declines == nil {
		out.Declines = []mediation.Decline{}
	}
	return out, nil
}

// compare adds the comparison from version from to the shown one.
func (av *agreementView) compare(v mediation.Visible[mediation.Agreement], from int) error {
	x := v.Record.Version(from)
	if x == nil {
		return mediation.NotFound()
	}
	shown := v.Record.Version(av.Version)
	av.ComparedTo = &from
	av.Comparison = mediation.CompareContent(x.Content, shown.Content)
	if av.Comparison == nil {
		av.Comparison = []mediation.FieldChange{}
	}
	return nil
}

// versionQuery reads a version number from the query (0 when absent).
func versionQuery(c echo.Context, name string) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || strconv.Itoa(n) != raw {
		return 0, mediation.Invalid(name, "validation.invalid", "")
	}
	return n, nil
}

func (s *Server) agreementAnswer(c echo.Context, r *mediation.Request, status int, v mediation.Visible[mediation.Agreement]) error {
	av, err := newAgreementView(v, 0)
	if err != nil {
		return err
	}
	return answer(c, r, status, av)
}

func (s *Server) apiCreateAgreement(c echo.Context) error {
	r := call(c)
	v, err := s.cw.CreateAgreement(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	return s.agreementAnswer(c, r, http.StatusCreated, v)
}

func (s *Server) apiListAgreements(c echo.Context) error {
	vs, err := s.cw.Agreements(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	items := make([]*agreementView, 0, len(vs))
	for _, v := range vs {
		av, err := newAgreementView(v, 0)
		if err != nil {
			return err
		}
		items = append(items, av)
	}
	return ok(c, newList(items, 0))
}

// apiShowAgreement answers an agreement at its latest version the reader
// may see, or at ?version=N; with ?compare=M it adds the field-by-field
// comparison from version M to the one shown.
func (s *Server) apiShowAgreement(c echo.Context) error {
	v, err := s.cw.Agreement(principal(c), idParam(c, "case"), idParam(c, "agreement"))
	if err != nil {
		return err
	}
	n, err := versionQuery(c, "version")
	if err != nil {
		return err
	}
	from, err := versionQuery(c, "compare")
	if err != nil {
		return err
	}
	av, err := newAgreementView(v, n)
	if err != nil {
		return err
	}
	if from != 0 {
		if err := av.compare(v, from); err != nil {
			return err
		}
	}
	return ok(c, av)
}

func (s *Server) apiReviseAgreement(c echo.Context) error {
	r := call(c)
	v, err := s.cw.ReviseAgreement(r, idParam(c, "case"), idParam(c, "agreement"), jsonInput(c))
	if err != nil {
		return err
	}
	return s.agreementAnswer(c, r, http.StatusOK, v)
}

func (s *Server) apiProposeAgreement(c echo.Context) error {
	r := call(c)
	v, err := s.cw.ProposeAgreement(r, idParam(c, "case"), idParam(c, "agreement"))
	if err != nil {
		return err
	}
	return s.agreementAnswer(c, r, http.StatusOK, v)
}

func (s *Server) apiSignAgreement(c echo.Context) error {
	r := call(c)
	var v mediation.Visible[mediation.Agreement]
	err := s.limitSigning(c, func() (err error) {
		v, err = s.cw.SignAgreement(r, idParam(c, "case"), idParam(c, "agreement"), jsonInput(c))
		return err
	})
	if err != nil {
		return err
	}
	return s.agreementAnswer(c, r, http.StatusOK, v)
}

// limitSigning runs a party's signature under the limit of its wrong PINs
// at entry, one budget per party: a signed-in session guesses the PIN no
// faster than a stranger holding the link. A wrong PIN on signing counts as
// a failed entry; anything else gives its attempt back.
func (s *Server) limitSigning(c echo.Context, sign func() error) error {
	p := principal(c)
	if !p.IsParty() {
		return sign()
	}
	done, err := s.limitAccess(c, "party:"+p.PartyID.String())
	if err != nil {
		return err
	}
	err = sign()
	var e *mediation.Error
	if errors.As(err, &e) && e.Fields["pin"].Key == "validation.pin_wrong" {
		done(mediation.Unauthorized())
	} else {
		done(err)
	}
	return err
}

func (s *Server) apiDeclineAgreement(c echo.Context) error {
	r := call(c)
	v, err := s.cw.DeclineAgreement(r, idParam(c, "case"), idParam(c, "agreement"), jsonInput(c))
	if err != nil {
		return err
	}
	return s.agreementAnswer(c, r, http.StatusOK, v)
}

func (s *Server) apiCreateVisit(c echo.Context) error {
	r := call(c)
	v, err := s.cw.CreateVisit(r, idParam(c, "case"), jsonInput(c))
	if err != nil {
		return err
	}
	return answer(c, r, http.StatusCreated, v)
}

func (s *Server) apiListVisits(c echo.Context) error {
	vs, err := s.cw.Visits(principal(c), idParam(c, "case"))
	if err != nil {
		return err
	}
	return ok(c, newList(vs, 0))
}
