package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

const (
	loginIDBytes     = 16
	loginSecretBytes = 32
	loginIDHexLen    = 2 * loginIDBytes // 32
	loginSecretLen   = 43               // base64url of 32 bytes without padding
	loginCookieLen   = loginIDHexLen + 1 + loginSecretLen
)

// NewLoginCredential returns a random login id (the store key), its
// secret (only HashSecret of it is stored) and the cookie value carrying both.
func NewLoginCredential() (id []byte, secret string, cookieValue string, err error) {
	buf := make([]byte, loginIDBytes+loginSecretBytes)
	if _, err := rand.Read(buf); err != nil {
		return nil, "", "", fmt.Errorf("auth: reading login credential: %w", err)
	}
	id = buf[:loginIDBytes:loginIDBytes]
	secret = b64url.EncodeToString(buf[loginIDBytes:])
	return id, secret, hex.EncodeToString(id) + "." + secret, nil
}

// ParseLoginCookie splits a cookie value made by NewLoginCredential and
// rejects anything else, so garbage never reaches the store.
func ParseLoginCookie(v string) (id []byte, secret string, ok bool) {
	if len(v) != loginCookieLen || v[loginIDHexLen] != '.' {
		return nil, "", false
	}
	idHex, secret := v[:loginIDHexLen], v[loginIDHexLen+1:]
	// Lowercase only: hex.DecodeString would also take uppercase, giving one
	// login two spellings.
	for i := 0; i < len(idHex); i++ {
		c := idHex[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, "", false
		}
	}
	if !validB64URL(secret, loginSecretLen, loginSecretBytes) {
		return nil, "", false
	}
	id, err := hex.DecodeString(idHex)
	if err != nil {
		return nil, "", false
	}
	return id, secret, true
}

// HashSecret returns the SHA-256 digest of a login secret for storage; the
// secret has 256 bits of entropy, so a slow hash would add nothing.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// SecretMatches reports in constant time whether secret hashes to storedHash.
func SecretMatches(secret string, storedHash []byte) bool {
	return subtle.ConstantTimeCompare(HashSecret(secret), storedHash) == 1
}

// CookieName returns the login cookie name; browsers accept the __Host-
// prefix only on Secure cookies, so the dev --insecure-cookies mode drops it.
func CookieName(secure bool) string {
	if secure {
		return "__Host-tiaojie"
	}
	return "tiaojie"
}

// NewCookie builds the login cookie; maxAge <= 0 makes it last until the
// browser closes.
func NewCookie(value string, secure bool, maxAge time.Duration) *http.Cookie {
	c := baseCookie(secure)
	c.Value = value
	if maxAge > 0 {
		// Round up so that a sub-second lifetime is not mistaken for "no
		// Max-Age", which would outlive the server-side login.
		c.MaxAge = int((maxAge + time.Second - 1) / time.Second)
	}
	return c
}

// ExpiredCookie builds the cookie that makes the browser drop the login.
func ExpiredCookie(secure bool) *http.Cookie {
	c := baseCookie(secure)
	c.MaxAge = -1
	// Expires in the past as well, for clients that ignore Max-Age.
	c.Expires = time.Unix(1, 0).UTC()
	return c
}

// baseCookie holds the attributes the __Host- prefix demands (Secure, Path=/,
// no Domain) plus the ones we want everywhere.
func baseCookie(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName(secure),
		Path:     "/",
		Secure:   secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}
