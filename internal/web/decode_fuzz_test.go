package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// Fuzz targets for every JSON body the API decodes: the body goes through
// decode into the handler's input type, then through mediation.Validate, as
// in the handlers. For any body:
//
//   - nothing panics;
//   - a refusal is a *mediation.Error whose code has a status, never
//     EINTERNAL; a validation error names only JSON fields of the type; an
//     unknown-field error names a key the type does not have, a duplicate one
//     that it has;
//   - only a syntactically valid JSON body within the size limit is taken;
//   - an accepted value re-encodes to JSON that decodes and validates to an
//     equal value.
//
// Seeds: f.Add below and testdata/fuzz/<FuzzName>/.

var fuzzEcho = echo.New()

// fuzzDecodeBody runs decode on body as the request body of a JSON POST.
func fuzzDecodeBody(body []byte, v any) error {
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return decode(fuzzEcho.NewContext(req, httptest.NewRecorder()), v)
}

// fuzzDecodeValid is decode then Validate, as the handlers do.
func fuzzDecodeValid[T any](body []byte) (*T, error) {
	v := new(T)
	if err := fuzzDecodeBody(body, v); err != nil {
		return nil, err
	}
	if err := mediation.Validate(v); err != nil {
		return nil, err
	}
	return v, nil
}

// fuzzDecode is the body of every decode fuzz target for input type T.
func fuzzDecode[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	typ := reflect.TypeFor[T]()
	names := fieldNames(typ)
	f.Fuzz(func(t *testing.T, body []byte) {
		v, err := fuzzDecodeValid[T](body)
		if err != nil {
			fuzzCheckRefusal(t, body, err, typ, names)
			return
		}
		if len(body) > maxBody {
			t.Fatalf("took a body of %d bytes, over the limit of %d", len(body), maxBody)
		}
		if !json.Valid(body) {
			t.Fatalf("took a body that is not valid JSON: %q", body)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted %q as %+v, which does not encode: %v", body, *v, err)
		}
		w, err := fuzzDecodeValid[T](again)
		if err != nil {
			t.Fatalf("accepted %q as %+v, which encodes as %s, which is refused: %v", body, *v, again, err)
		}
		if !reflect.DeepEqual(v, w) {
			t.Fatalf("accepted %q as %+v, which encodes as %s, which decodes to %+v", body, *v, again, *w)
		}
	})
}

func fuzzCheckRefusal(t *testing.T, body []byte, err error, typ reflect.Type, names map[string]bool) {
	t.Helper()
	var e *mediation.Error
	if !errors.As(err, &e) {
		t.Fatalf("%q: error %v (%T) is not a *mediation.Error", body, err, err)
	}
	status, ok := statuses[e.Code]
	if !ok || e.Code == mediation.EINTERNAL || status < 400 || status > 499 {
		t.Fatalf("%q: error code %q (status %d): want a client error", body, e.Code, status)
	}
	if e.Code == mediation.ETOOLARGE && len(body) <= maxBody {
		t.Errorf("%q: too large at %d bytes", body, len(body))
	}
	for name, fe := range e.Fields {
		switch {
		case fe.Key == "validation.unknown_field":
			if names[name] {
				t.Errorf("%q: %s has field %q, but it is called unknown", body, typ.Name(), name)
			}
		case !names[name]:
			t.Errorf("%q: error names field %q (%s), which %s does not have", body, name, fe.Key, typ.Name())
		}
	}
	if e.Code == mediation.EINVALID && len(e.Fields) == 0 {
		t.Errorf("%q: a validation error naming no field: %v", body, e)
	}
}

// Seeds shared by every target: bodies that are not one JSON object.
var fuzzNotAnObject = []string{"", "{", "}", "[]", "null", `"x"`, "1", "{}{}", "{} x", "\xef\xbb\xbf{}",
	strings.Repeat("[", 1000), `{"a":` + strings.Repeat("[", 1000)}

func fuzzSeeds(extra ...string) []string { return append(extra, fuzzNotAnObject...) }

func FuzzDecodeCaseInput(f *testing.F) {
	fuzzDecode[mediation.CaseInput](f, fuzzSeeds(
		`{"title":"车位纠纷","category":"parking","community":"heping-li","source":"party_application"}`,
		`{"title":"噪音","category":"noise","community":"dongfeng","street":"和平街道","summary":"楼上\n每晚","source":"referred_police"}`,
		`{"title":"x","Title":"y","category":"pets","community":"xinhua","source":"referred_court"}`,
		`{"title":"x","title":"y","category":"pets","community":"xinhua","source":"referred_court"}`,
		`{"title":1,"category":"pets","community":"xinhua","source":"referred_court"}`,
		`{"title":"\u0000","category":"pets","community":"xinhua","source":"referred_court"}`,
		`{"title":"\ud800","category":"other","community":"xinhua","source":"referred_court"}`,
	)...)
}

