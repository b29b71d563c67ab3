package mediation

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The mediator's own neutrality: its conflict-of-interest profile, checked
// when it is added to a case, and the parties' requests that a mediator
// step aside (回避).

// Interests is a mediator's conflict-of-interest profile: the communities it
// lives in, the buildings it owns or rents in, the organisations it works
// for or is related to.
type Interests struct {
	UserID        ID        `json:"user_id"`
	Communities   []string  `json:"communities"`
	Buildings     []string  `json:"buildings"`
	Organisations []string  `json:"organisations"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// MaxInterests is how many entries each list of a profile may hold.
const MaxInterests = 20

// InterestsInput is the profile as the mediator writes it; every list is
// replaced whole.
type InterestsInput struct {
	Communities   []string `json:"communities"`
	Buildings     []string `json:"buildings"`
	Organisations []string `json:"organisations"`
}

// NewInterests validates the input against the configured communities and
// returns the profile it describes: entries trimmed, blanks and repeats
// dropped, each list at most MaxInterests entries of at most 100 characters
// on one line.
func NewInterests(in InterestsInput, user ID, places *Places, now time.Time) (*Interests, error) {
	out := &Interests{UserID: user, UpdatedAt: now}
	e := &Error{Code: EINVALID, Message: "error.invalid", Fields: map[string]FieldError{}}
	clean := func(field string, list []string, each func(string) *FieldError) []string {
		res := []string{}
		for _, v := range list {
			v = strings.TrimSpace(v)
			if v == "" || slices.Contains(res, v) {
				continue
			}
			if fe := each(v); fe != nil {
				e.Fields[field] = *fe
				return nil
			}
			res = append(res, v)
		}
		if len(res) > MaxInterests {
			e.Fields[field] = FieldError{Key: "validation.max_items", Param: "20"}
		}
		return res
	}
	text := func(v string) *FieldError {
		if !printable(v, false) {
			return &FieldError{Key: "validation.line"}
		}
		if utf8.RuneCountInString(v) > 100 {
			return &FieldError{Key: "validation.max", Param: "100"}
		}
		return nil
	}
	out.Communities = clean("communities", in.Communities, func(v string) *FieldError {
		if _, ok := places.Community(v); !ok {
			return &FieldError{Key: "validation.community"}
		}
		return nil
	})
	out.Buildings = clean("buildings", in.Buildings, text)
	out.Organisations = clean("organisations", in.Organisations, text)
	if len(e.Fields) > 0 {
		return nil, e
	}
	return out, nil
}

// fold is a text as compared for a conflict: without spaces, lower case.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// related reports whether two names of an organisation look like the same
// one: either holds the other ("万科物业" and "万科物业服务有限公司").
func related(a, b string) bool {
	a, b = fold(a), fold(b)
	if utf8.RuneCountInString(a) < 2 || utf8.RuneCountInString(b) < 2 {
		return a == b && a != ""
	}
	return strings.Contains(a, b) || strings.Contains(b, a)
}

// ConflictsWith lists why the profile conflicts with the case: the mediator
// lives in the case's community; a party's address lies in a building the
// mediator owns or rents in; an organisation the mediator is related to is a
// party (an organization party's name) or one a party represents. Each entry
// of the profile that matches is named once.
func (in *Interests) ConflictsWith(c *Case, parties []Party) []Conflict {
	var out []Conflict
	if slices.Contains(in.Communities, c.Community) {
		out = append(out, Conflict{Reason: ConflictCommunity, Value: c.Community})
	}
	for _, b := range in.Buildings {
		if slices.ContainsFunc(parties, func(p Party) bool { return p.Address != "" && strings.Contains(fold(p.Address), fold(b)) }) {
			out = append(out, Conflict{Reason: ConflictBuilding, Value: b})
		}
	}
	for _, o := range in.Organisations {
		if slices.ContainsFunc(parties, func(p Party) bool {
			return (p.Kind == PartyOrganization && related(p.Name, o)) || (p.Represents != "" && related(p.Represents, o))
		}) {
			out = append(out, Conflict{Reason: ConflictOrganisation, Value: o})
		}
	}
	return out
}

// Recusal is a party's request that a mediator of its case step aside
// (回避). It stands until the mediator is taken off the case (which needs
// another mediator on it first: the last one cannot be removed); until
// then no new session of the case can be scheduled.
type Recusal struct {
	ID        ID         `json:"id"`
	CaseID    ID         `json:"case_id"`
	PartyID   ID         `json:"party_id"`
	UserID    ID         `json:"user_id"`
	Reason    string     `json:"reason"`
	CreatedAt time.Time  `json:"created_at"`
	SettledAt *time.Time `json:"settled_at,omitempty"`
}

// Pending reports whether the request still waits for the mediator to be
// replaced.
func (r *Recusal) Pending() bool { return r.SettledAt == nil }

// RecusalInput is a party's request: which mediator, and why.
type RecusalInput struct {
	UserID ID     `json:"user_id" validate:"required"`
	Reason string `json:"reason" validate:"text,required,max=1000"`
}

// NewRecusal validates the input and returns the request it describes.
func NewRecusal(in RecusalInput, c *Case, party ID, now time.Time) (*Recusal, error) {
	trim(&in.Reason)
	if err := Validate(&in); err != nil {
		return nil, err
	}
	if !c.HasMediator(in.UserID) {
		return nil, Invalid("user_id", "validation.recusal_mediator", "")
	}
	return &Recusal{CaseID: c.ID, PartyID: party, UserID: in.UserID, Reason: in.Reason, CreatedAt: now}, nil
}
