// Package ratelimit counts failed attempts in keyed token buckets: a bucket
// holds Burst attempts and refills at Burst per Per. It knows nothing of HTTP;
// the server keys its buckets on what is tried and on the client address.
// The buckets live in this process's memory: several processes on one store
// count apart (README, "Several processes on one etcd store").
package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is the shape of one rate limit: a token bucket that holds Burst failed
// attempts and refills at Burst per Per (so 5/15m allows five failures at once,
// then one every three minutes). Off turns the limit off. The zero Rate means
// "the default" wherever a Rate is configured.
type Rate struct {
	Burst int
	Per   time.Duration
	Off   bool
}

// ParseRate reads a rate written N/DURATION ("5/15m") or "off".
func ParseRate(s string) (Rate, error) {
	if strings.TrimSpace(s) == "off" {
		return Rate{Off: true}, nil
	}
	n, d, ok := strings.Cut(s, "/")
	burst, err1 := strconv.Atoi(strings.TrimSpace(n))
	per, err2 := time.ParseDuration(strings.TrimSpace(d))
	if !ok || err1 != nil || err2 != nil || burst < 1 || per <= 0 {
		return Rate{}, fmt.Errorf("%q is not a rate such as 5/15m (attempts/period) or off", s)
	}
	if per/time.Duration(burst) < time.Millisecond {
		return Rate{}, fmt.Errorf("%q refills faster than one attempt per millisecond", s)
	}
	return Rate{Burst: burst, Per: per}, nil
}

func (r Rate) String() string {
	switch {
	case r.Off:
		return "off"
	case r.Burst == 0:
		return ""
	}
	return strconv.Itoa(r.Burst) + "/" + shortDuration(r.Per)
}

// Set makes *Rate a flag.Value.
func (r *Rate) Set(s string) error {
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// shortDuration writes 15m rather than 15m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// maxKeys bounds each limiter's memory: a bucket is about a hundred bytes, so
// an attack with endless fresh names or addresses costs a few megabytes.
const maxKeys = 1 << 15

// sweepEvery is how often a limiter forgets buckets that have refilled.
const sweepEvery = time.Minute

// Limiter is one keyed family of token buckets. A bucket that has refilled
// is the same as no bucket, so only keys with recent failures are kept. It
// is safe for concurrent use.
type Limiter struct {
	name string // in logs and metrics: login_account, access_address, ...
	rate Rate
	now  func() time.Time
	// max is the most keys kept; maxKeys but for tests.
	max int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// New returns a limiter named name (in logs and metrics) at rate, on the
// clock now.
func New(name string, rate Rate, now func() time.Time) *Limiter {
	return &Limiter{name: name, rate: rate, now: now, max: maxKeys, buckets: map[string]*bucket{}}
}

// interval is the time one token takes to come back.
func (l *Limiter) interval() time.Duration { return l.rate.Per / time.Duration(l.rate.Burst) }

// refill brings b up to now.
func (l *Limiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+float64(elapsed)/float64(l.interval()))
	}
	b.at = now
}

// Take spends one attempt of key. When none is left it says how long until
// one is.
func (l *Limiter) Take(key string) (ok bool, wait time.Duration) {
	if l.rate.Off {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.interval()))
}

// Left is how many attempts key has now (the whole burst for a key without
// failures).
func (l *Limiter) Left(key string) int {
	if l.rate.Off {
		return l.rate.Burst
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return l.rate.Burst
	}
	l.refill(b, l.now())
	return int(b.tokens)
}

// Refund gives back an attempt that turned out not to be a failure.
func (l *Limiter) Refund(key string) {
	if l.rate.Off {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return
	}
	l.refill(b, l.now())
	if b.tokens++; b.tokens >= float64(l.rate.Burst) {
		delete(l.buckets, key)
	}
}

// Forget clears the failures of key.
func (l *Limiter) Forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// makeRoom keeps the map bounded: now and then, and whenever it is full, it
// drops the buckets that have refilled. If an attack keeps it full of recent
// failures, it drops the fullest of a few buckets picked by map order. That
// fails open for the dropped key (a fresh bucket for someone with a few
// failures) rather than closed for everyone: refusing new keys would let an
// attacker lock every other client out by filling the map.
func (l *Limiter) makeRoom(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery && len(l.buckets) < l.max {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if l.refill(b, now); b.tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
	for len(l.buckets) >= l.max {
		victim, most, seen := "", -1.0, 0
		for k, b := range l.buckets {
			if b.tokens > most {
				victim, most = k, b.tokens
			}
			if seen++; seen == 8 {
				break
			}
		}
		delete(l.buckets, victim)
	}
}

// Size is how many keys the limiter holds.
func (l *Limiter) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Name is the limiter's name, for logs and metrics.
func (l *Limiter) Name() string { return l.name }
