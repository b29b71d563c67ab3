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
)

const ctxIdempotency = "idempotency"

// idempotencyKey is a keyed request's key, scoped to its principal and path,
// and a hash of its body, as the operation records them.
type idempotencyKey struct{ scope, request []byte }

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
		c.Set(ctxIdempotency, idempotencyKey{scope: scope[:], request: request[:]})
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
