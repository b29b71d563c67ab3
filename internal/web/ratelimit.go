package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/internal/ratelimit"
)

// Limits are the rate limits on the two doors a stranger can knock at: staff
// sign-in and the redemption of a party's invitation. Each counts failed
// attempts only, keyed both on what is tried (account name, token) and on the
// client address, so that neither many guesses at one account from many
// addresses nor guesses at many accounts from one address go unchecked.
type Limits struct {
	LoginAccount  ratelimit.Rate // failed sign-ins per account name
	LoginAddress  ratelimit.Rate // failed sign-ins per client address
	AccessToken   ratelimit.Rate // failed invitation redemptions per token
	AccessAddress ratelimit.Rate // failed invitation redemptions per client address
	// LoginDevice counts the failed sign-ins of a browser that holds the
	// account's device cookie (it signed in as that account before): such a
	// browser is counted alone, never against the account or the address,
	// so that no one elsewhere can lock it out.
	LoginDevice ratelimit.Rate
}

// DefaultLimits are used for every Rate left zero. Five failures per account
// then one every three minutes keeps online guessing of a passphrase hopeless
// (fewer than 500 guesses a day) while its owner, locked out by someone
// else's guesses, waits at most three minutes for the next try. Ten failures
// per address then one every six seconds leaves room for an office behind one
// NAT address mistyping passwords.
var DefaultLimits = Limits{
	LoginAccount:  ratelimit.Rate{Burst: 5, Per: 15 * time.Minute},
	LoginAddress:  ratelimit.Rate{Burst: 10, Per: time.Minute},
	AccessToken:   ratelimit.Rate{Burst: 5, Per: 15 * time.Minute},
	AccessAddress: ratelimit.Rate{Burst: 10, Per: time.Minute},
	LoginDevice:   ratelimit.Rate{Burst: 5, Per: 15 * time.Minute},
}

// withDefaults fills every zero Rate from DefaultLimits.
func (l Limits) withDefaults() Limits {
	fill := func(r *ratelimit.Rate, def ratelimit.Rate) {
		if *r == (ratelimit.Rate{}) {
			*r = def
		}
	}
	fill(&l.LoginAccount, DefaultLimits.LoginAccount)
	fill(&l.LoginAddress, DefaultLimits.LoginAddress)
	fill(&l.AccessToken, DefaultLimits.AccessToken)
	fill(&l.AccessAddress, DefaultLimits.AccessAddress)
	fill(&l.LoginDevice, DefaultLimits.LoginDevice)
	return l
}

// limits are the server's limiters and the key that hides what they count.
type limits struct {
	loginAccount, loginAddress, accessToken, accessAddress, loginDevice *ratelimit.Limiter
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
		loginAccount:  ratelimit.New("login_account", cfg.LoginAccount, now),
		loginAddress:  ratelimit.New("login_address", cfg.LoginAddress, now),
		accessToken:   ratelimit.New("access_token", cfg.AccessToken, now),
		accessAddress: ratelimit.New("access_address", cfg.AccessAddress, now),
		loginDevice:   ratelimit.New("login_device", cfg.LoginDevice, now),
	}
}

