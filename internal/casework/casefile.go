package casework

import (
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// CaseFile is the printable case file (卷宗) for the case's mediators: its
// registration, parties, sessions with their records, the checklist of the
// closing, recusal requests and a summary of its audit trail. Submissions
// are not part of it (their reads are audited one by one on their pages).
func (s *Service) CaseFile(p mediation.Principal, caseID mediation.ID) (*mediation.CaseFileView, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjCaseFile, authz.ActRead)
	if err != nil {
		return nil, err
	}
	c, file, err := s.db.CaseFile(cs.ID)
	if err != nil {
		return nil, err
	}
	out := &mediation.CaseFileView{Case: *c, Parties: file.Parties, Checklist: file.Checklist(c), Dossier: file.Dossier}
	sessions, err := s.db.Sessions(store.SessionFilter{Case: cs.ID})
	if err != nil {
		return nil, err
	}
	for _, sess := range sessions {
		fs := mediation.FiledSession{Session: sess}
		if sess.Status == mediation.SessionHeld {
			rec, err := s.db.Record(sess.ID)
			if err == nil {
				fs.Record = rec
			} else if mediation.ErrorCode(err) != mediation.ENOTFOUND {
				return nil, err
			}
		}
		out.Sessions = append(out.Sessions, fs)
	}
	if out.Recusals, err = s.db.Recusals(cs.ID); err != nil {
		return nil, err
	}
	if out.Agreement, err = s.db.AgreementInEffect(cs.ID); err != nil {
		return nil, err
	}
	if out.Visits, err = s.db.Visits(cs.ID); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for cursor := uint64(0); ; {
		entries, next, err := s.db.CaseAudit(cs.ID, cursor, 200)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			out.AuditEntries++
			i, ok := counts[e.Action]
			if !ok {
				i = len(out.Audit)
				counts[e.Action] = i
				out.Audit = append(out.Audit, mediation.AuditCount{Action: e.Action, First: e.At})
			}
			out.Audit[i].Count++
			out.Audit[i].Last = e.At
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	return out, nil
}
