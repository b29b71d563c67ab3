package casework

import (
	"strings"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// Trail lists a page of who read and changed what in the case, oldest
// first, for a principal who may read its audit trail.
func (s *Service) Trail(p mediation.Principal, caseID mediation.ID, page mediation.Input) ([]mediation.TrailEntry, mediation.ID, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjAudit, authz.ActRead)
	if err != nil {
		return nil, 0, err
	}
	var pg mediation.Page
	if err := page(&pg); err != nil {
		return nil, 0, err
	}
	entries, next, err := s.db.CaseAudit(cs.ID, uint64(pg.Cursor), pg.Limit)
	if err != nil {
		return nil, 0, err
	}
	return s.named(entries, map[string]string{}), mediation.ID(next), nil
}

// LatestTrail is the newest n entries of the case's trail, newest first, and
// whether there are older ones, for a principal who may read it.
func (s *Service) LatestTrail(p mediation.Principal, caseID mediation.ID, n int) ([]mediation.TrailEntry, bool, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjAudit, authz.ActRead)
	if err != nil {
		return nil, false, err
	}
	entries, more, err := s.db.LatestCaseAudit(cs.ID, n)
	if err != nil {
		return nil, false, err
	}
	return s.named(entries, map[string]string{}), more, nil
}

// named names the actors of entries, looking each up once in names.
func (s *Service) named(entries []mediation.AuditEntry, names map[string]string) []mediation.TrailEntry {
	out := make([]mediation.TrailEntry, len(entries))
	for i, e := range entries {
		if _, ok := names[e.Actor]; !ok {
			names[e.Actor] = s.actorName(e.Actor)
		}
		out[i] = mediation.TrailEntry{AuditEntry: e, ActorName: names[e.Actor]}
	}
	return out
}

// actorName names the subject of an audit entry.
func (s *Service) actorName(subject string) string {
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
