package web

import (
	"time"

	"tiaojie/internal/mediation"
)

// What each kind of reader sees of a record, at the level the operation
// decided (mediation.Level): the answers' shapes, and nothing else.

// caseMeta is what an admin sees: enough to assign mediators, no content.
type caseMeta struct {
	ID        mediation.ID       `json:"id"`
	Reference string             `json:"reference"`
	Category  mediation.Category `json:"category"`
	Status    mediation.Status   `json:"status"`
	Community string             `json:"community"`
	Street    string             `json:"street"`
	Mediators []mediation.Person `json:"mediators"`
	OpenedAt  time.Time          `json:"opened_at"`
	ClosedAt  *time.Time         `json:"closed_at,omitempty"`
	View      mediation.Level    `json:"view"`
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
	// Extension is the term's one further month, once recorded.
	Extension *mediation.TermExtension `json:"extension,omitempty"`
	// Extendable says whether the term may still be extended.
	Extendable bool `json:"-"`
}

// caseView is the case at the level its reader may see it, or nil at none.
func (s *Server) caseView(v mediation.Visible[mediation.Case]) any {
	switch v.Level {
	case mediation.LevelMeta:
		return s.caseMetaOf(v.Record)
	case mediation.LevelOverview:
		return s.caseOverviewOf(v.Record)
	case mediation.LevelFull:
		return s.caseFullOf(v.Record)
	}
	return nil
}

func (s *Server) caseMetaOf(cs *mediation.Case) caseMeta {
	return caseMeta{ID: cs.ID, Reference: cs.Reference, Category: cs.Category, Status: cs.Status,
		Community: cs.Community, Street: cs.Street, OpenedAt: cs.OpenedAt, ClosedAt: cs.ClosedAt,
		Mediators: s.cw.Mediators(cs), View: mediation.LevelMeta}
}

func (s *Server) caseOverviewOf(cs *mediation.Case) caseOverview {
	v := caseOverview{caseMeta: s.caseMetaOf(cs), Title: cs.Title}
	v.View = mediation.LevelOverview
	return v
}

func (s *Server) caseFullOf(cs *mediation.Case) caseFull {
	v := caseFull{caseOverview: s.caseOverviewOf(cs), Summary: cs.Summary, Source: cs.Source,
		CreatedBy: cs.CreatedBy, UpdatedAt: cs.UpdatedAt, NextStatuses: mediation.NextStatuses(cs.Status),
		Extension: cs.Extension, Extendable: cs.Extension == nil && (cs.Status == mediation.StatusIntake || cs.Status == mediation.StatusMediating)}
	v.View = mediation.LevelFull
	return v
}

// partyPublic is what the other parties of a case see of a party.
type partyPublic struct {
	ID     mediation.ID        `json:"id"`
	CaseID mediation.ID        `json:"case_id"`
	Name   string              `json:"name"`
	Kind   mediation.PartyKind `json:"kind"`
	Side   mediation.Side      `json:"side"`
	View   mediation.Level     `json:"view"`
}

// partyFull is the whole record: for the mediators and the party itself.
type partyFull struct {
	mediation.Party
	View mediation.Level `json:"view"`
}

// partyView is the party at the level its reader may see it, or nil at none.
func partyView(v mediation.Visible[mediation.Party]) any {
	pt := v.Record
	switch v.Level {
	case mediation.LevelFull:
		return partyFull{Party: *pt, View: mediation.LevelFull}
	case mediation.LevelPublic:
		return partyPublic{ID: pt.ID, CaseID: pt.CaseID, Name: pt.Name, Kind: pt.Kind, Side: pt.Side,
			View: mediation.LevelPublic}
	}
	return nil
}

// publicParties are what the reader sees of parties it may see only in
// public, and fullParties those it may see in full.
func publicParties(parties []mediation.Visible[mediation.Party]) []partyPublic {
	var out []partyPublic
	for _, v := range parties {
		if v.Level == mediation.LevelPublic {
			out = append(out, partyView(v).(partyPublic))
		}
	}
	return out
}

func fullParties(parties []mediation.Visible[mediation.Party]) []partyFull {
	var out []partyFull
	for _, v := range parties {
		if v.Level == mediation.LevelFull {
			out = append(out, partyView(v).(partyFull))
		}
	}
	return out
}

// userView is a staff account as an admin sees it (never the hash).
type userView struct {
	ID          mediation.ID   `json:"id"`
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Role        mediation.Role `json:"role"`
	Phone       string         `json:"phone,omitempty"`
	Active      bool           `json:"active"`
	CreatedAt   time.Time      `json:"created_at"`
}

func newUserView(u *mediation.User) userView {
	return userView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		Phone: u.Phone, Active: u.Active(), CreatedAt: u.CreatedAt}
}

// auditView is one entry of a case's trail, with the actor named.
type auditView struct {
	Seq       uint64            `json:"seq"`
	At        time.Time         `json:"at"`
	Actor     string            `json:"actor"`
	ActorName string            `json:"actor_name"`
	Action    string            `json:"action"`
	Object    string            `json:"object"`
	Detail    map[string]string `json:"detail,omitempty"`
}

func auditViews(entries []mediation.TrailEntry) []auditView {
	out := make([]auditView, len(entries))
	for i, e := range entries {
		out[i] = auditView{Seq: e.Seq, At: e.At, Actor: e.Actor, ActorName: e.ActorName,
			Action: e.Action, Object: e.Object, Detail: e.Detail}
	}
	return out
}
