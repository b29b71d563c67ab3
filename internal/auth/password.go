package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters; Memory is in KiB.
type Params struct {
	Time    uint32
	Memory  uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow the second recommended option of RFC 9106 (t=3,
// m=64 MiB) with two lanes because the server has two cores.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2, SaltLen: 16, KeyLen: 32}

// Bounds applied both when hashing and when parsing a stored hash, so that a
// corrupted or planted hash cannot make a single login burn gigabytes or
// minutes, and so that we never write a hash we would refuse to read.
const (
	maxTime    = 16
	maxMemory  = 1 << 20 // 1 GiB in KiB
	maxThreads = 64
	minSaltLen = 8 // PHC string format minimum
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// Errors returned for stored hashes (and Params) that cannot be used.
var (
	ErrMalformedHash   = errors.New("auth: malformed password hash")
	ErrUnsupportedHash = errors.New("auth: unsupported password hash algorithm or version")
	ErrUnsafeParams    = errors.New("auth: argon2id parameters out of bounds")
)

// b64 is the PHC "B64" alphabet: standard base64 without padding. Strict
// rejects non-zero trailing bits so every hash has exactly one spelling.
var b64 = base64.RawStdEncoding.Strict()

func (p Params) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("%w: t=%d", ErrUnsafeParams, p.Time)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("%w: p=%d", ErrUnsafeParams, p.Threads)
	// RFC 9106 requires at least 8 KiB per lane.
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("%w: m=%d", ErrUnsafeParams, p.Memory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("%w: salt length %d", ErrUnsafeParams, p.SaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("%w: key length %d", ErrUnsafeParams, p.KeyLen)
	}
	return nil
}

// HashPassword returns an argon2id PHC string embedding p and a fresh salt.
func HashPassword(password string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether password matches the PHC string encoded; a
// mismatch is (false, nil), an unusable hash is (false, error).
func VerifyPassword(password, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// DummyVerify spends the same work as VerifyPassword against a hash made with
// p, and always fails. Call it when the username is unknown, with the Params
// used for new hashes, so that response time does not reveal which accounts
// exist. Invalid p falls back to DefaultParams rather than costing nothing.
func DummyVerify(password string, p Params) bool {
	if p.validate() != nil {
		p = DefaultParams
	}
	// A fixed salt is harmless: the result is thrown away and never stored.
	salt := make([]byte, p.SaltLen)
	want := make([]byte, p.KeyLen)
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	_ = subtle.ConstantTimeCompare(got, want)
	return false
}

// decodeHash parses exactly "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH". Errors
// name the faulty part but never echo the input, which is secret material.
func decodeHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, fmt.Errorf("%w: wrong number of fields", ErrMalformedHash)
	}
	if parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: algorithm is not argon2id", ErrUnsupportedHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version is not %d", ErrUnsupportedHash, argon2.Version)
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, fmt.Errorf("%w: parameters", ErrMalformedHash)
	}
	var vals [3]uint32
	for i, name := range [3]string{"m=", "t=", "p="} {
		digits, found := strings.CutPrefix(kv[i], name)
		n, ok := parseDecimal(digits)
		if !found || !ok {
			return p, nil, nil, fmt.Errorf("%w: parameter %s", ErrMalformedHash, name[:1])
		}
		vals[i] = n
	}
	if vals[2] > 255 {
		return p, nil, nil, fmt.Errorf("%w: p=%d", ErrUnsafeParams, vals[2])
	}
	salt, ok := decodeB64(parts[4])
	if !ok {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrMalformedHash)
	}
	key, ok := decodeB64(parts[5])
	if !ok {
		return p, nil, nil, fmt.Errorf("%w: hash", ErrMalformedHash)
	}
	p = Params{
		Memory:  vals[0],
		Time:    vals[1],
		Threads: uint8(vals[2]),
		SaltLen: uint32(len(salt)),
		KeyLen:  uint32(len(key)),
	}
	if err := p.validate(); err != nil {
		return Params{}, nil, nil, err
	}
	return p, salt, key, nil
}

// parseDecimal accepts only canonical decimal (no sign, no leading zeros),
// unlike strconv, so that a hash has a single spelling.
func parseDecimal(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	return uint32(n), err == nil
}

// decodeB64 round-trips the input because the decoder silently skips CR and
// LF, which would otherwise let differently spelled strings through.
func decodeB64(s string) ([]byte, bool) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		return nil, false
	}
	return b, true
}
