package mediation

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Case is one dispute brought to mediation.
type Case struct {
	ID ID `json:"id"`
	// Reference is what a person says on the phone: the year the case opened
	// and its number, e.g. "2026-0042".
	Reference string   `json:"reference"`
	Title     string   `json:"title"`
	Category  Category `json:"category"`
	Community string   `json:"community"` // code of a configured community (社区)
	Street    string   `json:"street"`    // code of its street (街道)
	Summary   string   `json:"summary"`
	Source    Source   `json:"source"`
	Status    Status   `json:"status"`
	Mediators []ID     `json:"mediators"`
	// Joined is when each of the mediators joined the case (a case stored
	// before it was kept has none: its creator joined when it opened).
	Joined    map[ID]time.Time `json:"joined,omitempty"`
	CreatedBy ID               `json:"created_by"`
	OpenedAt  time.Time        `json:"opened_at"`
	UpdatedAt time.Time        `json:"updated_at"`
	ClosedAt  *time.Time       `json:"closed_at,omitempty"`
	// Outcome is the status a closed case closed from: agreement,
	// no_agreement or withdrawn.
	Outcome Status `json:"outcome,omitempty"`
	// Former are the mediators taken off the case (stepping aside, on a
	// recusal), so that its parties see every change of who mediates it.
	Former []Departure `json:"former,omitempty"`
	// Extension is the one further month both sides consented to, if any.
	Extension *TermExtension `json:"extension,omitempty"`
	// Agreed summarises the agreement in effect, once one has taken effect.
	Agreed *Agreed `json:"agreed,omitempty"`
	// RegisterSessions counts the sessions a case brought in from a paper
	// register (补录) held before tiaojie; the sessions held since are records.
	RegisterSessions int `json:"register_sessions,omitempty"`
}

// Departure is a mediator's time on a case, once it left.
type Departure struct {
	UserID ID         `json:"user_id"`
	Since  *time.Time `json:"since,omitempty"`
	Left   time.Time  `json:"left"`
}

// CaseReference formats the reference of the case with the given id, opened at t.
func CaseReference(id ID, opened time.Time) string {
	return fmt.Sprintf("%d-%04d", opened.Year(), uint64(id))
}

// JoinedAt is when the mediator joined the case, as far as it is known.
func (c *Case) JoinedAt(user ID) *time.Time {
	if t, ok := c.Joined[user]; ok {
		return &t
	}
	if user == c.CreatedBy {
		t := c.OpenedAt
		return &t
	}
	return nil
}

// HasMediator reports whether the user is assigned to the case.
func (c *Case) HasMediator(user ID) bool { return slices.Contains(c.Mediators, user) }

// CaseInput is what a mediator writes when opening a case.
type CaseInput struct {
	Title     string   `json:"title" validate:"line,required,max=100"`
	Category  Category `json:"category" validate:"required,enum"`
	Community string   `json:"community" validate:"line,required,max=64"`
	Street    string   `json:"street" validate:"line,max=64"`
	Summary   string   `json:"summary" validate:"text,max=4000"`
	Source    Source   `json:"source" validate:"required,enum"`
}

// CasePatch changes some fields of a case; absent fields stay as they are.
type CasePatch struct {
	Title     *string   `json:"title" validate:"omitnil,line,notblank,max=100"`
	Category  *Category `json:"category" validate:"omitnil,enum"`
	Community *string   `json:"community" validate:"omitnil,line,notblank,max=64"`
	Street    *string   `json:"street" validate:"omitnil,line,max=64"`
	Summary   *string   `json:"summary" validate:"omitnil,text,max=4000"`
	Source    *Source   `json:"source" validate:"omitnil,enum"`
}

// Community is a residents' community (社区) and the street (街道) it belongs to.
type Community struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Street string `json:"street"`
}

// Places is the configured geography: communities and mediation rooms.
type Places struct {
	// Organisation is the mediation committee itself: who a resident calls.
	Organisation Organisation `json:"organisation"`
	Communities  []Community  `json:"communities"`
	Rooms        []string     `json:"rooms"`
}

