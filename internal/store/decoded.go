package store

import (
	"bytes"
	"sync"
)

// decodedCache remembers, for a few thousand records, what decoding their
// stored bytes gave, with the bytes it was decoded from: a read that finds
// the same bytes under the same key takes the decoded value, and other bytes
// are decoded (and remembered in its place). It caches a function of the
// bytes alone, so it is never stale, whichever transaction, process or
// database wrote them. Creating a submission reads its case's status and its
// author's case this way, before its write transaction and in it.
type decodedCache[V any] struct {
	mu      sync.Mutex
	entries map[string]decodedEntry[V]
}

type decodedEntry[V any] struct {
	raw []byte
	v   V
}

// decodedMost is the most records a decodedCache remembers: a few MiB of
// records' bytes.
const decodedMost = 4096

// get is decode(raw) for the record at key, taken from the cache when it
// was made from the same bytes.
func (c *decodedCache[V]) get(key, raw []byte, decode func([]byte) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[string(key)]
	c.mu.Unlock()
	if ok && bytes.Equal(e.raw, raw) {
		return e.v, nil
	}
	v, err := decode(raw)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]decodedEntry[V])
	}
	if _, had := c.entries[string(key)]; !had && len(c.entries) >= decodedMost {
		for k := range c.entries { // one at random
			delete(c.entries, k)
			break
		}
	}
	c.entries[string(key)] = decodedEntry[V]{raw: bytes.Clone(raw), v: v}
	return v, nil
}
