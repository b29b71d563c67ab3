package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
)

// Rate is the shape of one rate limit: a token bucket that holds Burst failed
// attempts and refills at Burst per Per (so 5/15m allows five failures at once,
// then one every three minutes). Off turns the limit off. The zero Rate means
// "the default" wherever a Rate is configured.
type Rate struct {
	Burst int
	Per   time.Duration
	Off   bool
}

// ParseRate reads a rate written N/DURATION ("5/15m") or "off".
func ParseRate(s string) (Rate, error) {
	if strings.TrimSpace(s) == "off" {
		return Rate{Off: true}, nil
	}
	n, d, ok := strings.Cut(s, "/")
	burst, err1 := strconv.Atoi(strings.TrimSpace(n))
	per, err2 := time.ParseDuration(strings.TrimSpace(d))
	if !ok || err1 != nil || err2 != nil || burst < 1 || per <= 0 {
		return Rate{}, fmt.Errorf("%q is not a rate such as 5/15m (attempts/period) or off", s)
	}
	if per/time.Duration(burst) < time.Millisecond {
		return Rate{}, fmt.Errorf("%q refills faster than one attempt per millisecond", s)
	}
	return Rate{Burst: burst, Per: per}, nil
}

func (r Rate) String() string {
	switch {
	case r.Off:
		return "off"
	case r.Burst == 0:
		return ""
	}
	return strconv.Itoa(r.Burst) + "/" + shortDuration(r.Per)
}

