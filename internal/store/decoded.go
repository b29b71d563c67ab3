package store

import (
	"maps"
	"slices"
	"sync"

	"tiaojie/internal/mediation"
)

// A decodedCache keeps records of one type as decoded from their stored
// bytes, keyed by those very bytes, so that a record read again unchanged is
// not decoded again: the pages read the same cases, submissions and audit
// entries view after view, and decoding their JSON was most of a case
// list's time. Being keyed by the bytes, it can never answer a record other
// than the one stored: a changed record is other bytes, and so a miss, on
// any backend and for any number of open databases. A hit hands out a deep
// copy (clone), so that no caller shares a slice, map or pointer with the
// cache or with another caller.
//
// It holds two generations of at most max bytes each (the stored bytes
// counted twice, for the key and the decoded record): a record found in the
// older one moves to the newer, and when the newer is full the older is
// dropped. So what is read often stays, and the whole costs at most 2×max.
type decodedCache[T any] struct {
	clone func(*T) T
	max   int

	mu       sync.Mutex
	cur, old map[string]*T
	curSize  int
}

func newDecodedCache[T any](max int, clone func(*T) T) *decodedCache[T] {
	return &decodedCache[T]{clone: clone, max: max, cur: map[string]*T{}}
}

// decode decodes b into r, from the cache when it holds b.
func (c *decodedCache[T]) decode(b []byte, r *T) error {
	if kept := c.lookup(b); kept != nil {
		*r = c.clone(kept)
		return nil
	}
	if err := decode(b, r); err != nil {
		return err
	}
	kept := c.clone(r)
	c.mu.Lock()
	c.keep(string(b), &kept)
	c.mu.Unlock()
	return nil
}

// shared is the record stored as b, decoded once and kept: the cache's own
// copy, which the caller only reads (a field or two, inside a transaction)
// and never changes or hands on. It spares what needs one field of a record
// both the decoding and the deep copy.
func (c *decodedCache[T]) shared(b []byte) (*T, error) {
	if kept := c.lookup(b); kept != nil {
		return kept, nil
	}
	r := new(T)
	if err := decode(b, r); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.keep(string(b), r)
	c.mu.Unlock()
	return r, nil
}

func (c *decodedCache[T]) lookup(b []byte) *T {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.cur[string(b)]; ok {
		return r
	}
	r, ok := c.old[string(b)]
	if ok {
		c.keep(string(b), r)
	}
	return r
}

// keep puts r under key in the newer generation; c.mu is held.
func (c *decodedCache[T]) keep(key string, r *T) {
	if _, ok := c.cur[key]; ok {
		return
	}
	if c.curSize+2*len(key) > c.max {
		c.old, c.cur, c.curSize = c.cur, make(map[string]*T, len(c.cur)), 0
	}
	c.cur[key] = r
	c.curSize += 2 * len(key)
}

// The kinds kept decoded: those the pages read many of on every view.
var (
	decodedCases       = newDecodedCache(4<<20, cloneCase)
	decodedSubmissions = newDecodedCache(4<<20, func(s *mediation.Submission) mediation.Submission {
		out := *s
		out.ReleasedAt = clonePtr(s.ReleasedAt)
		return out
	})
	decodedParties = newDecodedCache(1<<20, func(p *mediation.Party) mediation.Party { return *p })
	decodedAudit   = newDecodedCache(4<<20, func(ch *chained) chained {
		out := *ch
		out.Entry.Detail = maps.Clone(ch.Entry.Detail)
		return out
	})
)

// kept makes the kind decode through the cache.
func (rs records[T]) kept(c *decodedCache[T]) records[T] {
	rs.decode = func(v []byte) (any, error) {
		var r T
		if err := c.decode(v, &r); err != nil {
			return nil, err
		}
		return &r, nil
	}
	return rs
}

// DecodeSubmission decodes a submission as stored (the bytes a list answers).
func DecodeSubmission(b []byte, s *mediation.Submission) error {
	return decodedSubmissions.decode(b, s)
}

func cloneCase(c *mediation.Case) mediation.Case {
	out := *c
	out.Mediators = slices.Clone(c.Mediators)
	out.Joined = maps.Clone(c.Joined)
	out.ClosedAt = clonePtr(c.ClosedAt)
	if c.Former != nil {
		out.Former = make([]mediation.Departure, len(c.Former))
		for i, d := range c.Former {
			d.Since = clonePtr(d.Since)
			out.Former[i] = d
		}
	}
	if c.Extension != nil {
		ext := *c.Extension
		ext.ConsentedBy = slices.Clone(ext.ConsentedBy)
		out.Extension = &ext
	}
	if c.Agreed != nil {
		ag := *c.Agreed
		ag.Terms = slices.Clone(ag.Terms)
		out.Agreed = &ag
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
