package casework

import (
	"maps"
	"slices"
	"strings"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// loadCase loads a case and checks that the principal may do act to obj (an
// object kind inside the case). Anything the principal may not see answers
// exactly as if it did not exist.
func (s *Service) loadCase(p mediation.Principal, id mediation.ID, obj, act string) (*mediation.Case, error) {
	if err := s.require(p, obj, act); err != nil {
		return nil, err
	}
	cs, err := s.db.Case(id)
	if err != nil {
		return nil, err
	}
	if err := s.authz.Check(p, act, authz.CaseObject(obj, cs)); err != nil {
		return nil, err
	}
	return cs, nil
}

// mayEverSeeCases refuses a principal who may see no case in any view.
func (s *Service) mayEverSeeCases(p mediation.Principal) error {
	if p.Anonymous() {
		return mediation.Unauthorized()
	}
	if !slices.ContainsFunc([]string{authz.ActRead, authz.ActReadOverview, authz.ActReadMeta},
		func(act string) bool { return s.authz.MayEver(p, authz.ObjCase, act) }) {
		return mediation.Forbidden()
	}
	return nil
}

// visibleCase loads a case for whoever may see it at all, in any view, with
// the richest view it may read.
func (s *Service) visibleCase(p mediation.Principal, id mediation.ID) (*mediation.Case, mediation.Level, error) {
	if err := s.mayEverSeeCases(p); err != nil {
		return nil, "", err
	}
	cs, err := s.db.Case(id)
	if err != nil {
		return nil, "", err
	}
	level := s.caseLevel(p, cs)
	if level == mediation.LevelNone {
		return nil, "", mediation.NotFound()
	}
	return cs, level, nil
}

// seeCaseIn is visibleCase for an operation that needs nothing of the case
// but that the principal may see it: the case is found in r's transaction
// and not decoded.
func (s *Service) seeCaseIn(r *store.Reader, p mediation.Principal, id mediation.ID) error {
	if err := s.mayEverSeeCases(p); err != nil {
		return err
	}
	if !r.CaseExists(id) || s.caseLevelID(p, id) == mediation.LevelNone {
		return mediation.NotFound()
	}
	return nil
}

// visible is the case with the richest view of it the principal may read.
func (s *Service) visible(p mediation.Principal, cs *mediation.Case) mediation.Visible[mediation.Case] {
	return mediation.Visible[mediation.Case]{Record: cs, Level: s.caseLevel(p, cs)}
}

// answer is what an operation on a case answers: the case as its principal
// may see it now (a mediator who stepped aside sees nothing of it), or the
// error.
func (s *Service) answer(p mediation.Principal) func(*mediation.Case, error) (mediation.Visible[mediation.Case], error) {
	return func(cs *mediation.Case, err error) (mediation.Visible[mediation.Case], error) {
		if err != nil {
			return mediation.Visible[mediation.Case]{}, err
		}
		return s.visible(p, cs), nil
	}
}

// caseLevel is the richest view of the case the principal may read.
func (s *Service) caseLevel(p mediation.Principal, cs *mediation.Case) mediation.Level {
	return s.caseLevelID(p, cs.ID)
}

// caseLevelID is caseLevel of the stored case with the given ID: the view
// depends on the case's domain alone.
func (s *Service) caseLevelID(p mediation.Principal, id mediation.ID) mediation.Level {
	obj := authz.CaseIDObject(authz.ObjCase, id)
	switch {
	case s.authz.Allowed(p, authz.ActRead, obj):
		return mediation.LevelFull
	case s.authz.Allowed(p, authz.ActReadOverview, obj):
		return mediation.LevelOverview
	case s.authz.Allowed(p, authz.ActReadMeta, obj):
		return mediation.LevelMeta
	}
	return mediation.LevelNone
}

// Case returns the case with the richest view of it the principal may read.
// It returns EUNAUTHORIZED for the anonymous, EFORBIDDEN for a kind of
// principal that never sees a case, and ENOTFOUND for a case that does not
// exist or that the principal may not see.
func (s *Service) Case(p mediation.Principal, id mediation.ID) (mediation.Visible[mediation.Case], error) {
	defer s.decided()()
	cs, level, err := s.visibleCase(p, id)
	return mediation.Visible[mediation.Case]{Record: cs, Level: level}, err
}

// CreateCase opens a case in intake, with its creator as its first mediator.
func (s *Service) CreateCase(r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	var none mediation.Visible[mediation.Case]
	defer s.changing()()
	p := r.Principal
	if err := s.require(p, authz.ObjCase, authz.ActCreate); err != nil {
		return none, err
	}
	if err := s.authz.Check(p, authz.ActCreate, authz.GlobalObject(authz.ObjCase)); err != nil {
		return none, err
	}
	var ci mediation.CaseInput
	if err := in(&ci); err != nil {
		return none, err
	}
	cs, err := mediation.NewCase(ci, s.places, p.UserID, s.db.Now().UTC())
	if err != nil {
		return none, err
	}
	err = s.db.CreateCase(cs, p.Subject(), keyed(r)...)
	if rp, ok := replayed(r, err); ok {
		cs, err = s.db.Case(rp.ID())
	}
	if err != nil {
		return none, err
	}
	return s.answer(p)(cs, s.grantMediators(cs, p.UserID))
}

// grantMediators brings the grants of the given users on the case into line
// with the case as the store has it now: a replayed request or a later
// recusal must not grant what the store no longer holds.
func (s *Service) grantMediators(cs *mediation.Case, users ...mediation.ID) error {
	for _, u := range users {
		g := authz.MediatorGrant(u, cs.ID)
		var err error
		if cs.HasMediator(u) {
			err = s.authz.Grant(g)
		} else {
			err = s.authz.Revoke(g)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Cases lists the cases the principal may see, newest first, each with the
// view of it the principal may read: a mediator's assigned cases, a party's
// own case, every case's metadata for an admin. The query is read after the
// principal's kind is found to list cases at all.
func (s *Service) Cases(p mediation.Principal, query mediation.Input) ([]mediation.Visible[mediation.Case], mediation.ID, error) {
	if err := s.require(p, authz.ObjCase, authz.ActList); err != nil {
		return nil, 0, err
	}
	var q mediation.CaseQuery
	if err := query(&q); err != nil {
		return nil, 0, err
	}
	if err := q.Validate(); err != nil {
		return nil, 0, err
	}
	f := store.CaseFilter{Cursor: q.Cursor, Limit: q.Limit, Status: q.Status, Category: q.Category,
		Community: q.Community}
	// Which index to read is only a matter of speed: every row still passes
	// the access check.
	switch {
	case p.IsParty():
		f.Case = p.CaseID
	case p.Role == mediation.RoleMediator:
		f.Mediator = p.UserID
		// A search reads titles and parties' names and phones: only
		// within the mediator's own cases, which it reads in full.
		f.Text = q.Text
	default:
		f.All = true
	}
	defer s.decided()()
	cases, next, err := s.db.Cases(f)
	if err != nil {
		return nil, 0, err
	}
	var out []mediation.Visible[mediation.Case]
	for i := range cases {
		if level := s.caseLevel(p, &cases[i]); level != mediation.LevelNone {
			out = append(out, mediation.Visible[mediation.Case]{Record: &cases[i], Level: level})
		}
	}
	return out, next, nil
}

// Activity is, for each listed case the principal may read in full, how many
// submissions it has not seen and when the case last changed (a new
// submission counts); for any other case, when the case last changed.
func (s *Service) Activity(p mediation.Principal, cases []mediation.Visible[mediation.Case]) ([]mediation.Activity, error) {
	defer s.decided()()
	out := make([]mediation.Activity, len(cases))
	var full []int // the cases the principal reads in full, by index
	var ids []mediation.ID
	for i, v := range cases {
		out[i].Last = v.Record.UpdatedAt
		if p.UserID != 0 && s.caseLevel(p, v.Record) == mediation.LevelFull {
			full = append(full, i)
			ids = append(ids, v.Record.ID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	unseen, last, err := s.db.Activity(p.UserID, ids)
	if err != nil {
		return nil, err
	}
	for j, i := range full {
		out[i].Unseen = unseen[j]
		if last[j].After(out[i].Last) {
			out[i].Last = last[j]
		}
	}
	return out, nil
}

// UpdateCase changes the fields the patch names.
func (s *Service) UpdateCase(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	var none mediation.Visible[mediation.Case]
	defer s.decided()()
	cs, err := s.loadCase(r.Principal, id, authz.ObjCase, authz.ActUpdate)
	if err != nil {
		return none, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return none, err
	}
	var patch mediation.CasePatch
	if err := in(&patch); err != nil {
		return none, err
	}
	now := s.db.Now().UTC()
	return s.answer(r.Principal)(s.db.UpdateCase(cs.ID, r.Principal.Subject(), func(cs *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
		before := *cs
		if err := cs.Apply(patch, s.places, now); err != nil {
			return store.CaseChange{}, err
		}
		changed := changedFields(&before, cs)
		if changed == "" {
			*cs = before
			return store.CaseChange{}, nil
		}
		return store.CaseChange{Action: mediation.AuditCaseUpdate, Detail: map[string]string{"fields": changed}}, nil
	}))
}

// changedFields names the fields that differ, for the audit trail.
func changedFields(a, b *mediation.Case) string {
	fields := map[string]bool{
		"title": a.Title != b.Title, "category": a.Category != b.Category,
		"community": a.Community != b.Community, "street": a.Street != b.Street,
		"summary": a.Summary != b.Summary, "source": a.Source != b.Source,
	}
	maps.DeleteFunc(fields, func(_ string, changed bool) bool { return !changed })
	return strings.Join(slices.Sorted(maps.Keys(fields)), ",")
}

// Transition moves a case through its status machine. An illegal move is
// ECONFLICT naming the statuses allowed; closing an incomplete file is
// ECONFLICT naming what is missing. It holds the membership lock
// exclusively: a write decided on an open case (guardOpen) commits before
// the case closes, never after.
func (s *Service) Transition(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	var none mediation.Visible[mediation.Case]
	defer s.changing()()
	cs, err := s.loadCase(r.Principal, id, authz.ObjCase, authz.ActTransition)
	if err != nil {
		return none, err
	}
	var t mediation.Transition
	if err := in(&t); err != nil {
		return none, err
	}
	moved, err := s.db.TransitionCase(cs.ID, r.Principal.Subject(), t, keyed(r)...)
	if _, ok := replayed(r, err); ok {
		moved, err = s.db.Case(cs.ID)
	}
	return s.answer(r.Principal)(moved, err)
}

// AssignMediator adds a mediator to the case. It returns EINVALID when the
// user is not a mediator and ECONFLICT when the mediator appears to be one of
// the case's parties, or (error.conflicts) when its conflict-of-interest
// profile conflicts with the case and no override_reason justifies adding
// it all the same; an override is recorded in the case file.
func (s *Service) AssignMediator(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	var none mediation.Visible[mediation.Case]
	defer s.changing()()
	cs, err := s.loadCase(r.Principal, id, authz.ObjMediator, authz.ActAssign)
	if err != nil {
		return none, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return none, err
	}
	var a mediation.Assignment
	if err := in(&a); err != nil {
		return none, err
	}
	if err := a.Validate(); err != nil {
		return none, err
	}
	opts := keyed(r)
	if a.OverrideReason != "" {
		opts = append(opts, store.Overriding(a.OverrideReason))
	}
	assigned, err := s.db.AssignMediator(cs.ID, a.UserID, r.Principal.Subject(), opts...)
	if _, ok := replayed(r, err); ok {
		assigned, err = s.db.Case(cs.ID)
	} else if !cs.HasMediator(a.UserID) {
		s.auditConflictCheck(r.Principal, cs.ID, "user:"+a.UserID.String(), s.conflictResult(cs, a.UserID, assigned, err))
	}
	if err != nil {
		return none, err
	}
	if err := s.grantMediators(assigned, a.UserID); err != nil {
		return none, err
	}
	return s.answer(r.Principal)(assigned, s.syncCaretakers(assigned))
}

// auditConflictCheck records that a conflict-of-interest check ran on the
// case and what it found: a hit tells whoever ran it that a party's name or
// phone is a staff user's, so a hit is audited as well as a miss. Like a
// read, the entry is written within about a second.
func (s *Service) auditConflictCheck(p mediation.Principal, caseID mediation.ID, of string, result string) {
	if result == "" {
		return // refused before any check ran
	}
	s.db.RecordRead(mediation.AuditEntry{CaseID: caseID, Actor: p.Subject(), Action: mediation.AuditConflictCheck,
		Object: "case:" + caseID.String(), Detail: map[string]string{"of": of, "result": result}})
}

// RemoveMediator takes a mediator off the case, for example on recusal (回避),
// recording why. The last mediator cannot be removed (ECONFLICT).
func (s *Service) RemoveMediator(r *mediation.Request, id, user mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	var none mediation.Visible[mediation.Case]
	defer s.changing()()
	if err := s.require(r.Principal, authz.ObjMediator, authz.ActRemove); err != nil {
		return none, err
	}
	if user == 0 {
		return none, mediation.NotFound()
	}
	cs, err := s.db.Case(id)
	if err != nil {
		return none, err
	}
	// The mediator taken off owns the object: an assigned mediator may take
	// only itself off (step aside); a caretaking admin, anyone.
	if err := s.authz.Check(r.Principal, authz.ActRemove, authz.MediatorObject(cs, user)); err != nil {
		return none, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return none, err
	}
	var rm mediation.Removal
	if err := in(&rm); err != nil {
		return none, err
	}
	if err := rm.Validate(); err != nil {
		return none, err
	}
	removed, err := s.db.RemoveMediator(cs.ID, user, r.Principal.Subject(), rm.Reason)
	if err != nil {
		return none, err
	}
	if err := s.grantMediators(removed, user); err != nil {
		return none, err
	}
	return s.answer(r.Principal)(removed, s.syncCaretakers(removed))
}

// MediatorCandidates lists the mediators the principal may add to the case:
// every active mediator account not yet assigned, for a principal who may
// assign mediators there (its mediators; the admin only while it has no
// active mediator); none for anyone else. Only names are shown: a
// colleague's name is not case content.
func (s *Service) MediatorCandidates(p mediation.Principal, cs *mediation.Case) ([]mediation.User, error) {
	defer s.decided()()
	if !s.MayChangeMediators(p, cs) {
		return nil, nil
	}
	users, err := s.db.AllUsers()
	if err != nil {
		return nil, err
	}
	var out []mediation.User
	for _, u := range users {
		if u.Role == mediation.RoleMediator && u.Active() && !cs.HasMediator(u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}

// MayChangeMediators reports whether the principal may add mediators to the
// case (and take any of them off): its mediators may add; an admin may add
// and remove only while the case has no active mediator.
func (s *Service) MayChangeMediators(p mediation.Principal, cs *mediation.Case) bool {
	return s.authz.Allowed(p, authz.ActAssign, authz.CaseObject(authz.ObjMediator, cs))
}

// Mediators names the case's mediators, with the username beside each
// display name (display names need not be unique) and the day each joined,
// so that the parties see every change of who mediates their case. A name is
// not case content: whoever sees a case sees who mediates it.
func (s *Service) Mediators(cs *mediation.Case) []mediation.Person {
	out := make([]mediation.Person, len(cs.Mediators))
	for i, id := range cs.Mediators {
		out[i] = mediation.Person{ID: id, Since: cs.JoinedAt(id)}
		if u, err := s.db.User(id); err == nil {
			out[i].Username, out[i].DisplayName, out[i].Active = u.Username, u.DisplayName, u.Active()
		}
	}
	return out
}
