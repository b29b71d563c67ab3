package auth

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewLoginCredentialRoundTripsThroughParse(t *testing.T) {
	seen := make(map[string]bool)
	for range 200 {
		id, secret, value, err := NewLoginCredential()
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 16 {
			t.Fatalf("id has %d bytes", len(id))
		}
		if len(secret) != 43 {
			t.Fatalf("secret %q has length %d", secret, len(secret))
		}
		if value != hex.EncodeToString(id)+"."+secret {
			t.Fatalf("cookie value %q does not carry id and secret", value)
		}
		gotID, gotSecret, ok := ParseLoginCookie(value)
		if !ok || !bytes.Equal(gotID, id) || gotSecret != secret {
			t.Fatalf("ParseLoginCookie(%q) = %x, %q, %v", value, gotID, gotSecret, ok)
		}
		if seen[value] {
			t.Fatalf("credential %q repeated", value)
		}
		seen[value] = true
	}
}

func TestNewLoginCredentialIDDoesNotAliasSecret(t *testing.T) {
	id, secret, _, err := NewLoginCredential()
	if err != nil {
		t.Fatal(err)
	}
	// A caller appending to id must not overwrite the secret's bytes.
	_ = append(id, 0xff)
	if got, _ := b64url.DecodeString(secret); len(got) != 32 {
		t.Fatalf("secret decodes to %d bytes", len(got))
	}
	if cap(id) != len(id) {
		t.Fatalf("id has spare capacity %d", cap(id)-len(id))
	}
}

func TestParseLoginCookie(t *testing.T) {
	const idHex = "000102030405060708090a0b0c0d0e0f"
	const secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8" // bytes 0..31
	good := idHex + "." + secret
	tests := []struct {
		name string
		v    string
		want bool
	}{
		{"canonical value is accepted", good, true},
		{"empty is rejected", "", false},
		{"id only is rejected", idHex, false},
		{"secret only is rejected", secret, false},
		{"missing dot is rejected", idHex + secret + "A", false},
		{"dot moved is rejected", idHex[:31] + "." + idHex[31:] + secret, false},
		{"second dot is rejected", idHex + "." + secret[:20] + "." + secret[21:], false},
		{"uppercase hex is rejected", strings.ToUpper(idHex[:31]) + "F" + "." + secret, false},
		{"non-hex id is rejected", "g" + idHex[1:] + "." + secret, false},
		{"short secret is rejected", idHex + "." + secret[:42], false},
		{"long secret is rejected", idHex + "." + secret + "A", false},
		{"padded secret is rejected", idHex + "." + secret + "=", false},
		{"standard alphabet secret is rejected", idHex + "." + "+" + secret[1:], false},
		{"non-zero trailing bits are rejected", idHex + "." + secret[:42] + "h", false},
		{"newline in secret is rejected", idHex + "." + secret[:10] + "\n" + secret[11:], false},
		{"quoted value is rejected", `"` + good[1:len(good)-1] + `"`, false},
		{"space padded is rejected", " " + good[1:], false},
		{"non-ASCII is rejected", idHex + "." + secret[:41] + "é", false},
		{"long garbage is rejected", strings.Repeat("a", 100000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, sec, ok := ParseLoginCookie(tt.v)
			if ok != tt.want {
				t.Fatalf("ParseLoginCookie(%q) ok = %v, want %v", tt.v, ok, tt.want)
			}
			if !ok && (id != nil || sec != "") {
				t.Fatalf("rejected value leaked id %x or secret %q", id, sec)
			}
		})
	}
}

func TestSecretMatches(t *testing.T) {
	_, secret, _, err := NewLoginCredential()
	if err != nil {
		t.Fatal(err)
	}
	_, other, _, err := NewLoginCredential()
	if err != nil {
		t.Fatal(err)
	}
	stored := HashSecret(secret)
	tests := []struct {
		name   string
		secret string
		stored []byte
		want   bool
	}{
		{"own secret matches", secret, stored, true},
		{"other secret does not match", other, stored, false},
		{"empty secret does not match", "", stored, false},
		{"truncated stored hash does not match", secret, stored[:31], false},
		{"empty stored hash does not match", secret, nil, false},
		{"raw secret stored instead of hash does not match", secret, []byte(secret), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SecretMatches(tt.secret, tt.stored); got != tt.want {
				t.Fatalf("SecretMatches = %v, want %v", got, tt.want)
			}
		})
	}
	if len(stored) != 32 {
		t.Fatalf("HashSecret length %d", len(stored))
	}
}

func TestCookieName(t *testing.T) {
	if got := CookieName(true); got != "__Host-tiaojie" {
		t.Fatalf("CookieName(true) = %q", got)
	}
	if got := CookieName(false); got != "tiaojie" {
		t.Fatalf("CookieName(false) = %q", got)
	}
}

func TestNewCookie(t *testing.T) {
	_, _, value, err := NewLoginCredential()
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
			c := NewCookie(value, tt.secure, tt.maxAge)
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
	for _, secure := range []bool{true, false} {
		id, secret, value, err := NewLoginCredential()
		if err != nil {
			t.Fatal(err)
		}
		c := NewCookie(value, secure, time.Hour)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		got, err := req.Cookie(CookieName(secure))
		if err != nil {
			t.Fatal(err)
		}
		gotID, gotSecret, ok := ParseLoginCookie(got.Value)
		if !ok || !bytes.Equal(gotID, id) || !SecretMatches(gotSecret, HashSecret(secret)) {
			t.Fatalf("secure=%v: round trip lost the credential", secure)
		}
	}
}

func TestExpiredCookieDeletesTheLoginCookie(t *testing.T) {
	for _, secure := range []bool{true, false} {
		c := ExpiredCookie(secure)
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
