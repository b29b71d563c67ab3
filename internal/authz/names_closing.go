package authz

import "tiaojie/internal/mediation"

// Object kinds of closing a case, the mediator's own neutrality and
// recusals, as named in policies/policy.csv.
const (
	// ObjCaseFile is the case file (卷宗) as the closing checks it: the
	// checklist, the marks of notice and identity, the record of a failed
	// mediation, the printable file.
	ObjCaseFile = "case_file"
	// ObjRecusal is a party's request that a mediator step aside (回避),
	// owned by the requesting party.
	ObjRecusal = "recusal"
	// ObjInterests is a mediator's conflict-of-interest profile, owned by
	// the mediator.
	ObjInterests = "interests"
)

// RecusalObject is a recusal request, owned by the party that made it.
func RecusalObject(r *mediation.Recusal) Object {
	return Object{Kind: ObjRecusal, Domain: mediation.CaseDomain(r.CaseID), Owner: mediation.PartySubject(r.PartyID)}
}

// InterestsObject is a user's own conflict-of-interest profile.
func InterestsObject(user mediation.ID) Object {
	return Object{Kind: ObjInterests, Domain: DomainGlobal, Owner: mediation.UserSubject(user)}
}

// InCare reports whether the admins hold CaretakerGrant on the case: while
// none of its mediators is an active account, or while a party's request
// that a mediator step aside is pending.
func InCare(cs *mediation.Case, active func(mediation.ID) bool, recusing bool) bool {
	return recusing || Unattended(cs, active)
}
