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
	// DeactivatedAt is when the admin deactivated the account: it signs in
	// no more and holds no grant. Nil while the account is active.
	DeactivatedAt *time.Time `json:"deactivated_at,omitempty"`
}

// Active reports whether the account may sign in and act.
func (u *User) Active() bool { return u.DeactivatedAt == nil }

// UserPatch is what an admin changes of a staff account; a nil field stays
// as it is. Active false deactivates it, true reactivates it; Password sets
// a new one (a reset).
type UserPatch struct {
	DisplayName *string `json:"display_name" validate:"omitempty,line,required,max=50"`
	Phone       *string `json:"phone" validate:"omitempty,phone"`
	Active      *bool   `json:"active"`
	Password    *string `json:"password" validate:"omitempty,min=8,max=128"`
}

// Apply validates the patch and applies it to u at now; the password, if
// any, is the caller's to hash. It reports what changed, for the audit.
func (pt *UserPatch) Apply(u *User, now time.Time) ([]string, error) {
	if pt.DisplayName != nil {
		trim(pt.DisplayName)
	}
	if pt.Phone != nil {
		trim(pt.Phone)
		*pt.Phone = normalizePhone(*pt.Phone)
	}
	if err := Validate(pt); err != nil {
		return nil, err
	}
	var changed []string
	if pt.DisplayName != nil && *pt.DisplayName != u.DisplayName {
		u.DisplayName, changed = *pt.DisplayName, append(changed, "display_name")
	}
	if pt.Phone != nil && *pt.Phone != u.Phone {
		u.Phone, changed = *pt.Phone, append(changed, "phone")
	}
	if pt.Active != nil && *pt.Active != u.Active() {
		if *pt.Active {
			u.DeactivatedAt = nil
		} else {
			at := now
			u.DeactivatedAt = &at
		}
		changed = append(changed, "active")
	}
	if pt.Password != nil {
		changed = append(changed, "password")
	}
	return changed, nil
}

// PasswordChange is what a staff user writes to change its own password.
type PasswordChange struct {
	Current string `json:"current" validate:"required,max=128"`
	New     string `json:"new" validate:"required,min=8,max=128"`
}

// UserInput is what an admin writes to create a staff account.
type UserInput struct {
	Username    string `json:"username" validate:"required,username"`
	DisplayName string `json:"display_name" validate:"line,required,max=50"`
	Role        Role   `json:"role" validate:"required,enum"`
	Phone       string `json:"phone" validate:"omitempty,phone"`
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
