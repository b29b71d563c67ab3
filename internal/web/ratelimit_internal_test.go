package web

import (
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

func TestDefaultLimitsRead(t *testing.T) {
	t.Parallel()
	if s := DefaultLimits.LoginAccount.String(); s != "5/15m" {
		t.Errorf("default login account rate reads %q", s)
	}
}

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
