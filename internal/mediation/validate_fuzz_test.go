package mediation_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"tiaojie/internal/mediation"
)

// Fuzz targets for the domain's constructors and for IDs. Each asserts, for
// any input: no panic; a refusal is an EINVALID *mediation.Error naming only
// JSON fields of the input type; an accepted value is trimmed, printable
// (no control characters; line breaks and tabs only in multi-line fields),
// within its length limit and of a valid form. The rules are read from the
// input type's validate tags, so that a new rule is checked without editing
// this file. Seeds: f.Add below and testdata/fuzz/<FuzzName>/.

var fzNow = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// fzRule is what the validate tag of one input field promises about the
// accepted value.
type fzRule struct {
	json      string
	line      bool // one printable line
	text      bool // printable, line breaks and tabs allowed
	required  bool
	max       int // in characters; 0 when none
	enum      bool
	mobile    bool
	username  bool
	untrimmed bool // passwords are taken as typed
}

// fzRules reads the rules of every field of the input struct type t.
func fzRules(t reflect.Type) map[string]fzRule {
	rules := map[string]fzRule{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		r := fzRule{json: name, untrimmed: name == "password"}
		for tag := range strings.SplitSeq(f.Tag.Get("validate"), ",") {
			key, param, _ := strings.Cut(tag, "=")
			switch key {
			case "line":
				r.line = true
			case "text":
				r.text = true
			case "required", "notblank":
				r.required = true
			case "max":
				r.max, _ = strconv.Atoi(param)
			case "enum":
				r.enum = true
			case "mobile":
				r.mobile = true
			case "username":
				r.username = true
			}
		}
		rules[name] = r
	}
	return rules
}

var (
	fzMobile   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	fzUsername = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)
)

// fzCheckRefusal fails unless err is an EINVALID *mediation.Error whose
// fields are all JSON fields of the input type.
func fzCheckRefusal(t *testing.T, err error, input reflect.Type) {
	t.Helper()
	var e *mediation.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *mediation.Error", err, err)
	}
	if e.Code != mediation.EINVALID {
		t.Fatalf("error code %q, want %q: %v", e.Code, mediation.EINVALID, e)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("refusal names no field: %v", e)
	}
	rules := fzRules(input)
	for name, fe := range e.Fields {
		if _, ok := rules[name]; !ok {
			t.Errorf("error names field %q, which %s does not have", name, input.Name())
		}
		if fe.Key == "" {
			t.Errorf("field %q: no message key", name)
		}
	}
}

// fzCheckAccepted checks each field of out (a stored record) against the
// rules of the input field of the same JSON name.
func fzCheckAccepted(t *testing.T, input reflect.Type, out any) {
	t.Helper()
	v := reflect.ValueOf(out)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	rules := fzRules(input)
	checked := 0
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		r, ok := rules[name]
		if !ok {
			continue
		}
		checked++
		fv := v.Field(i)
		if fv.Kind() != reflect.String {
			continue
		}
		s := fv.String()
		switch {
		case !r.untrimmed && strings.TrimSpace(s) != s:
			t.Errorf("%s = %q is not trimmed", name, s)
		case !utf8.ValidString(s):
			t.Errorf("%s = %q is not valid UTF-8", name, s)
		case r.required && s == "":
			t.Errorf("%s is required but accepted empty", name)
		case r.max > 0 && utf8.RuneCountInString(s) > r.max:
			t.Errorf("%s has %d characters, more than %d", name, utf8.RuneCountInString(s), r.max)
		case r.enum && !fv.Interface().(interface{ Valid() bool }).Valid():
			t.Errorf("%s = %q is not a known code", name, s)
		case r.mobile && s != "" && !fzMobile.MatchString(s):
			t.Errorf("%s = %q is not a mobile number", name, s)
		case r.username && !fzUsername.MatchString(s):
			t.Errorf("%s = %q is not a username", name, s)
		}
		if r.line || r.text {
			for _, c := range s {
				if r.text && (c == '\n' || c == '\r' || c == '\t') {
					continue
				}
				if unicode.IsControl(c) || c == utf8.RuneError || c == '\u2028' || c == '\u2029' {
					t.Errorf("%s = %q holds the unprintable %U", name, s, c)
					break
				}
			}
		}
	}
	if checked == 0 {
		t.Fatalf("%T shares no JSON field with %s", out, input.Name())
	}
}

