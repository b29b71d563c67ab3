package mediation

import "time"

// AuditEntry records one change to, or one read of, the case file: who did
// what to which object, and when. Entries form a hash chain in the store.
type AuditEntry struct {
	Seq    uint64            `json:"seq"`
	CaseID ID                `json:"case_id,omitempty"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`  // casbin subject: "u:7", "p:19", or "system"
	Action string            `json:"action"` // e.g. "submission.create", "submission.read"
	Object string            `json:"object"` // e.g. "submission:12"
	Detail map[string]string `json:"detail,omitempty"`
}

// Audit actions.
const (
	AuditUserCreate        = "user.create"
	AuditLogin             = "session.login"
	AuditAccess            = "session.access"
	AuditCaseCreate        = "case.create"
	AuditCaseImport        = "case.import" // a case of a paper register (补录)
	AuditCaseUpdate        = "case.update"
	AuditCaseTransition    = "case.transition"
	AuditMediatorAssign    = "mediator.assign"
	AuditMediatorRemove    = "mediator.remove"
	AuditPartyCreate       = "party.create"
	AuditInvitationCreate  = "invitation.create"
	AuditSubmissionCreate  = "submission.create"
	AuditSubmissionRelease = "submission.release"
	AuditSubmissionRead    = "submission.read"
	AuditBackupRead        = "backup.read"
	AuditUserUpdate        = "user.update"
	AuditPasswordChange    = "user.password"
	// AuditConflictCheck is a conflict-of-interest check, with its result:
	// a hit tells whoever ran it something about a party.
	AuditConflictCheck = "conflict.check"
	AuditPINSet        = "party.pin_set"
	AuditPINReset      = "party.pin_reset"
	// The mediation's sessions (meetings), not sign-ins ("session.login"
	// is a sign-in, named before the meetings came).
	AuditSessionSchedule = "session.schedule"
	AuditSessionChange   = "session.change"
	AuditRecordWrite     = "record.write"
	AuditFeedIssue       = "calendar.feed"
	// Corrections of a party's record, and a party taken off before it entered.
	AuditPartyUpdate = "party.update"
	AuditPartyRemove = "party.remove"
	// AuditTermExtend is the mediation term extended by a month.
	AuditTermExtend = "case.extend"
	// Attachments: one stored, one downloaded (a read of its submission).
	AuditAttachmentCreate = "attachment.create"
	AuditAttachmentRead   = "attachment.read"
	// Agreements (调解协议书) and return visits (回访).
	AuditAgreementCreate  = "agreement.create"
	AuditAgreementRevise  = "agreement.revise"
	AuditAgreementPropose = "agreement.propose"
	AuditAgreementSign    = "agreement.sign"
	AuditAgreementDecline = "agreement.decline"
	AuditAgreementEffect  = "agreement.effective"
	AuditVisitCreate      = "visit.create"
	// Closing, the mediator's own neutrality and recusals.
	AuditNoticeRecord    = "file.notice"
	AuditIdentityConfirm = "file.identity"
	AuditNoAgreement     = "file.no_agreement"
	AuditInterestsUpdate = "interests.update"
	AuditRecusalRequest  = "recusal.request"
)

// AuditActions lists every action an audit entry may record.
var AuditActions = []string{AuditUserCreate, AuditLogin, AuditAccess, AuditCaseCreate, AuditCaseImport, AuditCaseUpdate,
	AuditCaseTransition, AuditMediatorAssign, AuditMediatorRemove, AuditPartyCreate,
	AuditInvitationCreate, AuditSubmissionCreate, AuditSubmissionRelease, AuditSubmissionRead, AuditBackupRead,
	AuditUserUpdate, AuditPasswordChange, AuditConflictCheck, AuditPINSet, AuditPINReset,
	AuditSessionSchedule, AuditSessionChange, AuditRecordWrite, AuditFeedIssue, AuditTermExtend,
	AuditPartyUpdate, AuditPartyRemove,
	AuditAttachmentCreate, AuditAttachmentRead,
	AuditAgreementCreate, AuditAgreementRevise, AuditAgreementPropose, AuditAgreementSign,
	AuditAgreementDecline, AuditAgreementEffect, AuditVisitCreate,
	AuditNoticeRecord, AuditIdentityConfirm, AuditNoAgreement, AuditInterestsUpdate, AuditRecusalRequest}
