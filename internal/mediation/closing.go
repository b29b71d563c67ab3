package mediation

import (
	"slices"
	"strings"
	"time"
)

// The closing of a case: what its file (卷宗) must hold before it closes,
// and the marks the mediator (or the party's own first entry) leaves in it.

// The items of the case file a closing checks, as named in error.missing.
// An item about one party is named "<item>:party:<id>" (MissingFor), so a
// client can tell which party it concerns.
const (
	MissingRegistration      = "registration"
	MissingNoticeOfRights    = "notice_of_rights"
	MissingIdentityConfirmed = "identity_confirmed"
	MissingSessionRecord     = "session_record"
	MissingAgreement         = "agreement"
	MissingNoAgreementReason = "no_agreement_reason"
	MissingRemediesExplained = "remedies_explained"
)

// MissingItems lists every item a closing may find missing.
var MissingItems = []string{MissingRegistration, MissingNoticeOfRights, MissingIdentityConfirmed,
	MissingSessionRecord, MissingAgreement, MissingNoAgreementReason, MissingRemediesExplained}

// MissingFor names an item about one party: "notice_of_rights:party:12".
func MissingFor(item string, party ID) string { return item + ":party:" + party.String() }

// SplitMissing splits a missing item into its item and its party (zero for
// an item about the whole case).
func SplitMissing(m string) (string, ID) {
	item, rest, ok := strings.Cut(m, ":party:")
	if !ok {
		return m, 0
	}
	id, _ := ParseID(rest)
	return item, id
}

// Ways a mark was made.
const (
	WayEntry    = "entry"    // the party was shown the notice at its first entry
	WayMediator = "mediator" // the mediator recorded it
)

// Mark records that something the file needs was done: when, by whom (a
// subject, "u:7" or "p:12"), how, and a note (how an identity was checked).
type Mark struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Way  string    `json:"way"`
	Note string    `json:"note,omitempty"`
}

// NoAgreementNote is why a mediation ended without agreement, and whether
// the parties were told of their other remedies (litigation, arbitration,
// administrative channels).
type NoAgreementNote struct {
	Reason            string    `json:"reason"`
	RemediesExplained bool      `json:"remedies_explained"`
	At                time.Time `json:"at"`
	By                string    `json:"by"`
}

// Conflict is one reason a mediator's own interests conflict with a case:
// Reason is community, building or organisation, Value the entry of the
// mediator's profile that matched.
type Conflict struct {
	Reason string `json:"reason"`
	Value  string `json:"value"`
}

// The reasons of a Conflict.
const (
	ConflictCommunity    = "community"
	ConflictBuilding     = "building"
	ConflictOrganisation = "organisation"
)

// Override is a mediator added to a case despite a conflict of interest,
// with the recorded justification.
type Override struct {
	UserID    ID         `json:"user_id"`
	Reason    string     `json:"reason"`
	Conflicts []Conflict `json:"conflicts"`
	By        string     `json:"by"`
	At        time.Time  `json:"at"`
}

// Dossier is what the case file holds beyond the case's own records: the
// notice of rights and duties and the identity check of each party, the
// record of a failed mediation, and the overrides of conflict checks.
type Dossier struct {
	CaseID      ID               `json:"case_id"`
	Notices     map[ID]Mark      `json:"notices,omitempty"`
	Identities  map[ID]Mark      `json:"identities,omitempty"`
	NoAgreement *NoAgreementNote `json:"no_agreement,omitempty"`
	Overrides   []Override       `json:"overrides,omitempty"`
}

// NoticeInput is the mediator's record that a party was given the notice
// of its rights and duties (for example on paper at the first meeting).
type NoticeInput struct {
	Note string `json:"note" validate:"text,max=500"`
}

// Validate trims and validates the input.
func (in *NoticeInput) Validate() error { trim(&in.Note); return Validate(in) }

// IdentityInput is the mediator's record that a party's identity was
// confirmed, and how (the document seen).
type IdentityInput struct {
	Method string `json:"method" validate:"line,required,max=100"`
}

// Validate trims and validates the input.
func (in *IdentityInput) Validate() error { trim(&in.Method); return Validate(in) }

// NoAgreementInput records why no agreement was reached and whether the
// parties were told of their other remedies.
type NoAgreementInput struct {
	Reason            string `json:"reason" validate:"text,required,max=2000"`
	RemediesExplained bool   `json:"remedies_explained"`
}

// Validate trims and validates the input.
func (in *NoAgreementInput) Validate() error { trim(&in.Reason); return Validate(in) }

// AcceptsNoAgreement returns ECONFLICT unless the case is in a status where
// a failed mediation may be recorded: mediating or no_agreement.
func (c *Case) AcceptsNoAgreement() error {
	if c.Status != StatusMediating && c.Status != StatusNoAgreement {
		return &Error{Code: ECONFLICT, Message: "error.no_agreement_status",
			Allowed: []string{string(StatusMediating), string(StatusNoAgreement)}}
	}
	return nil
}

// Changeable returns ECONFLICT for a closed case: nothing of it changes
// until a mediator reopens it with a reason.
func (c *Case) Changeable() error { return c.Status.Changeable() }

// Changeable returns ECONFLICT when a case in status s is closed.
func (s Status) Changeable() error {
	if s == StatusClosed {
		return Errorf(ECONFLICT, "error.case_closed_changes")
	}
	return nil
}