func FuzzValidateCase(f *testing.F) {
	f.Add("车位纠纷", "parking", "heping-li", "", "地下车库B2-105车位归属争议。", "party_application")
	f.Add("  噪音  ", "noise", " dongfeng ", "和平街道", "楼上\n每晚\t跳绳", "referred_police")
	f.Add("x", "other", "qingnian-lu", "和平街道", "", "committee_initiative")
	f.Add("\u202e标题", "pets", "xinhua", " ", "\x00", "referred_court")
	f.Add("'; DROP TABLE cases;--", "parking' OR '1'='1", "<script>", "../../etc", "{{.}}", "null")
	f.Fuzz(func(t *testing.T, title, category, community, street, summary, source string) {
		places := mediation.DefaultPlaces()
		in := mediation.CaseInput{Title: title, Category: mediation.Category(category), Community: community,
			Street: street, Summary: summary, Source: mediation.Source(source)}
		cs, err := mediation.NewCase(in, places, 7, fzNow)
		if err != nil {
			fzCheckRefusal(t, err, reflect.TypeFor[mediation.CaseInput]())
		} else {
			fzCheckAccepted(t, reflect.TypeFor[mediation.CaseInput](), cs)
			fzCheckPlace(t, places, cs)
		}

		// The same strings as a patch of a valid case.
		base, err := mediation.NewCase(mediation.CaseInput{Title: "原标题", Category: mediation.CategoryNoise,
			Community: "dongfeng", Source: mediation.SourcePartyApplication}, places, 7, fzNow)
		if err != nil {
			t.Fatal(err)
		}
		cat, src := mediation.Category(category), mediation.Source(source)
		patch := mediation.CasePatch{Title: &title, Category: &cat, Community: &community, Street: &street,
			Summary: &summary, Source: &src}
		before := *base
		if err := base.Apply(patch, places, fzNow.Add(time.Hour)); err != nil {
			fzCheckRefusal(t, err, reflect.TypeFor[mediation.CasePatch]())
			if !reflect.DeepEqual(*base, before) {
				t.Errorf("a refused patch changed the case: %+v, was %+v", *base, before)
			}
			return
		}
		fzCheckAccepted(t, reflect.TypeFor[mediation.CasePatch](), base)
		fzCheckPlace(t, places, base)
	})
}

// fzCheckPlace checks that an accepted case lies in a configured community
// and carries that community's street.
func fzCheckPlace(t *testing.T, places *mediation.Places, cs *mediation.Case) {
	t.Helper()
	com, ok := places.Community(cs.Community)
	if !ok {
		t.Errorf("accepted the unknown community %q", cs.Community)
	} else if cs.Street != com.Street {
		t.Errorf("community %q in street %q, want %q", cs.Community, cs.Street, com.Street)
	}
}

func FuzzValidateParty(f *testing.F) {
	f.Add("赵明", "person", "applicant", "13800138001", "3号楼501", "")
	f.Add("  和平里3号楼业主  ", "household", "respondent", "+86 138-0013-8000", "", "24户业主")
	f.Add("某物业公司", "organization", "third_party", "0086 13700137000", "东风路1号", "")
	f.Add("名\u2028字", "person", "applicant", "1380013800", "\t", "\r\n")
	f.Add("<img src=x onerror=alert(1)>", "person' --", "applicant", "1' OR '1'='1", "\x1b[31m", "\xff\xfe")
	f.Fuzz(func(t *testing.T, name, kind, side, phone, address, represents string) {
		in := mediation.PartyInput{Name: name, Kind: mediation.PartyKind(kind), Side: mediation.Side(side),
			Phone: phone, Address: address, Represents: represents}
		p, err := mediation.NewParty(in, 3, 7, fzNow)
		if err != nil {
			fzCheckRefusal(t, err, reflect.TypeFor[mediation.PartyInput]())
			return
		}
		fzCheckAccepted(t, reflect.TypeFor[mediation.PartyInput](), p)
	})
}

func FuzzValidateSubmission(f *testing.F) {
	f.Add("position", "车位是我买的。", uint64(0), uint64(0))
	f.Add("interests", "第一，\n\t希望晚上十点后安静。\r\n第二，车位轮流用。", uint64(19), uint64(4))
	f.Add("evidence", strings.Repeat("字", 50)+"\n", uint64(1), uint64(0))
	f.Add("proposal", "  \u00a0 ", uint64(0), uint64(1))
	f.Add("response", "</script><script>alert(1)</script>\x00", uint64(18446744073709551615), uint64(0))
	f.Fuzz(func(t *testing.T, kind, body string, party, supersedes uint64) {
		in := mediation.SubmissionInput{PartyID: mediation.ID(party), Kind: mediation.SubmissionKind(kind),
			Body: body, Supersedes: mediation.ID(supersedes)}
		sub, err := mediation.NewSubmission(in, 3, 19, 0, fzNow)
		if err != nil {
			fzCheckRefusal(t, err, reflect.TypeFor[mediation.SubmissionInput]())
			return
		}
		fzCheckAccepted(t, reflect.TypeFor[mediation.SubmissionInput](), sub)
		if sub.PartyID != 19 || sub.Supersedes != mediation.ID(supersedes) {
			t.Errorf("party %d supersedes %d, want 19 and %d", sub.PartyID, sub.Supersedes, supersedes)
		}
	})
}

