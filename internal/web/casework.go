package web

import (
	"io"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/stats"
)

// Casework is the operations the handlers call (internal/casework gives
// them). Every decision of who may see or do what is taken there; a handler
// reads input, calls one operation and presents what it answers. The error
// contract of each is on its implementation.
type Casework interface {
	Require(p mediation.Principal, a mediation.Ability) error
	May(p mediation.Principal, a mediation.Ability) bool
	Ping() error

	SignIn(username, password string) (mediation.Credential, *mediation.User, error)
	Enter(p mediation.Principal, token, pin string) (mediation.Credential, *mediation.Party, error)
	Entry(token string) (*mediation.Entry, error)
	OwnEntry(p mediation.Principal) (*mediation.Entry, error)
	ValidToken(token string) bool
	Authenticate(cookie string) (mediation.Principal, []byte, error)
	SignOut(login []byte) error
	Me(p mediation.Principal) (*mediation.User, mediation.Visible[mediation.Party], mediation.Visible[mediation.Case], error)
	DisplayName(p mediation.Principal) string
	Mediators(cs *mediation.Case) []mediation.Person

	Case(p mediation.Principal, id mediation.ID) (mediation.Visible[mediation.Case], error)
	Cases(p mediation.Principal, query mediation.Input) ([]mediation.Visible[mediation.Case], mediation.ID, error)
	Activity(p mediation.Principal, cases []mediation.Visible[mediation.Case]) ([]mediation.Activity, error)
	CreateCase(r *mediation.Request, in mediation.Input) (mediation.Visible[mediation.Case], error)
	UpdateCase(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error)
	Transition(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error)
	ExtendTerm(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error)
	AssignMediator(r *mediation.Request, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error)
	RemoveMediator(r *mediation.Request, id, user mediation.ID, in mediation.Input) (mediation.Visible[mediation.Case], error)
	MediatorCandidates(p mediation.Principal, cs *mediation.Case) ([]mediation.User, error)
	MayChangeMediators(p mediation.Principal, cs *mediation.Case) bool

	CaseForNewParty(p mediation.Principal, id mediation.ID) (*mediation.Case, error)
	AddParty(r *mediation.Request, id mediation.ID, in mediation.Input) (*mediation.Party, string, error)
	Parties(p mediation.Principal, id mediation.ID) ([]mediation.Visible[mediation.Party], error)
	Reinvite(r *mediation.Request, caseID, partyID mediation.ID) (*mediation.Party, string, error)
	ResetPIN(r *mediation.Request, caseID, partyID mediation.ID) (*mediation.Party, error)

	Submit(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Submission, error)
	Submissions(p mediation.Principal, caseID mediation.ID, page mediation.Input) ([][]byte, mediation.ID, error)
	AllSubmissions(p mediation.Principal, caseID mediation.ID) ([]mediation.Submission, error)
	Submission(p mediation.Principal, caseID, id mediation.ID) (*mediation.Submission, error)
	ToRelease(p mediation.Principal, caseID, id mediation.ID) (*mediation.Submission, []mediation.Visible[mediation.Party], error)
	Release(r *mediation.Request, caseID, id mediation.ID) (*mediation.Submission, error)

	ScheduleSession(r *mediation.Request, caseID mediation.ID, in mediation.Input) (mediation.Visible[mediation.Session], error)
	Sessions(p mediation.Principal, caseID mediation.ID) ([]mediation.Visible[mediation.Session], error)
	Session(p mediation.Principal, caseID, id mediation.ID) (mediation.Visible[mediation.Session], error)
	SessionToChange(p mediation.Principal, caseID, id mediation.ID) (mediation.Visible[mediation.Session], error)
	ChangeSession(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Session], error)
	WriteRecord(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (*mediation.SessionRecord, error)
	Record(p mediation.Principal, caseID, id mediation.ID) (*mediation.SessionRecord, error)
	Calendar(p mediation.Principal, in mediation.Input) ([]mediation.CalendarEntry, error)
	CaseCalendar(p mediation.Principal, caseID mediation.ID) ([]mediation.CalendarEntry, error)
	IssueFeed(r *mediation.Request) (string, error)
	Feed(token string) ([]mediation.CalendarEntry, error)
	CaseDeadlines(p mediation.Principal, caseID mediation.ID) ([]mediation.Deadline, error)
	Deadlines(p mediation.Principal) ([]mediation.Deadline, error)
	ListedDeadlines(p mediation.Principal, cases []mediation.Visible[mediation.Case]) ([]mediation.Deadline, error)

	CreateUser(r *mediation.Request, in mediation.Input) (*mediation.User, error)
	Users(p mediation.Principal, page mediation.Input) ([]mediation.User, mediation.ID, error)
	UpdateUser(r *mediation.Request, id mediation.ID, in mediation.Input) (*mediation.User, error)
	ChangePassword(r *mediation.Request, login []byte, in mediation.Input) error

	Trail(p mediation.Principal, caseID mediation.ID, page mediation.Input) ([]mediation.TrailEntry, mediation.ID, error)
	LatestTrail(p mediation.Principal, caseID mediation.ID, n int) ([]mediation.TrailEntry, bool, error)
	Backup(p mediation.Principal, begin func(size int64) (io.Writer, error)) (int64, error)

	// Statistics for the street office.
	Statistics(p mediation.Principal, period string) (stats.Report, error)
	StatsMonths(p mediation.Principal, period string) ([]stats.Report, error)
	StatsPeriods() []string
	// Party corrections: edit a party's record, take off one that never
	// entered, and when each party entered.
	PartyToEdit(p mediation.Principal, caseID, partyID mediation.ID) (*mediation.Party, error)
	UpdateParty(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Party, error)
	RemoveParty(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Party, error)
	PartyEntries(p mediation.Principal, caseID mediation.ID) (map[mediation.ID]time.Time, error)
	// Attachments.
	Attach(r *mediation.Request, caseID, subID mediation.ID, in mediation.Input) (*mediation.Attachment, error)
	Attachments(p mediation.Principal, caseID, subID mediation.ID) ([]mediation.Attachment, error)
	AttachmentFile(p mediation.Principal, caseID, subID, id mediation.ID, in mediation.Input) (*mediation.AttachmentFile, error)
	CaseAttachments(p mediation.Principal, caseID mediation.ID) (map[mediation.ID][]mediation.Attachment, error)
	// Agreements (调解协议书) and return visits (回访).
	CreateAgreement(r *mediation.Request, caseID mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error)
	Agreements(p mediation.Principal, caseID mediation.ID) ([]mediation.Visible[mediation.Agreement], error)
	Agreement(p mediation.Principal, caseID, id mediation.ID) (mediation.Visible[mediation.Agreement], error)
	ReviseAgreement(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error)
	ProposeAgreement(r *mediation.Request, caseID, id mediation.ID) (mediation.Visible[mediation.Agreement], error)
	SignAgreement(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error)
	DeclineAgreement(r *mediation.Request, caseID, id mediation.ID, in mediation.Input) (mediation.Visible[mediation.Agreement], error)
	CreateVisit(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Visit, error)
	Visits(p mediation.Principal, caseID mediation.ID) ([]mediation.Visit, error)
	// Closing, the mediator's own neutrality and recusals.
	Checklist(p mediation.Principal, caseID mediation.ID) (*mediation.Checklist, error)
	Dossier(p mediation.Principal, caseID mediation.ID) (*mediation.Dossier, error)
	RecordNotice(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Checklist, error)
	ConfirmIdentity(r *mediation.Request, caseID, partyID mediation.ID, in mediation.Input) (*mediation.Checklist, error)
	RecordNoAgreement(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Checklist, error)
	Interests(p mediation.Principal) (*mediation.Interests, error)
	SetInterests(r *mediation.Request, in mediation.Input) (*mediation.Interests, error)
	RequestRecusal(r *mediation.Request, caseID mediation.ID, in mediation.Input) (*mediation.Recusal, error)
	Recusals(p mediation.Principal, caseID mediation.ID) ([]mediation.Recusal, error)
	Recusal(p mediation.Principal, caseID, id mediation.ID) (*mediation.Recusal, error)
	CaseFile(p mediation.Principal, caseID mediation.ID) (*mediation.CaseFileView, error)
	FormerMediators(cs *mediation.Case) []mediation.Person
}
