package web

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

const ctxIdempotency = "idempotency"

// idempotency reads the Idempotency-Key of a POST, so that a client that lost
// the answer can send the request again without making a second record. The
// key is scoped to the principal and the path, and remembers a hash of the
// body: the same key with another body is a conflict.
func (s *Server) idempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || key == "" || !strings.HasPrefix(r.URL.Path, "/api/") {
			return next(c)
		}
		if len(key) > 255 || !printableASCII(key) {
			return &mediation.Error{Code: mediation.EMALFORMED, Message: "error.malformed",
				Fields: map[string]mediation.FieldError{"Idempotency-Key": {Key: "validation.idempotency_key"}}}
		}
		// Hash the body as far as it can be read; a longer one is refused by
		// the decoder, which reads on from where this stopped.
		head, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return errTooLarge
			}
			return errMalformed
		}
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head), r.Body))
		scope := sha256.Sum256([]byte(principal(c).Subject() + "\x00" + r.URL.Path + "\x00" + key))
		request := sha256.Sum256(head)
		c.Set(ctxIdempotency, store.IdempotencyKey(scope[:], request[:]))
		return next(c)
	}
}

func printableASCII(s string) bool {
	for i := range len(s) {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// keyed is the store option of the request's idempotency key, if it has one.
func keyed(c echo.Context) []store.Option {
	if o, ok := c.Get(ctxIdempotency).(store.Option); ok {
		return []store.Option{o}
	}
	return nil
}

// replayed reports whether err says the keyed request was already carried out,
// marking the answer as a replay.
func replayed(c echo.Context, err error) (*store.Replayed, bool) {
	var r *store.Replayed
	if errors.As(err, &r) {
		c.Response().Header().Set("Idempotent-Replayed", "true")
		return r, true
	}
	return nil, false
}
