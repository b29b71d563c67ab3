package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

const (
	ctxPrincipal = "principal"
	ctxLogin     = "login"
	// ctxBack is where the language link of a page leads back to, when not
	// its path alone.
	ctxBack = "back"
)

// methods answers OPTIONS as absent: the pages and the API are same-origin,
// so there is no preflight to answer, and which methods a path takes is no
// one's business. (HEAD is answered by headOnly before echo routes.)
func methods(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch r := c.Request(); r.Method {
		case http.MethodOptions:
			// Answered before the middleware runs, so with its headers here.
			setSecurityHeaders(c.Response().Header(), r)
			return mediation.NotFound()
		}
		return next(c)
	}
}

// requestID gives every request an id, returned in X-Request-Id and logged.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 8)
		rand.Read(b)
		c.Response().Header().Set(echo.HeaderXRequestID, hex.EncodeToString(b))
		return next(c)
	}
}

func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

// logRequests writes one line per request: never names, bodies or tokens, only
// the route template and the kind of principal.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		s.log.Info("request", "request_id", requestID(c), "method", c.Request().Method,
			"route", c.Path(), "status", c.Response().Status, "principal", principalKind(principal(c)),
			"duration_ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}

// recoverPanics turns a panic in a handler into an internal error answer, with
// the stack in the log, instead of a dropped connection.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		return next(c)
	}
}

// securityHeaders are sent on every answer.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		setSecurityHeaders(c.Response().Header(), c.Request())
		return next(c)
	}
}

// contentSecurityPolicy allows scripts, styles and images from this origin
// only: no inline script or style, no eval, no plugins, no framing by
// anyone, no <base> rewriting, forms posting only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// setSecurityHeaders writes the headers every answer carries. Every page and
// API answer may carry case data, so none is cached (static files, which
// carry none, say otherwise themselves). X-XSS-Protection is 0: the old
// filters it switched on could themselves be abused to leak page content.
// HSTS only over TLS: a browser ignores it over HTTP, and behind a
// TLS-terminating proxy it is the proxy's to send.
func setSecurityHeaders(h http.Header, r *http.Request) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-XSS-Protection", "0")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if r.TLS != nil {
		// Two years, without includeSubDomains: other hosts of the
		// organisation's domain are not ours to commit to HTTPS.
		h.Set("Strict-Transport-Security", "max-age=63072000")
	}
}

// authenticate is the one place that turns a request into a principal. A
// missing, forged or expired login makes the request anonymous.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(CookieName(s.secure))
		if err == nil {
			p, id, err := s.cw.Authenticate(ck.Value)
			switch mediation.ErrorCode(err) {
			case "":
				c.Set(ctxPrincipal, p)
				c.Set(ctxLogin, id)
			case mediation.EUNAUTHORIZED:
				c.SetCookie(expiredLoginCookie(s.secure))
			default:
				return err
			}
		}
		return next(c)
	}
}

// principal is whoever the request comes from.
func principal(c echo.Context) mediation.Principal {
	p, _ := c.Get(ctxPrincipal).(mediation.Principal)
	return p
}

func principalKind(p mediation.Principal) string {
	switch {
	case p.IsParty():
		return "party"
	case p.UserID != 0:
		return string(p.Role)
	}
	return "anonymous"
}

// headOnly answers HEAD as GET without the body. The GET is a copy of the
// request: net/http leaves out a HEAD answer's body by looking at the request
// it handed over, so rewriting that one's method sent the body (and behind a
// keep-alive proxy, case content arrived as an unsolicited answer). The
// writer drops the body too, whatever serves the handler.
func headOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		get := r.Clone(r.Context())
		get.Method = http.MethodGet
		next.ServeHTTP(headWriter{w}, get)
	})
}

// headWriter is an answer to HEAD: headers only, whatever is written.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(p []byte) (int, error) { return len(p), nil }

// Unwrap lets http.ResponseController reach the connection's writer.
func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
