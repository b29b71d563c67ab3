package mediation

import "time"

// User is a staff account: a mediator, a street-office reader or an admin.
type User struct {
	ID           ID        `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Role         Role      `json:"role"`
	Phone        string    `json:"phone,omitempty"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// UserInput is what an admin writes to create a staff account.
type UserInput struct {
	Username    string `json:"username" validate:"required,username"`
	DisplayName string `json:"display_name" validate:"line,required,max=50"`
	Role        Role   `json:"role" validate:"required,enum"`
	Phone       string `json:"phone" validate:"omitempty,mobile"`
	Password    string `json:"password" validate:"required,min=8,max=128"`
}

// NewUser validates the input and returns the account it describes, without
// its password hash, which the caller sets.
func NewUser(in *UserInput, now time.Time) (*User, error) {
	trim(&in.Username, &in.DisplayName, &in.Phone)
	in.Phone = normalizePhone(in.Phone)
	if err := Validate(in); err != nil {
		return nil, err
	}
	return &User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role,
		Phone: in.Phone, CreatedAt: now}, nil
}

// Conflicts reports whether the staff user appears to be the same person as
// the party, so that one person is never both mediator and party on a case.
func (u *User) Conflicts(p *Party) bool {
	return (u.Phone != "" && u.Phone == p.Phone) || u.DisplayName == p.Name
}
