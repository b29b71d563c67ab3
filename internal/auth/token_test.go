package auth

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
)

func TestNewTokenHasTheAdvertisedShape(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		tok, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 22 {
			t.Fatalf("token %q has length %d", tok, len(tok))
		}
		if !ValidTokenSyntax(tok) {
			t.Fatalf("NewToken produced %q, which ValidTokenSyntax rejects", tok)
		}
		b, err := b64url.DecodeString(tok)
		if err != nil || len(b) != 16 {
			t.Fatalf("token %q decodes to %d bytes, %v", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
}

func TestValidTokenSyntax(t *testing.T) {
	const good = "AAECAwQFBgcICQoLDA0ODw" // bytes 0..15
	tests := []struct {
		name string
		s    string
		want bool
	}{
		{"canonical token is accepted", good, true},
		{"url alphabet token is accepted", "-_-_-_-_-_-_-_-_-_-_-w", true},
		{"empty is rejected", "", false},
		{"one short is rejected", good[:21], false},
		{"one long is rejected", good + "A", false},
		{"padded is rejected", good + "==", false},
		{"standard alphabet plus is rejected", "+" + good[1:], false},
		{"standard alphabet slash is rejected", "/" + good[1:], false},
		{"non-zero trailing bits are rejected", good[:21] + "x", false},
		{"newline inside is rejected", good[:10] + "\n" + good[11:], false},
		{"space inside is rejected", good[:10] + " " + good[11:], false},
		{"dot inside is rejected", good[:10] + "." + good[11:], false},
		{"percent-encoded is rejected", good[:19] + "%3D", false},
		{"non-ASCII is rejected", good[:19] + "é" + "A", false},
		{"NUL is rejected", good[:21] + "\x00", false},
		{"long garbage is rejected", strings.Repeat("A", 10000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidTokenSyntax(tt.s); got != tt.want {
				t.Fatalf("ValidTokenSyntax(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

func TestHashTokenIsSHA256OfTheToken(t *testing.T) {
	tok, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(tok))
	got := HashToken(tok)
	if !bytes.Equal(got, want[:]) {
		t.Fatalf("HashToken = %x, want %x", got, want)
	}
	if !bytes.Equal(HashToken(tok), got) {
		t.Fatal("HashToken is not deterministic")
	}
	other, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(HashToken(other), got) {
		t.Fatal("two tokens share a hash")
	}
}
