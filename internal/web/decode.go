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
	"strings"
	"sync"

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
	if _, err := dec.Token(); err != io.EOF {
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
// "title") and given once (it would silently keep the last).
func exactKeys(body []byte, t reflect.Type) error {
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