// Organisation is the mediation organisation as its slips and pages name
// it: its name, where it is and the number a resident calls.
type Organisation struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
}

// Community returns the community with the given code.
func (p *Places) Community(code string) (Community, bool) {
	for _, c := range p.Communities {
		if c.Code == code {
			return c, true
		}
	}
	return Community{}, false
}

// NewCase validates the input against the configured places and returns the
// case it describes, in intake, not yet stored.
func NewCase(in CaseInput, places *Places, by ID, now time.Time) (*Case, error) {
	in.normalize()
	if err := Validate(&in); err != nil {
		return nil, err
	}
	c := &Case{
		Title: in.Title, Category: in.Category, Community: in.Community, Street: in.Street,
		Summary: in.Summary, Source: in.Source, Status: StatusIntake,
		Mediators: []ID{by}, CreatedBy: by, OpenedAt: now, UpdatedAt: now,
	}
	if err := c.placeIn(places); err != nil {
		return nil, err
	}
	return c, nil
}

func (in *CaseInput) normalize() {
	trim(&in.Title, &in.Community, &in.Street, &in.Summary)
}

// Apply changes the case as the patch says, validating the result.
func (c *Case) Apply(p CasePatch, places *Places, now time.Time) error {
	trimPtr(p.Title, p.Community, p.Street, p.Summary)
	if err := Validate(&p); err != nil {
		return err
	}
	next := *c
	set(&next.Title, p.Title)
	set(&next.Category, p.Category)
	set(&next.Summary, p.Summary)
	set(&next.Source, p.Source)
	if p.Community != nil {
		next.Community = *p.Community
		next.Street = ""
	}
	set(&next.Street, p.Street)
	if err := next.placeIn(places); err != nil {
		return err
	}
	next.UpdatedAt = now
	*c = next
	return nil
}

// placeIn checks the community and fills in or checks its street.
func (c *Case) placeIn(places *Places) error {
	com, ok := places.Community(c.Community)
	if !ok {
		return Invalid("community", "validation.community", "")
	}
	if c.Street == "" {
		c.Street = com.Street
	} else if c.Street != com.Street {
		return Invalid("street", "validation.street", "")
	}
	return nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Validate checks a configured geography: at least one community, unique
// codes, and a name and street for each.
func (p *Places) Validate() error {
	o := &p.Organisation
	trim(&o.Name, &o.Address, &o.Phone)
	if o.Name == "" || o.Phone == "" {
		return errors.New(`the organisation needs a name and a phone: "organisation": {"name", "address", "phone"}`)
	}
	if o.Phone = normalizePhone(o.Phone); !phonePattern.MatchString(o.Phone) {
		return fmt.Errorf("organisation phone %q is neither a mobile (13800138000) nor a landline with its area code (010-62345678, 0755-1234567-801)", o.Phone)
	}
	if len(p.Communities) == 0 {
		return errors.New("no communities configured")
	}
	seen := map[string]bool{}
	for _, c := range p.Communities {
		if c.Code == "" || c.Name == "" || c.Street == "" {
			return fmt.Errorf("community %q needs a code, a name and a street", c.Code)
		}
		if seen[c.Code] {
			return fmt.Errorf("community code %q appears twice", c.Code)
		}
		seen[c.Code] = true
	}
	return nil
}

// Assignment names a mediator to add to a case and, when its own interests
// conflict with the case, the justification for adding it all the same.
type Assignment struct {
	UserID         ID     `json:"user_id" validate:"required"`
	OverrideReason string `json:"override_reason" validate:"text,max=1000"`
}

// Validate trims and validates the assignment.
func (a *Assignment) Validate() error { trim(&a.OverrideReason); return Validate(a) }

// Removal says why a mediator leaves a case, for example on recusal (回避).
type Removal struct {
	Reason string `json:"reason" validate:"text,required,max=1000"`
}

// Validate trims and validates the removal.
func (r *Removal) Validate() error {
	trim(&r.Reason)
	return Validate(r)
}