func (ls *limits) all() []*ratelimit.Limiter {
	return []*ratelimit.Limiter{ls.loginAccount, ls.loginAddress, ls.accessToken, ls.accessAddress, ls.loginDevice}
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
	limiter *ratelimit.Limiter
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
//
// A browser holding the account's device cookie (OWASP's device cookies) is
// counted by its cookie alone: the failures of others, at the account or at
// the address, never lock it out, and its own are limited as an account's.
func (s *Server) limitLogin(c echo.Context, username string) (outcome, error) {
	if device := s.trustedDevice(c, username); device != "" {
		return s.admit(c, s.limits.loginDevice, device, nil)
	}
	return s.admit(c, s.limits.loginAccount, username, s.limits.loginAddress)
}

// limitAccess admits a redemption of token, or refuses it with 429. A
// failed redemption counts against the token and the client address; a
// successful one counts against neither (parties redeem their link once per
// device, several behind one address).
func (s *Server) limitAccess(c echo.Context, token string) (outcome, error) {
	return s.admit(c, s.limits.accessToken, token, s.limits.accessAddress)
}

// pinWrong is the answer to a wrong PIN: how many tries are left before the
// party (and the address) must wait, and the mediators to call, with their
// numbers, to have the PIN reset.
func (s *Server) pinWrong(c echo.Context, key string, entry *mediation.Entry) error {
	ls := s.limits
	k, _ := ls.key(key)
	a, _ := ls.key(addressKey(c.RealIP()))
	left := min(ls.accessToken.Left(k), ls.accessAddress.Left(a))
	t := s.cat.forRequest(c.Request())
	var contacts []string
	for _, m := range entry.Mediators {
		if m.Phone != "" {
			contacts = append(contacts, t.T("punct.paren", map[string]any{"Text": m.Name, "Note": m.Phone}))
		} else {
			contacts = append(contacts, m.Name)
		}
	}
	return &mediation.Error{Code: mediation.EUNAUTHORIZED, Message: "error.pin_wrong",
		Args: map[string]any{"Left": left, "Contact": strings.Join(contacts, t.T("punct.list", nil))}}
}

// forgetPINFailures clears a party's failed entries once its mediator has
// reset its PIN (having heard from the party): it sets a new one at once.
func (s *Server) forgetPINFailures(party mediation.ID) {
	k, _ := s.limits.key("party:" + party.String())
	s.limits.accessToken.Forget(k)
}

// admit takes one attempt from the secret's limiter and one from the
// address's. Taking before trying (not counting after) keeps concurrent
// guesses within the limit. If either has none left, the request is refused
// and logged, with hash prefixes instead of the name, token or address; a
// refused request tried nothing, so it is not counted as a failure.
func (s *Server) admit(c echo.Context, bySecret *ratelimit.Limiter, secret string, byAddress *ratelimit.Limiter) (outcome, error) {
	ls := s.limits
	secretKey, secretLogged := ls.key(secret)
	addrKey, addrLogged := ls.key(addressKey(c.RealIP()))
	tries := []attempt{
		{limiter: bySecret, key: secretKey, logged: secretLogged,
			forgetOnSuccess: bySecret == ls.loginAccount || bySecret == ls.loginDevice},
	}
	if byAddress != nil {
		tries = append(tries, attempt{limiter: byAddress, key: addrKey, logged: addrLogged})
	}
	var wait time.Duration
	refused := false
	for i := range tries {
		ok, w := tries[i].limiter.Take(tries[i].key)
		tries[i].refused = !ok
		refused, wait = refused || !ok, max(wait, w)
	}
	if refused {
		secs := max(1, int(math.Ceil(wait.Seconds())))
		attrs := []any{"request_id", requestID(c), "route", c.Path(), "retry_after_s", secs}
		// A refused attempt keeps what it took from the other buckets: a
		// guesser polling a locked account pays for it at its address.
		for _, a := range tries {
			if !a.refused {
				continue
			}
			attrs = append(attrs, slog.String(a.limiter.Name()+"_key", a.logged))
			s.metrics.refused(a.limiter.Name())
		}
		s.log.Warn("rate limited", attrs...)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return nil, rateLimited(secs)
	}
	return func(err error) {
		switch mediation.ErrorCode(err) {
		case mediation.EUNAUTHORIZED:
			attrs := []any{"request_id", requestID(c), "route", c.Path()}
			for _, a := range tries {
				attrs = append(attrs, slog.String(a.limiter.Name()+"_key", a.logged))
			}
			s.log.Info("attempt failed", attrs...)
		case "":
			for _, a := range tries {
				if a.forgetOnSuccess {
					a.limiter.Forget(a.key)
				} else {
					a.limiter.Refund(a.key)
				}
			}
		default: // the server's failure, not the client's
			for _, a := range tries {
				a.limiter.Refund(a.key)
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

// rateLimited says how long to wait, in the words a person uses: seconds
// under a minute, else whole minutes (rounded up).
func rateLimited(secs int) *mediation.Error {
	if secs < 60 {
		e := mediation.Errorf(mediation.ERATELIMIT, "error.rate_limited_seconds")
		e.Args = map[string]any{"Seconds": max(secs, 1)}
		return e
	}
	e := mediation.Errorf(mediation.ERATELIMIT, "error.rate_limited_minutes")
	e.Args = map[string]any{"Minutes": (secs + 59) / 60}
	return e
}
