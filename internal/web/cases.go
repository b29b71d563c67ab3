package web

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// The operations on cases. Each takes its decisions once; the JSON handlers
// below and the pages in pages.go only read input and present the outcome.

// loadCase loads the case named in the URL and checks that the principal may
// do act to obj (an object kind inside the case). Anything the principal may
// not see answers exactly as if it did not exist.
func (s *Server) loadCase(c echo.Context, obj, act string) (*mediation.Case, error) {
	if err := s.require(c, obj, act); err != nil {
		return nil, err
	}
	cs, err := s.caseInURL(c)
	if err != nil {
		return nil, err
	}
	if err := s.authz.Check(principal(c), act, authz.CaseObject(obj, cs)); err != nil {
		return nil, err
	}
	return cs, nil
}

// visibleCase loads the case named in the URL for whoever may see it at all,
// in any view.
func (s *Server) visibleCase(c echo.Context) (*mediation.Case, error) {
	p := principal(c)
	if p.Anonymous() {
		return nil, mediation.Unauthorized()
	}
	if !slices.ContainsFunc([]string{authz.ActRead, authz.ActReadOverview, authz.ActReadMeta},
		func(act string) bool { return s.authz.MayEver(p, authz.ObjCase, act) }) {
		return nil, mediation.Forbidden()
	}
	cs, err := s.caseInURL(c)
	if err != nil {
		return nil, err
	}
	if !s.visible(c, cs) {
		return nil, mediation.NotFound()
	}
	return cs, nil
}

// caseInURL loads the case the URL names, unchecked: every caller decides
// next whether the principal may see it.
func (s *Server) caseInURL(c echo.Context) (*mediation.Case, error) {
	id, err := pathID(c, "case")
	if err != nil {
		return nil, err
	}
	return s.db.Case(id)
}

