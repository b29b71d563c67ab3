package casework

import (
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// recordSession loads the session whose record the principal may do act to.
func (s *Service) recordSession(p mediation.Principal, caseID, id mediation.ID, act string) (*mediation.Session, error) {
	if err := s.require(p, authz.ObjSessionRecord, act); err != nil {
		return nil, err
	}
	sess, err := s.loadSession(p, caseID, id, authz.ActRead)
	if err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, act, authz.RecordObject(sess)); err != nil {
		return nil, err
	}
	return sess, nil
}

// WriteRecord writes the mediation record (调解笔录) of a held session, a
// new version each time, audited by the parts it changes. It returns
// ECONFLICT for a session not held or a closed case, EINVALID when the
// attendance does not name exactly the parties expected (every party of the
// case at a joint session, the one at a caucus). Parties never reach it
// (EFORBIDDEN).
func (s *Service) WriteRecord(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (*mediation.SessionRecord, error) {
	p := r.Principal
	defer s.decided()()
	sess, err := s.recordSession(p, caseID, id, authz.ActUpdate)
	if err != nil {
		return nil, err
	}
	if err := s.guardOpenID(sess.CaseID); err != nil {
		return nil, err
	}
	var ri mediation.RecordInput
	if err := in(&ri); err != nil {
		return nil, err
	}
	expected := []mediation.ID{sess.PartyID}
	if sess.Kind == mediation.SessionJoint {
		parties, err := s.db.Parties(sess.CaseID)
		if err != nil {
			return nil, err
		}
		expected = expected[:0]
		for _, pt := range parties {
			expected = append(expected, pt.ID)
		}
	}
	rec, err := mediation.NewRecord(ri, sess, expected, p.UserID, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	return s.db.WriteRecord(rec, p.Subject(), keyed(r)...)
}

// Record returns the mediation record of the session, for the case's
// mediators only; ENOTFOUND when none is written yet.
func (s *Service) Record(p mediation.Principal, caseID, id mediation.ID) (*mediation.SessionRecord, error) {
	defer s.decided()()
	sess, err := s.recordSession(p, caseID, id, authz.ActRead)
	if err != nil {
		return nil, err
	}
	return s.db.Record(sess.ID)
}
