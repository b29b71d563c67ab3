package mediation

import (
	"testing"
	"time"
)

// Phone numbers as people write them: mobiles with or without the country
// code, landlines with their area code and an extension, service numbers.
func TestPhoneNumbersAsWritten(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":        "13800138000",
		"+86 138-0013-8000":  "13800138000",
		"0086 13800138000":   "13800138000",
		"010-62345678":       "010-62345678",
		"01062345678":        "010-62345678",
		"(010) 6234 5678":    "010-62345678",
		"010-6512-3456":      "010-65123456",
		"0755-1234567-801":   "0755-1234567-801",
		"0755 1234567 转 801": "0755-1234567-801",
		"0755-1234567 ext 8": "0755-1234567-8",
		"021-61234567#12":    "021-61234567-12",
		"07551234567":        "0755-1234567",
		"400-123-4567":       "400-123-4567",
		"4001234567":         "400-123-4567",
	} {
		got := normalizePhone(in)
		if got != want {
			t.Errorf("normalizePhone(%q) = %q, want %q", in, got, want)
		}
		if !phonePattern.MatchString(got) {
			t.Errorf("%q (%q) refused", in, got)
		}
	}
	for _, bad := range []string{"1380013800", "138001380001", "12800138000", "010-12345", "62345678",
		"010-123456789", "0755-1234567-1234567", "+86 10 6234 5678x", "电话010-62345678", "0-62345678", "abc"} {
		if got := normalizePhone(bad); phonePattern.MatchString(got) {
			t.Errorf("%q accepted as %q", bad, got)
		}
	}
	in := PartyInput{Name: "和平物业", Kind: PartyOrganization, Side: SideRespondent, Phone: "0755-1234567-801"}
	if p, err := NewParty(in, 1, 1, time.Now()); err != nil || p.Phone != "0755-1234567-801" {
		t.Fatalf("an organisation's landline: %v %+v", err, p)
	}
	in.Phone = "010-123"
	if _, err := NewParty(in, 1, 1, time.Now()); ErrorCode(err) != EINVALID {
		t.Fatalf("a short landline: %v", err)
	}
}
