package casework

import (
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
)

// ExtendTerm records, for whoever may change the case (its assigned
// mediators), that both sides consented to one further month of mediation; the clock then counts two months from
// acceptance. It is ECONFLICT once the mediation has ended or was extended
// already, and EINVALID without a reason or without an applicant and a
// respondent among the consenting parties.
func (s *Service) ExtendTerm(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error) {
	var none mediation.Visible[mediation.Case]
	defer s.decided()()
	cs, err := s.loadCase(r.Principal, id, authz.ObjCase, authz.ActUpdate)
	if err != nil {
		return none, err
	}
	if err := s.guardOpen(cs.Status); err != nil {
		return none, err
	}
	var ext mediation.ExtensionInput
	if err := in(&ext); err != nil {
		return none, err
	}
	extended, err := s.db.ExtendTerm(cs.ID, r.Principal.Subject(), r.Principal.UserID, ext, keyed(r)...)
	if _, ok := replayed(r, err); ok {
		extended, err = s.db.Case(cs.ID)
	}
	return s.answer(r.Principal)(extended, err)
}
