package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/auth"
)

func TestCookieName(t *testing.T) {
	t.Parallel()
	if got := CookieName(true); got != "__Host-tiaojie" {
		t.Fatalf("CookieName(true) = %q", got)
	}
	if got := CookieName(false); got != "tiaojie" {
		t.Fatalf("CookieName(false) = %q", got)
	}
}

func TestNewCookie(t *testing.T) {
	t.Parallel()
	_, _, value, err := auth.NewLoginCredential()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		secure     bool
		maxAge     time.Duration
		wantHeader string
	}{
		{"secure cookie carries the __Host- prefix and Secure", true, 12 * time.Hour,
			"__Host-tiaojie=" + value + "; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Lax"},
		{"insecure dev cookie drops prefix and Secure", false, 12 * time.Hour,
			"tiaojie=" + value + "; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax"},
		{"zero max age gives a browser-session cookie", true, 0,
			"__Host-tiaojie=" + value + "; Path=/; HttpOnly; Secure; SameSite=Lax"},
		{"sub-second max age rounds up to one second", true, 10 * time.Millisecond,
			"__Host-tiaojie=" + value + "; Path=/; Max-Age=1; HttpOnly; Secure; SameSite=Lax"},
		{"fractional max age rounds up", true, 1500 * time.Millisecond,
			"__Host-tiaojie=" + value + "; Path=/; Max-Age=2; HttpOnly; Secure; SameSite=Lax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newLoginCookie(value, tt.secure, tt.maxAge)
			if err := c.Valid(); err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			http.SetCookie(rec, c)
			if got := rec.Header().Get("Set-Cookie"); got != tt.wantHeader {
				t.Fatalf("Set-Cookie = %q\nwant         %q", got, tt.wantHeader)
			}
			assertHostPrefixRules(t, c)
		})
	}
}

func TestCookieValueSurvivesTheBrowserRoundTrip(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{true, false} {
		id, secret, value, err := auth.NewLoginCredential()
		if err != nil {
			t.Fatal(err)
		}
		c := newLoginCookie(value, secure, time.Hour)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		got, err := req.Cookie(CookieName(secure))
		if err != nil {
			t.Fatal(err)
		}
		gotID, gotSecret, ok := auth.ParseLoginCookie(got.Value)
		if !ok || !bytes.Equal(gotID, id) || !auth.SecretMatches(gotSecret, auth.HashSecret(secret)) {
			t.Fatalf("secure=%v: round trip lost the credential", secure)
		}
	}
}

func TestExpiredCookieDeletesTheLoginCookie(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{true, false} {
		c := expiredLoginCookie(secure)
		if err := c.Valid(); err != nil {
			t.Fatal(err)
		}
		if c.Name != CookieName(secure) || c.Value != "" {
			t.Fatalf("secure=%v: expired cookie %q=%q", secure, c.Name, c.Value)
		}
		rec := httptest.NewRecorder()
		http.SetCookie(rec, c)
		h := rec.Header().Get("Set-Cookie")
		for _, part := range []string{"Path=/", "Max-Age=0", "Expires=Thu, 01 Jan 1970", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(h, part) {
				t.Fatalf("secure=%v: Set-Cookie %q lacks %q", secure, h, part)
			}
		}
		assertHostPrefixRules(t, c)
	}
}

// assertHostPrefixRules checks what browsers demand of a __Host- cookie, and
// that Secure is never off without the prefix being dropped too.
func assertHostPrefixRules(t *testing.T, c *http.Cookie) {
	t.Helper()
	if strings.HasPrefix(c.Name, "__Host-") != c.Secure {
		t.Fatalf("cookie %q has Secure=%v", c.Name, c.Secure)
	}
	if c.Path != "/" || c.Domain != "" {
		t.Fatalf("cookie %q has Path=%q Domain=%q", c.Name, c.Path, c.Domain)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %q HttpOnly=%v SameSite=%v", c.Name, c.HttpOnly, c.SameSite)
	}
}
