package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

const (
	tokenBytes = 16 // 128 bits
	tokenLen   = 22 // base64url of 16 bytes without padding
)

// b64url is the alphabet of tokens and login secrets; Strict rejects
// non-zero trailing bits so that each value has exactly one spelling.
var b64url = base64.RawURLEncoding.Strict()

// NewToken returns a fresh 128-bit invitation token, base64url without padding.
func NewToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: reading token: %w", err)
	}
	return b64url.EncodeToString(b), nil
}

// HashToken returns the SHA-256 digest under which a token is stored.
//
// A fast hash is right here, unlike for passwords: the token has 128 bits of
// entropy, so a leaked digest cannot be brute-forced, and lookups stay cheap.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// ValidTokenSyntax reports whether s has exactly the shape NewToken produces.
func ValidTokenSyntax(s string) bool {
	return validB64URL(s, tokenLen, tokenBytes)
}

// validB64URL checks the alphabet by hand because the standard decoder
// ignores CR and LF; Strict decoding then rejects non-canonical last chars.
func validB64URL(s string, n, decoded int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	b, err := b64url.DecodeString(s)
	return err == nil && len(b) == decoded
}
