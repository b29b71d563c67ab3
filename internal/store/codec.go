package store

import (
	"encoding/json"
	"fmt"
)

// The one codec of the store: records are JSON. encode and decode are the only
// places that turn records into bytes and back.

func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
	}
	return b, nil
}

// decode copies nothing out itself: json.Unmarshal never keeps references to
// b, so the record is safe to use after the transaction ends.
func decode(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("store: decode %T: %w", v, err)
	}
	return nil
}
