package mediation

import (
	"encoding/json"
	"reflect"
	"strconv"
)

var idType = reflect.TypeFor[ID]()

// ID identifies a record. It is a sequence number inside the store and a
// decimal string everywhere a person or a client sees it.
type ID uint64

// ParseID parses the decimal form of an ID; zero and anything else is invalid.
func ParseID(s string) (ID, bool) {
	if s == "" || len(s) > 20 || s[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return ID(n), true
}

func (id ID) String() string { return strconv.FormatUint(uint64(id), 10) }

// MarshalJSON writes the ID as a decimal string, so that JavaScript clients
// never lose precision; no ID (zero) is the empty string, as it is read.
func (id ID) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 22)
	b = append(b, '"')
	if id != 0 {
		b = strconv.AppendUint(b, uint64(id), 10)
	}
	return append(b, '"'), nil
}

// UnmarshalJSON accepts only the decimal string form. Its digits need no
// unescaping, so a plain quoted string is read directly; anything else goes
// through encoding/json for its exact error.
func (id *ID) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainDigits(b[1:len(b)-1]) {
		s = string(b[1 : len(b)-1])
	} else if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*id = 0
		return nil
	}
	v, ok := ParseID(s)
	if !ok {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: idType}
	}
	*id = v
	return nil
}

// plainDigits reports whether b is nothing but ASCII digits (or empty).
func plainDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
