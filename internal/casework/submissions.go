package casework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Submit stores a party's submission: written by the party itself, or
// entered by a mediator on its behalf (which the record shows). A closed or
// withdrawn case takes none (ECONFLICT).
func (s *Service) Submit(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Submission, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjSubmission, authz.ActCreate); err != nil {
		return nil, err
	}
	defer s.decided()()
	var (
		si                mediation.SubmissionInput
		author, enteredBy mediation.ID
		partyCase         mediation.ID
	)
	// The case and the author are read in one transaction, and of them only
	// the case's status and the author's case are decoded: the decisions
	// need nothing else of them.
	err := s.db.Read(func(rd *store.Reader) error {
		status, err := rd.CaseStatus(caseID)
		if err != nil {
			return err
		}
		// Membership of the case first, so that an outsider learns nothing
		// from how its body is judged.
		if s.caseLevelID(p, caseID) == mediation.LevelNone {
			return mediation.NotFound()
		}
		if err := s.guardOpen(status); err != nil {
			return err
		}
		if err := in(&si); err != nil {
			return err
		}
		author = si.PartyID
		if p.IsParty() {
			if author != 0 && author != p.PartyID {
				return mediation.Invalid("party_id", "validation.party", "")
			}
			author = p.PartyID
		} else {
			if author == 0 {
				return mediation.Invalid("party_id", "validation.required", "")
			}
			enteredBy = p.UserID
		}
		// The owner of the new submission is the author as stored, in this case.
		partyCase, err = rd.PartyCase(author)
		if mediation.ErrorCode(err) == mediation.ENOTFOUND || err == nil && partyCase != caseID {
			return mediation.Invalid("party_id", "validation.party", "")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	party := &mediation.Party{ID: author, CaseID: partyCase}
	if err := s.authz.Check(p, authz.ActCreate, authz.PartyObject(authz.ObjSubmission, party)); err != nil {
		return nil, err
	}
	sub, err := mediation.NewSubmission(si, caseID, author, enteredBy, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	if err := s.mayCorrect(p, sub); err != nil {
		return nil, err
	}
	if err := s.db.CreateSubmission(sub, p.Subject(), keyed(r)...); err != nil {
		rp, ok := replayed(r, err)
		if !ok {
			return nil, err
		}
		sub, err = s.db.Submission(rp.ID())
		if err != nil {
			return nil, err
		}
	}
	return s.asShown(p, sub), nil
}

// mayCorrect returns EINVALID unless the submission supersedes nothing, or
// one of the same author in the same case that the principal may read: a
// correction names only what it corrects, never a stranger's record.
func (s *Service) mayCorrect(p mediation.Principal, sub *mediation.Submission) error {
	if sub.Supersedes == 0 {
		return nil
	}
	old, err := s.db.Submission(sub.Supersedes)
	if mediation.ErrorCode(err) == mediation.ENOTFOUND || err == nil &&
		(old.CaseID != sub.CaseID || old.PartyID != sub.PartyID || !s.authz.Allowed(p, authz.ActRead, authz.SubmissionObject(old))) {
		return mediation.Invalid("supersedes", "validation.supersedes", "")
	} else if err != nil {
		return err
	}
	return nil
}

// asShown is the submission as the principal may be shown it: the submission
// it supersedes is named only when the principal may read that one too (a
// released correction of a submission never released names no hidden id).
func (s *Service) asShown(p mediation.Principal, sub *mediation.Submission) *mediation.Submission {
	return s.asShownBy(p, sub, s.db.Submission)
}

// asShownBy is asShown reading the superseded submission with get (a
// Reader's, inside its transaction).
func (s *Service) asShownBy(p mediation.Principal, sub *mediation.Submission, get func(mediation.ID) (*mediation.Submission, error)) *mediation.Submission {
	if sub.Supersedes == 0 {
		return sub
	}
	old, err := get(sub.Supersedes)
	if err == nil && s.authz.Allowed(p, authz.ActRead, authz.SubmissionObject(old)) {
		return sub
	}
	shown := *sub
	shown.Supersedes = 0
	return &shown
}

// mayReadSubmissions answers 401 or 403 for those who may never read any
// submission (own, another's or a released one).
func (s *Service) mayReadSubmissions(p mediation.Principal) error {
	if err := s.require(p, authz.ObjSubmission, authz.ActRead); err != nil {
		if mediation.ErrorCode(err) != mediation.EFORBIDDEN || !s.authz.MayEver(p, authz.ObjReleasedSubmission, authz.ActRead) {
			return err
		}
	}
	return nil
}

// Submissions lists a page of the case's submissions the principal may read,
// oldest first, each as its JSON (what a single GET answers), and audits the
// read naming each one shown: every party's for the mediators; its own and
// the released ones for a party, read through its own index so that other
// parties' records are never loaded. The page is read after the principal is
// found to see the case. The decision needs nothing of the case but that it
// exists, and it and the page are read in one transaction.
func (s *Service) Submissions(p mediation.Principal, caseID mediation.ID, page mediation.Input) ([][]byte, mediation.ID, error) {
	if err := s.mayReadSubmissions(p); err != nil {
		return nil, 0, err
	}
	defer s.decided()()
	var (
		raws [][]byte
		ids  []mediation.ID
		next mediation.ID
	)
	err := s.db.Read(func(r *store.Reader) error {
		if err := s.seeCaseIn(r, p, caseID); err != nil {
			return err
		}
		var pg mediation.Page
		if err := page(&pg); err != nil {
			return err
		}
		var err error
		raws, ids, next, err = s.readJSONIn(r, p, caseID, pg)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	s.recordListRead(p, caseID, ids)
	return raws, next, nil
}

// AllSubmissions is every submission of the case the principal may read, a
// page at a time, each page's read audited as Submissions does. A staff
// reader has then seen the case's submissions up to the newest, which its
// case list counts from.
func (s *Service) AllSubmissions(p mediation.Principal, caseID mediation.ID) ([]mediation.Submission, error) {
	if err := s.mayReadSubmissions(p); err != nil {
		return nil, err
	}
	defer s.decided()()
	cs, _, err := s.visibleCase(p, caseID)
	if err != nil {
		return nil, err
	}
	var all []mediation.Submission
	for pg := (mediation.Page{Limit: 200}); ; {
		subs, next, err := s.readSubmissions(p, cs, pg)
		if err != nil {
			return nil, err
		}
		all = append(all, subs...)
		if next == 0 {
			break
		}
		pg.Cursor = next
	}
	if p.UserID != 0 && len(all) > 0 {
		if err := s.db.RecordSeen(p.UserID, cs.ID, all[len(all)-1].ID); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// scope decides once, for the whole list, which of the case's submissions
// the principal may read: every party's (a mediator), or its own and the
// released ones (a party). The store's indexes then select exactly those, so
// no item is decided, or loaded, on its own. The case is named by its ID as
// stored (the caller found it).
func (s *Service) scope(p mediation.Principal, caseID mediation.ID) (store.SubmissionFilter, bool) {
	f := store.SubmissionFilter{Case: caseID}
	if s.authz.Allowed(p, authz.ActRead, authz.CaseIDObject(authz.ObjSubmission, caseID)) {
		return f, true
	}
	if p.IsParty() && s.authz.Allowed(p, authz.ActRead, authz.OwnIDObject(authz.ObjSubmission, caseID, p.Subject())) {
		f.Author = p.PartyID
	}
	f.Released = s.authz.Allowed(p, authz.ActRead, authz.CaseIDObject(authz.ObjReleasedSubmission, caseID))
	return f, f.Author != 0 || f.Released
}

// readJSON lists a page of the submissions the principal may read, as their
// stored JSON, and audits the read naming each one shown.
func (s *Service) readJSON(p mediation.Principal, cs *mediation.Case, pg mediation.Page) ([][]byte, []mediation.ID, mediation.ID, error) {
	var (
		raws [][]byte
		ids  []mediation.ID
		next mediation.ID
	)
	err := s.db.Read(func(r *store.Reader) (err error) {
		raws, ids, next, err = s.readJSONIn(r, p, cs.ID, pg)
		return err
	})
	if err != nil {
		return nil, nil, 0, err
	}
	s.recordListRead(p, cs.ID, ids)
	return raws, ids, next, nil
}

// readJSONIn is readJSON's page, read in r's transaction, not yet audited.
func (s *Service) readJSONIn(r *store.Reader, p mediation.Principal, caseID mediation.ID, pg mediation.Page) ([][]byte, []mediation.ID, mediation.ID, error) {
	f, ok := s.scope(p, caseID)
	if !ok {
		return nil, nil, 0, nil
	}
	f.Cursor, f.Limit = pg.Cursor, pg.Limit
	raws, ids, next, err := r.SubmissionsJSON(f)
	if err != nil {
		return nil, nil, 0, err
	}
	if f.Author != 0 || f.Released {
		// Only a correction names another submission, and only another
		// party's may name one this reader may not see.
		for i, raw := range raws {
			if bytes.Contains(raw, supersedesField) {
				if raws[i], err = s.shownJSON(r, p, raw); err != nil {
					return nil, nil, 0, err
				}
			}
		}
	}
	return raws, ids, next, nil
}

// recordListRead audits that the principal was shown the case's
// submissions ids (nothing when it was shown none).
func (s *Service) recordListRead(p mediation.Principal, caseID mediation.ID, ids []mediation.ID) {
	if len(ids) == 0 {
		return
	}
	shown := make([]byte, 0, 8*len(ids))
	for i, id := range ids {
		if i > 0 {
			shown = append(shown, ',')
		}
		shown = strconv.AppendUint(shown, uint64(id), 10)
	}
	s.db.RecordRead(mediation.AuditEntry{CaseID: caseID, Actor: p.Subject(), Action: mediation.AuditSubmissionRead,
		Object: "case:" + caseID.String(), Detail: map[string]string{"submissions": string(shown)}})
}

// supersedesField is how a stored submission names the one it corrects
// (absent when it corrects none).
var supersedesField = []byte(`"supersedes":`)

// shownJSON is a stored submission as the principal may be shown it (asShown).
func (s *Service) shownJSON(r *store.Reader, p mediation.Principal, raw []byte) ([]byte, error) {
	var sub mediation.Submission
	if err := store.DecodeSubmission(raw, &sub); err != nil {
		return nil, fmt.Errorf("casework: submission: %w", err)
	}
	shown := s.asShownBy(p, &sub, r.Submission)
	if shown == &sub {
		return raw, nil
	}
	return json.Marshal(shown)
}

// readSubmissions is readJSON's page, decoded.
func (s *Service) readSubmissions(p mediation.Principal, cs *mediation.Case, pg mediation.Page) ([]mediation.Submission, mediation.ID, error) {
	raws, _, next, err := s.readJSON(p, cs, pg)
	if err != nil {
		return nil, 0, err
	}
	out := make([]mediation.Submission, len(raws))
	for i, raw := range raws {
		if err := store.DecodeSubmission(raw, &out[i]); err != nil {
			return nil, 0, fmt.Errorf("casework: submission: %w", err)
		}
	}
	return out, next, nil
}

// loadSubmission loads a submission of the case, as the principal may do act
// to it.
func (s *Service) loadSubmission(p mediation.Principal, caseID, id mediation.ID, act string) (*mediation.Submission, error) {
	sub, err := s.db.Submission(id)
	if err != nil {
		return nil, err
	}
	if sub.CaseID != caseID {
		return nil, mediation.NotFound()
	}
	if err := s.authz.Check(p, act, authz.SubmissionObject(sub)); err != nil {
		return nil, err
	}
	return sub, nil
}

// recordRead audits that the principal was shown the submission.
func (s *Service) recordRead(p mediation.Principal, sub *mediation.Submission) {
	s.db.RecordRead(mediation.AuditEntry{CaseID: sub.CaseID, Actor: p.Subject(), Action: mediation.AuditSubmissionRead,
		Object: "submission:" + sub.ID.String()})
}

// Submission returns one submission of the case the principal may read, and
// audits the read.
func (s *Service) Submission(p mediation.Principal, caseID, id mediation.ID) (*mediation.Submission, error) {
	if err := s.mayReadSubmissions(p); err != nil {
		return nil, err
	}
	defer s.decided()()
	sub, err := s.loadSubmission(p, caseID, id, authz.ActRead)
	if err != nil {
		return nil, err
	}
	s.recordRead(p, sub)
	return s.asShown(p, sub), nil
}

// ToRelease returns a submission its author may release, with the other
// parties who would then read it, for the author to confirm. The author
// reads its submission there, and the read is audited.
func (s *Service) ToRelease(p mediation.Principal, caseID, id mediation.ID) (*mediation.Submission, []mediation.Visible[mediation.Party], error) {
	if err := s.require(p, authz.ObjSubmission, authz.ActRelease); err != nil {
		return nil, nil, err
	}
	defer s.decided()()
	sub, err := s.loadSubmission(p, caseID, id, authz.ActRelease)
	if err != nil {
		return nil, nil, err
	}
	parties, err := s.visibleParties(p, sub.CaseID)
	if err != nil {
		return nil, nil, err
	}
	others := parties[:0]
	for _, pt := range parties {
		if pt.Record.ID != sub.PartyID {
			others = append(others, pt)
		}
	}
	s.recordRead(p, sub)
	return s.asShown(p, sub), others, nil
}

// Release lets every party of the case read the submission, with its
// author's consent; only the author may give it. Releasing a released
// submission changes nothing.
func (s *Service) Release(r *mediation.Request, caseID, id mediation.ID) (*mediation.Submission, error) {
	p := r.Principal
	if err := s.require(p, authz.ObjSubmission, authz.ActRelease); err != nil {
		return nil, err
	}
	defer s.decided()()
	sub, err := s.loadSubmission(p, caseID, id, authz.ActRelease)
	if err != nil {
		return nil, err
	}
	if err := s.guardOpenID(sub.CaseID); err != nil {
		return nil, err
	}
	released, err := s.db.ReleaseSubmission(sub.ID, p.Subject())
	if err != nil {
		return nil, err
	}
	return s.asShown(p, released), nil
}
