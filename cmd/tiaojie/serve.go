package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/web"
)

// Main is the running program: the database, the authorizer rebuilt from it,
// and the HTTP server. Tests start it on port 0 with a temporary database.
type Main struct {
	Config Config
	// Params are the argon2id costs for new password hashes.
	Params auth.Params
	// Out receives what an operator must read once (the first admin password).
	Out io.Writer
	Log *slog.Logger

	DB       *store.DB
	Authz    *authz.Authorizer
	Auth     *auth.Service
	Casework *casework.Service
	Server   *web.Server
	// forward stands in front of Server on a store with an elected
	// writer (forward.go); nil on bbolt.
	forward  *forwarder
	listener net.Listener
	http     *http.Server
	// profiler is the --pprof listener, if there is one.
	profiler net.Listener
	// stopFollow ends the watch that keeps the grants current with other
	// processes' changes; followed is closed when it has ended.
	stopFollow context.CancelFunc
	followed   chan struct{}
}

// NewMain returns a program with the default configuration.
func NewMain() *Main {
	return &Main{Params: auth.DefaultParams, Out: os.Stdout, Log: slog.Default()}
}

// Open opens the database, creates the first admin on an empty one, rebuilds
// the grants and builds the operations and the server on them.
func (m *Main) Open() error {
	places, err := m.Config.places()
	if err != nil {
		return err
	}
	zone, err := m.Config.location()
	if err != nil {
		return err
	}
	if m.DB, err = m.Config.openStore(store.Options{Zone: zone}); err != nil {
		return err
	}
	m.Config.warnBlobs(m.Log, m.DB)
	m.Auth = &auth.Service{DB: m.DB, Params: m.Params, IdleTimeout: m.Config.IdleTimeout,
		AbsoluteTimeout: m.Config.AbsoluteTimeout, InvitationTTL: cmp.Or(m.Config.InvitationTTL, defaultInvitationTTL)}
	if err := m.firstAdmin(); err != nil {
		return err
	}
	if m.Authz, err = authz.Load(m.DB); err != nil {
		return err
	}
	m.Casework = casework.New(casework.Config{DB: m.DB, Authz: m.Authz, Auth: m.Auth, Places: places, Zone: zone,
		AttachmentQuota: m.Config.CaseQuotaMiB << 20, StatsK: m.Config.StatsK})
	m.follow()
	if m.Config.Demo {
		if err := seedDemo(m.Casework, m.DB, places, m.Out, m.Config.baseURL()); err != nil {
			return err
		}
	}
	collectors := []prometheus.Collector{m.DB.Collector()}
	if m.DB.Campaigning() {
		if m.forward, err = newForwarder(m.DB, m.Casework, m.Log, m.Config.Advertise); err != nil {
			return err
		}
		collectors = append(collectors, m.forward.Collector())
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := m.DB.WaitLeader(ctx); err != nil {
			m.Log.Warn("serving before an elected writer is known: writes answer 503 until one is", "err", err)
		}
		cancel()
	}
	m.Server, err = web.New(web.Config{Casework: m.Casework, Places: places, Zone: zone,
		Collectors:      collectors,
		InsecureCookies: m.Config.InsecureCookies, Log: m.Log,
		Limits: m.Config.Limits, TrustedProxies: m.Config.TrustedProxies})
	if m.forward != nil {
		m.forward.next = m.Server
	}
	return err
}

// handler is what answers the requests: the server, behind the forwarding
// to the elected writer when there is one.
func (m *Main) handler() http.Handler {
	if m.forward != nil {
		return m.forward
	}
	return m.Server
}

// firstAdmin creates the admin account on an empty database, with the password
// from TIAOJIE_ADMIN_PASSWORD or a generated one printed once.
func (m *Main) firstAdmin() error {
	has, err := m.DB.HasUsers()
	if err != nil || has {
		return err
	}
	password, generated := os.Getenv("TIAOJIE_ADMIN_PASSWORD"), false
	if password == "" {
		password, generated = rand.Text(), true
	}
	in := mediation.UserInput{Username: "admin", DisplayName: "管理员", Role: mediation.RoleAdmin, Password: password}
	if _, err := m.Auth.CreateUser(&in, "system"); err != nil {
		return fmt.Errorf("create the first admin: %w", err)
	}
	if generated {
		fmt.Fprintf(m.Out, "\n  First start: created the account \"admin\" with the password\n\n      %s\n\n  It is shown only this once. Sign in and create the other accounts.\n\n", password)
	} else {
		fmt.Fprintln(m.Out, "First start: created the account \"admin\" with the password from TIAOJIE_ADMIN_PASSWORD.")
	}
	return nil
}

