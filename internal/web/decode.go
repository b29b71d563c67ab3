package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

var (
	errMalformed   = mediation.Errorf(mediation.EMALFORMED, "error.malformed")
	errContentType = mediation.Errorf(mediation.EMALFORMED, "error.content_type")
	errTooLarge    = mediation.Errorf(mediation.ETOOLARGE, "error.too_large")
)

// decode reads exactly one JSON object from the body into v: every key
// spelled exactly as a field of v and given once, nothing after it, at most
// maxBody bytes. A field of the wrong type is named in the error.
func decode(c echo.Context, v any) error { return jsonInput(c)(v) }

// jsonInput reads the request's JSON body now, and decodes it when the
// operation asks for its input: the operation decides before the body is
// judged, and no slow client holds the operation's locks while it sends.
func jsonInput(c echo.Context) mediation.Input {
	body, err := readJSON(c)
	return func(v any) error {
		if err != nil {
			return err
		}
		return decodeJSON(body, v)
	}
}

// readJSON reads a JSON body of at most maxBody bytes.
func readJSON(c echo.Context) ([]byte, error) {
	r := c.Request()
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, errContentType
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errTooLarge
	} else if err != nil {
		return nil, errMalformed
	}
	return body, nil
}

// decodeJSON decodes body into v as decode describes.
func decodeJSON(body []byte, v any) error {
	if err := exactKeys(body, reflect.TypeOf(v).Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if skipSpace(body, int(dec.InputOffset())) != len(body) {
		return errMalformed
	}
	return nil
}

// decodeError names the field of the wrong type; unknown fields were already
// named by exactKeys.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return mediation.Invalid(typeErr.Field, "validation.type", "")
	}
	return errMalformed
}

// exactKeys checks that body is a JSON object whose keys are each a field
// name of t, spelled exactly (encoding/json alone would take "Title" for
// "title") and given once (it would silently keep the last). It reads the
// object's keys in one pass and skips their values without judging them:
// the decoder that follows judges the whole body.
func exactKeys(body []byte, t reflect.Type) error {
	names := fieldNames(t)
	var seenKeys [16][]byte
	seen := seenKeys[:0]
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return errMalformed
	}
	if i = skipSpace(body, i+1); i < len(body) && body[i] == '}' {
		return nil
	}
	for {
		end := stringEnd(body, i)
		if end < 0 {
			return errMalformed
		}
		key := body[i+1 : end-1]
		if !plainASCII(key) {
			// Escaped, or not ASCII (never a field's name, which is named
			// in the refusal as encoding/json reads it).
			var unquoted string
			if json.Unmarshal(body[i:end], &unquoted) != nil {
				return errMalformed
			}
			key = []byte(unquoted)
		}
		switch {
		case !names[string(key)]:
			return fieldProblem(mediation.EMALFORMED, "error.malformed", string(key), "validation.unknown_field")
		case slices.ContainsFunc(seen, func(k []byte) bool { return bytes.Equal(k, key) }):
			return fieldProblem(mediation.EMALFORMED, "error.malformed", string(key), "validation.duplicate")
		}
		seen = append(seen, key)
		if i = skipSpace(body, end); i >= len(body) || body[i] != ':' {
			return errMalformed
		}
		if i = valueEnd(body, skipSpace(body, i+1)); i < 0 {
			return errMalformed
		}
		switch i = skipSpace(body, i); {
		case i < len(body) && body[i] == ',':
			i = skipSpace(body, i+1)
		case i < len(body) && body[i] == '}':
			return nil
		default:
			return errMalformed
		}
	}
}

// plainASCII says whether b is ASCII without a backslash.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf || c == '\\' {
			return false
		}
	}
	return true
}

// skipSpace is the index of the first byte of body from i on that is not
// JSON whitespace.
func skipSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	return i
}

// stringEnd is the index just after the JSON string that begins at i, or -1
// if none does.
func stringEnd(body []byte, i int) int {
	if i >= len(body) || body[i] != '"' {
		return -1
	}
	for i++; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// valueEnd is the index just after the JSON value that begins at i, or -1
// if it does not end: a string, an object or an array (its brackets
// counted, the strings in it skipped), or anything else up to the next
// delimiter.
func valueEnd(body []byte, i int) int {
	if i >= len(body) {
		return -1
	}
	switch body[i] {
	case '"':
		return stringEnd(body, i)
	case '{', '[':
		depth := 0
		for i < len(body) {
			switch body[i] {
			case '"':
				if i = stringEnd(body, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	start := i
	for i < len(body) && !strings.ContainsRune(",}] \t\r\n", rune(body[i])) {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

func fieldProblem(code, message, field, key string) error {
	return &mediation.Error{Code: code, Message: message, Fields: map[string]mediation.FieldError{field: {Key: key}}}
}

var fieldNameCache sync.Map // reflect.Type → map[string]bool

// fieldNames is the set of JSON names of a struct's fields.
func fieldNames(t reflect.Type) map[string]bool {
	if names, ok := fieldNameCache.Load(t); ok {
		return names.(map[string]bool)
	}
	names := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			maps.Copy(names, fieldNames(f.Type))
		case name == "":
			names[f.Name] = true
		default:
			names[name] = true
		}
	}
	fieldNameCache.Store(t, names)
	return names
}
