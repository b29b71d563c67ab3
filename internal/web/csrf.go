package web

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// csrfField and the csrf cookie carry the same random value: a form posted
// from elsewhere cannot know it (double-submit). The cross-origin check in
// front of every handler is the first line; this is the second.
const csrfField = "csrf"

// csrfLen is the length of a CSRF value (rand.Text: 128 bits in base32); a
// cookie of any other length was not made here.
const csrfLen = 26

func (s *Server) csrfCookieName() string {
	if s.secure {
		return "__Host-csrf"
	}
	return "csrf"
}

// csrfToken returns the request's CSRF value, setting the cookie when absent.
func (s *Server) csrfToken(c echo.Context) string {
	if v, ok := c.Get(csrfField).(string); ok {
		return v
	}
	if ck, err := c.Cookie(s.csrfCookieName()); err == nil && len(ck.Value) == csrfLen {
		return ck.Value
	}
	v := rand.Text()
	c.Set(csrfField, v)
	c.SetCookie(&http.Cookie{Name: s.csrfCookieName(), Value: v, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
	return v
}

// pageForm guards every form a page posts: the body is limited and parsed,
// and its CSRF token must match the cookie.
func (s *Server) pageForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		r.Body = http.MaxBytesReader(c.Response(), r.Body, maxBody)
		if _, err := c.FormParams(); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return errTooLarge
			}
			return errMalformed
		}
		ck, err := c.Cookie(s.csrfCookieName())
		if err != nil || len(ck.Value) != csrfLen || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(c.FormValue(csrfField))) != 1 {
			return mediation.Errorf(mediation.EFORBIDDEN, "error.csrf")
		}
		return next(c)
	}
}
