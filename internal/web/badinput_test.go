package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"tiaojie/internal/mediation"
)

// Bad input on every write route: each request below is sent by a principal
// who may use the route, so that the answer reflects the input alone. Each
// must get its error status and code, name the field at fault, speak the
// client's language, and leave the database byte for byte as it was.

// badInputCase is one bad request and the answer it must get.
type badInputCase struct {
	name        string
	as          string // who sends it: "anon", "admin", "mediator" (assigned to case A) or "a1" (party of A)
	method      string
	path        string // {placeholders} are filled in from the scene
	body        string // sent as is, after filling in {placeholders}
	contentType string // "" sends application/json; withoutContentType sends none
	wantStatus  int
	wantCode    string
	wantField   string   // must be named in error.fields
	allowed     []string // error.allowed must be exactly this (illegal transitions)
	missing     []string // error.missing must be exactly this (incomplete case file)
	// audited says the refusal is itself audited (a conflict-of-interest
	// check that hit): the audit chain may grow, nothing else may change.
	audited bool
}

const withoutContentType = "none"

// maxBodyBytes is the server's limit on a request body.
const maxBodyBytes = 1 << 20

// badRoute is one write route as one principal uses it; its methods make
// the rows of the table.
type badRoute struct{ label, as, method, path string }

func (r badRoute) row(name, body string, status int, code, field string) badInputCase {
	return badInputCase{name: r.label + "/" + name, as: r.as, method: r.method, path: r.path, body: body,
		wantStatus: status, wantCode: code, wantField: field}
}

// auditedHit is a refusal that is itself audited.
func auditedHit(tc badInputCase) badInputCase { tc.audited = true; return tc }

// invalid is a 422 naming field.
func (r badRoute) invalid(name, body, field string) badInputCase {
	return r.row(name, body, http.StatusUnprocessableEntity, mediation.EINVALID, field)
}

// notFound is a 404.
func (r badRoute) notFound(name, body string) badInputCase {
	return r.row(name, body, http.StatusNotFound, mediation.ENOTFOUND, "")
}

// at is the route on another path (another case, party or submission).
func (r badRoute) at(path string) badRoute { r.path = path; return r }

// by is the route used by another principal.
func (r badRoute) by(as string) badRoute { r.as = as; return r }

// malformed lists the bodies that are not one JSON object of the right
// content type, built around valid, a body the route would otherwise take.
func (r badRoute) malformed(valid string) []badInputCase {
	bad := func(name, contentType, body, field string) badInputCase {
		c := r.row(name, body, http.StatusBadRequest, mediation.EMALFORMED, field)
		c.contentType = contentType
		return c
	}
	tooLarge := r.row("BodyOver1MiB", valid+strings.Repeat(" ", maxBodyBytes), http.StatusRequestEntityTooLarge, mediation.ETOOLARGE, "")
	return []badInputCase{
		bad("Truncated", "", valid[:len(valid)/2], ""),
		bad("OpenBrace", "", "{", ""),
		bad("EmptyBody", "", "", ""),
		bad("Array", "", "[]", ""),
		bad("Null", "", "null", ""),
		bad("NotAnObject", "", `"调解"`, ""),
		bad("TrailingGarbage", "", valid+" x", ""),
		bad("TwoObjects", "", valid+valid, ""),
		bad("ContentTypeText", "text/plain", valid, ""),
		bad("ContentTypeForm", "application/x-www-form-urlencoded", "title=x", ""),
		bad("ContentTypeMissing", withoutContentType, valid, ""),
		bad("UnknownField", "", `{"bogus":true,`+valid[1:], "bogus"),
		tooLarge,
	}
}

// jsonObject is a JSON object under construction: keys in order, raw JSON values.
type jsonObject [][2]string

func (o jsonObject) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonText(kv[0]) + ":" + kv[1])
	}
	b.WriteByte('}')
	return b.String()
}

// with is the object with key set to the raw JSON value (added when absent).
func (o jsonObject) with(key, raw string) string {
	out := slices.Clone(o)
	if i := slices.IndexFunc(out, func(kv [2]string) bool { return kv[0] == key }); i >= 0 {
		out[i][1] = raw
	} else {
		out = append(out, [2]string{key, raw})
	}
	return out.String()
}

// drop is the object without key.
func (o jsonObject) drop(key string) jsonObject {
	return slices.DeleteFunc(slices.Clone(o), func(kv [2]string) bool { return kv[0] == key })
}

// without is the object without key, as JSON.
func (o jsonObject) without(key string) string { return o.drop(key).String() }

// jsonText is s as a JSON string.
func jsonText(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// jsonRepeat is s repeated to n characters, as a JSON string.
func jsonRepeat(s string, count int) string { return jsonText(strings.Repeat(s, count)) }
