package mediation

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// The limits of an agreement's texts, in characters, and of its terms.
const (
	MaxAgreementText  = 4000
	MaxAgreementTerms = 50
)

// Agreement is a mediation agreement (调解协议书) of a case: every version it
// has had (each save is one), the signatures given to its proposed versions
// and the parties' refusals. A signature belongs to the version it was given
// to and counts for no other. The agreement takes effect when every party
// and one assigned mediator have signed the same version. An oral agreement
// (口头协议) is recorded by a mediator, has one version and no signatures,
// and takes effect when it is recorded.
type Agreement struct {
	ID         ID                 `json:"id"`
	CaseID     ID                 `json:"case_id"`
	Oral       bool               `json:"oral"`
	Versions   []AgreementVersion `json:"versions"`
	Signatures []Signature        `json:"signatures"`
	Declines   []Decline          `json:"declines"`
	// EffectiveVersion is the version that took effect, when one has.
	EffectiveVersion int        `json:"effective_version,omitempty"`
	EffectiveAt      *time.Time `json:"effective_at,omitempty"`
	CreatedBy        ID         `json:"created_by"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// AgreementVersion is one saved version of an agreement. Proposing it
// freezes it: it is then readable by every party and can be signed.
type AgreementVersion struct {
	Version    int              `json:"version"`
	Content    AgreementContent `json:"content"`
	Digest     string           `json:"digest"`
	CreatedBy  ID               `json:"created_by"`
	CreatedAt  time.Time        `json:"created_at"`
	ProposedBy ID               `json:"proposed_by,omitempty"`
	ProposedAt *time.Time       `json:"proposed_at,omitempty"`
}

// AgreementContent is what an agreement says, structured as the People's
// Mediation Law lists it.
type AgreementContent struct {
	Parties         []AgreementParty `json:"parties"`
	Facts           string           `json:"facts"`
	DisputedMatters string           `json:"disputed_matters"`
	Responsibility  string           `json:"responsibility"`
	Terms           []AgreementTerm  `json:"terms"`
	Remarks         string           `json:"remarks"`
}

// AgreementParty is a party's basic information as the document states it:
// taken from the party's record (name, kind, side, whom it represents) and
// editable for the document. Contact details are not copied from the
// record, since every party reads the document; an address is written in
// by the mediator when the document needs it.
type AgreementParty struct {
	PartyID    ID        `json:"party_id"`
	Name       string    `json:"name" validate:"line,required,max=100"`
	Kind       PartyKind `json:"kind" validate:"required,enum"`
	Side       Side      `json:"side" validate:"required,enum"`
	Represents string    `json:"represents" validate:"line,max=200"`
	Address    string    `json:"address" validate:"line,max=200"`
}

// AgreementTerm is one obligation: who owes it (a party), what, the manner,
// the place and the deadline (YYYY-MM-DD) of its performance.
type AgreementTerm struct {
	ObligorPartyID ID     `json:"obligor_party_id"`
	Text           string `json:"text" validate:"text,required,max=1000"`
	Manner         string `json:"manner" validate:"line,required,max=200"`
	Place          string `json:"place" validate:"line,max=200"`
	Deadline       string `json:"deadline" validate:"required"`
}

// Signature is one signature given to one version: by a party (PartyID) or
// a mediator (UserID), over that version's digest, with the name typed as
// confirmation.
type Signature struct {
	PartyID  ID        `json:"party_id,omitempty"`
	UserID   ID        `json:"user_id,omitempty"`
	Name     string    `json:"name"`
	Version  int       `json:"version"`
	Digest   string    `json:"digest"`
	SignedAt time.Time `json:"signed_at"`
}

// Decline is a party's refusal to sign a proposed version, with its reason.
type Decline struct {
	PartyID    ID        `json:"party_id"`
	Version    int       `json:"version"`
	Reason     string    `json:"reason"`
	DeclinedAt time.Time `json:"declined_at"`
}

// AgreementInput is what a mediator writes to start an agreement: a draft,
// or with Oral an oral agreement recorded as made. Parties may be left out:
// they are then taken from the case's parties.
type AgreementInput struct {
	Oral            bool             `json:"oral"`
	Parties         []AgreementParty `json:"parties"`
	Facts           string           `json:"facts"`
	DisputedMatters string           `json:"disputed_matters"`
	Responsibility  string           `json:"responsibility"`
	Terms           []AgreementTerm  `json:"terms"`
	Remarks         string           `json:"remarks"`
}

// Content is what the input says the agreement says.
func (in AgreementInput) Content() AgreementContent {
	return AgreementContent{Parties: in.Parties, Facts: in.Facts, DisputedMatters: in.DisputedMatters,
		Responsibility: in.Responsibility, Terms: in.Terms, Remarks: in.Remarks}
}

// SignInput is a signature: the signer's name typed as confirmation, a
// party's PIN, and optionally the version read (which must be the one
// proposed now) and the party signed for (which must be the signer).
type SignInput struct {
	ConfirmName string `json:"confirm_name"`
	PIN         string `json:"pin"`
	Version     int    `json:"version"`
	PartyID     ID     `json:"party_id"`
}

// DeclineInput is a party's refusal.
type DeclineInput struct {
	Reason  string `json:"reason" validate:"text,required,max=1000"`
	Version int    `json:"version"`
}

// Status is where the agreement stands: draft, proposed or effective.
func (a *Agreement) Status() string {
	switch {
	case a.EffectiveAt != nil:
		return "effective"
	case a.Proposed() != nil:
		return "proposed"
	}
	return "draft"
}

// InEffect reports whether the agreement has taken effect.
func (a *Agreement) InEffect() bool { return a.EffectiveAt != nil }

// Latest is the last version saved.
func (a *Agreement) Latest() *AgreementVersion {
	if len(a.Versions) == 0 {
		return nil
	}
	return &a.Versions[len(a.Versions)-1]
}

// Proposed is the version proposed last (the one to sign), or nil.
func (a *Agreement) Proposed() *AgreementVersion {
	for i := len(a.Versions) - 1; i >= 0; i-- {
		if a.Versions[i].ProposedAt != nil {
			return &a.Versions[i]
		}
	}
	return nil
}

// Version is version n, or nil.
func (a *Agreement) Version(n int) *AgreementVersion {
	for i := range a.Versions {
		if a.Versions[i].Version == n {
			return &a.Versions[i]
		}
	}
	return nil
}

// Effective is the version in effect, or nil.
func (a *Agreement) Effective() *AgreementVersion {
	if !a.InEffect() {
		return nil
	}
	return a.Version(a.EffectiveVersion)
}

// SignedBy is the signature of the signer (a party or a user) on version n.
func (a *Agreement) SignedBy(party, user ID, n int) *Signature {
	for i, s := range a.Signatures {
		if s.Version == n && ((party != 0 && s.PartyID == party) || (user != 0 && s.UserID == user)) {
			return &a.Signatures[i]
		}
	}
	return nil
}

// DeclinedBy is the party's refusal of version n.
func (a *Agreement) DeclinedBy(party ID, n int) *Decline {
	for i, d := range a.Declines {
		if d.Version == n && d.PartyID == party {
			return &a.Declines[i]
		}
	}
	return nil
}

// signedText is the text a signature covers: the version's canonical JSON.
type signedText struct {
	AgreementID ID               `json:"agreement_id"`
	CaseID      ID               `json:"case_id"`
	Version     int              `json:"version"`
	Oral        bool             `json:"oral"`
	Content     AgreementContent `json:"content"`
}

// CanonicalText is the signed text of version v of the agreement: JSON with
// the fields in a fixed order, no HTML escaping, no insignificant white
// space. Its SHA-256 is the version's digest.
func (a *Agreement) CanonicalText(v *AgreementVersion) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(signedText{AgreementID: a.ID, CaseID: a.CaseID, Version: v.Version, Oral: a.Oral, Content: v.Content}); err != nil {
		panic(err) // plain data: cannot fail
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Seal sets the digest of version v from its canonical text.
func (a *Agreement) Seal(v *AgreementVersion) {
	sum := sha256.Sum256(a.CanonicalText(v))
	v.Digest = hex.EncodeToString(sum[:])
}

// NormalizeContent trims the texts and validates the content against the
// case's parties (each stated once, every one of them; every obligor one of
// them) and today (no deadline before it). Parties left out are taken from
// the records. Errors name the field, e.g. "terms[1].deadline".
func NormalizeContent(in *AgreementContent, oral bool, parties []Party, today time.Time) error {
	trim(&in.Facts, &in.DisputedMatters, &in.Responsibility, &in.Remarks)
	e := &Error{Code: EINVALID, Message: "error.invalid", Fields: map[string]FieldError{}}
	field := func(name, key, param string) {
		if _, seen := e.Fields[name]; !seen {
			e.Fields[name] = FieldError{Key: key, Param: param}
		}
	}
	long := func(name, s string, required bool) {
		switch {
		case required && s == "":
			field(name, "validation.required", "")
		case !printable(s, true):
			field(name, "validation.text", "")
		case len([]rune(s)) > MaxAgreementText:
			field(name, "validation.max", fmt.Sprint(MaxAgreementText))
		}
	}
	long("facts", in.Facts, !oral)
	long("disputed_matters", in.DisputedMatters, !oral)
	long("responsibility", in.Responsibility, false)
	long("remarks", in.Remarks, false)
	ofCase := func(id ID) bool {
		return slices.ContainsFunc(parties, func(p Party) bool { return p.ID == id })
	}
	if in.Parties == nil {
		for _, p := range parties {
			in.Parties = append(in.Parties, AgreementParty{PartyID: p.ID, Name: p.Name, Kind: p.Kind, Side: p.Side, Represents: p.Represents})
		}
	}
	seen := map[ID]bool{}
	for i := range in.Parties {
		p := &in.Parties[i]
		trim(&p.Name, &p.Represents, &p.Address)
		prefix := fmt.Sprintf("parties[%d].", i)
		if !ofCase(p.PartyID) || seen[p.PartyID] {
			field(prefix+"party_id", "validation.party", "")
		}
		seen[p.PartyID] = true
		prefixed(e, prefix, Validate(p))
	}
	if len(parties) == 0 {
		field("parties", "validation.agreement_parties", "")
	} else if len(seen) != len(parties) || len(in.Parties) != len(parties) {
		field("parties", "validation.agreement_parties", "")
	}
	switch {
	case len(in.Terms) == 0:
		field("terms", "validation.required", "")
	case len(in.Terms) > MaxAgreementTerms:
		field("terms", "validation.max_items", fmt.Sprint(MaxAgreementTerms))
	}
	day := today.Format(time.DateOnly)
	for i := range in.Terms {
		t := &in.Terms[i]
		trim(&t.Text, &t.Manner, &t.Place, &t.Deadline)
		prefix := fmt.Sprintf("terms[%d].", i)
		if !ofCase(t.ObligorPartyID) {
			field(prefix+"obligor_party_id", "validation.party", "")
		}
		prefixed(e, prefix, Validate(t))
		if t.Deadline != "" {
			if d, err := time.Parse(time.DateOnly, t.Deadline); err != nil || d.Format(time.DateOnly) != t.Deadline || d.Year() > 2200 {
				field(prefix+"deadline", "validation.date", "")
			} else if t.Deadline < day {
				field(prefix+"deadline", "validation.deadline_past", "")
			}
		}
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// prefixed adds the field errors of err under prefix to e.
func prefixed(e *Error, prefix string, err error) {
	if err == nil {
		return
	}
	if f, ok := err.(*Error); ok {
		for k, v := range f.Fields {
			if _, seen := e.Fields[prefix+k]; !seen {
				e.Fields[prefix+k] = v
			}
		}
	}
}

// NewAgreement returns the agreement the input starts on case c, with its
// first version sealed (an oral one in effect at once), not yet stored: its
// ID is set by the store, which seals it again then.
func NewAgreement(in AgreementInput, c *Case, parties []Party, by ID, now time.Time, today time.Time) (*Agreement, error) {
	if err := c.AcceptsAgreements(); err != nil {
		return nil, err
	}
	content := in.Content()
	if err := NormalizeContent(&content, in.Oral, parties, today); err != nil {
		return nil, err
	}
	a := &Agreement{CaseID: c.ID, Oral: in.Oral, CreatedBy: by, CreatedAt: now, UpdatedAt: now,
		Versions: []AgreementVersion{{Version: 1, Content: content, CreatedBy: by, CreatedAt: now}}}
	if in.Oral {
		a.Versions[0].ProposedBy, a.Versions[0].ProposedAt = by, &now
		a.EffectiveVersion, a.EffectiveAt = 1, &now
	}
	return a, nil
}

// AcceptsAgreements is nil when agreements may be drafted on the case: only
// while it is being mediated.
func (c *Case) AcceptsAgreements() error {
	if c.Status != StatusMediating {
		return &Error{Code: ECONFLICT, Message: "error.agreement_needs_mediating", Args: map[string]any{"Status": string(c.Status)}}
	}
	return nil
}

// changeable is nil when the agreement may still change.
func (a *Agreement) changeable() error {
	switch {
	case a.Oral:
		return Errorf(ECONFLICT, "error.agreement_oral")
	case a.InEffect():
		return Errorf(ECONFLICT, "error.agreement_in_effect")
	}
	return nil
}

// Revise adds a new version with the content (validated as for a new
// agreement). Earlier versions and their signatures stay as they are.
func (a *Agreement) Revise(in AgreementContent, c *Case, parties []Party, by ID, now, today time.Time) error {
	if err := a.changeable(); err != nil {
		return err
	}
	if err := c.AcceptsAgreements(); err != nil {
		return err
	}
	if err := NormalizeContent(&in, false, parties, today); err != nil {
		return err
	}
	v := AgreementVersion{Version: len(a.Versions) + 1, Content: in, CreatedBy: by, CreatedAt: now}
	a.Seal(&v)
	a.Versions = append(a.Versions, v)
	a.UpdatedAt = now
	return nil
}

// Propose freezes the latest version and offers it for signing.
func (a *Agreement) Propose(c *Case, by ID, now time.Time) (*AgreementVersion, error) {
	if err := a.changeable(); err != nil {
		return nil, err
	}
	if err := c.AcceptsAgreements(); err != nil {
		return nil, err
	}
	v := a.Latest()
	if v.ProposedAt != nil {
		return nil, Errorf(ECONFLICT, "error.agreement_already_proposed")
	}
	v.ProposedBy, v.ProposedAt = by, &now
	a.UpdatedAt = now
	return v, nil
}

// toSign is the version a signature or refusal goes to: the one proposed
// now, which must be the one the signer read when it names one.
func (a *Agreement) toSign(c *Case, named int) (*AgreementVersion, error) {
	if err := a.changeable(); err != nil {
		return nil, err
	}
	if err := c.AcceptsAgreements(); err != nil {
		return nil, err
	}
	v := a.Proposed()
	if v == nil {
		return nil, Errorf(ECONFLICT, "error.agreement_not_proposed")
	}
	if named != 0 && named != v.Version {
		return nil, &Error{Code: ECONFLICT, Message: "error.agreement_version_superseded", Args: map[string]any{"Version": v.Version}}
	}
	return v, nil
}

// Sign adds the signature of a party (party) or a mediator (user) to the
// version proposed now, and reports whether the agreement took effect with
// it: when every one of the case's parties and at least one of its
// mediators have signed that version. Signing a version twice, or one the
// party declined, is ECONFLICT.
func (a *Agreement) Sign(c *Case, parties []Party, party, user ID, name string, named int, now time.Time) (*Signature, bool, error) {
	v, err := a.toSign(c, named)
	if err != nil {
		return nil, false, err
	}
	if !v.names(parties) {
		return nil, false, Errorf(ECONFLICT, "error.agreement_parties_changed")
	}
	if a.SignedBy(party, user, v.Version) != nil {
		return nil, false, Errorf(ECONFLICT, "error.agreement_already_signed")
	}
	if party != 0 && a.DeclinedBy(party, v.Version) != nil {
		return nil, false, Errorf(ECONFLICT, "error.agreement_declined")
	}
	a.Signatures = append(a.Signatures, Signature{PartyID: party, UserID: user, Name: name,
		Version: v.Version, Digest: v.Digest, SignedAt: now})
	a.UpdatedAt = now
	sig := &a.Signatures[len(a.Signatures)-1]
	if !a.complete(c, parties, v) {
		return sig, false, nil
	}
	a.EffectiveVersion, a.EffectiveAt = v.Version, &now
	return sig, true, nil
}

// names reports whether the version states every one of the parties (a
// party added to the case after it was saved is not in it, and cannot sign
// a text that does not name it: a new version is needed).
func (v *AgreementVersion) names(parties []Party) bool {
	for _, p := range parties {
		if !slices.ContainsFunc(v.Content.Parties, func(ap AgreementParty) bool { return ap.PartyID == p.ID }) {
			return false
		}
	}
	return true
}

// complete reports whether every party of the case and one of its
// mediators signed version v, over its digest.
func (a *Agreement) complete(c *Case, parties []Party, v *AgreementVersion) bool {
	if len(parties) == 0 {
		return false
	}
	for _, p := range parties {
		if s := a.SignedBy(p.ID, 0, v.Version); s == nil || s.Digest != v.Digest {
			return false
		}
	}
	return slices.ContainsFunc(c.Mediators, func(m ID) bool {
		s := a.SignedBy(0, m, v.Version)
		return s != nil && s.Digest == v.Digest
	})
}

// Decline records the party's refusal of the version proposed now.
func (a *Agreement) Decline(c *Case, party ID, in DeclineInput, now time.Time) (*Decline, error) {
	trim(&in.Reason)
	if err := Validate(&in); err != nil {
		return nil, err
	}
	v, err := a.toSign(c, in.Version)
	if err != nil {
		return nil, err
	}
	if a.SignedBy(party, 0, v.Version) != nil {
		return nil, Errorf(ECONFLICT, "error.agreement_already_signed")
	}
	if a.DeclinedBy(party, v.Version) != nil {
		return nil, Errorf(ECONFLICT, "error.agreement_declined")
	}
	a.Declines = append(a.Declines, Decline{PartyID: party, Version: v.Version, Reason: in.Reason, DeclinedAt: now})
	a.UpdatedAt = now
	return &a.Declines[len(a.Declines)-1], nil
}

// Agreed is what a case record keeps of the agreement in effect: enough for
// the clock (the day it took effect, each term's deadline, what return
// visits found) without loading the agreement.
type Agreed struct {
	AgreementID ID           `json:"agreement_id"`
	Version     int          `json:"version"`
	Oral        bool         `json:"oral"`
	EffectiveAt time.Time    `json:"effective_at"`
	Terms       []AgreedTerm `json:"terms"`
}

// AgreedTerm is one term of the agreement in effect as the clock needs it.
type AgreedTerm struct {
	Deadline string `json:"deadline"`
	// Performance is what the latest return visit found, and LastVisit its
	// day; Visited is set once a visit on or after the deadline covered it.
	Performance Performance `json:"performance,omitempty"`
	LastVisit   string      `json:"last_visit,omitempty"`
	Visited     bool        `json:"visited,omitempty"`
}

// AgreedOf is the summary of the agreement's version in effect.
func AgreedOf(a *Agreement) *Agreed {
	v := a.Effective()
	if v == nil {
		return nil
	}
	g := &Agreed{AgreementID: a.ID, Version: v.Version, Oral: a.Oral, EffectiveAt: *a.EffectiveAt}
	for _, t := range v.Content.Terms {
		g.Terms = append(g.Terms, AgreedTerm{Deadline: t.Deadline})
	}
	return g
}

// AgreementInEffect reports whether the case has an agreement in effect (a
// written one signed by every party and a mediator, or an oral one
// recorded): what moving it to status agreement, and closing it with that
// outcome, need.
func (c *Case) AgreementInEffect() bool { return c.Agreed != nil }

// TakeEffect moves the case to status agreement with the agreement's
// summary.
func (c *Case) TakeEffect(a *Agreement, now time.Time) {
	c.Agreed = AgreedOf(a)
	c.Status = StatusAgreement
	c.UpdatedAt = now
}

// FieldChange is one field that differs between two versions.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// CompareContent lists, field by field, what differs from a to b: the
// texts, each party's information and each term's parts, e.g.
// "terms[0].deadline"; a term or party only in one shows as "" on the other
// side.
func CompareContent(a, b AgreementContent) []FieldChange {
	var out []FieldChange
	cmp := func(field, x, y string) {
		if x != y {
			out = append(out, FieldChange{Field: field, From: x, To: y})
		}
	}
	for i := range max(len(a.Parties), len(b.Parties)) {
		var x, y AgreementParty
		if i < len(a.Parties) {
			x = a.Parties[i]
		}
		if i < len(b.Parties) {
			y = b.Parties[i]
		}
		p := fmt.Sprintf("parties[%d].", i)
		cmp(p+"name", x.Name, y.Name)
		cmp(p+"kind", string(x.Kind), string(y.Kind))
		cmp(p+"side", string(x.Side), string(y.Side))
		cmp(p+"represents", x.Represents, y.Represents)
		cmp(p+"address", x.Address, y.Address)
	}
	cmp("facts", a.Facts, b.Facts)
	cmp("disputed_matters", a.DisputedMatters, b.DisputedMatters)
	cmp("responsibility", a.Responsibility, b.Responsibility)
	for i := range max(len(a.Terms), len(b.Terms)) {
		var x, y AgreementTerm
		if i < len(a.Terms) {
			x = a.Terms[i]
		}
		if i < len(b.Terms) {
			y = b.Terms[i]
		}
		p := fmt.Sprintf("terms[%d].", i)
		id := func(v ID) string {
			if v == 0 {
				return ""
			}
			return v.String()
		}
		cmp(p+"obligor_party_id", id(x.ObligorPartyID), id(y.ObligorPartyID))
		cmp(p+"text", x.Text, y.Text)
		cmp(p+"manner", x.Manner, y.Manner)
		cmp(p+"place", x.Place, y.Place)
		cmp(p+"deadline", x.Deadline, y.Deadline)
	}
	cmp("remarks", a.Remarks, b.Remarks)
	return out
}
