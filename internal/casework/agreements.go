package casework

import (
	"strconv"
	"strings"
	"time"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// agreementLevel is how much of the case's agreements the principal reads:
// every version, drafts included, for its mediators; the proposed versions
// for its parties.
func (s *Service) agreementLevel(p mediation.Principal, cs *mediation.Case) mediation.Level {
	switch {
	case s.authz.Allowed(p, authz.ActRead, authz.CaseObject(authz.ObjAgreementDraft, cs)):
		return mediation.LevelFull
	case s.authz.Allowed(p, authz.ActRead, authz.CaseObject(authz.ObjAgreement, cs)):
		return mediation.LevelOverview
	}
	return mediation.LevelNone
}

// visibleAgreement is the agreement as the principal may read it: whole at
// the full level; at the overview level only its proposed versions, the
// signatures and refusals given to them, and the reasons of the reader's
// own refusals (another party's reason is its own). An agreement with
// nothing the reader may see is LevelNone.
func (s *Service) visibleAgreement(p mediation.Principal, cs *mediation.Case, a *mediation.Agreement) mediation.Visible[mediation.Agreement] {
	level := s.agreementLevel(p, cs)
	if level != mediation.LevelOverview {
		return mediation.Visible[mediation.Agreement]{Record: a, Level: level}
	}
	r := *a
	r.Versions, r.Signatures, r.Declines = nil, nil, nil
	shown := map[int]bool{}
	for _, v := range a.Versions {
		if v.ProposedAt != nil {
			r.Versions = append(r.Versions, v)
			shown[v.Version] = true
		}
	}
	for _, sig := range a.Signatures {
		if shown[sig.Version] {
			r.Signatures = append(r.Signatures, sig)
		}
	}
	for _, d := range a.Declines {
		if shown[d.Version] {
			if d.PartyID != p.PartyID {
				d.Reason = ""
			}
			r.Declines = append(r.Declines, d)
		}
	}
	if len(r.Versions) == 0 {
		return mediation.Visible[mediation.Agreement]{}
	}
	return mediation.Visible[mediation.Agreement]{Record: &r, Level: level}
}

// loadAgreement loads an agreement of the case that the principal may read
// (a party: one with a proposed version); anything else is ENOTFOUND.
func (s *Service) loadAgreement(p mediation.Principal, caseID, id mediation.ID) (*mediation.Case, mediation.Visible[mediation.Agreement], error) {
	var none mediation.Visible[mediation.Agreement]
	cs, err := s.loadCase(p, caseID, authz.ObjAgreement, authz.ActRead)
	if err != nil {
		return nil, none, err
	}
	a, err := s.db.Agreement(id)
	if err != nil {
		return nil, none, err
	}
	if a.CaseID != cs.ID {
		return nil, none, mediation.NotFound()
	}
	v := s.visibleAgreement(p, cs, a)
	if v.Level == mediation.LevelNone {
		return nil, none, mediation.NotFound()
	}
	return cs, v, nil
}

// dayStart is midnight of today in the configured zone: no term may fall
// due before it.
func (s *Service) dayStart() time.Time {
	y, m, d := s.db.Now().In(s.zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.zone)
}

// CreateAgreement starts an agreement on a case being mediated: a draft
// (version 1), or with oral an oral agreement (口头协议), which takes effect
// as it is recorded, moving the case to status agreement. EINVALID names
// each bad field ("terms[0].deadline"); a case not being mediated is
// ECONFLICT.
func (s *Service) CreateAgreement(r *mediation.Request, caseID mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error) {
	var none mediation.Visible[mediation.Agreement]
	p := r.Principal
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjAgreementDraft, authz.ActCreate)
	if err != nil {
		return none, err
	}
	var ai mediation.AgreementInput
	if err := in(&ai); err != nil {
		return none, err
	}
	parties, err := s.db.Parties(cs.ID)
	if err != nil {
		return none, err
	}
	a, err := mediation.NewAgreement(ai, cs, parties, p.UserID, s.db.Now().UTC(), s.dayStart())
	if err != nil {
		return none, err
	}
	if err := s.db.CreateAgreement(a, p.Subject(), keyed(r)...); err != nil {
		rp, ok := replayed(r, err)
		if !ok {
			return none, err
		}
		if a, err = s.db.Agreement(rp.ID()); err != nil {
			return none, err
		}
	}
	return s.visibleAgreement(p, cs, a), nil
}

