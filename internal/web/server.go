// Package web is tiaojie's HTTP face: the JSON API under /api/v1 and the
// server-rendered pages. Its handlers read the request, call one operation of
// the casework layer and present the answer; they take no access decision
// and reach no store of their own.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"tiaojie/internal/mediation"
)

// Config is what the server is built from.
type Config struct {
	Casework Casework
	Places   *mediation.Places
	// Collectors add to /metrics what lives below the server (the store's
	// statistics).
	Collectors []prometheus.Collector
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

// Server serves the API and the pages.
type Server struct {
	cw     Casework
	places *mediation.Places
	secure bool
	log    *slog.Logger
	cat    *catalogue
	// trusted are the reverse proxies whose forwarded headers are believed.
	trusted Prefixes
	views   *views
	limits  *limits
	metrics *metrics
	// invites holds a new invitation's token until its page has shown it.
	invites *pendingInvites
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
	views, err := newViews(cfg.Zone, cat)
	if err != nil {
		return nil, err
	}
	s := &Server{cw: cfg.Casework, places: cfg.Places,
		secure: !cfg.InsecureCookies, log: cfg.Log, cat: cat, views: views, echo: echo.New()}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s.limits = newLimits(cfg.Limits, cfg.Now)
	s.invites = newPendingInvites(cfg.Now)
	gz := newGzipCache()
	s.metrics = newMetrics(s.limits, append(slices.Clip(cfg.Collectors), gz)...)
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
	compress, err := compression(gz)
	if err != nil {
		return nil, err
	}
	s.handler = headOnly(cop.Handler(compress(e)))
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
	e.GET("/feeds/:feed", s.feed)

	api := e.Group("/api/v1")
	api.POST("/login", s.apiLogin)
	api.POST("/logout", s.logout)
	api.POST("/access", s.apiAccess)
	api.GET("/me", s.me)
	api.GET("/meta", s.meta)

	api.POST("/users", s.apiCreateUser)
	api.GET("/users", s.apiListUsers)
	api.PATCH("/users/:user", s.apiUpdateUser)
	api.POST("/me/password", s.apiChangePassword)

	api.POST("/cases", s.apiCreateCase)
	api.GET("/cases", s.apiListCases)
	api.GET("/cases/:case", s.apiShowCase)
	api.PATCH("/cases/:case", s.caseAnswer(s.updateCase))
	api.POST("/cases/:case/transitions", s.caseAnswer(s.moveCase))
	api.POST("/cases/:case/extension", s.caseAnswer(s.extendTerm))
	api.POST("/cases/:case/mediators", s.caseAnswer(s.assignMediator))
	api.DELETE("/cases/:case/mediators/:user", s.caseAnswer(s.removeMediator))

	api.POST("/cases/:case/parties", s.apiCreateParty)
	api.GET("/cases/:case/parties", s.apiListParties)
	api.POST("/cases/:case/parties/:party/invitation", s.apiCreateInvitation)
	api.POST("/cases/:case/parties/:party/pin-reset", s.apiResetPIN)

	api.POST("/cases/:case/submissions", s.apiCreateSubmission)
	api.GET("/cases/:case/submissions", s.apiListSubmissions)
	api.GET("/cases/:case/submissions/:submission", s.apiShowSubmission)
	api.POST("/cases/:case/submissions/:submission/release", s.apiReleaseSubmission)

	api.POST("/cases/:case/sessions", s.apiScheduleSession)
	api.GET("/cases/:case/sessions", s.apiListSessions)
	api.GET("/cases/:case/sessions/:session", s.apiShowSession)
	api.PATCH("/cases/:case/sessions/:session", s.apiChangeSession)
	api.PUT("/cases/:case/sessions/:session/record", s.apiWriteRecord)
	api.GET("/cases/:case/sessions/:session/record", s.apiShowRecord)
	api.GET("/cases/:case/sessions.ics", s.apiCaseICS)

	api.GET("/cases/:case/deadlines", s.apiCaseDeadlines)
	api.GET("/deadlines", s.apiDeadlines)

	api.GET("/calendar", s.apiCalendar)
	api.GET("/calendar.ics", s.apiCalendarICS)
	api.POST("/calendar/feed", s.apiIssueFeed)

	api.GET("/cases/:case/audit", s.showAudit)

	api.GET("/admin/backup", s.backup)

	// Statistics for the street office.
	api.GET("/stats", s.apiStats)
	api.GET("/stats/:file", s.apiStatsCSV)
	// Party corrections.
	api.PATCH("/cases/:case/parties/:party", s.apiUpdateParty)
	api.DELETE("/cases/:case/parties/:party", s.apiRemoveParty)
	// Attachments.
	api.POST("/cases/:case/submissions/:submission/attachments", s.apiCreateAttachment)
	api.GET("/cases/:case/submissions/:submission/attachments", s.apiListAttachments)
	api.GET("/cases/:case/submissions/:submission/attachments/:attachment", s.showAttachment)
	// Agreements (调解协议书) and return visits (回访).
	api.POST("/cases/:case/agreements", s.apiCreateAgreement)
	api.GET("/cases/:case/agreements", s.apiListAgreements)
	api.GET("/cases/:case/agreements/:agreement", s.apiShowAgreement)
	api.PUT("/cases/:case/agreements/:agreement", s.apiReviseAgreement)
	api.POST("/cases/:case/agreements/:agreement/propose", s.apiProposeAgreement)
	api.POST("/cases/:case/agreements/:agreement/sign", s.apiSignAgreement)
	api.POST("/cases/:case/agreements/:agreement/decline", s.apiDeclineAgreement)
	api.POST("/cases/:case/visits", s.apiCreateVisit)
	api.GET("/cases/:case/visits", s.apiListVisits)
	// Closing a case, the mediator's own neutrality and recusals.
	s.closingRoutes(api)

	s.pageRoutes()
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only while the database is open and takes writes.
func (s *Server) readyz(c echo.Context) error {
	if err := s.cw.Ping(); err != nil {
		s.log.Error("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
