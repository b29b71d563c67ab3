package store

import (
	"fmt"
	"strconv"
	"testing"
)

// The cache answers the same bytes without decoding them again, decodes
// other bytes under the same key (a record changed, or another database's),
// remembers no failed decode, and holds at most decodedMost records.
func TestDecodedCacheTakesOnlyTheSameBytes(t *testing.T) {
	var c decodedCache[int]
	calls := 0
	atoi := func(b []byte) (int, error) { calls++; return strconv.Atoi(string(b)) }
	get := func(key, raw string) int {
		t.Helper()
		v, err := c.get([]byte(key), []byte(raw), atoi)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get("a", "1") != 1 || get("a", "1") != 1 || calls != 1 {
		t.Fatalf("the same bytes twice: %d decodes, want 1", calls)
	}
	if get("a", "2") != 2 || calls != 2 {
		t.Fatalf("other bytes under the same key: %d decodes, want 2", calls)
	}
	if get("a", "2") != 2 || get("b", "2") != 2 || calls != 3 {
		t.Fatalf("the same bytes under another key: %d decodes, want 3", calls)
	}
	if _, err := c.get([]byte("c"), []byte("x"), atoi); err == nil {
		t.Fatal("a failed decode answered no error")
	}
	if _, err := c.get([]byte("c"), []byte("x"), atoi); err == nil || calls != 5 {
		t.Fatalf("a failed decode again: %v after %d decodes, want an error after 5", err, calls)
	}
	for i := range 2 * decodedMost {
		get(fmt.Sprint("k", i), strconv.Itoa(i))
	}
	if n := len(c.entries); n > decodedMost {
		t.Fatalf("%d records remembered, want at most %d", n, decodedMost)
	}
}
