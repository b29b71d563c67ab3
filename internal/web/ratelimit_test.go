package web_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/ratelimit"
	"tiaojie/internal/web"
)

// syncBuffer is a log sink the server may write while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// configuredApp is newApp's database, store and authorizer served by a
// second server built with cfg's limits and proxies on a clock of the test's.
type configuredApp struct {
	*testApp
	clock *web.StepClock
	log   *syncBuffer
}

func newConfiguredApp(t *testing.T, configure func(*web.Config)) *configuredApp {
	t.Helper()
	base := newApp(t)
	ca := &configuredApp{clock: web.NewStepClock(), log: &syncBuffer{},
		testApp: &testApp{t: t, path: base.path, DB: base.DB, Authz: base.Authz, Auth: base.Auth}}
	cfg := base.config(slog.New(slog.NewJSONHandler(ca.log, nil)))
	cfg.Now = ca.clock.Now
	if configure != nil {
		configure(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ca.Server, ca.HTTP = srv, httptest.NewServer(srv)
	t.Cleanup(ca.HTTP.Close) // before base's cleanup closes the database
	return ca
}

// from is a client whose requests a trusted proxy forwards for addr.
func (a *configuredApp) from(addr string) *client {
	c := a.client()
	c.Header.Set("X-Forwarded-For", addr)
	return c
}

// wantRateLimited checks a 429 answer: the JSON error shape with the
// catalogue's message in the client's language, and Retry-After in seconds.
func wantRateLimited(t *testing.T, c *client, method, path string, body any, retryAfter string) {
	t.Helper()
	for _, lang := range []string{"zh-Hans", "en"} {
		c.Header.Set("Accept-Language", lang)
		status, raw, h := c.doHeaders(method, path, body)
		if status != http.StatusTooManyRequests {
			t.Fatalf("%s %s (%s): status %d, want 429: %s", method, path, lang, status, raw)
		}
		e := errorOf(t, raw)
		secs, _ := strconv.Atoi(retryAfter)
		want := map[string]string{"zh-Hans": fmt.Sprintf("尝试次数过多，请 %d 分钟后再试。", (secs+59)/60),
			"en": fmt.Sprintf("Too many attempts. Please try again in %d min.", (secs+59)/60)}[lang]
		if secs < 60 {
			want = map[string]string{"zh-Hans": fmt.Sprintf("尝试次数过多，请 %d 秒后再试。", secs),
				"en": fmt.Sprintf("Too many attempts. Please try again in %d s.", secs)}[lang]
		}
		if e.Code != mediation.ERATELIMIT || e.Message != want {
			t.Errorf("%s: error %+v, want code %s message %q", lang, e, mediation.ERATELIMIT, want)
		}
		if got := h.Get("Retry-After"); got != retryAfter {
			t.Errorf("%s: Retry-After %q, want %q", lang, got, retryAfter)
		}
		if h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: a 429 lacks the security headers: %v", lang, h)
		}
	}
	c.Header.Del("Accept-Language")
}

// doHeaders is do, returning the answer's headers too.
func (c *client) doHeaders(method, path string, body any) (int, []byte, http.Header) {
	c.app.t.Helper()
	var h http.Header
	rt := c.http.Transport
	c.http.Transport = headerCatcher{rt: rt, h: &h}
	defer func() { c.http.Transport = rt }()
	status, raw := c.do(method, path, body)
	return status, raw, h
}

type headerCatcher struct {
	rt http.RoundTripper
	h  *http.Header
}

func (hc headerCatcher) RoundTrip(r *http.Request) (*http.Response, error) {
	rt := hc.rt
	if rt == nil {
		rt = http.DefaultTransport
	}
	resp, err := rt.RoundTrip(r)
	if err == nil {
		*hc.h = resp.Header.Clone()
	}
	return resp, err
}

func login(name, password string) map[string]string {
	return map[string]string{"username": name, "password": password}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("AccountLockedAfterFiveFailuresOneTryEveryThreeMinutes", func(t *testing.T) {
		a := newConfiguredApp(t, func(c *web.Config) { c.Limits.LoginAddress = ratelimit.Rate{Off: true} })
		_, password := a.user(mediation.RoleMediator, "zhao.lei")
		c := a.client()
		for i := range 5 {
			if status, raw := c.do("POST", "/api/v1/login", login("zhao.lei", fmt.Sprint("guess-", i))); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d: %s", i+1, status, raw)
			}
		}
		// Locked: even the right password is not checked, so the answer
		// tells a guesser nothing.
		wantRateLimited(t, c, "POST", "/api/v1/login", login("zhao.lei", password), "180")
		// Another client (another address, were it one) is refused too:
		// the limit is on the account.
		wantRateLimited(t, a.client(), "POST", "/api/v1/login", login("zhao.lei", "guess"), "180")
		// Other accounts are not affected.
		if status, _ := c.do("POST", "/api/v1/login", login("someone.else", "guess")); status != http.StatusUnauthorized {
			t.Fatalf("another account: status %d", status)
		}

		a.clock.Advance(2 * time.Minute)
		wantRateLimited(t, c, "POST", "/api/v1/login", login("zhao.lei", password), "60")
		a.clock.Advance(time.Minute)
		c.mustJSON("POST", "/api/v1/login", login("zhao.lei", password), http.StatusOK, nil)

		// The owner's success cleared the earlier failures: a full burst again.
		for i := range 5 {
			if status, raw := c.do("POST", "/api/v1/login", login("zhao.lei", fmt.Sprint("typo-", i))); status != http.StatusUnauthorized {
				t.Fatalf("failure %d after success: status %d: %s", i+1, status, raw)
			}
		}
		wantRateLimited(t, c, "POST", "/api/v1/login", login("zhao.lei", password), "180")
	})

	t.Run("AddressLimitedAcrossAccounts", func(t *testing.T) {
		a := newConfiguredApp(t, func(c *web.Config) {
			c.TrustedProxies, _ = web.ParsePrefixes("127.0.0.1")
		})
		_, password := a.user(mediation.RoleMediator, "zhao.lei")
		attacker := a.from("203.0.113.7")
		for i := range 10 {
			if status, _ := attacker.do("POST", "/api/v1/login", login(fmt.Sprint("user", i), "guess")); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, status)
			}
		}
		wantRateLimited(t, attacker, "POST", "/api/v1/login", login("user99", "guess"), "6")
		// Writing another address in front does not help: only the entry the
		// trusted proxy added counts.
		attacker.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.7")
		wantRateLimited(t, attacker, "POST", "/api/v1/login", login("user98", "guess"), "6")
		// The account owner, elsewhere, signs in.
		a.from("203.0.113.8").mustJSON("POST", "/api/v1/login", login("zhao.lei", password), http.StatusOK, nil)
		// Six seconds later the address has one attempt again, and one only.
		a.clock.Advance(6 * time.Second)
		if status, _ := attacker.do("POST", "/api/v1/login", login("user99", "guess")); status != http.StatusUnauthorized {
			t.Fatalf("after six seconds: status %d, want 401", status)
		}
		wantRateLimited(t, attacker, "POST", "/api/v1/login", login("user97", "guess"), "6")
	})

	t.Run("ForwardedForIgnoredWithoutTrustedProxies", func(t *testing.T) {
		a := newConfiguredApp(t, nil)
		for i := range 10 {
			c := a.from(fmt.Sprintf("203.0.113.%d", i))
			if status, _ := c.do("POST", "/api/v1/login", login(fmt.Sprint("user", i), "guess")); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, status)
			}
		}
		wantRateLimited(t, a.from("203.0.113.200"), "POST", "/api/v1/login", login("user200", "guess"), "6")
	})

	t.Run("SuccessesDoNotCount", func(t *testing.T) {
		a := newConfiguredApp(t, nil)
		_, password := a.user(mediation.RoleMediator, "zhao.lei")
		for range 30 {
			a.client().mustJSON("POST", "/api/v1/login", login("zhao.lei", password), http.StatusOK, nil)
		}
	})

	t.Run("BadBodiesDoNotCount", func(t *testing.T) {
		a := newConfiguredApp(t, nil)
		_, password := a.user(mediation.RoleMediator, "zhao.lei")
		c := a.client()
		for range 30 {
			if status, _ := c.do("POST", "/api/v1/login", map[string]string{"username": "zhao.lei"}); status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", status)
			}
		}
		c.mustJSON("POST", "/api/v1/login", login("zhao.lei", password), http.StatusOK, nil)
	})

	t.Run("Configurable", func(t *testing.T) {
		a := newConfiguredApp(t, func(c *web.Config) {
			c.Limits.LoginAccount = ratelimit.Rate{Burst: 2, Per: time.Hour}
		})
		c := a.client()
		for range 2 {
			c.do("POST", "/api/v1/login", login("zhao.lei", "guess"))
		}
		wantRateLimited(t, c, "POST", "/api/v1/login", login("zhao.lei", "guess"), "1800")
	})

	t.Run("LoggedWithoutNamesOrAddresses", func(t *testing.T) {
		a := newConfiguredApp(t, func(c *web.Config) {
			c.TrustedProxies, _ = web.ParsePrefixes("127.0.0.1")
			c.Limits.LoginAccount = ratelimit.Rate{Burst: 1, Per: time.Hour}
		})
		c := a.from("203.0.113.77")
		c.do("POST", "/api/v1/login", login("qian.secret", "pass-猜一猜"))
		c.do("POST", "/api/v1/login", login("qian.secret", "pass-猜两猜"))
		log := a.log.String()
		if !strings.Contains(log, `"msg":"rate limited"`) || !strings.Contains(log, `"login_account_key":"`) ||
			!strings.Contains(log, `"msg":"attempt failed"`) || !strings.Contains(log, `"retry_after_s":3600`) {
			t.Fatalf("refusal or failure not logged:\n%s", log)
		}
		for _, secret := range []string{"qian.secret", "猜一猜", "猜两猜", "203.0.113.77"} {
			if strings.Contains(log, secret) {
				t.Errorf("log holds %q:\n%s", secret, log)
			}
		}
	})
}

