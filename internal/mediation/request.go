package mediation

import (
	"strings"
	"time"
)

// The vocabulary between the operations (internal/casework) and their faces
// (the JSON API, the pages, the commands): who asks, what they send, and what
// they may see of the answer.

// Request is one call of an operation: who asks and, for a call that may be a
// retry, its idempotency key.
type Request struct {
	Principal Principal
	// Key identifies a keyed call (scoped to its principal and path) and Body
	// is a hash of its input: the same Key with another Body is a conflict.
	Key, Body []byte
	// Replayed is set by the operation when it answered from the record of an
	// earlier call with the same key instead of carrying the call out again.
	Replayed bool
}

// Input fills v (a pointer to the operation's input type) with what the
// caller sent. An operation reads its input only after deciding that the
// principal may act at all, so that an outsider is answered 401, 403 or 404
// whatever it sent. An Input does no I/O: what it reads is in memory before
// the operation starts, so that no slow client holds an operation's locks.
type Input func(v any) error

// Given is the Input of a value already at hand (a command, the demo, a
// test).
func Given[T any](v T) Input {
	return func(dst any) error {
		*dst.(*T) = v
		return nil
	}
}

// Level is how much of a record a principal may see: of a case, the
// mediators' whole file, a party's overview or the admin's metadata; of a
// party, the whole record or its public name and side. LevelNone is nothing:
// the record is answered as if it did not exist.
type Level string

// The levels, as the answers' "view" field names them.
const (
	LevelNone     Level = ""
	LevelFull     Level = "full"
	LevelOverview Level = "overview"
	LevelMeta     Level = "meta"
	LevelPublic   Level = "public"
)

// Visible is a record with the level at which its reader may see it.
type Visible[T any] struct {
	Record *T
	Level  Level
}

// Page is where a list starts (after Cursor) and how long it is.
type Page struct {
	Cursor ID
	Limit  int
}

// CaseQuery selects cases to list.
type CaseQuery struct {
	Page
	Status   Status
	Category Category
	// Community and Text (a case number, a title, a party's name or phone)
	// narrow a mediator's own list.
	Community string
	Text      string
}

// Validate checks the query's codes.
func (q *CaseQuery) Validate() error {
	if q.Status != "" && !q.Status.Valid() {
		return Invalid("status", "validation.enum", "")
	}
	q.Text = strings.TrimSpace(q.Text)
	if len([]rune(q.Text)) > 100 || !printable(q.Text, false) {
		return Invalid("q", "validation.max", "100")
	}
	if q.Category != "" && !q.Category.Valid() {
		return Invalid("category", "validation.enum", "")
	}
	return nil
}

// Activity is what a mediator's case list shows of a case's recent life: the
// submissions the mediator has not seen and when the case last changed.
type Activity struct {
	Unseen int
	Last   time.Time
}

// Person names a staff user: for a case's mediators, with the username
// (display names need not be unique) and the day each joined the case.
type Person struct {
	ID          ID         `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Since       *time.Time `json:"since,omitempty"`
	Active      bool       `json:"active"`
	// Until is when a former mediator left the case.
	Until *time.Time `json:"until,omitempty"`
}

// TrailEntry is an audit entry with its actor named, for a reader of the
// case's trail.
type TrailEntry struct {
	AuditEntry
	ActorName string
}

// Credential is what a sign-in hands the client to keep: the value its
// cookie carries and how long it may live.
type Credential struct {
	Cookie string
	MaxAge time.Duration
}

// Ability is something a kind of principal may do, in some case or in none,
// for a page to offer it or not. Whether it may do it to a given record is
// decided when it tries.
type Ability string

// The abilities pages ask about.
const (
	AbilityOpenCase       Ability = "open_case"
	AbilityManageUsers    Ability = "manage_users"
	AbilityReadStats      Ability = "read_stats"
	AbilityRemoveMediator Ability = "remove_mediator"
	// AbilityEnter is redeeming a party's invitation while signed in.
	AbilityEnter         Ability = "enter"
	AbilityReadDeadlines Ability = "read_deadlines"
)
