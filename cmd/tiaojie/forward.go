package main

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/web"
)

// Forwarding a follower's writes to the store's elected writer. On etcd
// every serving process campaigns (store/election.go); the one elected
// commits every request that changes something, so that the audit chain has
// one writer. A follower serves what only reads itself, and passes on to
// the leader, as a reverse proxy, every POST, PUT, PATCH and DELETE, and
// the two GETs that show a new invitation's link once (the link waits in
// the memory of the process that made it: web/invites.go). The leader
// answers a forwarded request with the store revision of the latest change
// it had committed when it answered that the followers keep in memory
// (revisionHeader); the follower waits until its own
// watches (the sign-ins, the accounts, the grants) have reached that
// revision before it relays the answer, so that the client's next request,
// served by the follower, sees its write.
//
// The client's address. A forwarded request carries the address and TLS
// the follower received it with (peerAddrHeader, peerTLSHeader), with
// X-Forwarded-For and X-Forwarded-Proto as they came, and a secret that
// every process of the store reads from etcd (store.DB.PeerSecret). The
// leader believes those headers only with the secret: it then takes the
// request as if the client had reached it directly, so its rate limits and
// audit see the client, never the follower. Without the secret the headers
// are dropped.
//
// When the lead moves. A forwarded request that reaches a process that no
// longer leads is answered 503 (never forwarded again); one in flight on a
// leader that loses the lead before it commits is refused by etcd
// (store.ErrNotLeader), 503 too; an unreachable leader is 503. None of
// them applies anything, and a client that sends again with its
// Idempotency-Key has its write made once (or its first answer replayed).
const (
	peerSecretHeader = "Tiaojie-Peer-Secret"
	peerAddrHeader   = "Tiaojie-Peer-Addr"
	peerTLSHeader    = "Tiaojie-Peer-Tls"
	revisionHeader   = "Tiaojie-Revision"
)

// relayWait bounds the follower's wait for its watches before it relays
// the leader's answer; past it the answer goes out all the same.
const relayWait = 2 * time.Second

// errLeaderUnreachable answers a request for the leader that could not be
// sent to it: nothing of it was applied.
var errLeaderUnreachable = &mediation.Error{Code: mediation.EUNAVAILABLE, Message: "error.leader_unreachable"}

// forwarder stands in front of the server of a process that campaigns.
type forwarder struct {
	db        *store.DB
	cw        *casework.Service
	next      *web.Server
	log       *slog.Logger
	secret    string
	advertise string
	proxy     *httputil.ReverseProxy
	// forwarded counts the requests passed on to the leader.
	forwarded atomic.Int64
}

type leaderKey struct{}

// newForwarder makes the forwarder of a process that campaigns; its next
// is set once the server is made.
func newForwarder(db *store.DB, cw *casework.Service, log *slog.Logger, advertise string) (*forwarder, error) {
	secret, err := db.PeerSecret()
	if err != nil {
		return nil, err
	}
	f := &forwarder{db: db, cw: cw, log: log, secret: secret, advertise: advertise}
	transport := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 50 * time.Second,
		// A leader advertised on https is checked against its
		// certificate, as any server.
		TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12},
	}
	f.proxy = &httputil.ReverseProxy{
		Rewrite:        f.rewrite,
		Transport:      transport,
		ModifyResponse: f.relay,
		ErrorHandler:   f.failed,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return f, nil
}

func (f *forwarder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(peerSecretHeader) != "" {
		f.fromPeer(w, r)
		return
	}
	r.Header.Del(peerAddrHeader)
	r.Header.Del(peerTLSHeader)
	if !forLeader(r) || f.db.Leading() {
		f.next.ServeHTTP(w, r)
		return
	}
	changed := f.db.LeaderChanged()
	leader := f.db.Leader()
	switch {
	case leader == "":
		f.next.ServeError(w, r, errLeaderUnreachable)
		return
	case leader == f.advertise:
		// An earlier run of this process, whose lease has not expired.
		f.next.ServeError(w, r, store.ErrNotLeader)
		return
	}
	u, err := url.Parse(leader)
	if err != nil {
		f.log.Error("the leader's advertised URL", "url", leader, "err", err)
		f.next.ServeError(w, r, errLeaderUnreachable)
		return
	}
	f.forwarded.Add(1)
	// Given up when the lead moves meanwhile (a leader paused or cut off
	// holds the request): answered 503 as a write whose outcome is
	// unknown, and sent again, with its Idempotency-Key, to the new one.
	ctx, cancel := context.WithCancel(context.WithValue(r.Context(), leaderKey{}, u))
	defer cancel()
	go func() {
		select {
		case <-changed:
			cancel()
		case <-ctx.Done():
		}
	}()
	f.proxy.ServeHTTP(w, r.WithContext(ctx))
}

