package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
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
