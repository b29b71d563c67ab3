package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// stepClock is a clock that moves only when told to.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newStepClock() *stepClock { return &stepClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func TestLimiter(t *testing.T) {
	t.Run("BurstThenOneEveryInterval", func(t *testing.T) {
		clk := newStepClock()
		l := New("test", Rate{Burst: 5, Per: 15 * time.Minute}, clk.Now)
		for i := range 5 {
			if ok, _ := l.Take("k"); !ok {
				t.Fatalf("attempt %d refused within the burst", i+1)
			}
		}
		ok, wait := l.Take("k")
		if ok || wait != 3*time.Minute {
			t.Fatalf("sixth attempt: ok=%v wait=%s, want refused for 3m", ok, wait)
		}
		clk.Advance(time.Minute)
		if ok, wait := l.Take("k"); ok || wait != 2*time.Minute {
			t.Fatalf("a minute later: ok=%v wait=%s, want refused for 2m", ok, wait)
		}
		clk.Advance(2 * time.Minute)
		if ok, _ := l.Take("k"); !ok {
			t.Fatal("refused after the interval")
		}
		if ok, _ := l.Take("k"); ok {
			t.Fatal("a second attempt right after the interval was admitted")
		}
		if ok, _ := l.Take("other"); !ok {
			t.Fatal("another key shares the bucket")
		}
	})

	t.Run("RefundAndForget", func(t *testing.T) {
		clk := newStepClock()
		l := New("test", Rate{Burst: 2, Per: time.Hour}, clk.Now)
		l.Take("k")
		l.Take("k")
		l.Refund("k")
		if ok, _ := l.Take("k"); !ok {
			t.Fatal("a refunded attempt was not given back")
		}
		if ok, _ := l.Take("k"); ok {
			t.Fatal("refund gave back more than one attempt")
		}
		l.Forget("k")
		if l.Size() != 0 {
			t.Fatalf("size after forget = %d", l.Size())
		}
		l.Take("k")
		l.Refund("k")
		if l.Size() != 0 {
			t.Fatalf("a bucket refunded to full is kept: size %d", l.Size())
		}
	})

	t.Run("Off", func(t *testing.T) {
		l := New("test", Rate{Off: true}, time.Now)
		for range 100 {
			if ok, _ := l.Take("k"); !ok {
				t.Fatal("an off limit refused")
			}
		}
		if l.Size() != 0 {
			t.Fatalf("an off limit keeps keys: %d", l.Size())
		}
	})

	t.Run("RefilledBucketsAreForgotten", func(t *testing.T) {
		clk := newStepClock()
		l := New("test", Rate{Burst: 3, Per: time.Minute}, clk.Now)
		for i := range 50 {
			l.Take(fmt.Sprint("k", i))
		}
		if l.Size() != 50 {
			t.Fatalf("size = %d, want 50", l.Size())
		}
		clk.Advance(sweepEvery)
		l.Take("new")
		if l.Size() != 1 {
			t.Fatalf("after a sweep size = %d, want 1 (only the new key)", l.Size())
		}
	})

	t.Run("BoundedUnderAttack", func(t *testing.T) {
		clk := newStepClock()
		// Nothing refills within the test, so every key stays "recent".
		l := New("test", Rate{Burst: 1, Per: 24 * time.Hour}, clk.Now)
		l.max = 100
		l.Take("victim")
		for i := range 10_000 {
			l.Take(fmt.Sprint("flood", i))
			if l.Size() > l.max {
				t.Fatalf("size %d over the bound %d after %d keys", l.Size(), l.max, i+1)
			}
		}
		// New keys still get their burst: the map fails open, not closed.
		if ok, _ := l.Take("newcomer"); !ok {
			t.Fatal("a new key was refused while the map was full")
		}
	})

	t.Run("ConcurrentAttemptsStayWithinTheBurst", func(t *testing.T) {
		l := New("test", Rate{Burst: 10, Per: 24 * time.Hour}, newStepClock().Now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		admitted := 0
		for range 100 {
			wg.Go(func() {
				if ok, _ := l.Take("k"); ok {
					mu.Lock()
					admitted++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if admitted != 10 {
			t.Fatalf("%d of 100 concurrent attempts admitted, want 10", admitted)
		}
	})
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Rate
		ok   bool
	}{
		{"5/15m", Rate{Burst: 5, Per: 15 * time.Minute}, true},
		{" 10 / 1m ", Rate{Burst: 10, Per: time.Minute}, true},
		{"1/1h30m", Rate{Burst: 1, Per: 90 * time.Minute}, true},
		{"off", Rate{Off: true}, true},
		{"", Rate{}, false},
		{"5", Rate{}, false},
		{"0/15m", Rate{}, false},
		{"-1/15m", Rate{}, false},
		{"5/0s", Rate{}, false},
		{"5/-1m", Rate{}, false},
		{"5/fortnight", Rate{}, false},
		{"1000000/1s", Rate{}, false},
	} {
		got, err := ParseRate(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRate(%q) = %+v, %v", tc.in, got, err)
		}
	}
	for _, r := range []Rate{{Burst: 5, Per: 15 * time.Minute}, {Burst: 10, Per: time.Minute}, {Burst: 3, Per: 2 * time.Hour}, {Off: true}} {
		if back, err := ParseRate(r.String()); err != nil || back != r {
			t.Errorf("ParseRate(%q) = %+v, %v; want %+v", r.String(), back, err, r)
		}
	}
}