func FuzzValidateUser(f *testing.F) {
	f.Add("wang", "王调解员", "mediator", "", "pw-wang-密码")
	f.Add("  li.jianguo ", " 李建国 ", "office", "+86 139-0013-9000", "一个足够长的密码")
	f.Add("Admin", "管理员", "admin", "13800138000", "short")
	f.Add("a_b", "\u0085名", "root", "139 0013 9000", strings.Repeat("密", 129))
	f.Add("admin'--", "<b>x</b>", "admin\x00", "0086 1380013800", "\x00\x00\x00\x00\x00\x00\x00\x00")
	f.Fuzz(func(t *testing.T, username, displayName, role, phone, password string) {
		in := &mediation.UserInput{Username: username, DisplayName: displayName, Role: mediation.Role(role),
			Phone: phone, Password: password}
		u, err := mediation.NewUser(in, fzNow)
		if err != nil {
			fzCheckRefusal(t, err, reflect.TypeFor[mediation.UserInput]())
			return
		}
		fzCheckAccepted(t, reflect.TypeFor[mediation.UserInput](), u)
		if n := utf8.RuneCountInString(in.Password); n < 8 || n > 128 {
			t.Errorf("accepted a password of %d characters", n)
		}
	})
}

// FuzzParseID: an ID is accepted in exactly one spelling, its String().
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "42", "18446744073709551615", "18446744073709551616", "0", "01", "-1", "+1",
		"0x1f", "1e3", " 1", "４２", "١٢٣", "1_000", "", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := mediation.ParseID(s)
		var fromJSON mediation.ID
		jsonErr := json.Unmarshal([]byte(strconv.Quote(s)), &fromJSON)
		if !ok {
			if id != 0 {
				t.Errorf("ParseID(%q) = %d, false: want 0", s, id)
			}
			if s != "" && jsonErr == nil {
				t.Errorf("JSON %q decodes to %d, but ParseID refuses it", s, fromJSON)
			}
			return
		}
		if id == 0 {
			t.Fatalf("ParseID(%q) accepted zero", s)
		}
		if id.String() != s {
			t.Errorf("ParseID(%q) = %d, whose String() is %q: two spellings of one ID", s, id, id.String())
		}
		if jsonErr != nil || fromJSON != id {
			t.Errorf("JSON %q decodes to %d, %v; want %d", s, fromJSON, jsonErr, id)
		}
	})
}

// FuzzIDJSON: any JSON value given for an ID either decodes to an ID that
// encodes and decodes back to itself, or is refused; and every ID round
// trips through JSON.
func FuzzIDJSON(f *testing.F) {
	for _, s := range []string{`"1"`, `"42"`, `"18446744073709551615"`, `""`, `"0"`, `1`, `null`, `"-1"`,
		`"1\u0030"`, `"\u0031"`, `"18446744073709551616"`, `true`, `{}`, `["1"]`, `"１"`, `"' OR 1=1--"`} {
		f.Add([]byte(s), uint64(7))
	}
	f.Add([]byte(`"9007199254740993"`), uint64(0))
	f.Add([]byte(`"2"`), uint64(18446744073709551615))
	f.Fuzz(func(t *testing.T, raw []byte, n uint64) {
		var id mediation.ID
		if err := json.Unmarshal(raw, &id); err == nil && string(raw) != "null" {
			fzRoundTrip(t, id)
		}
		fzRoundTrip(t, mediation.ID(n))
	})
}

// fzRoundTrip checks that id encodes to a JSON string that decodes to id,
// both alone and as a field.
func fzRoundTrip(t *testing.T, id mediation.ID) {
	t.Helper()
	b, err := json.Marshal(id)
	if err != nil {
		t.Fatalf("Marshal(%d): %v", id, err)
	}
	var back mediation.ID
	if err := json.Unmarshal(b, &back); err != nil || back != id {
		t.Errorf("ID %d encodes as %s, which decodes to %d, %v", id, b, back, err)
	}
	if id != 0 && string(b) != strconv.Quote(id.String()) {
		t.Errorf("ID %d encodes as %s, want the decimal string %q", id, b, id.String())
	}
	type rec struct {
		ID mediation.ID `json:"id"`
	}
	b, err = json.Marshal(rec{id})
	if err != nil {
		t.Fatal(err)
	}
	var r rec
	if err := json.Unmarshal(b, &r); err != nil || r.ID != id {
		t.Errorf("{id: %d} encodes as %s, which decodes to %d, %v", id, b, r.ID, err)
	}
}