// Listen binds the configured address; Addr then says where it listens.
func (m *Main) Listen() error {
	l, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return err
	}
	m.listener = l
	if err := m.listenProfiler(); err != nil {
		l.Close()
		return err
	}
	m.http = &http.Server{Handler: m.handler(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn)}
	return nil
}

// Addr is the address the server listens on.
func (m *Main) Addr() string { return m.listener.Addr().String() }

// Serve answers requests until ctx ends, then finishes in-flight requests
// (for at most ten seconds).
func (m *Main) Serve(ctx context.Context) error {
	m.serveProfiler(ctx)
	go m.sweepLogins(ctx)
	errc := make(chan error, 1)
	go func() {
		if m.Config.TLSCert != "" {
			errc <- m.http.ServeTLS(m.listener, m.Config.TLSCert, m.Config.TLSKey)
		} else {
			errc <- m.http.Serve(m.listener)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.http.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// idempotencyKeyLife is how long a client may retry a keyed request.
const idempotencyKeyLife = 24 * time.Hour

// sweepLogins removes expired logins and old idempotency keys now and then;
// on a store with an elected writer, only the leader does.
func (m *Main) sweepLogins(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if m.DB.Campaigning() && !m.DB.Leading() {
				continue
			}
			now := m.DB.Now().UTC()
			if _, err := m.DB.DeleteExpiredLogins(func(l *store.Login) bool { return m.Auth.Expired(l, now) }); err != nil {
				m.Log.Error("sweeping logins", "err", err)
			}
			if _, err := m.DB.DeleteIdempotencyKeys(now.Add(-idempotencyKeyLife)); err != nil {
				m.Log.Error("sweeping idempotency keys", "err", err)
			}
		}
	}
}

// follow keeps the grants current with the membership changes other
// processes commit to a shared store (etcd), from the revision they were
// loaded at, until Close.
func (m *Main) follow() {
	ctx, cancel := context.WithCancel(context.Background())
	m.stopFollow, m.followed = cancel, make(chan struct{})
	go func() {
		defer close(m.followed)
		m.Casework.Follow(ctx, func(err error) { m.Log.Error("following the grants", "err", err) })
	}()
}

// Close closes the database.
func (m *Main) Close() error {
	if m.stopFollow != nil {
		m.stopFollow()
		<-m.followed
	}
	if m.DB != nil {
		return m.DB.Close()
	}
	return nil
}

func serve(ctx context.Context, args []string) error {
	m := NewMain()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	m.Config.bindServeFlags(fs)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is the answer
	} else if err != nil {
		return err
	}
	if err := m.Config.validate(); err != nil {
		return err
	}
	limitMemory()
	// One line a request: buffered, so that writing it is no system call.
	lw := newLogWriter(os.Stderr, 100*time.Millisecond)
	defer lw.Close()
	m.Log = m.Config.logger(lw)
	if m.Config.InsecureCookies {
		m.Log.Warn("--insecure-cookies is on: login cookies travel without Secure; use it only on a trusted LAN")
	}
	if err := m.Open(); err != nil {
		m.Close()
		return err
	}
	defer m.Close()
	if err := m.Listen(); err != nil {
		return err
	}
	m.Log.Info("serving", "addr", m.Addr(), "db", m.Config.storeName())
	if m.forward != nil {
		m.Log.Info("campaigning to be the store's writer; writes go to the leader", "advertise", m.Config.Advertise)
	}
	scheme := "http"
	if m.Config.TLSCert != "" {
		scheme = "https"
	}
	if len(m.Config.TrustedProxies) > 0 {
		m.Log.Info("client addresses taken from X-Forwarded-For of trusted proxies", "trusted_proxies", m.Config.TrustedProxies.String())
	}
	fmt.Fprintf(m.Out, "tiaojie is listening on %s://%s\n", scheme, m.Addr())
	return m.Serve(ctx)
}
