package web_test

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// boltState is every key of the database with its value, and every bucket's
// sequence, for a test that must say what a refused request changed, not only
// that the fingerprint moved.
type boltState map[string][]byte

func boltSnapshot(t testing.TB, a *testApp) boltState {
	t.Helper()
	a.DB.FlushReads()
	s := boltState{}
	err := a.DB.Bolt().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s[fmt.Sprintf("%s sequence", name)] = binary.BigEndian.AppendUint64(nil, b.Sequence())
			return b.ForEach(func(k, v []byte) error {
				s[fmt.Sprintf("%s/%x", name, k)] = slices.Clone(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// changesSince names the keys added, changed or removed since before, each
// with its new value cut short.
func (s boltState) changesSince(before boltState) string {
	var out []string
	for k, v := range s {
		if old, ok := before[k]; !ok {
			out = append(out, fmt.Sprintf("added %s = %.200q", k, v))
		} else if string(old) != string(v) {
			out = append(out, fmt.Sprintf("changed %s = %.200q", k, v))
		}
	}
	for k := range before {
		if _, ok := s[k]; !ok {
			out = append(out, "removed "+k)
		}
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}
