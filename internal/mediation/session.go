package mediation

import (
	"slices"
	"strings"
	"time"
)

// SessionKind says who meets: every party, or the mediators with one.
type SessionKind string

// Session kinds.
const (
	SessionJoint  SessionKind = "joint"
	SessionCaucus SessionKind = "caucus" // 背对背: the mediators with one party
)

// SessionKinds lists every session kind.
var SessionKinds = []SessionKind{SessionJoint, SessionCaucus}

// Valid reports whether k is a known session kind.
func (k SessionKind) Valid() bool { return slices.Contains(SessionKinds, k) }

// SessionStatus is where a session stands.
type SessionStatus string

// Session statuses.
const (
	SessionScheduled SessionStatus = "scheduled"
	SessionHeld      SessionStatus = "held"
	SessionCancelled SessionStatus = "cancelled"
	SessionPostponed SessionStatus = "postponed"
)

// SessionStatuses lists every session status.
var SessionStatuses = []SessionStatus{SessionScheduled, SessionHeld, SessionCancelled, SessionPostponed}

// Valid reports whether s is a known session status.
func (s SessionStatus) Valid() bool { return slices.Contains(SessionStatuses, s) }

// The bounds of a session's times.
const (
	// MaxSessionLength is the longest a session may last. The overlap check
	// relies on it: a session that overlaps [start, end) starts after
	// start−MaxSessionLength.
	MaxSessionLength = 8 * time.Hour
	// SessionHorizon is how far from now a session may be put: further is
	// a typing mistake (2062 for 2026), not a plan.
	SessionHorizon = 366 * 24 * time.Hour
)

// Session is a meeting of a case: joint (every party of the case) or a
// caucus with one party.
type Session struct {
	ID      ID          `json:"id"`
	CaseID  ID          `json:"case_id"`
	Kind    SessionKind `json:"kind"`
	PartyID ID          `json:"party_id,omitempty"` // the caucus's party
	// StartsAt and EndsAt are stored in UTC; the start is inclusive, the end
	// exclusive.
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Location string    `json:"location"`
	// Room is set when Location is a configured room, which cannot hold two
	// sessions at once; free text (3号楼院子) can.
	Room        bool          `json:"room"`
	MediatorIDs []ID          `json:"mediator_ids"`
	Status      SessionStatus `json:"status"`
	// Reason is why it was cancelled or postponed.
	Reason    string    `json:"reason,omitempty"`
	CreatedBy ID        `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Revision counts the changes since it was scheduled: a calendar takes
	// the event with the highest (iCalendar's SEQUENCE).
	Revision int `json:"revision"`
}

// Blocks reports whether the session holds its slot: every session but a
// cancelled one does.
func (s *Session) Blocks() bool { return s.Status != SessionCancelled }

// Overlaps reports whether the two sessions are at the same time: one starts
// before the other ends.
func (s *Session) Overlaps(o *Session) bool {
	return s.StartsAt.Before(o.EndsAt) && o.StartsAt.Before(s.EndsAt)
}

// Clash says with what a session would be double-booked, if it would: the
// shared mediator, room or party. Parties belong to one case, so two sessions
// share a party only within a case; a joint session holds every party.
func (s *Session) Clash(o *Session) (with string, ok bool) {
	if s.ID == o.ID && s.ID != 0 || !s.Blocks() || !o.Blocks() || !s.Overlaps(o) {
		return "", false
	}
	for _, m := range s.MediatorIDs {
		if slices.Contains(o.MediatorIDs, m) {
			return ClashMediator, true
		}
	}
	if s.Room && o.Room && s.Location == o.Location {
		return ClashRoom, true
	}
	if s.CaseID == o.CaseID && (s.Kind == SessionJoint || o.Kind == SessionJoint || s.PartyID == o.PartyID) {
		return ClashParty, true
	}
	return "", false
}

// What a double booking shares.
const (
	ClashMediator = "mediator"
	ClashRoom     = "room"
	ClashParty    = "party"
)

// Booked is the store's answer when a session would overlap another that
// shares a mediator, a room or a party: the other session as stored. It is
// not for the client; the operation says of it only what the reader may see
// (Clash).
type Booked struct {
	With    string
	Session Session
}

func (b *Booked) Error() string {
	return "mediation: double booking with session " + b.Session.ID.String() + " (" + b.With + ")"
}

// Clash is what a double booking's ECONFLICT tells its reader of the session
// in the way: its time always, its ID and case only if the reader may see
// that session.
type Clash struct {
	With      string    `json:"with"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	SessionID ID        `json:"session_id,omitempty"`
	CaseID    ID        `json:"case_id,omitempty"`
}

