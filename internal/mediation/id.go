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
	if id == 0 {
		return []byte(`""`), nil
	}
	return json.Marshal(id.String())
}

// UnmarshalJSON accepts only the decimal string form.
func (id *ID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
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