// Agreements lists the case's agreements the principal may read, oldest
// first: all of them for its mediators, the proposed ones for a party.
func (s *Service) Agreements(p mediation.Principal, caseID mediation.ID) ([]mediation.Visible[mediation.Agreement], error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjAgreement, authz.ActRead)
	if err != nil {
		return nil, err
	}
	as, err := s.db.Agreements(cs.ID)
	if err != nil {
		return nil, err
	}
	out := []mediation.Visible[mediation.Agreement]{}
	for i := range as {
		if v := s.visibleAgreement(p, cs, &as[i]); v.Level != mediation.LevelNone {
			out = append(out, v)
		}
	}
	return out, nil
}

// Agreement returns one agreement of the case as the principal may read it.
func (s *Service) Agreement(p mediation.Principal, caseID, id mediation.ID) (mediation.Visible[mediation.Agreement], error) {
	defer s.decided()()
	_, v, err := s.loadAgreement(p, caseID, id)
	return v, err
}

// changeAgreement carries out fn on the agreement inside the store's
// transaction (after the operation's access decision and its input) and
// answers the agreement as the principal may see it.
func (s *Service) changeAgreement(r *mediation.Request, caseID, id mediation.ID,
	fn func(a *mediation.Agreement, c *mediation.Case, parties []mediation.Party) (store.AgreementChange, error)) (mediation.Visible[mediation.Agreement], error) {
	var none mediation.Visible[mediation.Agreement]
	p := r.Principal
	a, err := s.db.UpdateAgreement(id, p.Subject(), fn, keyed(r)...)
	if _, ok := replayed(r, err); ok {
		a, err = s.db.Agreement(id)
	}
	if err != nil {
		return none, err
	}
	cs, err := s.db.Case(caseID)
	if err != nil {
		return none, err
	}
	return s.visibleAgreement(p, cs, a), nil
}

// decideAgreement takes the access decision of an operation on an agreement:
// the principal's kind may do act to obj at all, it reads the agreement, and
// it may do act to obj in the case (owned by owner, when not "").
func (s *Service) decideAgreement(p mediation.Principal, caseID, id mediation.ID, obj, act, owner string) (*mediation.Case, error) {
	if err := s.require(p, obj, act); err != nil {
		return nil, err
	}
	cs, _, err := s.loadAgreement(p, caseID, id)
	if err != nil {
		return nil, err
	}
	o := authz.CaseObject(obj, cs)
	o.Owner = owner
	if err := s.authz.Check(p, act, o); err != nil {
		return nil, err
	}
	return cs, nil
}

// ReviseAgreement saves a new version of the agreement (every save is one;
// earlier versions and their signatures stay as they were). An agreement
// in effect, or an oral one, no longer changes (ECONFLICT).
func (s *Service) ReviseAgreement(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error) {
	p := r.Principal
	defer s.decided()()
	if _, err := s.decideAgreement(p, caseID, id, authz.ObjAgreementDraft, authz.ActUpdate, ""); err != nil {
		return mediation.Visible[mediation.Agreement]{}, err
	}
	var content mediation.AgreementContent
	if err := in(&content); err != nil {
		return mediation.Visible[mediation.Agreement]{}, err
	}
	now, today := s.db.Now().UTC(), s.dayStart()
	return s.changeAgreement(r, caseID, id,
		func(a *mediation.Agreement, c *mediation.Case, parties []mediation.Party) (store.AgreementChange, error) {
			if err := a.Revise(content, c, parties, p.UserID, now, today); err != nil {
				return store.AgreementChange{}, err
			}
			v := a.Latest()
			return store.AgreementChange{Action: mediation.AuditAgreementRevise,
				Detail: map[string]string{"version": strconv.Itoa(v.Version), "digest": v.Digest}}, nil
		})
}