// DoubleBooked is the ECONFLICT of a double booking, shown beside the field
// that clashes.
func DoubleBooked(c Clash) *Error {
	shown := map[string]struct{ field, key string }{
		ClashMediator: {"mediator_ids", "validation.booked_mediator"},
		ClashRoom:     {"location", "validation.booked_room"},
		ClashParty:    {"starts_at", "validation.booked_party"},
	}[c.With]
	return &Error{Code: ECONFLICT, Message: "error.double_booked",
		Fields: map[string]FieldError{shown.field: {Key: shown.key}}, Clash: &c}
}

// SessionInput is what a mediator writes to schedule a session, or to log one
// that took place (status held, a start in the past).
type SessionInput struct {
	Kind        SessionKind   `json:"kind"`
	PartyID     ID            `json:"party_id"`
	StartsAt    string        `json:"starts_at"`
	EndsAt      string        `json:"ends_at"`
	Location    string        `json:"location"`
	MediatorIDs []ID          `json:"mediator_ids"`
	Status      SessionStatus `json:"status"`
}

// SessionPatch reschedules, moves, or changes the status of a session;
// absent fields stay as they are.
type SessionPatch struct {
	StartsAt *string        `json:"starts_at"`
	EndsAt   *string        `json:"ends_at"`
	Location *string        `json:"location"`
	Status   *SessionStatus `json:"status"`
	Reason   *string        `json:"reason"`
}

// fieldErrors gathers the problems of an input, field by field.
type fieldErrors map[string]FieldError

func (f fieldErrors) add(field, key, param string) {
	if _, ok := f[field]; !ok {
		f[field] = FieldError{Key: key, Param: param}
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "error.invalid", Fields: f}
}

// parseTime reads an RFC 3339 time with its offset (a time without one names
// no moment) within the horizon of now.
func parseTime(f fieldErrors, field, s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		f.add(field, "validation.required", "")
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		f.add(field, "validation.datetime", "")
		return time.Time{}
	}
	if t.Before(now.Add(-SessionHorizon)) || t.After(now.Add(SessionHorizon)) {
		f.add(field, "validation.horizon", "")
		return time.Time{}
	}
	return t.UTC()
}

// checkTimes checks a session's times for its status at now.
func checkTimes(f fieldErrors, start, end time.Time, status SessionStatus, now time.Time) {
	if start.IsZero() || end.IsZero() {
		return
	}
	switch {
	case !end.After(start):
		f.add("ends_at", "validation.after_start", "")
	case end.Sub(start) > MaxSessionLength:
		f.add("ends_at", "validation.session_length", "8")
	}
	switch {
	case status == SessionHeld && start.After(now):
		f.add("starts_at", "validation.not_started", "")
	case status == SessionScheduled && !start.After(now):
		f.add("starts_at", "validation.future", "")
	}
}

// checkLocation trims and checks a session's place, and says whether it is a
// configured room.
func checkLocation(f fieldErrors, loc *string, places *Places) bool {
	*loc = strings.TrimSpace(*loc)
	switch {
	case *loc == "":
		f.add("location", "validation.required", "")
	case !printable(*loc, false):
		f.add("location", "validation.line", "")
	case len([]rune(*loc)) > 100:
		f.add("location", "validation.max", "100")
	}
	return places != nil && slices.Contains(places.Rooms, *loc)
}

