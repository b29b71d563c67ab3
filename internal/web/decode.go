package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

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

// decode reads exactly one JSON object from the body into v: no unknown
// fields, nothing after it, at most maxBody bytes. A field of the wrong type
// is named in the error.
func decode(c echo.Context, v any) error {
	r := c.Request()
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errContentType
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errTooLarge
	} else if err != nil {
		return errMalformed
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

// decodeError names the field at fault where the decoder says which.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return mediation.Invalid(typeErr.Field, "validation.type", "")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &mediation.Error{Code: mediation.EMALFORMED, Message: "error.malformed",
			Fields: map[string]mediation.FieldError{strings.Trim(name, `"`): {Key: "validation.unknown_field"}}}
	}
	return errMalformed
}
