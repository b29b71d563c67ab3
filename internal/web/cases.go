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

// loadCase loads the case named in the URL and checks that the principal may
// do act to obj (an object kind inside the case). Anything the principal may
// not see answers exactly as if it did not exist.
func (s *Server) loadCase(c echo.Context, obj, act string) (*mediation.Case, error) {
	if err := s.require(c, obj, act); err != nil {
		return nil, err
	}
	id, err := pathID(c, "case")
	if err != nil {
		return nil, err
	}
	cs, err := s.db.Case(id)
	if err != nil {
		return nil, err
	}
	if err := s.authz.Check(principal(c), act, authz.CaseObject(obj, cs)); err != nil {
		return nil, err
	}
	return cs, nil
}

// createCase opens a case in intake, with its creator as its first mediator.
func (s *Server) createCase(c echo.Context) error {
	if err := s.require(c, authz.ObjCase, authz.ActCreate); err != nil {
		return err
	}
	p := principal(c)
	if err := s.authz.Check(p, authz.ActCreate, authz.GlobalObject(authz.ObjCase)); err != nil {
		return err
	}
	var in mediation.CaseInput
	if err := decode(c, &in); err != nil {
		return err
	}
	cs, err := mediation.NewCase(in, s.places, p.UserID, s.db.Now().UTC())
	if err != nil {
		return err
	}
	if err := s.db.CreateCase(cs, actor(c)); err != nil {
		return err
	}
	if err := s.authz.Grant(authz.MediatorGrant(p.UserID, cs.ID)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.caseView(c, cs, people{}))
}

// listCases lists the cases the principal may see, newest first: a mediator's
// assigned cases, a party's own case, every case's metadata for an admin.
func (s *Server) listCases(c echo.Context) error {
	if err := s.require(c, authz.ObjCase, authz.ActList); err != nil {
		return err
	}
	// Listing is a role's right; which cases appear is decided row by row below.
	p := principal(c)
	f := store.CaseFilter{}
	var err error
	if f.Cursor, f.Limit, err = page(c); err != nil {
		return err
	}
	if st := mediation.Status(c.QueryParam("status")); st != "" {
		if !st.Valid() {
			return mediation.Invalid("status", "validation.enum", "")
		}
		f.Status = st
	}
	if cat := mediation.Category(c.QueryParam("category")); cat != "" {
		if !cat.Valid() {
			return mediation.Invalid("category", "validation.enum", "")
		}
		f.Category = cat
	}
	// Which index to read is only a matter of speed: every row still passes
	// the access check below.
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
		return err
	}
	pp := people{}
	views := []any{}
	for i := range cases {
		if v := s.caseView(c, &cases[i], pp); v != nil {
			views = append(views, v)
		}
	}
	return c.JSON(http.StatusOK, newList(views, next))
}

// showCase answers the richest view of the case the principal may read.
func (s *Server) showCase(c echo.Context) error {
	p := principal(c)
	if p.Anonymous() {
		return mediation.Errorf(mediation.EUNAUTHORIZED, "error.unauthorized")
	}
	if !slices.ContainsFunc([]string{authz.ActRead, authz.ActReadOverview, authz.ActReadMeta},
		func(act string) bool { return s.authz.MayEver(p, authz.ObjCase, act) }) {
		return mediation.Forbidden()
	}
	id, err := pathID(c, "case")
	if err != nil {
		return err
	}
	cs, err := s.db.Case(id)
	if err != nil {
		return err
	}
	v := s.caseView(c, cs, people{})
	if v == nil {
		return mediation.NotFound()
	}
	return c.JSON(http.StatusOK, v)
}

// updateCase changes the fields the patch names.
func (s *Server) updateCase(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjCase, authz.ActUpdate)
	if err != nil {
		return err
	}
	var patch mediation.CasePatch
	if err := decode(c, &patch); err != nil {
		return err
	}
	now := s.db.Now().UTC()
	cs, err = s.db.UpdateCase(cs.ID, actor(c), func(cs *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
		before := *cs
		if err := cs.Apply(patch, s.places, now); err != nil {
			return store.CaseChange{}, err
		}
		changed := changedFields(&before, cs)
		if len(changed) == 0 {
			*cs = before
			return store.CaseChange{}, nil
		}
		return store.CaseChange{Action: mediation.AuditCaseUpdate, Detail: changed}, nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseView(c, cs, people{}))
}

// changedFields names the fields that differ, for the audit trail.
func changedFields(a, b *mediation.Case) map[string]string {
	fields := map[string]bool{
		"title": a.Title != b.Title, "category": a.Category != b.Category,
		"community": a.Community != b.Community, "street": a.Street != b.Street,
		"summary": a.Summary != b.Summary, "source": a.Source != b.Source,
	}
	maps.DeleteFunc(fields, func(_ string, changed bool) bool { return !changed })
	if len(fields) == 0 {
		return nil
	}
	out := map[string]string{"fields": ""}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if out["fields"] != "" {
			out["fields"] += ","
		}
		out["fields"] += name
	}
	return out
}

// transitionCase moves a case through its status machine.
func (s *Server) transitionCase(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjCase, authz.ActTransition)
	if err != nil {
		return err
	}
	var t mediation.Transition
	if err := decode(c, &t); err != nil {
		return err
	}
	cs, err = s.db.TransitionCase(cs.ID, actor(c), t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseView(c, cs, people{}))
}

type assignRequest struct {
	UserID mediation.ID `json:"user_id" validate:"required"`
}

// assignMediator adds a mediator to the case.
func (s *Server) assignMediator(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjMediator, authz.ActAssign)
	if err != nil {
		return err
	}
	var in assignRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := mediation.Validate(&in); err != nil {
		return err
	}
	cs, err = s.db.AssignMediator(cs.ID, in.UserID, actor(c))
	if err != nil {
		return err
	}
	if err := s.authz.Grant(authz.MediatorGrant(in.UserID, cs.ID)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseView(c, cs, people{}))
}

type removeRequest struct {
	Reason string `json:"reason" validate:"text,required,max=1000"`
}

// removeMediator takes a mediator off the case, for example on recusal (回避).
func (s *Server) removeMediator(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjMediator, authz.ActRemove)
	if err != nil {
		return err
	}
	user, err := pathID(c, "user")
	if err != nil {
		return err
	}
	var in removeRequest
	if err := decode(c, &in); err != nil {
		return err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if err := mediation.Validate(&in); err != nil {
		return err
	}
	cs, err = s.db.RemoveMediator(cs.ID, user, actor(c), in.Reason)
	if err != nil {
		return err
	}
	if err := s.authz.Revoke(authz.MediatorGrant(user, cs.ID)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.caseView(c, cs, people{}))
}