// openCase opens a case in intake, with its creator as its first mediator.
func (s *Server) openCase(c echo.Context, read reader) (*mediation.Case, error) {
	if err := s.require(c, authz.ObjCase, authz.ActCreate); err != nil {
		return nil, err
	}
	p := principal(c)
	if err := s.authz.Check(p, authz.ActCreate, authz.GlobalObject(authz.ObjCase)); err != nil {
		return nil, err
	}
	var in mediation.CaseInput
	if err := read(&in); err != nil {
		return nil, err
	}
	cs, err := mediation.NewCase(in, s.places, p.UserID, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	return s.changeMediators(func() (*mediation.Case, error) {
		err := s.db.CreateCase(cs, actor(c), keyed(c)...)
		if r, ok := replayed(c, err); ok {
			return s.db.Case(r.ID())
		}
		return cs, err
	}, p.UserID)
}

// changeMediators runs a change of a case's mediators, then brings the grants
// of the given users into line with the case as the store has it now: a
// replayed request or a later recusal must not grant what the store no longer
// holds. One lock covers both steps, so that concurrent changes leave the
// grants in the store's order.
func (s *Server) changeMediators(change func() (*mediation.Case, error), users ...mediation.ID) (*mediation.Case, error) {
	s.members.Lock()
	defer s.members.Unlock()
	cs, err := change()
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		g := authz.MediatorGrant(u, cs.ID)
		if cs.HasMediator(u) {
			err = s.authz.Grant(g)
		} else {
			err = s.authz.Revoke(g)
		}
		if err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// listedCases lists the cases the principal may see, newest first: a
// mediator's assigned cases, a party's own case, every case's metadata for an
// admin.
func (s *Server) listedCases(c echo.Context) ([]listedCase, mediation.ID, error) {
	if err := s.require(c, authz.ObjCase, authz.ActList); err != nil {
		return nil, 0, err
	}
	// Listing is a role's right; which cases appear is decided row by row below.
	p := principal(c)
	f := store.CaseFilter{}
	var err error
	if f.Cursor, f.Limit, err = page(c); err != nil {
		return nil, 0, err
	}
	if st := mediation.Status(c.QueryParam("status")); st != "" {
		if !st.Valid() {
			return nil, 0, mediation.Invalid("status", "validation.enum", "")
		}
		f.Status = st
	}
	if cat := mediation.Category(c.QueryParam("category")); cat != "" {
		if !cat.Valid() {
			return nil, 0, mediation.Invalid("category", "validation.enum", "")
		}
		f.Category = cat
	}
	// Which index to read is only a matter of speed: every row still passes
	// the access check.
	switch {
	case p.IsParty():
		f.Case = p.CaseID
	case p.Role == mediation.RoleMediator:
		f.Mediator = p.UserID
	default:
		f.All = true
	}
	cases, next, err := s.db.Cases(f)
	if err != nil {
		return nil, 0, err
	}
	var out []listedCase
	for i := range cases {
		if level := s.caseLevel(c, &cases[i]); level != "" {
			out = append(out, listedCase{Case: &cases[i], Level: level})
		}
	}
	return out, next, nil
}

// listedCase is a case in a list, with the view of it the principal may read.
type listedCase struct {
	Case  *mediation.Case
	Level string
}

// amendCase changes the fields the patch names.
func (s *Server) amendCase(c echo.Context, read reader) (*mediation.Case, error) {
	cs, err := s.loadCase(c, authz.ObjCase, authz.ActUpdate)
	if err != nil {
		return nil, err
	}
	var patch mediation.CasePatch
	if err := read(&patch); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	return s.db.UpdateCase(cs.ID, actor(c), func(cs *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
		before := *cs
		if err := cs.Apply(patch, s.places, now); err != nil {
			return store.CaseChange{}, err
		}
		changed := changedFields(&before, cs)
		if changed == "" {
			*cs = before
			return store.CaseChange{}, nil
		}
		return store.CaseChange{Action: mediation.AuditCaseUpdate, Detail: map[string]string{"fields": changed}}, nil
	})
}

// changedFields names the fields that differ, for the audit trail.
func changedFields(a, b *mediation.Case) string {
	fields := map[string]bool{
		"title": a.Title != b.Title, "category": a.Category != b.Category,
		"community": a.Community != b.Community, "street": a.Street != b.Street,
		"summary": a.Summary != b.Summary, "source": a.Source != b.Source,
	}
	maps.DeleteFunc(fields, func(_ string, changed bool) bool { return !changed })
	return strings.Join(slices.Sorted(maps.Keys(fields)), ",")
}

// moveCase moves a case through its status machine.
func (s *Server) moveCase(c echo.Context, read reader) (*mediation.Case, error) {
	cs, err := s.loadCase(c, authz.ObjCase, authz.ActTransition)
	if err != nil {
		return nil, err
	}
	var t mediation.Transition
	if err := read(&t); err != nil {
		return nil, err
	}
	moved, err := s.db.TransitionCase(cs.ID, actor(c), t, keyed(c)...)
	if _, ok := replayed(c, err); ok {
		return s.db.Case(cs.ID)
	}
	return moved, err
}

// assignMediator adds a mediator to the case.
func (s *Server) assignMediator(c echo.Context, read reader) (*mediation.Case, error) {
	cs, err := s.loadCase(c, authz.ObjMediator, authz.ActAssign)
	if err != nil {
		return nil, err
	}
	var in mediation.Assignment
	if err := read(&in); err != nil {
		return nil, err
	}
	if err := mediation.Validate(&in); err != nil {
		return nil, err
	}
	return s.changeMediators(func() (*mediation.Case, error) {
		assigned, err := s.db.AssignMediator(cs.ID, in.UserID, actor(c), keyed(c)...)
		if _, ok := replayed(c, err); ok {
			return s.db.Case(cs.ID)
		}
		return assigned, err
	}, in.UserID)
}

// removeMediator takes a mediator off the case, for example on recusal (回避).
func (s *Server) removeMediator(c echo.Context, read reader) (*mediation.Case, error) {
	cs, err := s.loadCase(c, authz.ObjMediator, authz.ActRemove)
	if err != nil {
		return nil, err
	}
	user, err := pathID(c, "user")
	if err != nil {
		return nil, err
	}
	var in mediation.Removal
	if err := read(&in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.changeMediators(func() (*mediation.Case, error) {
		return s.db.RemoveMediator(cs.ID, user, actor(c), in.Reason)
	}, user)
}

// The JSON API on cases.

func (s *Server) apiCreateCase(c echo.Context) error {
	cs, err := s.openCase(c, jsonReader(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.caseView(c, cs, people{}))
}

func (s *Server) apiListCases(c echo.Context) error {
	cases, next, err := s.listedCases(c)
	if err != nil {
		return err
	}
	pp := people{}
	views := make([]any, len(cases))
	for i, l := range cases {
		views[i] = s.caseViewAt(l.Case, l.Level, pp)
	}
	return c.JSON(http.StatusOK, newList(views, next))
}

func (s *Server) apiShowCase(c echo.Context) error {
	cs, err := s.visibleCase(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseView(c, cs, people{}))
}

// caseAnswer adapts an operation that returns the case to a JSON answer.
func (s *Server) caseAnswer(op func(echo.Context, reader) (*mediation.Case, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		cs, err := op(c, jsonReader(c))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, s.caseView(c, cs, people{}))
	}
}
