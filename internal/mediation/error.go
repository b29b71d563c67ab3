package mediation

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to exactly one HTTP status in the web package.
const (
	EINVALID      = "invalid"      // failed validation (422)
	EMALFORMED    = "malformed"    // body is not the expected JSON (400)
	EUNAUTHORIZED = "unauthorized" // no valid session (401)
	EFORBIDDEN    = "forbidden"    // the principal's role may never do this (403)
	ENOTFOUND     = "not_found"    // absent, or not visible to the principal (404)
	ECONFLICT     = "conflict"     // illegal transition, double booking, duplicate (409)
	ETOOLARGE     = "too_large"    // body over the limit (413)
	ERATELIMIT    = "rate_limited" // too many attempts (429)
	EUNAVAILABLE  = "unavailable"  // the server is too busy now: try again shortly (503)
	EINTERNAL     = "internal"     // anything else (500)
)

// Error is the one error type that carries a user-facing meaning. Message is a
// key of the translation catalogue, never free text, so that every client sees
// it in its own language; Args fill the placeholders of that message.
type Error struct {
	Code    string
	Message string
	Args    map[string]any
	// Fields maps a JSON field name to the problem with it.
	Fields map[string]FieldError
	// Allowed names the legal alternatives (for example the statuses a case may
	// move to) when Code is ECONFLICT.
	Allowed []string
	// Missing names the parts of the case file that are still absent.
	Missing []string
	// Clash describes the session in the way of a double booking, as far as
	// the reader may see it.
	Clash *Clash
	// Conflicts names why a mediator's own interests conflict with a case.
	Conflicts []Conflict
}

// FieldError is one field's problem: a catalogue key and its parameter.
type FieldError struct {
	Key   string
	Param string
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("mediation error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("mediation error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an Error with the given code and catalogue key.
func Errorf(code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// ErrorCode returns the code of err, or EINTERNAL when err is not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// NotFound is returned for anything absent or not visible; the two must be
// indistinguishable to the client.
func NotFound() *Error { return Errorf(ENOTFOUND, "error.not_found") }

// Unauthorized is returned when no one is signed in.
func Unauthorized() *Error { return Errorf(EUNAUTHORIZED, "error.unauthorized") }

// Forbidden is returned when the principal's role may never perform the action.
func Forbidden() *Error { return Errorf(EFORBIDDEN, "error.forbidden") }

// Invalid returns a validation error for one field.
func Invalid(field, key, param string) *Error {
	return &Error{Code: EINVALID, Message: "error.invalid", Fields: map[string]FieldError{field: {Key: key, Param: param}}}
}
