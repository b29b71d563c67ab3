package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"
)

type testFragmentKey struct {
	name string
	n    int
}

func (k testFragmentKey) cost() int { return len(k.name) }

// TestFragmentsBounded: the cache never holds more bytes than its bound,
// drops the least recently used fragment first, makes a fragment once while
// it is kept, and keeps nothing larger than the whole bound.
func TestFragmentsBounded(t *testing.T) {
	t.Parallel()
	const max = 10 * (100 + fragmentOverhead)
	f := newFragments(max)
	made := 0
	get := func(n int) template.HTML {
		t.Helper()
		html, err := cached(f, testFragmentKey{"k", n}, func() (template.HTML, error) {
			made++
			return template.HTML(fmt.Sprintf("%099d", n)), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%099d", n); string(html) != want {
			t.Fatalf("fragment %d is %q", n, html)
		}
		return html
	}
	for n := range 10 {
		get(n)
	}
	if made != 10 {
		t.Fatalf("made %d fragments for 10 keys", made)
	}
	get(0) // most recently used now: 1 is the oldest
	get(10)
	if count, size := f.stats(); size > max || count != 10 {
		t.Fatalf("%d fragments of %d bytes, bound %d", count, size, max)
	}
	made = 0
	get(0)
	get(2)
	if made != 0 {
		t.Errorf("a kept fragment was made again")
	}
	get(1)
	if made != 1 {
		t.Errorf("the least recently used fragment was kept (made %d)", made)
	}
	for n := range 1000 {
		get(100 + n)
		if _, size := f.stats(); size > max {
			t.Fatalf("%d bytes kept, bound %d", size, max)
		}
	}
	big := testFragmentKey{strings.Repeat("x", max), 0}
	if _, err := cached(f, big, func() (template.HTML, error) { return "x", nil }); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.items[big]; ok {
		t.Errorf("a fragment larger than the bound was kept")
	}
}
