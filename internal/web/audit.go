package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

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

// showAudit lists who read and changed what in the case, oldest first.
func (s *Server) showAudit(c echo.Context) error {
	cs, err := s.loadCase(c, authz.ObjAudit, authz.ActRead)
	if err != nil {
		return err
	}
	cursor, limit, err := page(c)
	if err != nil {
		return err
	}
	entries, next, err := s.db.CaseAudit(cs.ID, uint64(cursor), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(s.auditViews(entries, map[string]string{}), mediation.ID(next)))
}

// auditViews names the actors of entries, looking each up once in names.
func (s *Server) auditViews(entries []mediation.AuditEntry, names map[string]string) []auditView {
	views := make([]auditView, len(entries))
	for i, e := range entries {
		if _, ok := names[e.Actor]; !ok {
			names[e.Actor] = s.actorName(e.Actor)
		}
		views[i] = auditView{Seq: e.Seq, At: e.At, Actor: e.Actor, ActorName: names[e.Actor],
			Action: e.Action, Object: e.Object, Detail: e.Detail}
	}
	return views
}

// actorName names the subject of an audit entry.
func (s *Server) actorName(subject string) string {
	if id, ok := strings.CutPrefix(subject, "u:"); ok {
		if uid, ok := mediation.ParseID(id); ok {
			if u, err := s.db.User(uid); err == nil {
				return u.DisplayName
			}
		}
	}
	if id, ok := strings.CutPrefix(subject, "p:"); ok {
		if pid, ok := mediation.ParseID(id); ok {
			if p, err := s.db.Party(pid); err == nil {
				return p.Name
			}
		}
	}
	return ""
}