func FuzzDecodeCasePatch(f *testing.F) {
	fuzzDecode[mediation.CasePatch](f, fuzzSeeds(
		`{}`, `{"title":"新标题"}`, `{"title":null}`, `{"summary":"","street":""}`,
		`{"community":"dongfeng","street":"和平街道","category":"noise","source":"referred_government"}`,
		`{"category":"Parking"}`, `{"title":"  "}`, `{"title":["x"]}`,
	)...)
}

func FuzzDecodePartyInput(f *testing.F) {
	fuzzDecode[mediation.PartyInput](f, fuzzSeeds(
		`{"name":"赵明","kind":"person","side":"applicant","phone":"13800138001","address":"3号楼501"}`,
		`{"name":"业主","kind":"household","side":"respondent","represents":"24户"}`,
		`{"name":"a","kind":"organization","side":"third_party","phone":13800138001}`,
		`{"name":"a","kind":"person","side":"applicant","phone":"+86 138-0013-8000"}`,
	)...)
}

func FuzzDecodeSubmissionInput(f *testing.F) {
	fuzzDecode[mediation.SubmissionInput](f, fuzzSeeds(
		`{"kind":"position","body":"车位是我买的。"}`,
		`{"party_id":"19","kind":"interests","body":"安静","supersedes":"4"}`,
		`{"party_id":"","kind":"proposal","body":"x","supersedes":""}`,
		`{"party_id":19,"kind":"position","body":"x"}`,
		`{"party_id":"019","kind":"position","body":"x"}`,
		`{"party_id":"18446744073709551616","kind":"position","body":"x"}`,
	)...)
}

func FuzzDecodeUserInput(f *testing.F) {
	fuzzDecode[mediation.UserInput](f, fuzzSeeds(
		`{"username":"zhou.min","display_name":"周敏","role":"mediator","password":"一个足够长的密码"}`,
		`{"username":"office2","display_name":"街道","role":"office","phone":"13900139000","password":"password1"}`,
		`{"username":"x","display_name":"","role":"root","password":""}`,
		`{"username":"admin","display_name":"a","role":"admin","password":"12345678","password_hash":"x"}`,
	)...)
}

func FuzzDecodeTransition(f *testing.F) {
	fuzzDecode[mediation.Transition](f, fuzzSeeds(
		`{"to":"mediating"}`, `{"to":"withdrawn","reason":"申请人撤回"}`, `{"to":"closed","reason":""}`,
		`{"to":"MEDIATING"}`, `{"to":null}`,
	)...)
}

func FuzzDecodeLogin(f *testing.F) {
	fuzzDecode[loginRequest](f, fuzzSeeds(
		`{"username":"wang","password":"pw-wang-密码"}`, `{"username":"","password":""}`,
		`{"username":"wang","password":"x","remember":true}`,
	)...)
}

func FuzzDecodeAccess(f *testing.F) {
	fuzzDecode[accessRequest](f, fuzzSeeds(
		`{"token":"AAAAAAAAAAAAAAAAAAAAAA"}`, `{"token":""}`, `{"token":null}`, `{"token":["x"]}`,
	)...)
}

func FuzzDecodeAssign(f *testing.F) {
	fuzzDecode[mediation.Assignment](f, fuzzSeeds(
		`{"user_id":"4"}`, `{"user_id":""}`, `{"user_id":4}`, `{"user_id":"0"}`, `{"user_id":"-4"}`,
	)...)
}

func FuzzDecodeRemove(f *testing.F) {
	fuzzDecode[mediation.Removal](f, fuzzSeeds(
		`{"reason":"回避：与申请人是亲属"}`, `{"reason":" "}`, `{"reason":"\u2028"}`,
	)...)
}

// FuzzExactKeysAsTheDecoderReadsThem holds exactKeys, which reads an
// object's keys in one pass, to the keys as encoding/json's tokens give
// them: on a valid JSON body both take it or refuse it alike, naming the
// same key.
func FuzzExactKeysAsTheDecoderReadsThem(f *testing.F) {
	for _, s := range fuzzSeeds(`{"kind":"position","body":"车位"}`, `{"body":"a\"}","kind":{"x":["}"]}}`,
		`{"\u006bind":1}`, `{"kind":1,"kind":2}`, `{"Kind":1}`, ` { "body" : [ ] , "party_id" : null } `,
		`{"body":"\\","nope":true}`, `{"":0}`) {
		f.Add([]byte(s))
	}
	typ := reflect.TypeFor[mediation.SubmissionInput]()
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		got, want := exactKeys(body, typ), tokenKeys(body, typ)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: exactKeys says %v, the tokens %v", body, got, want)
		}
	})
}

// tokenKeys is exactKeys done with encoding/json's tokens.
func tokenKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errMalformed
	}
	names := fieldNames(t)
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return errMalformed
		}
		key, _ := tok.(string)
		switch {
		case !names[key]:
			return fieldProblem(mediation.EMALFORMED, "error.malformed", key, "validation.unknown_field")
		case seen[key]:
			return fieldProblem(mediation.EMALFORMED, "error.malformed", key, "validation.duplicate")
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return errMalformed
		}
	}
	return nil
}
