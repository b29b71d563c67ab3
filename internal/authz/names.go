package authz

// Object kinds, as named in policies/policy.csv.
const (
	ObjUser               = "user"
	ObjCase               = "case"
	ObjMediator           = "mediator"
	ObjParty              = "party"
	ObjPartyContact       = "party_contact"
	ObjInvitation         = "invitation"
	ObjSubmission         = "submission"
	ObjReleasedSubmission = "released_submission"
	ObjAudit              = "audit"
	ObjStats              = "stats"
	ObjBackup             = "backup"
	ObjCalendar           = "calendar"
	ObjPassword           = "password"
	ObjPIN                = "pin"
	// ObjSession is a case's sessions as a whole (scheduling one, listing
	// them) and a joint session; ObjCaucus is a caucus, owned by its party.
	ObjSession = "session"
	ObjCaucus  = "caucus"
	// ObjSessionRecord is the mediation record (调解笔录) of a session.
	ObjSessionRecord = "session_record"
	// ObjDeadline is a case's statutory deadlines (internal/clock).
	ObjDeadline = "deadline"
)

// Actions, as named in policies/policy.csv.
const (
	ActCreate       = "create"
	ActRead         = "read"
	ActReadMeta     = "read_meta"
	ActReadOverview = "read_overview"
	ActList         = "list"
	ActUpdate       = "update"
	ActTransition   = "transition"
	ActAssign       = "assign"
	ActRemove       = "remove"
	ActRelease      = "release"
	ActRedeem       = "redeem"
	ActReset        = "reset"
)

// DomainGlobal is the domain of objects that belong to no case (users,
// statistics, backups, the calendar) and of the global staff grants.
const DomainGlobal = "*"

// Roles as named in policies/policy.csv. Global roles are granted in
// DomainGlobal, per-case roles in the domain of their case.
const (
	roleAdmin           = "role:admin"
	roleOffice          = "role:office"
	roleMediatorAccount = "role:mediator_account"
	roleMediator        = "role:mediator"
	roleParty           = "role:party"
	// roleCaretaker is the admin's in a case left without an active
	// mediator, derived from the stored case and accounts.
	roleCaretaker = "role:caretaker"
)

// ObjAttachment is attaching a photo or document to a submission, owned by
// the submission's author. Reading one is reading its submission.
const ObjAttachment = "attachment"

// Agreements (调解协议书) and return visits (回访).
const (
	// ObjAgreement is an agreement as its parties read it: its proposed
	// versions, who signed which, the refusals.
	ObjAgreement = "agreement"
	// ObjAgreementDraft is drafting an agreement: starting one (or recording
	// an oral one), reading its drafts, saving a new version (update) and
	// proposing one (transition).
	ObjAgreementDraft = "agreement_draft"
	// ObjSignature is a signature given to an agreement, owned by its signer.
	ObjSignature = "signature"
	// ObjAgreementDecline is a party's refusal to sign, owned by the party.
	ObjAgreementDecline = "agreement_decline"
	// ObjVisit is a return visit after the agreement took effect.
	ObjVisit = "visit"
)
