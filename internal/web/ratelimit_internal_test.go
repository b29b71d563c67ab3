package web

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// StepClock is a clock that moves only when told to; the tests of both test
// packages use it.
type StepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *StepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// NewStepClock starts a StepClock at a fixed time.
func NewStepClock() *StepClock { return &StepClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func TestLimiter(t *testing.T) {
	t.Run("BurstThenOneEveryInterval", func(t *testing.T) {
		clk := NewStepClock()
		l := newLimiter("test", Rate{Burst: 5, Per: 15 * time.Minute}, clk.Now)
		for i := range 5 {
			if ok, _ := l.take("k"); !ok {
				t.Fatalf("attempt %d refused within the burst", i+1)
			}
		}
		ok, wait := l.take("k")
		if ok || wait != 3*time.Minute {
			t.Fatalf("sixth attempt: ok=%v wait=%s, want refused for 3m", ok, wait)
		}
		clk.Advance(time.Minute)
		if ok, wait := l.take("k"); ok || wait != 2*time.Minute {
			t.Fatalf("a minute later: ok=%v wait=%s, want refused for 2m", ok, wait)
		}
		clk.Advance(2 * time.Minute)
		if ok, _ := l.take("k"); !ok {
			t.Fatal("refused after the interval")
		}
		if ok, _ := l.take("k"); ok {
			t.Fatal("a second attempt right after the interval was admitted")
		}
		if ok, _ := l.take("other"); !ok {
			t.Fatal("another key shares the bucket")
		}
	})

	t.Run("RefundAndForget", func(t *testing.T) {
		clk := NewStepClock()
		l := newLimiter("test", Rate{Burst: 2, Per: time.Hour}, clk.Now)
		l.take("k")
		l.take("k")
		l.refund("k")
		if ok, _ := l.take("k"); !ok {
			t.Fatal("a refunded attempt was not given back")
		}
		if ok, _ := l.take("k"); ok {
			t.Fatal("refund gave back more than one attempt")
		}
		l.forget("k")
		if l.size() != 0 {
			t.Fatalf("size after forget = %d", l.size())
		}
		l.take("k")
		l.refund("k")
		if l.size() != 0 {
			t.Fatalf("a bucket refunded to full is kept: size %d", l.size())
		}
	})

	t.Run("Off", func(t *testing.T) {
		l := newLimiter("test", Rate{Off: true}, time.Now)
		for range 100 {
			if ok, _ := l.take("k"); !ok {
				t.Fatal("an off limit refused")
			}
		}
		if l.size() != 0 {
			t.Fatalf("an off limit keeps keys: %d", l.size())
		}
	})

	t.Run("RefilledBucketsAreForgotten", func(t *testing.T) {
		clk := NewStepClock()
		l := newLimiter("test", Rate{Burst: 3, Per: time.Minute}, clk.Now)
		for i := range 50 {
			l.take(fmt.Sprint("k", i))
		}
		if l.size() != 50 {
			t.Fatalf("size = %d, want 50", l.size())
		}
		clk.Advance(sweepEvery)
		l.take("new")
		if l.size() != 1 {
			t.Fatalf("after a sweep size = %d, want 1 (only the new key)", l.size())
		}
	})

	t.Run("BoundedUnderAttack", func(t *testing.T) {
		clk := NewStepClock()
		// Nothing refills within the test, so every key stays "recent".
		l := newLimiter("test", Rate{Burst: 1, Per: 24 * time.Hour}, clk.Now)
		l.max = 100
		l.take("victim")
		for i := range 10_000 {
			l.take(fmt.Sprint("flood", i))
			if l.size() > l.max {
				t.Fatalf("size %d over the bound %d after %d keys", l.size(), l.max, i+1)
			}
		}
		// New keys still get their burst: the map fails open, not closed.
		if ok, _ := l.take("newcomer"); !ok {
			t.Fatal("a new key was refused while the map was full")
		}
	})

	t.Run("ConcurrentAttemptsStayWithinTheBurst", func(t *testing.T) {
		l := newLimiter("test", Rate{Burst: 10, Per: 24 * time.Hour}, NewStepClock().Now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		admitted := 0
		for range 100 {
			wg.Go(func() {
				if ok, _ := l.take("k"); ok {
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
	for _, r := range []Rate{DefaultLimits.LoginAccount, DefaultLimits.LoginAddress, {Burst: 3, Per: 2 * time.Hour}, {Off: true}} {
		if back, err := ParseRate(r.String()); err != nil || back != r {
			t.Errorf("ParseRate(%q) = %+v, %v; want %+v", r.String(), back, err, r)
		}
	}
	if s := DefaultLimits.LoginAccount.String(); s != "5/15m" {
		t.Errorf("default login account rate reads %q", s)
	}
}

func TestParsePrefixes(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"10.0.0.0/8", "10.0.0.0/8", true},
		{"10.1.2.3/8, 192.168.1.10", "10.0.0.0/8,192.168.1.10/32", true},
		{"::1,fd00::/8", "::1/128,fd00::/8", true},
		{"::ffff:10.0.0.1", "10.0.0.1/32", true},
		{"0.0.0.0/0", "", false},
		{"::/0", "", false},
		{"proxy.example", "", false},
		{"10.0.0.0/33", "", false},
	} {
		got, err := ParsePrefixes(tc.in)
		if (err == nil) != tc.ok || got.String() != tc.want {
			t.Errorf("ParsePrefixes(%q) = %q, %v", tc.in, got.String(), err)
		}
	}
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":               "203.0.113.7",
		"::ffff:203.0.113.7":        "203.0.113.7",
		"2001:db8:1:2:aaaa::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:bbbb:cccc::9": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":           "2001:db8:1:3::/64",
		"":                          "unknown",
	} {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIPExtractor(t *testing.T) {
	proxies, err := ParsePrefixes("10.0.0.5,10.0.1.0/24")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		trusted Prefixes
		remote  string
		xff     string
		want    string
	}{
		{"DirectIgnoresHeaders", nil, "198.51.100.1:4000", "203.0.113.9", "198.51.100.1"},
		{"DirectFromLoopbackIgnoresHeaders", nil, "127.0.0.1:4000", "203.0.113.9", "127.0.0.1"},
		{"TrustedProxyNamesClient", proxies, "10.0.0.5:4000", "203.0.113.9", "203.0.113.9"},
		{"RightmostUntrustedWins", proxies, "10.0.0.5:4000", "198.51.100.66, 203.0.113.9", "203.0.113.9"},
		{"ChainOfTrustedProxies", proxies, "10.0.0.5:4000", "203.0.113.9, 10.0.1.7", "203.0.113.9"},
		{"UntrustedPeerIsTheClient", proxies, "198.51.100.1:4000", "203.0.113.9", "198.51.100.1"},
		// Echo trusts private ranges by default; here only the named ones.
		{"OtherPrivatePeerIsNotTrusted", proxies, "10.0.2.1:4000", "203.0.113.9", "10.0.2.1"},
		{"LoopbackPeerIsNotTrusted", proxies, "127.0.0.1:4000", "203.0.113.9", "127.0.0.1"},
		{"GarbageHeaderFallsBackToPeer", proxies, "10.0.0.5:4000", "not-an-address", "10.0.0.5"},
		{"NoHeader", proxies, "10.0.0.5:4000", "", "10.0.0.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/login", nil)
			r.RemoteAddr = tc.remote
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			r.Header.Set("X-Real-IP", "192.0.2.99")
			if got := ipExtractor(tc.trusted)(r); got != tc.want {
				t.Errorf("client = %q, want %q", got, tc.want)
			}
		})
	}
}
