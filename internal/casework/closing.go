package casework

import (
	"slices"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// guardOpen is the one guard of every change to a case: nothing of a closed
// case changes (no submission, release, edit, session, record, party,
// invitation, PIN reset, mediator, mark in its file, recusal…) until a
// mediator reopens it with a reason (a transition, which alone passes by).
// Every write operation on a case calls it after its access decision, so
// that an outsider still gets 404 and a closed case's own mediators and
// parties 409. Closing and reopening hold the membership lock exclusively
// (Transition), every write shared, so that no write decided on an open
// case commits after the case closed.
func (s *Service) guardOpen(status mediation.Status) error { return status.Changeable() }

// guardOpenID is guardOpen for an operation that reached the case through
// one of its records (a submission, a party).
func (s *Service) guardOpenID(caseID mediation.ID) error {
	cs, err := s.db.Case(caseID)
	if err != nil {
		return err
	}
	return s.guardOpen(cs.Status)
}

// Checklist is the case file's items for the case's outcome, each ticked or
// not, for its mediators.
func (s *Service) Checklist(p mediation.Principal, caseID mediation.ID) (*mediation.Checklist, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjCaseFile, authz.ActRead)
	if err != nil {
		return nil, err
	}
	return s.checklist(cs.ID)
}

func (s *Service) checklist(caseID mediation.ID) (*mediation.Checklist, error) {
	cs, file, err := s.db.CaseFile(caseID)
	if err != nil {
		return nil, err
	}
	cl := file.Checklist(cs)
	return &cl, nil
}

// Dossier is what the case's file holds beyond its records (the overrides
// of conflict checks among it), for its mediators.
func (s *Service) Dossier(p mediation.Principal, caseID mediation.ID) (*mediation.Dossier, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjCaseFile, authz.ActRead)
	if err != nil {
		return nil, err
	}
	return s.db.Dossier(cs.ID)
}

// markParty records a mark about one party of the case in its file.
func (s *Service) markParty(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input,
	read func(mediation.Input) (mediation.Mark, error), set func(d *mediation.Dossier, m mediation.Mark), action string) (*mediation.Checklist, error) {
	p := r.Principal
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjCaseFile, authz.ActUpdate)
	if err != nil {
		return nil, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return nil, err
	}
	m, err := read(in)
	if err != nil {
		return nil, err
	}
	m.At, m.By, m.Way = s.db.Now().UTC(), p.Subject(), mediation.WayMediator
	_, err = s.db.UpdateDossier(cs.ID, p.Subject(), func(_ *mediation.Case, parties []mediation.Party, d *mediation.Dossier) (store.FileChange, error) {
		if !slices.ContainsFunc(parties, func(pt mediation.Party) bool { return pt.ID == partyID }) {
			return store.FileChange{}, mediation.NotFound()
		}
		set(d, m)
		return store.FileChange{Action: action, Object: "party:" + partyID.String(),
			Detail: map[string]string{"way": mediation.WayMediator}}, nil
	}, keyed(r)...)
	if _, ok := replayed(r, err); !ok && err != nil {
		return nil, err
	}
	return s.checklist(cs.ID)
}

// RecordNotice records that the mediator gave a party of the case the
// notice of its rights and duties (a party's first entry records it too).
func (s *Service) RecordNotice(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Checklist, error) {
	return s.markParty(r, caseID, partyID, in, func(in mediation.Input) (mediation.Mark, error) {
		var ni mediation.NoticeInput
		if err := in(&ni); err != nil {
			return mediation.Mark{}, err
		}
		err := ni.Validate()
		return mediation.Mark{Note: ni.Note}, err
	}, func(d *mediation.Dossier, m mediation.Mark) {
		if d.Notices == nil {
			d.Notices = map[mediation.ID]mediation.Mark{}
		}
		d.Notices[partyID] = m
	}, mediation.AuditNoticeRecord)
}

// ConfirmIdentity records that the mediator confirmed a party's identity,
// and how (the document seen).
func (s *Service) ConfirmIdentity(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Checklist, error) {
	return s.markParty(r, caseID, partyID, in, func(in mediation.Input) (mediation.Mark, error) {
		var ii mediation.IdentityInput
		if err := in(&ii); err != nil {
			return mediation.Mark{}, err
		}
		err := ii.Validate()
		return mediation.Mark{Note: ii.Method}, err
	}, func(d *mediation.Dossier, m mediation.Mark) {
		if d.Identities == nil {
			d.Identities = map[mediation.ID]mediation.Mark{}
		}
		d.Identities[partyID] = m
	}, mediation.AuditIdentityConfirm)
}

// RecordNoAgreement records why the mediation failed and whether the
// parties were told of their other remedies; a case in mediating or
// no_agreement only (ECONFLICT otherwise).
func (s *Service) RecordNoAgreement(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Checklist, error) {
	p := r.Principal
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjCaseFile, authz.ActUpdate)
	if err != nil {
		return nil, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return nil, err
	}
	var na mediation.NoAgreementInput
	if err := in(&na); err != nil {
		return nil, err
	}
	if err := na.Validate(); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	_, err = s.db.UpdateDossier(cs.ID, p.Subject(), func(c *mediation.Case, _ []mediation.Party, d *mediation.Dossier) (store.FileChange, error) {
		if err := c.AcceptsNoAgreement(); err != nil {
			return store.FileChange{}, err
		}
		d.NoAgreement = &mediation.NoAgreementNote{Reason: na.Reason, RemediesExplained: na.RemediesExplained, At: now, By: p.Subject()}
		remedies := "no"
		if na.RemediesExplained {
			remedies = "yes"
		}
		return store.FileChange{Action: mediation.AuditNoAgreement, Object: "case:" + cs.ID.String(),
			Detail: map[string]string{"remedies_explained": remedies}}, nil
	}, keyed(r)...)
	if _, ok := replayed(r, err); !ok && err != nil {
		return nil, err
	}
	return s.checklist(cs.ID)
}
