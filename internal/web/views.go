package web

import (
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// What each kind of reader sees of a case. The richest view the principal may
// read is chosen by the one access check.

// person names a staff user.
type person struct {
	ID          mediation.ID `json:"id"`
	DisplayName string       `json:"display_name"`
}

// caseMeta is what an admin sees: enough to assign mediators, no content.
type caseMeta struct {
	ID        mediation.ID       `json:"id"`
	Reference string             `json:"reference"`
	Category  mediation.Category `json:"category"`
	Status    mediation.Status   `json:"status"`
	Community string             `json:"community"`
	Street    string             `json:"street"`
	Mediators []person           `json:"mediators"`
	OpenedAt  time.Time          `json:"opened_at"`
	ClosedAt  *time.Time         `json:"closed_at,omitempty"`
	View      string             `json:"view"` // "meta", "overview" or "full"
}

// caseOverview is what a party sees.
type caseOverview struct {
	caseMeta
	Title string `json:"title"`
}

// caseFull is what an assigned mediator sees.
type caseFull struct {
	caseOverview
	Summary      string             `json:"summary"`
	Source       mediation.Source   `json:"source"`
	CreatedBy    mediation.ID       `json:"created_by"`
	UpdatedAt    time.Time          `json:"updated_at"`
	NextStatuses []mediation.Status `json:"next_statuses"`
}

// people looks up staff names, once each per request.
type people map[mediation.ID]person

func (s *Server) person(pp people, id mediation.ID) person {
	if p, ok := pp[id]; ok {
		return p
	}
	p := person{ID: id}
	if u, err := s.db.User(id); err == nil {
		p.DisplayName = u.DisplayName
	}
	pp[id] = p
	return p
}

// caseLevel names the richest view of the case the principal may read:
// "full", "overview", "meta", or "" when none.
func (s *Server) caseLevel(c echo.Context, cs *mediation.Case) string {
	p := principal(c)
	obj := authz.CaseObject(authz.ObjCase, cs)
	switch {
	case s.authz.Allowed(p, authz.ActRead, obj):
		return "full"
	case s.authz.Allowed(p, authz.ActReadOverview, obj):
		return "overview"
	case s.authz.Allowed(p, authz.ActReadMeta, obj):
		return "meta"
	}
	return ""
}

// visible reports whether the principal may see the case at all.
func (s *Server) visible(c echo.Context, cs *mediation.Case) bool { return s.caseLevel(c, cs) != "" }

// caseView is the richest view of the case the principal may read, or nil
// when it may read none.
func (s *Server) caseView(c echo.Context, cs *mediation.Case, pp people) any {
	return s.caseViewAt(cs, s.caseLevel(c, cs), pp)
}

// caseViewAt is the view of the case at a level caseLevel decided.
func (s *Server) caseViewAt(cs *mediation.Case, view string, pp people) any {
	if view == "" {
		return nil
	}
	meta := caseMeta{ID: cs.ID, Reference: cs.Reference, Category: cs.Category, Status: cs.Status,
		Community: cs.Community, Street: cs.Street, OpenedAt: cs.OpenedAt, ClosedAt: cs.ClosedAt,
		Mediators: []person{}, View: view}
	for _, m := range cs.Mediators {
		meta.Mediators = append(meta.Mediators, s.person(pp, m))
	}
	switch view {
	case "meta":
		return meta
	case "overview":
		return caseOverview{caseMeta: meta, Title: cs.Title}
	}
	return caseFull{caseOverview: caseOverview{caseMeta: meta, Title: cs.Title}, Summary: cs.Summary,
		Source: cs.Source, CreatedBy: cs.CreatedBy, UpdatedAt: cs.UpdatedAt,
		NextStatuses: mediation.NextStatuses(cs.Status)}
}

// partyPublic is what the other parties of a case see of a party.
type partyPublic struct {
	ID     mediation.ID        `json:"id"`
	CaseID mediation.ID        `json:"case_id"`
	Name   string              `json:"name"`
	Kind   mediation.PartyKind `json:"kind"`
	Side   mediation.Side      `json:"side"`
	View   string              `json:"view"`
}

// partyFull is the whole record: for the mediators and the party itself.
type partyFull struct {
	mediation.Party
	View string `json:"view"`
}

// partyView is the richest view of the party the principal may read, or nil.
func (s *Server) partyView(c echo.Context, pt *mediation.Party) any {
	p := principal(c)
	if s.authz.Allowed(p, authz.ActRead, authz.PartyObject(authz.ObjPartyContact, pt)) {
		return partyFull{Party: *pt, View: "full"}
	}
	if s.authz.Allowed(p, authz.ActRead, authz.PartyObject(authz.ObjParty, pt)) {
		return partyPublic{ID: pt.ID, CaseID: pt.CaseID, Name: pt.Name, Kind: pt.Kind, Side: pt.Side, View: "public"}
	}
	return nil
}

// userView is a staff account as an admin sees it (never the hash).
type userView struct {
	ID          mediation.ID   `json:"id"`
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Role        mediation.Role `json:"role"`
	Phone       string         `json:"phone,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
}

func newUserView(u *mediation.User) userView {
	return userView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		Phone: u.Phone, CreatedAt: u.CreatedAt}
}
