// Package web is tiaojie's HTTP face: the JSON API under /api/v1 and the
// server-rendered pages, both taking every decision in the same operations.
package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Config is what the server is built from.
type Config struct {
	DB     *store.DB
	Authz  *authz.Authorizer
	Auth   *auth.Service
	Places *mediation.Places
	// InsecureCookies drops the Secure attribute (and so the __Host- prefix)
	// for plain-HTTP deployments on a LAN. Browsers treat http://localhost as
	// secure, so development does not need it.
	InsecureCookies bool
	Log             *slog.Logger
	// Zone is where the pages show times (default Asia/Shanghai).
	Zone *time.Location
	// Limits are the rate limits on sign-in and invitation redemption; a
	// zero Rate takes its value from DefaultLimits.
	Limits Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; with none, the client is the connection's peer.
	TrustedProxies Prefixes
	// Now is the rate limits' clock (default time.Now); tests replace it.
	Now func() time.Time
}

// Server serves the API.
type Server struct {
	db     *store.DB
	authz  *authz.Authorizer
	auth   *auth.Service
	places *mediation.Places
	secure bool
	log    *slog.Logger
	cat    *catalogue
	// members serializes each change of a case's mediators with the change
	// of grants that follows it.
	members sync.Mutex
	// trusted are the reverse proxies whose forwarded headers are believed.
	trusted Prefixes
	views   *views
	limits  *limits
	metrics *metrics
	echo    *echo.Echo
	handler http.Handler
}

// New builds the server and registers every route.
func New(cfg Config) (*Server, error) {
	cat, err := newCatalogue()
	if err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Zone == nil {
		if cfg.Zone, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			return nil, fmt.Errorf("web: time zone: %w", err)
		}
	}
	views, err := newViews(cfg.Zone)
	if err != nil {
		return nil, err
	}
	s := &Server{db: cfg.DB, authz: cfg.Authz, auth: cfg.Auth, places: cfg.Places,
		secure: !cfg.InsecureCookies, log: cfg.Log, cat: cat, views: views, echo: echo.New()}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s.limits = newLimits(cfg.Limits, cfg.Now)
	s.metrics = newMetrics(cfg.DB, s.limits)
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.Pre(methods)
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	s.trusted = cfg.TrustedProxies
	e.Use(s.requestID, s.logRequests, s.countRequests, s.recoverPanics, s.securityHeaders, s.authenticate, s.idempotency)
	s.routes()

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := e.NewContext(r, w)
		setSecurityHeaders(w.Header(), r)
		s.handleError(mediation.Forbidden(), c)
	}))
	s.handler = cop.Handler(e)
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route as "METHOD path", for the
// authorization matrix test.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.showMetrics)

	api := e.Group("/api/v1")
	api.POST("/login", s.apiLogin)
	api.POST("/logout", s.logout)
	api.POST("/access", s.apiAccess)
	api.GET("/me", s.me)
	api.GET("/meta", s.meta)

	api.POST("/users", s.apiCreateUser)
	api.GET("/users", s.apiListUsers)

	api.POST("/cases", s.apiCreateCase)
	api.GET("/cases", s.apiListCases)
	api.GET("/cases/:case", s.apiShowCase)
	api.PATCH("/cases/:case", s.caseAnswer(s.amendCase))
	api.POST("/cases/:case/transitions", s.caseAnswer(s.moveCase))
	api.POST("/cases/:case/mediators", s.caseAnswer(s.assignMediator))
	api.DELETE("/cases/:case/mediators/:user", s.caseAnswer(s.removeMediator))

	api.POST("/cases/:case/parties", s.apiCreateParty)
	api.GET("/cases/:case/parties", s.apiListParties)
	api.POST("/cases/:case/parties/:party/invitation", s.apiCreateInvitation)

	api.POST("/cases/:case/submissions", s.apiCreateSubmission)
	api.GET("/cases/:case/submissions", s.apiListSubmissions)
	api.GET("/cases/:case/submissions/:submission", s.apiShowSubmission)
	api.POST("/cases/:case/submissions/:submission/release", s.apiReleaseSubmission)

	api.GET("/cases/:case/audit", s.showAudit)

	api.GET("/admin/backup", s.backup)

	s.pageRoutes()
}

const (
	ctxPrincipal = "principal"
	ctxSession   = "session"
)

// methods answers HEAD as GET (the server sends no body with it) and OPTIONS
// as absent: the pages and the API are same-origin, so there is no preflight
// to answer, and which methods a path takes is no one's business.
func methods(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch r := c.Request(); r.Method {
		case http.MethodHead:
			r.Method = http.MethodGet
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
// missing, forged or expired session makes the request anonymous.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(auth.CookieName(s.secure))
		if err == nil {
			p, id, err := s.auth.Authenticate(ck.Value)
			switch mediation.ErrorCode(err) {
			case "":
				c.Set(ctxPrincipal, p)
				c.Set(ctxSession, id)
			case mediation.EUNAUTHORIZED:
				c.SetCookie(auth.ExpiredCookie(s.secure))
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

// actor is the principal as named in the audit trail.
func actor(c echo.Context) string { return principal(c).Subject() }

// require answers 401 to the anonymous and 403 when the principal's role may
// never do act to obj, before anything is loaded, so that neither answer
// depends on what exists.
func (s *Server) require(c echo.Context, obj, act string) error {
	p := principal(c)
	if p.Anonymous() {
		return mediation.Unauthorized()
	}
	if !s.authz.MayEver(p, obj, act) {
		return mediation.Forbidden()
	}
	return nil
}

// pathID reads an ID from the URL. An ID that cannot be one is simply absent.
func pathID(c echo.Context, name string) (mediation.ID, error) {
	id, ok := mediation.ParseID(c.Param(name))
	if !ok {
		return 0, mediation.NotFound()
	}
	return id, nil
}

// page reads ?limit= (default 50, at most 200) and ?cursor=.
func page(c echo.Context) (cursor mediation.ID, limit int, err error) {
	limit = 50
	if l := c.QueryParam("limit"); l != "" {
		if _, err := fmt.Sscan(l, &limit); err != nil || limit < 1 || limit > 200 || fmt.Sprint(limit) != l {
			return 0, 0, mediation.Invalid("limit", "validation.limit", "")
		}
	}
	if cur := c.QueryParam("cursor"); cur != "" {
		var ok bool
		// The largest ID would wrap round to the first page.
		if cursor, ok = mediation.ParseID(cur); !ok || cursor == math.MaxUint64 {
			return 0, 0, mediation.Invalid("cursor", "validation.invalid", "")
		}
	}
	return cursor, limit, nil
}

// list is the shape of every list answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func newList[T any](items []T, next mediation.ID) list[T] {
	l := list[T]{Items: items}
	if l.Items == nil {
		l.Items = []T{}
	}
	if next != 0 {
		l.NextCursor = next.String()
	}
	return l
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only while the database is open and takes writes.
func (s *Server) readyz(c echo.Context) error {
	if err := s.db.Ping(); err != nil {
		s.log.Error("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
