package authz

import "tiaojie/internal/mediation"

// The objects of stored records. Domain and owner are always taken from the
// record as loaded, so a request can never name its own.

// CaseObject is a case, as an object of the given kind in its own domain
// (ObjCase for the case itself; ObjParty, ObjSubmission, ObjAudit and the like
// for creating or listing things inside it).
func CaseObject(kind string, c *mediation.Case) Object {
	return Object{Kind: kind, Domain: mediation.CaseDomain(c.ID)}
}

// CaseIDObject is CaseObject for a case known by its ID, as found in the
// store (a decision that needs nothing else of the case reads nothing else).
func CaseIDObject(kind string, id mediation.ID) Object {
	return Object{Kind: kind, Domain: mediation.CaseDomain(id)}
}

// OwnIDObject is OwnObject for a case known by its ID, as found in the store.
func OwnIDObject(kind string, id mediation.ID, owner string) Object {
	return Object{Kind: kind, Domain: mediation.CaseDomain(id), Owner: owner}
}

// OwnObject is the objects of a kind in a case that owner owns, for a
// decision on a whole list of them (a party's own submissions).
func OwnObject(kind string, c *mediation.Case, owner string) Object {
	return Object{Kind: kind, Domain: mediation.CaseDomain(c.ID), Owner: owner}
}

// MediatorObject is the assignment of a user to a case, owned by that user.
func MediatorObject(c *mediation.Case, user mediation.ID) Object {
	return Object{Kind: ObjMediator, Domain: mediation.CaseDomain(c.ID), Owner: mediation.UserSubject(user)}
}

// PasswordObject is a staff user's own password.
func PasswordObject(user mediation.ID) Object {
	return Object{Kind: ObjPassword, Domain: DomainGlobal, Owner: mediation.UserSubject(user)}
}

// PartyObject is a party's record: ObjParty for its name and side,
// ObjPartyContact for all of it, ObjInvitation for its invitation,
// ObjSubmission for a submission it is about to author.
func PartyObject(kind string, p *mediation.Party) Object {
	return Object{Kind: kind, Domain: mediation.CaseDomain(p.CaseID), Owner: mediation.PartySubject(p.ID)}
}

// SubmissionObject is a submission. A released one is a different kind of
// object, readable by every party of its case.
func SubmissionObject(s *mediation.Submission) Object {
	kind := ObjSubmission
	if s.Released {
		kind = ObjReleasedSubmission
	}
	return Object{Kind: kind, Domain: mediation.CaseDomain(s.CaseID), Owner: mediation.PartySubject(s.PartyID)}
}

// GlobalObject is an object that belongs to no case: users, statistics,
// backups, the calendar, and a case not yet created.
func GlobalObject(kind string) Object { return Object{Kind: kind, Domain: DomainGlobal} }

// SessionObject is a session: a joint session is every party's to see, a
// caucus only its own party's.
func SessionObject(s *mediation.Session) Object {
	if s.Kind == mediation.SessionCaucus {
		return Object{Kind: ObjCaucus, Domain: mediation.CaseDomain(s.CaseID), Owner: mediation.PartySubject(s.PartyID)}
	}
	return Object{Kind: ObjSession, Domain: mediation.CaseDomain(s.CaseID)}
}

// RecordObject is the mediation record of a session: its case's mediators'
// alone, whatever the session's kind.
func RecordObject(s *mediation.Session) Object {
	return Object{Kind: ObjSessionRecord, Domain: mediation.CaseDomain(s.CaseID)}
}

// AttachmentObject is a submission as something to attach to: owned by its
// author, whether or not it was released.
func AttachmentObject(s *mediation.Submission) Object {
	return Object{Kind: ObjAttachment, Domain: mediation.CaseDomain(s.CaseID), Owner: mediation.PartySubject(s.PartyID)}
}

// SignatureObject is a signature on an agreement of the case, owned by the
// signer it would be (a party's or a mediator's subject).
func SignatureObject(c *mediation.Case, signer string) Object {
	return Object{Kind: ObjSignature, Domain: mediation.CaseDomain(c.ID), Owner: signer}
}
