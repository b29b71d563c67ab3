package auth

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
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