// forLeader says whether the request is the leader's to serve: every method
// but GET, HEAD and OPTIONS, and the pages that show a new invitation's
// link (the link's page, and the switch of language that shows it once
// more), which only the process that made the link can show.
func forLeader(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		return true
	}
	q := r.URL.Query()
	if strings.HasSuffix(r.URL.Path, "/invitation") && q.Get("i") != "" {
		return true
	}
	if r.URL.Path == "/lang" {
		if back, err := url.Parse(q.Get("back")); err == nil && strings.HasSuffix(back.Path, "/invitation") && back.Query().Get("i") != "" {
			return true
		}
	}
	return false
}

// rewrite makes the request to the leader: the client's host and forwarded
// headers as they came, and who the client is, proven by the secret.
func (f *forwarder) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(pr.In.Context().Value(leaderKey{}).(*url.URL))
	pr.Out.Host = pr.In.Host
	for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"} {
		if v, ok := pr.In.Header[h]; ok {
			pr.Out.Header[h] = v
		}
	}
	pr.Out.Header.Set(peerSecretHeader, f.secret)
	pr.Out.Header.Set(peerAddrHeader, pr.In.RemoteAddr)
	if pr.In.TLS != nil {
		pr.Out.Header.Set(peerTLSHeader, "1")
	}
}

// relay waits, before the leader's answer goes to the client, until this
// process's watches have what the leader had committed.
func (f *forwarder) relay(resp *http.Response) error {
	rev, _ := strconv.ParseInt(resp.Header.Get(revisionHeader), 10, 64)
	resp.Header.Del(revisionHeader)
	ctx, cancel := context.WithTimeout(resp.Request.Context(), relayWait)
	defer cancel()
	if err := f.cw.WaitCurrent(ctx, rev); err != nil {
		f.log.Warn("relaying the leader's answer before this process's watches reached its revision",
			"revision", rev, "err", err)
	}
	return nil
}

// failed answers a request the leader did not answer: 503, as an
// unreachable leader when it could not be sent, else as a write whose
// outcome is unknown (the leader may have committed it before it went).
func (f *forwarder) failed(w http.ResponseWriter, r *http.Request, err error) {
	f.log.Warn("forwarding to the leader", "leader", f.db.Leader(), "method", r.Method, "path", r.URL.Path, "err", err)
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		f.next.ServeError(w, r, errLeaderUnreachable)
		return
	}
	f.next.ServeError(w, r, store.ErrOutcomeUnknown)
}

// fromPeer serves a request that another process forwarded: as if its
// client had come here, when the secret is right.
func (f *forwarder) fromPeer(w http.ResponseWriter, r *http.Request) {
	proof := r.Header.Get(peerSecretHeader)
	addr, viaTLS := r.Header.Get(peerAddrHeader), r.Header.Get(peerTLSHeader) == "1"
	for _, h := range []string{peerSecretHeader, peerAddrHeader, peerTLSHeader} {
		r.Header.Del(h)
	}
	if f.secret == "" || subtle.ConstantTimeCompare([]byte(proof), []byte(f.secret)) != 1 {
		// Not a peer: served as any client, none of its claims believed.
		f.ServeHTTP(w, r)
		return
	}
	if addr != "" {
		r.RemoteAddr = addr
	}
	if viaTLS && r.TLS == nil {
		// The client's connection was TLS (to the follower): the server
		// makes its cookies Secure and its pages HSTS as for one.
		r.TLS = &tls.ConnectionState{}
	}
	if !f.db.Leading() {
		f.next.ServeError(w, r, store.ErrNotLeader)
		return
	}
	f.next.ServeHTTP(&revisionWriter{ResponseWriter: w, db: f.db}, r)
}

// revisionWriter adds to the answer's header the revision of the latest
// change this process had committed when it answered that the follower's
// watches carry (store.DB.WatchedRevision): its write's, or later, or, for a
// write that changed nothing they carry, an earlier one.
type revisionWriter struct {
	http.ResponseWriter
	db      *store.DB
	written bool
}

func (rw *revisionWriter) WriteHeader(code int) {
	if !rw.written {
		rw.written = true
		rw.Header().Set(revisionHeader, strconv.FormatInt(rw.db.WatchedRevision(), 10))
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *revisionWriter) Write(b []byte) (int, error) {
	if !rw.written {
		rw.WriteHeader(http.StatusOK)
	}
	return rw.ResponseWriter.Write(b)
}

func (rw *revisionWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// Collector counts the forwarded requests.
func (f *forwarder) Collector() prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tiaojie_forwarded_requests_total",
		Help: "Requests passed on to the store's elected writer."}, func() float64 { return float64(f.forwarded.Load()) })
}

// checkAdvertise says what is wrong with an --advertise URL.
func checkAdvertise(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("--advertise %q: give the URL the other tiaojie processes reach this one at, such as http://10.0.0.11:8080", s)
	}
	return nil
}