func TestAccessRateLimit(t *testing.T) {
	t.Parallel()
	// unknown is a well-formed token that no invitation has.
	unknown := func(i int) map[string]string {
		// 22 characters ending in "A": the shape of a real token.
		return map[string]string{"token": fmt.Sprintf("%s%04dA", strings.Repeat("A", 17), i)}
	}
	invite := func(t *testing.T, a *configuredApp) string {
		t.Helper()
		mediator, _ := a.staff(mediation.RoleMediator, "wang")
		var cs idOnly
		mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "车位纠纷", "category": "parking",
			"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
		var p partyCreated
		mediator.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": "赵明",
			"kind": "person", "side": "applicant"}, http.StatusCreated, &p)
		return p.Invitation.Token
	}

	t.Run("TokenLockedAfterFiveFailures", func(t *testing.T) {
		a := newConfiguredApp(t, nil)
		c := a.client()
		for range 5 {
			if status, _ := c.do("POST", "/api/v1/access", unknown(1)); status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", status)
			}
		}
		wantRateLimited(t, c, "POST", "/api/v1/access", unknown(1), "180")
		// Another token from the same address still gets an answer: the
		// address has failures to spare (refused attempts are not counted).
		if status, _ := c.do("POST", "/api/v1/access", unknown(2)); status != http.StatusUnauthorized {
			t.Fatalf("another token: status %d, want 401", status)
		}
	})

	t.Run("AddressLimitedAcrossTokens", func(t *testing.T) {
		a := newConfiguredApp(t, func(c *web.Config) {
			c.TrustedProxies, _ = web.ParsePrefixes("127.0.0.1")
		})
		token := invite(t, a)
		guesser := a.from("2001:db8:1:2::10")
		for i := range 10 {
			if status, _ := guesser.do("POST", "/api/v1/access", unknown(i)); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, status)
			}
		}
		// A new address in the same /64 is the same client.
		wantRateLimited(t, a.from("2001:db8:1:2::99"), "POST", "/api/v1/access", unknown(50), "6")
		// The party, elsewhere, gets in; redeeming again does not count.
		for range 12 {
			a.from("2001:db8:1:3::1").mustJSON("POST", "/api/v1/access", map[string]string{"token": token, "pin": testPIN}, http.StatusOK, nil)
		}
		a.clock.Advance(6 * time.Second)
		guesser.mustJSON("POST", "/api/v1/access", map[string]string{"token": token, "pin": testPIN}, http.StatusOK, nil)
	})

	t.Run("InvitationLinkCountsToo", func(t *testing.T) {
		// The button on the page an invitation link opens redeems the
		// token as the API does, through the same limits.
		a := newConfiguredApp(t, nil)
		c := a.client()
		path := "/a/" + unknown(3)["token"]
		for range 5 {
			if status := sendForm(t, c, path, nil).status; status == http.StatusTooManyRequests || status < 400 {
				t.Fatalf("POST /a/{unknown}: status %d, want a refusal short of 429", status)
			}
		}
		sixth := sendForm(t, c, path, nil)
		if sixth.status != http.StatusTooManyRequests || sixth.header.Get("Retry-After") != "180" {
			t.Fatalf("sixth POST /a/{unknown}: status %d, Retry-After %q", sixth.status, sixth.header.Get("Retry-After"))
		}
		wantRateLimited(t, c, "POST", "/api/v1/access", unknown(3), "180")
	})

	t.Run("LoggedWithoutTokens", func(t *testing.T) {
		a := newConfiguredApp(t, func(c *web.Config) { c.Limits.AccessToken = ratelimit.Rate{Burst: 1, Per: time.Hour} })
		c := a.client()
		c.do("POST", "/api/v1/access", unknown(7))
		c.do("POST", "/api/v1/access", unknown(7))
		log := a.log.String()
		if !strings.Contains(log, `"access_token_key":"`) || !strings.Contains(log, `"msg":"rate limited"`) {
			t.Fatalf("refusal not logged:\n%s", log)
		}
		if strings.Contains(log, unknown(7)["token"]) {
			t.Fatalf("log holds the token:\n%s", log)
		}
	})
}
