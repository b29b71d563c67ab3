package mediation

// PartyPatch corrects a party's record: each field given replaces the one
// stored (name, kind, side, phone, address, represents); an absent field
// stays as it is.
type PartyPatch struct {
	Name       *string    `json:"name"`
	Kind       *PartyKind `json:"kind"`
	Side       *Side      `json:"side"`
	Phone      *string    `json:"phone"`
	Address    *string    `json:"address"`
	Represents *string    `json:"represents"`
}

// Apply validates the patch against the party and returns the corrected
// record and the names of the fields that changed (none: nothing to store).
// The party itself is not modified.
func (pt *Party) Apply(in PartyPatch) (*Party, []string, error) {
	trimPtr(in.Name, in.Phone, in.Address, in.Represents)
	if in.Phone != nil {
		*in.Phone = normalizePhone(*in.Phone)
	}
	v := PartyInput{Name: pt.Name, Kind: pt.Kind, Side: pt.Side, Phone: pt.Phone, Address: pt.Address,
		Represents: pt.Represents}
	set(&v.Name, in.Name)
	set(&v.Kind, in.Kind)
	set(&v.Side, in.Side)
	set(&v.Phone, in.Phone)
	set(&v.Address, in.Address)
	set(&v.Represents, in.Represents)
	if err := Validate(&v); err != nil {
		return nil, nil, err
	}
	out := *pt
	var changed []string
	change := func(name string, dst *string, val string) {
		if *dst != val {
			*dst, changed = val, append(changed, name)
		}
	}
	change("name", &out.Name, v.Name)
	if out.Kind != v.Kind {
		out.Kind, changed = v.Kind, append(changed, "kind")
	}
	if out.Side != v.Side {
		out.Side, changed = v.Side, append(changed, "side")
	}
	change("phone", &out.Phone, v.Phone)
	change("address", &out.Address, v.Address)
	change("represents", &out.Represents, v.Represents)
	return &out, changed, nil
}

// PartyRemoval says why a party that never entered is taken off a case (a
// duplicate, a wrong person).
type PartyRemoval struct {
	Reason string `json:"reason" validate:"text,required,max=1000"`
}

// Validate trims and validates the removal.
func (r *PartyRemoval) Validate() error {
	trim(&r.Reason)
	return Validate(r)
}
