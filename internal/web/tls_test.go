package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// checkSecurityHeaders checks the headers every answer carries.
func checkSecurityHeaders(t *testing.T, what string, h http.Header, overTLS bool) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "script-src 'self'", "object-src 'none'",
		"frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: CSP %q allows inline script or eval", what, csp)
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
		"X-XSS-Protection":       "0",
		"X-Frame-Options":        "DENY",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
	hsts := h.Get("Strict-Transport-Security")
	if overTLS && !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("%s: over TLS, Strict-Transport-Security = %q", what, hsts)
	}
	if !overTLS && hsts != "" {
		t.Errorf("%s: over plain HTTP, Strict-Transport-Security = %q", what, hsts)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	requests := []struct {
		name, method, path string
		body               any
		as                 *client
		header             map[string]string
		status             int
	}{
		{"Health", "GET", "/healthz", nil, s.app.client(), nil, 200},
		{"CaseData", "GET", "/api/v1/cases/" + s.caseA, nil, s.mediator, nil, 200},
		{"Submission", "GET", "/api/v1/cases/" + s.caseA + "/submissions/" + s.subA1, nil, s.a1, nil, 200},
		{"Unauthorized", "GET", "/api/v1/me", nil, s.app.client(), nil, 401},
		{"Invalid", "POST", "/api/v1/login", map[string]string{}, s.app.client(), nil, 422},
		{"Unrouted", "GET", "/no/such/route", nil, s.app.client(), nil, 404},
		{"Metrics", "GET", "/metrics", nil, s.app.client(), nil, 200},
		// Refused before echo sees it, by the cross-origin protection.
		{"CrossOrigin", "POST", "/api/v1/cases", map[string]string{"title": "x"}, s.mediator,
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
	}
	run := func(t *testing.T, overTLS bool) {
		for _, r := range requests {
			for k, v := range r.header {
				r.as.Header.Set(k, v)
			}
			status, raw, h := r.as.doHeaders(r.method, r.path, r.body)
			for k := range r.header {
				r.as.Header.Del(k)
			}
			if status != r.status {
				t.Errorf("%s: status %d, want %d: %s", r.name, status, r.status, raw)
			}
			checkSecurityHeaders(t, r.name, h, overTLS)
		}
	}
	t.Run("PlainHTTPHasNoHSTS", func(t *testing.T) { run(t, false) })
	t.Run("TLSSendsHSTS", func(t *testing.T) {
		plain := s.app.HTTP
		tlsServer := httptest.NewTLSServer(s.app.Server)
		defer tlsServer.Close()
		s.app.HTTP = tlsServer
		defer func() { s.app.HTTP = plain }()
		// Cookies do not depend on the port, so the sessions carry over.
		for i := range requests {
			requests[i].as.http.Transport = tlsServer.Client().Transport
		}
		run(t, true)
	})
}