// ProposeAgreement freezes the latest version and offers it to every party
// for signing. A version already proposed is ECONFLICT.
func (s *Service) ProposeAgreement(r *mediation.Request, caseID, id mediation.ID) (mediation.Visible[mediation.Agreement], error) {
	p := r.Principal
	defer s.decided()()
	if _, err := s.decideAgreement(p, caseID, id, authz.ObjAgreementDraft, authz.ActTransition, ""); err != nil {
		return mediation.Visible[mediation.Agreement]{}, err
	}
	now := s.db.Now().UTC()
	return s.changeAgreement(r, caseID, id,
		func(a *mediation.Agreement, c *mediation.Case, _ []mediation.Party) (store.AgreementChange, error) {
			v, err := a.Propose(c, p.UserID, now)
			if err != nil {
				return store.AgreementChange{}, err
			}
			return store.AgreementChange{Action: mediation.AuditAgreementPropose,
				Detail: map[string]string{"version": strconv.Itoa(v.Version), "digest": v.Digest}}, nil
		})
}

// SignAgreement signs the version proposed now, for the principal itself
// only: a party (typing its name and giving its PIN) or an assigned
// mediator (typing its display name). Naming another party to sign for is
// decided like any object the principal does not own: ENOTFOUND, and
// nothing changes. When the signature completes the version (every party
// and one mediator), the agreement takes effect and the case moves to
// status agreement in the same transaction. A second signature on one
// version is ECONFLICT; a wrong name or PIN is EINVALID on its field.
func (s *Service) SignAgreement(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error) {
	var none mediation.Visible[mediation.Agreement]
	p := r.Principal
	defer s.decided()()
	cs, err := s.decideAgreement(p, caseID, id, authz.ObjSignature, authz.ActCreate, p.Subject())
	if err != nil {
		return none, err
	}
	var si mediation.SignInput
	if err := in(&si); err != nil {
		return none, err
	}
	if si.PartyID != 0 && si.PartyID != p.PartyID {
		// Signing for someone else: the signature would be theirs.
		if err := s.authz.Check(p, authz.ActCreate, authz.SignatureObject(cs, mediation.PartySubject(si.PartyID))); err != nil {
			return none, err
		}
	}
	name := strings.TrimSpace(si.ConfirmName)
	if err := s.confirmSigner(p, name, si.PIN); err != nil {
		return none, err
	}
	now := s.db.Now().UTC()
	return s.changeAgreement(r, caseID, id,
		func(a *mediation.Agreement, c *mediation.Case, parties []mediation.Party) (store.AgreementChange, error) {
			sig, _, err := a.Sign(c, parties, p.PartyID, p.UserID, name, si.Version, now)
			if err != nil {
				return store.AgreementChange{}, err
			}
			return store.AgreementChange{Action: mediation.AuditAgreementSign,
				Detail: map[string]string{"version": strconv.Itoa(sig.Version), "digest": sig.Digest}}, nil
		})
}

