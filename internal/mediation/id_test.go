package mediation_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want mediation.ID
	}{
		{"1", 1},
		{"42", 42},
		{"18446744073709551615", 18446744073709551615},
	} {
		if got, ok := mediation.ParseID(tc.in); !ok || got != tc.want {
			t.Errorf("ParseID(%q) = %d, %v; want %d, true", tc.in, got, ok, tc.want)
		}
	}
	for _, in := range []string{
		"", "0", "00", "01", "-1", "+1", "1.0", "1e3", " 1", "1 ", "0x1f", "1_000", "abc", "４２",
		"18446744073709551616", "99999999999999999999", "100000000000000000000",
	} {
		if got, ok := mediation.ParseID(in); ok || got != 0 {
			t.Errorf("ParseID(%q) = %d, %v; want 0, false", in, got, ok)
		}
	}
}

func TestIDString(t *testing.T) {
	for id, want := range map[mediation.ID]string{1: "1", 42: "42", 18446744073709551615: "18446744073709551615"} {
		if got := id.String(); got != want {
			t.Errorf("ID(%d).String() = %q, want %q", uint64(id), got, want)
		}
		if back, ok := mediation.ParseID(want); !ok || back != id {
			t.Errorf("ParseID(%q) = %d, %v", want, back, ok)
		}
	}
}

func TestIDJSON(t *testing.T) {
	type record struct {
		ID     mediation.ID   `json:"id"`
		Others []mediation.ID `json:"others"`
	}
	t.Run("RoundTripAsDecimalString", func(t *testing.T) {
		in := record{ID: 18446744073709551615, Others: []mediation.ID{1, 9007199254740993}}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"id":"18446744073709551615","others":["1","9007199254740993"]}`; string(b) != want {
			t.Errorf("Marshal = %s, want %s", b, want)
		}
		var out record
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if out.ID != in.ID || len(out.Others) != 2 || out.Others[1] != in.Others[1] {
			t.Errorf("round trip = %+v, want %+v", out, in)
		}
	})
	t.Run("EmptyStringIsZero", func(t *testing.T) {
		var r record
		if err := json.Unmarshal([]byte(`{"id":""}`), &r); err != nil || r.ID != 0 {
			t.Errorf("Unmarshal of \"\" = %d, %v", r.ID, err)
		}
	})
	for _, tc := range []struct{ name, in string }{
		{"ErrNumber", `{"id":42}`},
		{"ErrBigNumber", `{"id":18446744073709551615}`},
		{"ErrZero", `{"id":"0"}`},
		{"ErrLeadingZero", `{"id":"042"}`},
		{"ErrNegative", `{"id":"-1"}`},
		{"ErrFraction", `{"id":"1.5"}`},
		{"ErrOverflow", `{"id":"18446744073709551616"}`},
		{"ErrLetters", `{"id":"abc"}`},
		{"ErrBool", `{"id":true}`},
		{"ErrObject", `{"id":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r record
			if err := json.Unmarshal([]byte(tc.in), &r); err == nil {
				t.Errorf("Unmarshal(%s) = %+v, want an error", tc.in, r)
			}
		})
	}
}

func TestCaseReference(t *testing.T) {
	for _, tc := range []struct {
		id     mediation.ID
		opened time.Time
		want   string
	}{
		{1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2026-0001"},
		{42, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "2026-0042"},
		{9999, time.Date(2027, 12, 31, 23, 0, 0, 0, time.UTC), "2027-9999"},
		{12345, time.Date(2028, 6, 1, 0, 0, 0, 0, time.UTC), "2028-12345"},
	} {
		if got := mediation.CaseReference(tc.id, tc.opened); got != tc.want {
			t.Errorf("CaseReference(%d, %v) = %q, want %q", tc.id, tc.opened, got, tc.want)
		}
	}
}

func TestErrorCode(t *testing.T) {
	if got := mediation.ErrorCode(nil); got != "" {
		t.Errorf("ErrorCode(nil) = %q", got)
	}
	if got := mediation.ErrorCode(json.Unmarshal([]byte("{"), &struct{}{})); got != mediation.EINTERNAL {
		t.Errorf("ErrorCode(other error) = %q, want %q", got, mediation.EINTERNAL)
	}
	wrapped := fmtErrorf("store: create: %w", mediation.NotFound())
	if got := mediation.ErrorCode(wrapped); got != mediation.ENOTFOUND {
		t.Errorf("ErrorCode(wrapped not found) = %q", got)
	}
}

// FuzzIDCodec holds the hand-written codec to what encoding/json does with
// the decimal string: the same bytes out, the same ID (or an error) in.
func FuzzIDCodec(f *testing.F) {
	for _, seed := range []string{`"1"`, `""`, `"18446744073709551615"`, `"01"`, `"\u0031"`, `1`, `null`, `"x"`} {
		f.Add(seed, uint64(42))
	}
	f.Fuzz(func(t *testing.T, in string, n uint64) {
		out, err := mediation.ID(n).MarshalJSON()
		want, _ := json.Marshal(mediation.ID(n).String())
		if n == 0 {
			want = []byte(`""`)
		}
		if err != nil || string(out) != string(want) {
			t.Fatalf("MarshalJSON(%d) = %s, %v; want %s", n, out, err, want)
		}
		var got mediation.ID
		gotErr := got.UnmarshalJSON([]byte(in))
		var s string
		wantErr := json.Unmarshal([]byte(in), &s)
		var wantID mediation.ID
		if wantErr == nil && s != "" {
			var ok bool
			if wantID, ok = mediation.ParseID(s); !ok {
				wantErr = errors.New("not an ID")
			}
		}
		if (gotErr == nil) != (wantErr == nil) || gotErr == nil && got != wantID {
			t.Fatalf("UnmarshalJSON(%s) = %d, %v; want %d, %v", in, got, gotErr, wantID, wantErr)
		}
	})
}
