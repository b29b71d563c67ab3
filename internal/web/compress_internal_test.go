package web

import (
	"bytes"
	"fmt"
	"testing"
)

// TestGzipCacheKeepsWithinItsBound: an answer is kept the second time it
// is offered, what is kept never passes the bound however many answers
// come, the latest kept is found, and an answer is only ever found as
// itself: an entry under its hash holding other bytes is a miss.
func TestGzipCacheKeepsWithinItsBound(t *testing.T) {
	t.Parallel()
	c := newGzipCache()
	c.max = 10 << 10
	answer := func(i int) []byte { return bytes.Repeat(fmt.Appendf(nil, "answer %d;", i), 100) }
	held := func() (n int) {
		for _, e := range c.answers {
			n += len(e.answer) + len(e.z)
		}
		return n
	}
	for i := range 200 {
		a := answer(i)
		z := fmt.Appendf(nil, "z%d", i)
		h, _, ok := c.lookup(a)
		if ok {
			t.Fatalf("answer %d found before it was offered", i)
		}
		c.offer(h, a, z)
		if _, _, ok := c.lookup(a); ok {
			t.Fatalf("answer %d kept the first time it was compressed", i)
		}
		c.offer(h, a, z)
		if _, got, ok := c.lookup(a); !ok || !bytes.Equal(got, z) {
			t.Fatalf("answer %d, offered twice: found %v, %q", i, ok, got)
		}
		if c.size != held() || c.size > c.max {
			t.Fatalf("after answer %d: size %d, held %d, bound %d", i, c.size, held(), c.max)
		}
	}
	if len(c.answers) < 2 || len(c.answers) > c.max/len(answer(0)) {
		t.Errorf("%d answers kept of %d bytes each within %d", len(c.answers), len(answer(0)), c.max)
	}

	// Other bytes under an answer's hash (a collision) are not its answer.
	a, b := answer(1000), answer(1001)
	h, _, _ := c.lookup(a)
	c.offer(h, b, []byte("zb"))
	c.offer(h, b, []byte("zb"))
	if _, z, ok := c.lookup(a); ok {
		t.Errorf("answer a found as %q: the bytes kept under its hash are another answer's", z)
	}

	// An answer the bound cannot hold is not kept, and pushes nothing out.
	kept := len(c.answers)
	huge := bytes.Repeat([]byte("x"), c.max)
	h, _, _ = c.lookup(huge)
	c.offer(h, huge, []byte("z"))
	c.offer(h, huge, []byte("z"))
	if _, _, ok := c.lookup(huge); ok || len(c.answers) != kept || c.size > c.max {
		t.Errorf("an answer past the bound: found %v, %d answers kept (were %d), size %d of %d", ok, len(c.answers), kept, c.size, c.max)
	}
}
