package mediation

import "time"

// Party is a person, household or organization on one side of a case. A party
// has no password: it signs in through an invitation.
type Party struct {
	ID         ID        `json:"id"`
	CaseID     ID        `json:"case_id"`
	Name       string    `json:"name"`
	Kind       PartyKind `json:"kind"`
	Side       Side      `json:"side"`
	Phone      string    `json:"phone"`
	Address    string    `json:"address"`
	Represents string    `json:"represents"` // e.g. "owners of building 3, 24 households"
	CreatedBy  ID        `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// PartyInput is what a mediator writes when adding a party.
type PartyInput struct {
	Name       string    `json:"name" validate:"line,required,max=100"`
	Kind       PartyKind `json:"kind" validate:"required,enum"`
	Side       Side      `json:"side" validate:"required,enum"`
	Phone      string    `json:"phone" validate:"omitempty,phone"`
	Address    string    `json:"address" validate:"line,max=200"`
	Represents string    `json:"represents" validate:"line,max=200"`
}

// NewParty validates the input and returns the party it describes.
func NewParty(in PartyInput, caseID, by ID, now time.Time) (*Party, error) {
	trim(&in.Name, &in.Phone, &in.Address, &in.Represents)
	in.Phone = normalizePhone(in.Phone)
	if err := Validate(&in); err != nil {
		return nil, err
	}
	return &Party{CaseID: caseID, Name: in.Name, Kind: in.Kind, Side: in.Side, Phone: in.Phone,
		Address: in.Address, Represents: in.Represents, CreatedBy: by, CreatedAt: now}, nil
}

// Invitation lets one party of one case in without a password. Only a hash of
// its token is stored; a new invitation for the party replaces the old one.
type Invitation struct {
	PartyID   ID        `json:"party_id"`
	CaseID    ID        `json:"case_id"`
	TokenHash []byte    `json:"token_hash"`
	CreatedBy ID        `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// RedeemedAt is when the party first entered with it; until then the
	// invitation expires.
	RedeemedAt *time.Time `json:"redeemed_at,omitempty"`
	// The party's PIN, set at its first entry and needed at every later one
	// (argon2id, like a password). It belongs to the party, not the link: a
	// new invitation carries it over. A mediator's reset clears it and is
	// remembered, for the party to be told at its next entry.
	PINHash    string     `json:"pin_hash,omitempty"`
	PINSetAt   *time.Time `json:"pin_set_at,omitempty"`
	PINResetBy ID         `json:"pin_reset_by,omitempty"`
	PINResetAt *time.Time `json:"pin_reset_at,omitempty"`
}

// PINLength is the number of digits of a party's PIN.
const PINLength = 6

// ValidPIN reports whether pin is six ASCII digits.
func ValidPIN(pin string) bool {
	if len(pin) != PINLength {
		return false
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return false
		}
	}
	return true
}

// Entry is what the page an invitation leads to tells its holder: whether
// the party has set its PIN, who reset it and when, and whom to call.
type Entry struct {
	PartyID   ID
	HasPIN    bool
	ResetBy   string // the display name of the mediator who reset the PIN
	ResetAt   *time.Time
	Mediators []Contact
}

// Contact is a mediator a party may call.
type Contact struct {
	ID    ID
	Name  string
	Phone string
}

// Expired reports whether the invitation was never used and is older than
// ttl at now; a ttl of zero never expires.
func (inv *Invitation) Expired(now time.Time, ttl time.Duration) bool {
	return inv.RedeemedAt == nil && ttl > 0 && now.Sub(inv.CreatedAt) > ttl
}