// CaseFile is what the case file holds, for the check before closing.
type CaseFile struct {
	Parties []Party
	Dossier Dossier
	// Records counts the held sessions that have a mediation record.
	Records int
	// Agreement reports whether an agreement of the case is in effect.
	Agreement bool
}

// ChecklistItem is one item of the case file and whether it is there.
type ChecklistItem struct {
	Item    string     `json:"item"`
	PartyID ID         `json:"party_id,omitempty"`
	Done    bool       `json:"done"`
	At      *time.Time `json:"at,omitempty"`
	Way     string     `json:"way,omitempty"`
	Note    string     `json:"note,omitempty"`
}

// Code is the item as error.missing names it.
func (i ChecklistItem) Code() string {
	if i.PartyID != 0 {
		return MissingFor(i.Item, i.PartyID)
	}
	return i.Item
}

// Checklist is the case file's items for the case's outcome, each ticked
// or not, and what is missing.
type Checklist struct {
	// Outcome is the outcome the items are for: agreement, no_agreement or
	// withdrawn; empty while the mediation runs (the items common to every
	// outcome, then the ones of each once it is known).
	Outcome  Status          `json:"outcome,omitempty"`
	Items    []ChecklistItem `json:"items"`
	Missing  []string        `json:"missing"`
	Complete bool            `json:"complete"`
}

// outcome is the outcome the case closes (or closed) with.
func (c *Case) outcome() Status {
	switch c.Status {
	case StatusAgreement, StatusNoAgreement, StatusWithdrawn:
		return c.Status
	case StatusClosed:
		return c.Outcome
	}
	return ""
}

// registered reports whether the case's registration (登记) is complete: its
// summary of the dispute, and at least one applicant and one respondent.
func (f CaseFile) registered(c *Case) bool {
	applicant := slices.ContainsFunc(f.Parties, func(p Party) bool { return p.Side == SideApplicant })
	respondent := slices.ContainsFunc(f.Parties, func(p Party) bool { return p.Side == SideRespondent })
	return c.Title != "" && c.Summary != "" && applicant && respondent
}

// Checklist lists the items of the case's file for its outcome. A withdrawn
// case needs its registration only (the withdrawal's reason is in its
// transition); agreement and no agreement need every party's notice and
// identity, a session record, and the agreement or the record of failure.
func (f CaseFile) Checklist(c *Case) Checklist {
	out := Checklist{Outcome: c.outcome(), Items: []ChecklistItem{{Item: MissingRegistration, Done: f.registered(c)}}}
	if out.Outcome != StatusWithdrawn {
		mark := func(item string, marks map[ID]Mark) {
			for _, p := range f.Parties {
				it := ChecklistItem{Item: item, PartyID: p.ID}
				if m, ok := marks[p.ID]; ok {
					at := m.At
					it.Done, it.At, it.Way, it.Note = true, &at, m.Way, m.Note
				}
				out.Items = append(out.Items, it)
			}
		}
		mark(MissingNoticeOfRights, f.Dossier.Notices)
		mark(MissingIdentityConfirmed, f.Dossier.Identities)
		out.Items = append(out.Items, ChecklistItem{Item: MissingSessionRecord, Done: f.Records > 0})
	}
	switch out.Outcome {
	case StatusAgreement:
		out.Items = append(out.Items, ChecklistItem{Item: MissingAgreement, Done: f.Agreement})
	case StatusNoAgreement:
		na := f.Dossier.NoAgreement
		reason := ChecklistItem{Item: MissingNoAgreementReason, Done: na != nil && na.Reason != ""}
		remedies := ChecklistItem{Item: MissingRemediesExplained, Done: na != nil && na.RemediesExplained}
		if na != nil {
			at := na.At
			reason.At, reason.Note = &at, na.Reason
			if na.RemediesExplained {
				remedies.At = &at
			}
		}
		out.Items = append(out.Items, reason, remedies)
	}
	out.Missing = []string{}
	for _, it := range out.Items {
		if !it.Done {
			out.Missing = append(out.Missing, it.Code())
		}
	}
	out.Complete = len(out.Missing) == 0 && out.Outcome != ""
	return out
}

// Missing lists what the case file still lacks before the case may close,
// in the order of its checklist.
func (f CaseFile) Missing(c *Case) []string { return f.Checklist(c).Missing }

// FiledSession is a session of the case file with its record, if written.
type FiledSession struct {
	Session Session
	Record  *SessionRecord
}

// AuditCount is how often one action appears in a case's trail, and when
// it first and last did.
type AuditCount struct {
	Action      string
	Count       int
	First, Last time.Time
}

// CaseFileView is the printable case file (卷宗) as its mediators read it:
// the registration, the parties, the sessions with their records, the
// checklist, the marks and overrides, the recusal requests and a summary of
// the audit trail.
type CaseFileView struct {
	Case      Case
	Parties   []Party
	Sessions  []FiledSession
	Checklist Checklist
	Dossier   Dossier
	Recusals  []Recusal
	// Agreement is the agreement in effect, if one is; Visits are the
	// return visits.
	Agreement *Agreement
	Visits    []Visit
	Audit     []AuditCount
	// AuditEntries is how many entries the trail holds in all.
	AuditEntries int
}
