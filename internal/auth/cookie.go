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
	sessionIDBytes     = 16
	sessionSecretBytes = 32
	sessionIDHexLen    = 2 * sessionIDBytes // 32
	sessionSecretLen   = 43                 // base64url of 32 bytes without padding
	sessionCookieLen   = sessionIDHexLen + 1 + sessionSecretLen
)

// NewSessionCredential returns a random session id (the store key), its
// secret (only HashSecret of it is stored) and the cookie value carrying both.
func NewSessionCredential() (id []byte, secret string, cookieValue string, err error) {
	buf := make([]byte, sessionIDBytes+sessionSecretBytes)
	if _, err := rand.Read(buf); err != nil {
		return nil, "", "", fmt.Errorf("auth: reading session credential: %w", err)
	}
	id = buf[:sessionIDBytes:sessionIDBytes]
	secret = b64url.EncodeToString(buf[sessionIDBytes:])
	return id, secret, hex.EncodeToString(id) + "." + secret, nil
}

// ParseSessionCookie splits a cookie value made by NewSessionCredential and
// rejects anything else, so garbage never reaches the store.
func ParseSessionCookie(v string) (id []byte, secret string, ok bool) {
	if len(v) != sessionCookieLen || v[sessionIDHexLen] != '.' {
		return nil, "", false
	}
	idHex, secret := v[:sessionIDHexLen], v[sessionIDHexLen+1:]
	// Lowercase only: hex.DecodeString would also take uppercase, giving one
	// session two spellings.
	for i := 0; i < len(idHex); i++ {
		c := idHex[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, "", false
		}
	}
	if !validB64URL(secret, sessionSecretLen, sessionSecretBytes) {
		return nil, "", false
	}
	id, err := hex.DecodeString(idHex)
	if err != nil {
		return nil, "", false
	}
	return id, secret, true
}

// HashSecret returns the SHA-256 digest of a session secret for storage; the
// secret has 256 bits of entropy, so a slow hash would add nothing.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// SecretMatches reports in constant time whether secret hashes to storedHash.
func SecretMatches(secret string, storedHash []byte) bool {
	return subtle.ConstantTimeCompare(HashSecret(secret), storedHash) == 1
}

// CookieName returns the session cookie name; browsers accept the __Host-
// prefix only on Secure cookies, so the dev --insecure-cookies mode drops it.
func CookieName(secure bool) string {
	if secure {
		return "__Host-tiaojie"
	}
	return "tiaojie"
}

// NewCookie builds the session cookie; maxAge <= 0 makes it last until the
// browser closes.
func NewCookie(value string, secure bool, maxAge time.Duration) *http.Cookie {
	c := baseCookie(secure)
	c.Value = value
	if maxAge > 0 {
		// Round up so that a sub-second lifetime is not mistaken for "no
		// Max-Age", which would outlive the server-side session.
		c.MaxAge = int((maxAge + time.Second - 1) / time.Second)
	}
	return c
}

// ExpiredCookie builds the cookie that makes the browser drop the session.
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