// NewSession validates the input and returns the session it describes in
// the case, scheduled by the mediator by. The caucus's party must be one of
// partiesOfCase; the mediators default to by and must be the case's.
func NewSession(in SessionInput, cs *Case, partiesOfCase []ID, places *Places, by ID, now time.Time) (*Session, error) {
	f := fieldErrors{}
	switch {
	case in.Kind == "":
		f.add("kind", "validation.required", "")
	case !in.Kind.Valid():
		f.add("kind", "validation.enum", "")
	case in.Kind == SessionCaucus && in.PartyID == 0:
		f.add("party_id", "validation.required", "")
	case in.Kind == SessionCaucus && !slices.Contains(partiesOfCase, in.PartyID):
		f.add("party_id", "validation.party", "")
	case in.Kind == SessionJoint && in.PartyID != 0:
		f.add("party_id", "validation.joint_party", "")
	}
	if in.Status == "" {
		in.Status = SessionScheduled
	}
	if in.Status != SessionScheduled && in.Status != SessionHeld {
		f.add("status", "validation.session_new_status", "")
	}
	start := parseTime(f, "starts_at", in.StartsAt, now)
	end := parseTime(f, "ends_at", in.EndsAt, now)
	checkTimes(f, start, end, in.Status, now)
	room := checkLocation(f, &in.Location, places)
	mediators := in.MediatorIDs
	if len(mediators) == 0 {
		mediators = []ID{by}
	}
	mediators = slices.Compact(slices.Sorted(slices.Values(mediators)))
	for _, m := range mediators {
		if !cs.HasMediator(m) {
			f.add("mediator_ids", "validation.session_mediator", "")
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	return &Session{CaseID: cs.ID, Kind: in.Kind, PartyID: in.PartyID, StartsAt: start, EndsAt: end,
		Location: in.Location, Room: room, MediatorIDs: mediators, Status: in.Status,
		CreatedBy: by, CreatedAt: now, UpdatedAt: now}, nil
}

// sessionMoves are the status changes a session may make.
var sessionMoves = map[SessionStatus][]SessionStatus{
	SessionScheduled: {SessionHeld, SessionCancelled, SessionPostponed},
	SessionPostponed: {SessionScheduled, SessionCancelled},
}

// Moves lists the statuses the session may change to from its own.
func (s *Session) Moves() []SessionStatus { return slices.Clone(sessionMoves[s.Status]) }

// Apply changes the session as the patch says, at now: a new time or place
// while it is scheduled or postponed (a postponed session given a new time
// is scheduled again), a status change along sessionMoves (cancelling and
// postponing need a reason; held only once it has started). It reports
// whether the time or the place changed, so that the booking is checked
// again. An illegal status change is ECONFLICT naming the allowed ones.
func (s *Session) Apply(p SessionPatch, places *Places, now time.Time) (moved bool, err error) {
	f := fieldErrors{}
	to := s.Status
	if p.Status != nil {
		to = *p.Status
		if !to.Valid() {
			f.add("status", "validation.enum", "")
		}
	}
	retimed := p.StartsAt != nil || p.EndsAt != nil || p.Location != nil
	if retimed && p.Status == nil && s.Status == SessionPostponed {
		to = SessionScheduled
	}
	if err := f.err(); err != nil {
		return false, err
	}
	if to != s.Status && !slices.Contains(sessionMoves[s.Status], to) || retimed && to != SessionScheduled {
		allowed := []string{}
		for _, m := range sessionMoves[s.Status] {
			allowed = append(allowed, string(m))
		}
		return false, &Error{Code: ECONFLICT, Message: "error.session_status", Allowed: allowed}
	}
	start, end := s.StartsAt, s.EndsAt
	if p.StartsAt != nil {
		start = parseTime(f, "starts_at", *p.StartsAt, now)
	}
	if p.EndsAt != nil {
		end = parseTime(f, "ends_at", *p.EndsAt, now)
	}
	if retimed || to == SessionHeld {
		checkTimes(f, start, end, to, now)
	}
	loc, room := s.Location, s.Room
	if p.Location != nil {
		loc = *p.Location
		room = checkLocation(f, &loc, places)
	}
	reason := s.Reason
	if p.Reason != nil {
		reason = strings.TrimSpace(*p.Reason)
		if !printable(reason, true) {
			f.add("reason", "validation.text", "")
		} else if len([]rune(reason)) > 1000 {
			f.add("reason", "validation.max", "1000")
		}
	}
	if (to == SessionCancelled || to == SessionPostponed) && to != s.Status && (p.Reason == nil || reason == "") {
		f.add("reason", "validation.required", "")
	}
	if err := f.err(); err != nil {
		return false, err
	}
	moved = !start.Equal(s.StartsAt) || !end.Equal(s.EndsAt) || loc != s.Location
	if moved || to != s.Status || reason != s.Reason {
		s.Revision++
	}
	s.StartsAt, s.EndsAt, s.Location, s.Room, s.Status, s.Reason, s.UpdatedAt = start, end, loc, room, to, reason, now
	return moved, nil
}

// AcceptsSessions returns ECONFLICT when the case takes no more sessions.
func (c *Case) AcceptsSessions() error {
	if c.Status == StatusClosed || c.Status == StatusWithdrawn {
		return Errorf(ECONFLICT, "error.case_closed_sessions")
	}
	return nil
}