// Set makes *Rate a flag.Value.
func (r *Rate) Set(s string) error {
	v, err := ParseRate(s)
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// shortDuration writes 15m rather than 15m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Limits are the rate limits on the two doors a stranger can knock at: staff
// sign-in and the redemption of a party's invitation. Each counts failed
// attempts only, keyed both on what is tried (account name, token) and on the
// client address, so that neither many guesses at one account from many
// addresses nor guesses at many accounts from one address go unchecked.
type Limits struct {
	LoginAccount  Rate // failed sign-ins per account name
	LoginAddress  Rate // failed sign-ins per client address
	AccessToken   Rate // failed invitation redemptions per token
	AccessAddress Rate // failed invitation redemptions per client address
}

// DefaultLimits are used for every Rate left zero. Five failures per account
// then one every three minutes keeps online guessing of a passphrase hopeless
// (fewer than 500 guesses a day) while its owner, locked out by someone
// else's guesses, waits at most three minutes for the next try. Ten failures
// per address then one every six seconds leaves room for an office behind one
// NAT address mistyping passwords.
var DefaultLimits = Limits{
	LoginAccount:  Rate{Burst: 5, Per: 15 * time.Minute},
	LoginAddress:  Rate{Burst: 10, Per: time.Minute},
	AccessToken:   Rate{Burst: 5, Per: 15 * time.Minute},
	AccessAddress: Rate{Burst: 10, Per: time.Minute},
}

// withDefaults fills every zero Rate from DefaultLimits.
func (l Limits) withDefaults() Limits {
	fill := func(r *Rate, def Rate) {
		if *r == (Rate{}) {
			*r = def
		}
	}
	fill(&l.LoginAccount, DefaultLimits.LoginAccount)
	fill(&l.LoginAddress, DefaultLimits.LoginAddress)
	fill(&l.AccessToken, DefaultLimits.AccessToken)
	fill(&l.AccessAddress, DefaultLimits.AccessAddress)
	return l
}

// maxKeys bounds each limiter's memory: a bucket is about a hundred bytes, so
// an attack with endless fresh names or addresses costs a few megabytes.
const maxKeys = 1 << 15

// sweepEvery is how often a limiter forgets buckets that have refilled.
const sweepEvery = time.Minute

// limiter is one keyed family of token buckets. A bucket that has refilled
// is the same as no bucket, so only keys with recent failures are kept.
type limiter struct {
	name string // in logs and metrics: login_account, access_address, ...
	rate Rate
	now  func() time.Time
	// max is the most keys kept; maxKeys but for tests.
	max int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(name string, rate Rate, now func() time.Time) *limiter {
	return &limiter{name: name, rate: rate, now: now, max: maxKeys, buckets: map[string]*bucket{}}
}

// interval is the time one token takes to come back.
func (l *limiter) interval() time.Duration { return l.rate.Per / time.Duration(l.rate.Burst) }

// refill brings b up to now.
func (l *limiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = math.Min(float64(l.rate.Burst), b.tokens+float64(elapsed)/float64(l.interval()))
	}
	b.at = now
}

// take spends one attempt of key. When none is left it says how long until
// one is.
func (l *limiter) take(key string) (ok bool, wait time.Duration) {
	if l.rate.Off {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		l.makeRoom(now)
		b = &bucket{tokens: float64(l.rate.Burst), at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.interval()))
}

// refund gives back an attempt that turned out not to be a failure.
func (l *limiter) refund(key string) {
	if l.rate.Off {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return
	}
	l.refill(b, l.now())
	if b.tokens++; b.tokens >= float64(l.rate.Burst) {
		delete(l.buckets, key)
	}
}

// forget clears the failures of key.
func (l *limiter) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// makeRoom keeps the map bounded: now and then, and whenever it is full, it
// drops the buckets that have refilled. If an attack keeps it full of recent
// failures, it drops the fullest of a few buckets picked by map order. That
// fails open for the dropped key (a fresh bucket for someone with a few
// failures) rather than closed for everyone: refusing new keys would let an
// attacker lock every other client out by filling the map.
func (l *limiter) makeRoom(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery && len(l.buckets) < l.max {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if l.refill(b, now); b.tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
	for len(l.buckets) >= l.max {
		victim, most, seen := "", -1.0, 0
		for k, b := range l.buckets {
			if b.tokens > most {
				victim, most = k, b.tokens
			}
			if seen++; seen == 8 {
				break
			}
		}
		delete(l.buckets, victim)
	}
}

// size is how many keys the limiter holds.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// limits are the server's limiters and the key that hides what they count.
type limits struct {
	loginAccount, loginAddress, accessToken, accessAddress *limiter
	// secret keys the hash of every limited name, token and address, so that
	// neither the maps nor the log hold them, and a logged hash prefix cannot
	// be reversed by hashing a list of likely names. It is new at every start.
	secret []byte
}

func newLimits(cfg Limits, now func() time.Time) *limits {
	cfg = cfg.withDefaults()
	secret := make([]byte, 32)
	rand.Read(secret)
	return &limits{secret: secret,
		loginAccount:  newLimiter("login_account", cfg.LoginAccount, now),
		loginAddress:  newLimiter("login_address", cfg.LoginAddress, now),
		accessToken:   newLimiter("access_token", cfg.AccessToken, now),
		accessAddress: newLimiter("access_address", cfg.AccessAddress, now),
	}
}

func (ls *limits) all() []*limiter {
	return []*limiter{ls.loginAccount, ls.loginAddress, ls.accessToken, ls.accessAddress}
}

// key is the hidden form of a limited value: its map key and the prefix
// that appears in the log.
func (ls *limits) key(value string) (key, logged string) {
	m := hmac.New(sha256.New, ls.secret)
	m.Write([]byte(value))
	sum := m.Sum(nil)
	return string(sum[:16]), hex.EncodeToString(sum[:6])
}

// attempt is one try at a secret, counted by one limiter under one key.
type attempt struct {
	limiter *limiter
	key     string
	logged  string // the key's hash prefix, for the log
	// forgetOnSuccess clears every earlier failure of the key when the
	// attempt succeeds; otherwise a success only gives its own attempt back.
	forgetOnSuccess bool
	refused         bool
}

// outcome is told how an admitted attempt ended: nil for a success.
type outcome func(err error)

// limitLogin admits a sign-in as username, or refuses it with 429. A failed
// sign-in counts against the account name and the client address. A
// successful one counts against neither, and clears the account's failures:
// its owner proved the password, and should not then be locked out by the
// guesses that came before. It does not clear the address's failures, or an
// attacker with one account could sign in now and then to keep guessing
// others from the same address.
func (s *Server) limitLogin(c echo.Context, username string) (outcome, error) {
	return s.admit(c, s.limits.loginAccount, username, s.limits.loginAddress)
}

// limitAccess admits a redemption of token, or refuses it with 429. A
// failed redemption counts against the token and the client address; a
// successful one counts against neither (parties redeem their link once per
// device, several behind one address).
func (s *Server) limitAccess(c echo.Context, token string) (outcome, error) {
	return s.admit(c, s.limits.accessToken, token, s.limits.accessAddress)
}

// admit takes one attempt from the secret's limiter and one from the
// address's. Taking before trying (not counting after) keeps concurrent
// guesses within the limit. If either has none left, the request is refused
// and logged, with hash prefixes instead of the name, token or address; a
// refused request tried nothing, so it is not counted as a failure.
func (s *Server) admit(c echo.Context, bySecret *limiter, secret string, byAddress *limiter) (outcome, error) {
	ls := s.limits
	secretKey, secretLogged := ls.key(secret)
	addrKey, addrLogged := ls.key(addressKey(c.RealIP()))
	tries := []attempt{
		{limiter: bySecret, key: secretKey, logged: secretLogged, forgetOnSuccess: bySecret == ls.loginAccount},
		{limiter: byAddress, key: addrKey, logged: addrLogged},
	}
	var wait time.Duration
	refused := false
	for i := range tries {
		ok, w := tries[i].limiter.take(tries[i].key)
		tries[i].refused = !ok
		refused, wait = refused || !ok, max(wait, w)
	}
	if refused {
		secs := max(1, int(math.Ceil(wait.Seconds())))
		attrs := []any{"request_id", requestID(c), "route", c.Path(), "retry_after_s", secs}
		for _, a := range tries {
			if !a.refused {
				a.limiter.refund(a.key)
				continue
			}
			attrs = append(attrs, slog.String(a.limiter.name+"_key", a.logged))
			s.metrics.refused(a.limiter.name)
		}
		s.log.Warn("rate limited", attrs...)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return nil, mediation.Errorf(mediation.ERATELIMIT, "error.rate_limited")
	}
	return func(err error) {
		switch mediation.ErrorCode(err) {
		case mediation.EUNAUTHORIZED:
			attrs := []any{"request_id", requestID(c), "route", c.Path()}
			for _, a := range tries {
				attrs = append(attrs, slog.String(a.limiter.name+"_key", a.logged))
			}
			s.log.Info("attempt failed", attrs...)
		case "":
			for _, a := range tries {
				if a.forgetOnSuccess {
					a.limiter.forget(a.key)
				} else {
					a.limiter.refund(a.key)
				}
			}
		default: // the server's failure, not the client's
			for _, a := range tries {
				a.limiter.refund(a.key)
			}
		}
	}, nil
}

// addressKey is what a client address is limited as: IPv4 addresses one by
// one, IPv6 addresses by their /64, since one subscriber commonly holds a
// whole /64 and could otherwise take a fresh address for every guess.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
