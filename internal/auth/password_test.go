package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// testParams are real argon2id, small enough for the race-enabled suite.
var testParams = Params{Time: 1, Memory: 8 * 1024, Threads: 2, SaltLen: 16, KeyLen: 32}

const (
	chinese64  = "调解邻里纠纷需要耐心倾听双方的诉求并寻找彼此都能接受的解决办法这是我们社区调解委员会的工作原则请大家共同遵守谢谢合作与支持和理解"
	chinese128 = chinese64 + "楼上楼下的噪音问题常常引发矛盾调解员应当保持中立客观公正不偏不倚认真记录每一方的陈述和证据之后组织双方面对面协商直至达成书面协议"
)

func TestPassphraseFixturesHaveTheAdvertisedLength(t *testing.T) {
	if n := utf8.RuneCountInString(chinese64); n != 64 {
		t.Fatalf("chinese64 has %d runes", n)
	}
	if n := utf8.RuneCountInString(chinese128); n != 128 {
		t.Fatalf("chinese128 has %d runes", n)
	}
}

func TestHashPasswordThenVerify(t *testing.T) {
	tests := []struct {
		name      string
		password  string
		candidate string
		want      bool
	}{
		{"ascii matches", "correct horse battery staple", "correct horse battery staple", true},
		{"64-rune Chinese passphrase matches", chinese64, chinese64, true},
		{"128-rune Chinese passphrase matches", chinese128, chinese128, true},
		{"empty matches empty", "", "", true},
		{"ascii one character changed fails", "correct horse battery staple", "correct horse battery stable", false},
		{"64-rune Chinese one character changed fails", chinese64, replaceRune(chinese64, 10, '解'), false},
		{"128-rune Chinese last character changed fails", chinese128, replaceRune(chinese128, 127, '字'), false},
		{"128-rune Chinese truncated by one fails", chinese128, string([]rune(chinese128)[:127]), false},
		{"case change fails", "Password", "password", false},
		{"trailing space fails", "secret", "secret ", false},
		{"different Unicode normalization fails", "caf\u00e9", "cafe\u0301", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			encoded, err := HashPassword(tt.password, testParams)
			if err != nil {
				t.Fatal(err)
			}
			ok, err := VerifyPassword(tt.candidate, encoded)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.want {
				t.Fatalf("VerifyPassword = %v, want %v", ok, tt.want)
			}
		})
	}
}

func replaceRune(s string, i int, r rune) string {
	rs := []rune(s)
	if rs[i] == r {
		panic("replacement is not a change")
	}
	rs[i] = r
	return string(rs)
}

func TestHashPasswordProducesPHCStringWithItsParams(t *testing.T) {
	encoded, err := HashPassword("x", testParams)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=8192,t=1,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(encoded) {
		t.Fatalf("unexpected encoding %q", encoded)
	}
}

func TestDefaultParamsEncodeAsRFC9106SecondOptionWithTwoLanes(t *testing.T) {
	want := Params{Time: 3, Memory: 65536, Threads: 2, SaltLen: 16, KeyLen: 32}
	if DefaultParams != want {
		t.Fatalf("DefaultParams = %+v, want %+v", DefaultParams, want)
	}
	if err := DefaultParams.validate(); err != nil {
		t.Fatal(err)
	}
	// Only the encoding is checked: hashing at 64 MiB is too slow under -race.
	got := encodeHash(DefaultParams, make([]byte, 16), make([]byte, 32))
	if !strings.HasPrefix(got, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("encoding %q", got)
	}
	p, _, _, err := decodeHash(got)
	if err != nil || p != DefaultParams {
		t.Fatalf("decodeHash = %+v, %v", p, err)
	}
}

func TestHashPasswordSaltsEachHash(t *testing.T) {
	a, err := HashPassword("same", testParams)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashPassword("same", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two hashes of the same password are identical")
	}
}

func TestVerifyPasswordUsesParamsStoredInTheHash(t *testing.T) {
	other := Params{Time: 2, Memory: 4 * 1024, Threads: 1, SaltLen: 8, KeyLen: 16}
	encoded, err := HashPassword("pw", other)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := VerifyPassword("pw", encoded)
	if err != nil || !ok {
		t.Fatalf("VerifyPassword = %v, %v", ok, err)
	}
}

func TestHashPasswordRejectsUnsafeParams(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Params)
	}{
		{"zero time is rejected", func(p *Params) { p.Time = 0 }},
		{"time above bound is rejected", func(p *Params) { p.Time = maxTime + 1 }},
		{"memory above 1 GiB is rejected", func(p *Params) { p.Memory = 1<<20 + 1 }},
		{"memory below 8 KiB per lane is rejected", func(p *Params) { p.Memory = 15 }},
		{"zero threads is rejected", func(p *Params) { p.Threads = 0 }},
		{"threads above bound is rejected", func(p *Params) { p.Threads = maxThreads + 1 }},
		{"short salt is rejected", func(p *Params) { p.SaltLen = 7 }},
		{"long salt is rejected", func(p *Params) { p.SaltLen = 65 }},
		{"short key is rejected", func(p *Params) { p.KeyLen = 15 }},
		{"long key is rejected", func(p *Params) { p.KeyLen = 65 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testParams
			tt.modify(&p)
			encoded, err := HashPassword("pw", p)
			if !errors.Is(err, ErrUnsafeParams) || encoded != "" {
				t.Fatalf("HashPassword = %q, %v; want ErrUnsafeParams", encoded, err)
			}
		})
	}
}

