package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// submit stores a party's submission: written by the party itself, or entered
// by a mediator on its behalf (which the record shows).
func (s *Server) submit(c echo.Context, read reader) (*mediation.Submission, error) {
	if err := s.require(c, authz.ObjSubmission, authz.ActCreate); err != nil {
		return nil, err
	}
	cs, err := s.caseInURL(c)
	if err != nil {
		return nil, err
	}
	// Membership of the case first, so that an outsider learns nothing from
	// how its body is judged.
	if !s.visible(c, cs) {
		return nil, mediation.NotFound()
	}
	var in mediation.SubmissionInput
	if err := read(&in); err != nil {
		return nil, err
	}
	p := principal(c)
	author, enteredBy := in.PartyID, mediation.ID(0)
	if p.IsParty() {
		if author != 0 && author != p.PartyID {
			return nil, mediation.Invalid("party_id", "validation.party", "")
		}
		author = p.PartyID
	} else {
		if author == 0 {
			return nil, mediation.Invalid("party_id", "validation.required", "")
		}
		enteredBy = p.UserID
	}
	// The owner of the new submission is the author as stored, in this case.
	party, err := s.db.Party(author)
	if mediation.ErrorCode(err) == mediation.ENOTFOUND || err == nil && party.CaseID != cs.ID {
		return nil, mediation.Invalid("party_id", "validation.party", "")
	} else if err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, authz.ActCreate, authz.PartyObject(authz.ObjSubmission, party)); err != nil {
		return nil, err
	}
	sub, err := mediation.NewSubmission(in, cs.ID, author, enteredBy, s.db.Now().UTC())
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateSubmission(sub, actor(c), keyed(c)...); err != nil {
		r, ok := replayed(c, err)
		if !ok {
			return nil, err
		}
		return s.db.Submission(r.ID())
	}
	return sub, nil
}

// mayReadSubmissions answers 401 or 403 for those who may never read any
// submission (own, another's or a released one).
func (s *Server) mayReadSubmissions(c echo.Context) error {
	if err := s.require(c, authz.ObjSubmission, authz.ActRead); err != nil {
		if mediation.ErrorCode(err) != mediation.EFORBIDDEN || !s.authz.MayEver(principal(c), authz.ObjReleasedSubmission, authz.ActRead) {
			return err
		}
	}
	return nil
}

// readSubmissions lists the case's submissions the principal may read, oldest
// first, and audits the read naming each one shown: every party's for the
// mediators; its own and the released ones for a party, read through its own
// index so that other parties' records are never loaded.
func (s *Server) readSubmissions(c echo.Context, cs *mediation.Case, cursor mediation.ID, limit int) ([]mediation.Submission, mediation.ID, error) {
	p := principal(c)
	f := store.SubmissionFilter{Case: cs.ID, Cursor: cursor, Limit: limit}
	if p.IsParty() {
		f.Party = p.PartyID
	}
	subs, next, err := s.db.Submissions(f)
	if err != nil {
		return nil, 0, err
	}
	shown := []mediation.Submission{}
	var ids []string
	for _, sub := range subs {
		if s.authz.Allowed(p, authz.ActRead, authz.SubmissionObject(&sub)) {
			shown = append(shown, sub)
			ids = append(ids, sub.ID.String())
		}
	}
	if len(ids) > 0 {
		s.db.RecordRead(mediation.AuditEntry{CaseID: cs.ID, Actor: actor(c), Action: mediation.AuditSubmissionRead,
			Object: "case:" + cs.ID.String(), Detail: map[string]string{"submissions": strings.Join(ids, ",")}})
	}
	return shown, next, nil
}

// allSubmissions is every submission of the case the principal may read, a
// page at a time, each page's read audited as readSubmissions does.
func (s *Server) allSubmissions(c echo.Context, cs *mediation.Case) ([]mediation.Submission, error) {
	var all []mediation.Submission
	for cursor := mediation.ID(0); ; {
		subs, next, err := s.readSubmissions(c, cs, cursor, 200)
		if err != nil {
			return nil, err
		}
		all = append(all, subs...)
		if next == 0 {
			return all, nil
		}
		cursor = next
	}
}

// loadSubmission loads the submission named in the URL, as the principal may
// do act to it.
func (s *Server) loadSubmission(c echo.Context, act string) (*mediation.Submission, error) {
	caseID, err := pathID(c, "case")
	if err != nil {
		return nil, err
	}
	id, err := pathID(c, "submission")
	if err != nil {
		return nil, err
	}
	sub, err := s.db.Submission(id)
	if err != nil {
		return nil, err
	}
	if sub.CaseID != caseID {
		return nil, mediation.NotFound()
	}
	if err := s.authz.Check(principal(c), act, authz.SubmissionObject(sub)); err != nil {
		return nil, err
	}
	return sub, nil
}

// toRelease loads a submission its author may release.
func (s *Server) toRelease(c echo.Context) (*mediation.Submission, error) {
	if err := s.require(c, authz.ObjSubmission, authz.ActRelease); err != nil {
		return nil, err
	}
	return s.loadSubmission(c, authz.ActRelease)
}

// release lets every party of the case read the submission, with the author's
// consent; only the author may give it.
func (s *Server) release(c echo.Context) (*mediation.Submission, error) {
	sub, err := s.toRelease(c)
	if err != nil {
		return nil, err
	}
	return s.db.ReleaseSubmission(sub.ID, actor(c))
}

// The JSON API on submissions.

func (s *Server) apiCreateSubmission(c echo.Context) error {
	sub, err := s.submit(c, jsonReader(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, sub)
}

func (s *Server) apiListSubmissions(c echo.Context) error {
	if err := s.mayReadSubmissions(c); err != nil {
		return err
	}
	cs, err := s.visibleCase(c)
	if err != nil {
		return err
	}
	cursor, limit, err := page(c)
	if err != nil {
		return err
	}
	subs, next, err := s.readSubmissions(c, cs, cursor, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newList(subs, next))
}

func (s *Server) apiShowSubmission(c echo.Context) error {
	if err := s.mayReadSubmissions(c); err != nil {
		return err
	}
	sub, err := s.loadSubmission(c, authz.ActRead)
	if err != nil {
		return err
	}
	s.db.RecordRead(mediation.AuditEntry{CaseID: sub.CaseID, Actor: actor(c), Action: mediation.AuditSubmissionRead,
		Object: "submission:" + sub.ID.String()})
	return c.JSON(http.StatusOK, sub)
}

func (s *Server) apiReleaseSubmission(c echo.Context) error {
	sub, err := s.release(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, sub)
}
