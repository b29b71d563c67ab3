// Package casework is the application layer: one method per operation of the
// mediation (open a case, add a party, submit, release, assign a mediator, …),
// each taking the principal and plain input, never an HTTP request. An
// operation loads the stored record, takes the one access decision through
// authz, carries out the change through the store, and brings the grants into
// line after the commit. The JSON API, the pages and the commands all call
// it; none of them decides who may see or do what.
package casework

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// Config is what the operations work on.
type Config struct {
	DB     *store.DB
	Authz  *authz.Authorizer
	Auth   *auth.Service
	Places *mediation.Places
	// Zone is where the days of the statutory deadlines are counted
	// (default Asia/Shanghai).
	Zone *time.Location
	// StatsK: the street office's tables withhold counts from 1 to
	// StatsK−1 (default 5, at least 3).
	StatsK int
	// AttachmentQuota is the most bytes of attachments a case may hold
	// (default mediation.DefaultCaseQuota).
	AttachmentQuota int64
}

// Service carries out the operations. It is safe for concurrent use.
type Service struct {
	db     *store.DB
	authz  *authz.Authorizer
	auth   *auth.Service
	places *mediation.Places
	zone   *time.Location
	statsK int
	// Statistics for the street office: built reports.
	reports reports

	// membership orders every change of who belongs where (a case's
	// mediators and parties, the staff accounts) against every other
	// operation. A membership change holds it exclusively from its access
	// decision until the grants match the store; every other operation holds
	// it shared from its decision until its write has committed. So a grant
	// that a committed change took away never lets a later operation through,
	// and concurrent membership changes leave the grants in the store's
	// order. Inputs are in memory before an operation starts (an Input does
	// no I/O), so no client holds the lock while it sends.
	membership sync.RWMutex
	// changed counts the membership changes that have finished, for the
	// rebuild of the grants that another process's change starts
	// (follow.go).
	changed atomic.Uint64

	ready readiness

	attachmentQuota int64
}

// New returns the operations on cfg's store and authorizer.
func New(cfg Config) *Service {
	zone := cfg.Zone
	if zone == nil {
		var err error
		if zone, err = time.LoadLocation("Asia/Shanghai"); err != nil {
			zone = time.FixedZone("CST", 8*3600)
		}
	}
	return &Service{db: cfg.DB, authz: cfg.Authz, auth: cfg.Auth, places: cfg.Places, zone: zone,
		attachmentQuota: cfg.AttachmentQuota, statsK: cfg.StatsK}
}

// decided holds the membership lock shared while an operation decides and
// writes; call the returned function when it has.
func (s *Service) decided() func() {
	s.membership.RLock()
	return s.membership.RUnlock
}

// changing holds the membership lock exclusively while an operation changes
// who belongs where and brings the grants into line.
func (s *Service) changing() func() {
	s.membership.Lock()
	return func() {
		s.changed.Add(1)
		s.membership.Unlock()
	}
}

// require answers 401 to the anonymous and 403 when the principal's kind may
// never do act to obj, before anything is loaded, so that neither answer
// depends on what exists.
func (s *Service) require(p mediation.Principal, obj, act string) error {
	if p.Anonymous() {
		return mediation.Unauthorized()
	}
	if !s.authz.MayEver(p, obj, act) {
		return mediation.Forbidden()
	}
	return nil
}

// abilities maps what pages ask about to the rule that decides it.
var abilities = map[mediation.Ability]struct{ obj, act string }{
	mediation.AbilityOpenCase:       {authz.ObjCase, authz.ActCreate},
	mediation.AbilityManageUsers:    {authz.ObjUser, authz.ActCreate},
	mediation.AbilityReadStats:      {authz.ObjStats, authz.ActRead},
	mediation.AbilityRemoveMediator: {authz.ObjMediator, authz.ActRemove},
	mediation.AbilityEnter:          {authz.ObjInvitation, authz.ActRedeem},
	mediation.AbilityReadDeadlines:  {authz.ObjDeadline, authz.ActList},
}

// Require answers 401 to the anonymous and 403 when the principal's kind may
// never do what a page offers; nil otherwise.
func (s *Service) Require(p mediation.Principal, a mediation.Ability) error {
	rule, ok := abilities[a]
	if !ok {
		return errors.New("casework: unknown ability " + string(a))
	}
	return s.require(p, rule.obj, rule.act)
}

// May reports whether the principal's kind may ever do what a page offers.
func (s *Service) May(p mediation.Principal, a mediation.Ability) bool {
	return s.Require(p, a) == nil
}

// keyed is the store option of a keyed request, if it is one.
func keyed(r *mediation.Request) []store.Option {
	if r.Key == nil {
		return nil
	}
	return []store.Option{store.IdempotencyKey(r.Key, r.Body)}
}

// replayed reports whether err says the keyed request was already carried
// out, marking the request as answered from the record.
func replayed(r *mediation.Request, err error) (*store.Replayed, bool) {
	var rp *store.Replayed
	if errors.As(err, &rp) {
		r.Replayed = true
		return rp, true
	}
	return nil, false
}

// readyEvery is how long a readiness answer stands: a write transaction (an
// fsync) per unauthenticated /readyz would let anyone keep the disk busy.
const readyEvery = 5 * time.Second

// readiness is the last answer of the store's write check.
type readiness struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

// Ping reports whether the store is open and takes writes, as found by a
// write at most readyEvery ago. Callers meanwhile wait for the one check
// under way and share its answer.
func (s *Service) Ping() error {
	r := &s.ready
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := time.Now(); r.at.IsZero() || now.Sub(r.at) >= readyEvery {
		r.err, r.at = s.db.Ping(), now
	}
	return r.err
}