func TestVerifyPasswordRejectsUnusableHashes(t *testing.T) {
	const salt = "c29tZXNhbHRzb21lc2FsdA"                      // 16 bytes
	const hash = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // 32 bytes
	valid := "$argon2id$v=19$m=8192,t=1,p=2$" + salt + "$" + hash
	if _, _, _, err := decodeHash(valid); err != nil {
		t.Fatalf("baseline does not parse: %v", err)
	}
	tests := []struct {
		name    string
		encoded string
		want    error
	}{
		{"empty string is malformed", "", ErrMalformedHash},
		{"missing leading dollar is malformed", strings.TrimPrefix(valid, "$"), ErrMalformedHash},
		{"missing field is malformed", "$argon2id$v=19$m=8192,t=1,p=2$" + salt, ErrMalformedHash},
		{"extra field is malformed", valid + "$AAAA", ErrMalformedHash},
		{"argon2i is unsupported", strings.Replace(valid, "argon2id", "argon2i", 1), ErrUnsupportedHash},
		{"argon2d is unsupported", strings.Replace(valid, "argon2id", "argon2d", 1), ErrUnsupportedHash},
		{"bcrypt is malformed", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", ErrMalformedHash},
		{"version 16 is unsupported", strings.Replace(valid, "v=19", "v=16", 1), ErrUnsupportedHash},
		{"missing version is malformed", "$argon2id$m=8192,t=1,p=2$" + salt + "$" + hash, ErrMalformedHash},
		{"reordered params are malformed", strings.Replace(valid, "m=8192,t=1,p=2", "t=1,m=8192,p=2", 1), ErrMalformedHash},
		{"extra param is malformed", strings.Replace(valid, "p=2", "p=2,keyid=x", 1), ErrMalformedHash},
		{"missing param is malformed", strings.Replace(valid, ",p=2", "", 1), ErrMalformedHash},
		{"leading zero is malformed", strings.Replace(valid, "m=8192", "m=08192", 1), ErrMalformedHash},
		{"plus sign is malformed", strings.Replace(valid, "t=1", "t=+1", 1), ErrMalformedHash},
		{"negative is malformed", strings.Replace(valid, "t=1", "t=-1", 1), ErrMalformedHash},
		{"uint32 overflow is malformed", strings.Replace(valid, "m=8192", "m=4294967296", 1), ErrMalformedHash},
		{"space in params is malformed", strings.Replace(valid, "t=1", "t= 1", 1), ErrMalformedHash},
		{"memory above 1 GiB is unsafe", strings.Replace(valid, "m=8192", "m=1048577", 1), ErrUnsafeParams},
		{"memory at uint32 max is unsafe", strings.Replace(valid, "m=8192", "m=4294967295", 1), ErrUnsafeParams},
		{"memory below 8 KiB per lane is unsafe", strings.Replace(valid, "m=8192", "m=15", 1), ErrUnsafeParams},
		{"zero time is unsafe", strings.Replace(valid, "t=1", "t=0", 1), ErrUnsafeParams},
		{"huge time is unsafe", strings.Replace(valid, "t=1", "t=1000000", 1), ErrUnsafeParams},
		{"zero threads is unsafe", strings.Replace(valid, "p=2", "p=0", 1), ErrUnsafeParams},
		{"threads beyond uint8 is unsafe", strings.Replace(valid, "p=2", "p=256", 1), ErrUnsafeParams},
		{"threads above bound is unsafe", strings.Replace(valid, "p=2", "p=65", 1), ErrUnsafeParams},
		{"short salt is unsafe", strings.Replace(valid, salt, "AAAAAAAAAA", 1), ErrUnsafeParams},
		{"short hash is unsafe", strings.Replace(valid, hash, "AAAAAAAAAA", 1), ErrUnsafeParams},
		{"empty hash is unsafe", strings.TrimSuffix(valid, hash), ErrUnsafeParams},
		{"padded salt is malformed", strings.Replace(valid, salt, salt+"==", 1), ErrMalformedHash},
		{"url alphabet salt is malformed", strings.Replace(valid, salt, "c29tZXNhbHRzb21lc2F-_A", 1), ErrMalformedHash},
		{"non-canonical trailing bits are malformed", strings.Replace(valid, hash, hash[:42]+"B", 1), ErrMalformedHash},
		{"newline inside hash is malformed", strings.Replace(valid, hash, hash[:20]+"\n"+hash[20:], 1), ErrMalformedHash},
		{"carriage return inside salt is malformed", strings.Replace(valid, salt, salt[:5]+"\r"+salt[5:], 1), ErrMalformedHash},
		{"trailing newline is malformed", valid + "\n", ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword("pw", tt.encoded)
			if ok || !errors.Is(err, tt.want) {
				t.Fatalf("VerifyPassword = %v, %v; want false, %v", ok, err, tt.want)
			}
			if tt.encoded != "" && strings.Contains(err.Error(), tt.encoded) {
				t.Fatalf("error echoes the stored hash: %v", err)
			}
		})
	}
}

func TestDummyVerifyNeverSucceeds(t *testing.T) {
	// The all-zero key DummyVerify compares against is not reachable, but the
	// result must not depend on that.
	for _, pw := range []string{"", "pw", chinese64} {
		if DummyVerify(pw, testParams) {
			t.Fatalf("DummyVerify(%q) = true", pw)
		}
	}
}

// The figures of these two benchmarks should be close: that is the point of
// DummyVerify. Run with: go test -bench Verify ./internal/auth/
func BenchmarkVerifyPasswordDefaultParams(b *testing.B) {
	encoded, err := HashPassword(chinese64, DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, err := VerifyPassword(chinese64, encoded); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkDummyVerifyDefaultParams(b *testing.B) {
	for b.Loop() {
		DummyVerify(chinese64, DefaultParams)
	}
}