// confirmSigner checks the name a signer typed (a party's name, or a
// mediator's display name) and, for a party, its PIN.
func (s *Service) confirmSigner(p mediation.Principal, name, pin string) error {
	if name == "" {
		return mediation.Invalid("confirm_name", "validation.required", "")
	}
	if !p.IsParty() {
		u, err := s.db.User(p.UserID)
		if err != nil {
			return err
		}
		if name != strings.TrimSpace(u.DisplayName) {
			return mediation.Invalid("confirm_name", "validation.confirm_name", "")
		}
		return nil
	}
	party, err := s.db.Party(p.PartyID)
	if err != nil {
		return err
	}
	if name != strings.TrimSpace(party.Name) {
		return mediation.Invalid("confirm_name", "validation.confirm_name", "")
	}
	if pin == "" {
		return mediation.Invalid("pin", "validation.required", "")
	}
	if !mediation.ValidPIN(pin) {
		return mediation.Invalid("pin", "validation.pin", "")
	}
	inv, err := s.db.PartyInvitation(p.PartyID)
	if err != nil {
		return err
	}
	if inv.PINHash == "" {
		return mediation.Invalid("pin", "validation.pin_not_set", "")
	}
	ok, err := s.auth.Verify(pin, inv.PINHash)
	if err != nil {
		return err
	}
	if !ok {
		return mediation.Invalid("pin", "validation.pin_wrong", "")
	}
	return nil
}

// DeclineAgreement records the party's refusal of the version proposed now,
// with its reason. Only a party declines, for itself.
func (s *Service) DeclineAgreement(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error) {
	var none mediation.Visible[mediation.Agreement]
	p := r.Principal
	defer s.decided()()
	if _, err := s.decideAgreement(p, caseID, id, authz.ObjAgreementDecline, authz.ActCreate, p.Subject()); err != nil {
		return none, err
	}
	var di mediation.DeclineInput
	if err := in(&di); err != nil {
		return none, err
	}
	now := s.db.Now().UTC()
	return s.changeAgreement(r, caseID, id,
		func(a *mediation.Agreement, c *mediation.Case, _ []mediation.Party) (store.AgreementChange, error) {
			d, err := a.Decline(c, p.PartyID, di, now)
			if err != nil {
				return store.AgreementChange{}, err
			}
			return store.AgreementChange{Action: mediation.AuditAgreementDecline,
				Detail: map[string]string{"version": strconv.Itoa(d.Version)}}, nil
		})
}

// AgreementInEffect is the case's agreement in effect, or nil: for the
// closing checklist. The principal must read the case's agreements.
func (s *Service) AgreementInEffect(p mediation.Principal, caseID mediation.ID) (*mediation.Agreement, error) {
	defer s.decided()()
	if _, err := s.loadCase(p, caseID, authz.ObjAgreement, authz.ActRead); err != nil {
		return nil, err
	}
	return s.db.AgreementInEffect(caseID)
}

// CreateVisit records a return visit to a party of a case whose agreement is
// in effect, and what it found of each term: the clock counts performance
// and return-visit deadlines as met from it.
func (s *Service) CreateVisit(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Visit, error) {
	p := r.Principal
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjVisit, authz.ActCreate)
	if err != nil {
		return nil, err
	}
	var vi mediation.VisitInput
	if err := in(&vi); err != nil {
		return nil, err
	}
	parties, err := s.db.Parties(cs.ID)
	if err != nil {
		return nil, err
	}
	v, err := mediation.NewVisit(vi, cs, parties, p.UserID, s.db.Now().UTC(), s.today().String())
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateVisit(v, p.Subject(), keyed(r)...); err != nil {
		rp, ok := replayed(r, err)
		if !ok {
			return nil, err
		}
		visits, err := s.db.Visits(cs.ID)
		if err != nil {
			return nil, err
		}
		for i := range visits {
			if visits[i].ID == rp.ID() {
				return &visits[i], nil
			}
		}
		return nil, mediation.NotFound()
	}
	return v, nil
}

// Visits lists the case's return visits, oldest first, for its mediators.
func (s *Service) Visits(p mediation.Principal, caseID mediation.ID) ([]mediation.Visit, error) {
	defer s.decided()()
	cs, err := s.loadCase(p, caseID, authz.ObjVisit, authz.ActRead)
	if err != nil {
		return nil, err
	}
	out, err := s.db.Visits(cs.ID)
	if out == nil {
		out = []mediation.Visit{}
	}
	return out, err
}
