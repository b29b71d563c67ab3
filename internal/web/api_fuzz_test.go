package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/web"
)

// Fuzz targets for the whole HTTP path: the real server on a real database,
// behind real HTTP. For any input: the answer is never a 5xx, a 4xx leaves
// the database byte for byte as it was, an error answer shows nothing of the
// program's insides and no invitation token, and a redirect stays on this
// server. A 2xx may write: the fuzzer finds valid bodies too.
//
// Seeds: f.Add below and testdata/fuzz/<FuzzName>/. In a seed, {caseA},
// {partyA1}, {subA1}, {userLi}, {tokenA1} and the like stand for the IDs and
// tokens of newScene's world.

// fuzzAPI is a scene whose principals send their session cookie themselves,
// renewed before it is a minute old: after a minute a request would write
// down that the session was seen, and the fuzzer runs for longer than that.
type fuzzAPI struct {
	s        *scene
	fill     *strings.Replacer
	sessions map[string]*fuzzSession
	http     *http.Client
}

type fuzzSession struct {
	start func() string
	value string
	born  time.Time
}

func newFuzzAPI(f *testing.F) *fuzzAPI {
	s := newScene(f)
	a := s.app
	li, err := a.DB.UserByName("li.jianguo")
	if err != nil {
		f.Fatal(err)
	}
	wang, err := a.DB.UserByName("wang")
	if err != nil {
		f.Fatal(err)
	}
	// Sessions are started in the fuzz function, which may not use f.
	login := func(username string) func() string {
		return func() string {
			cred, _, err := a.Auth.Login(username, "pw-"+username+"-密码")
			if err != nil {
				panic(fmt.Sprintf("sign in %s: %v", username, err))
			}
			return cred.Cookie
		}
	}
	redeem := func(token string) func() string {
		return func() string {
			cred, _, err := a.Auth.Redeem(token, testPIN)
			if err != nil {
				panic(fmt.Sprintf("redeem: %v", err))
			}
			return cred.Cookie
		}
	}
	return &fuzzAPI{
		s: s,
		fill: strings.NewReplacer("{caseA}", s.caseA, "{caseB}", s.caseB, "{partyA1}", s.partyA1,
			"{partyA2}", s.partyA2, "{partyB1}", s.partyB1, "{subA1}", s.subA1, "{subA2}", s.subA2, "{subB1}", s.subB1,
			"{userWang}", wang.ID.String(), "{userLi}", li.ID.String(), "{tokenA1}", s.tokenA1),
		sessions: map[string]*fuzzSession{"anon": {}, "admin": {start: login("admin")}, "office": {start: login("office")},
			"mediator": {start: login("wang")}, "a1": {start: redeem(s.tokenA1)}},
		http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
}

// cookie is the principal's Cookie header, "" for the anonymous.
func (z *fuzzAPI) cookie(who string) string {
	se := z.sessions[who]
	if se.start == nil {
		return ""
	}
	if se.value == "" || time.Since(se.born) > 40*time.Second {
		se.value, se.born = se.start(), time.Now()
	}
	return web.CookieName(false) + "=" + se.value
}

// checkAnswer checks one answer and that a refusal left the database as it was.
func (z *fuzzAPI) checkAnswer(t *testing.T, req string, before string, status int, header http.Header, body []byte) {
	t.Helper()
	if status >= 500 || status < 200 {
		t.Fatalf("%s: status %d: %s", req, status, abbreviate(string(body)))
	}
	if status >= 400 {
		if after := boltFingerprint(t, z.s.app); after != before {
			t.Fatalf("%s: answered %d, but the database changed: %s", req, status, abbreviate(string(body)))
		}
		if m := hsInternals.FindString(string(body)); m != "" {
			t.Fatalf("%s: error answer %d shows %q: %s", req, status, m, abbreviate(string(body)))
		}
		for _, token := range []string{z.s.tokenA1, z.s.tokenA2, z.s.tokenB1} {
			if strings.Contains(string(body), token) && !strings.Contains(req, token) {
				t.Fatalf("%s: error answer %d shows a token: %s", req, status, abbreviate(string(body)))
			}
		}
	}
	if loc := header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
			strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Fatalf("%s: redirects off this server, to %q", req, loc)
		}
	}
}

// fuzzBodyRoutes are the routes that read a JSON body, each with the
// principal who may use it.
var fuzzBodyRoutes = []struct{ who, method, path string }{
	{"mediator", "POST", "/api/v1/cases"},
	{"mediator", "PATCH", "/api/v1/cases/{caseA}"},
	{"mediator", "POST", "/api/v1/cases/{caseA}/transitions"},
	{"mediator", "POST", "/api/v1/cases/{caseA}/parties"},
	{"a1", "POST", "/api/v1/cases/{caseA}/submissions"},
	{"mediator", "POST", "/api/v1/cases/{caseA}/submissions"},
	{"admin", "POST", "/api/v1/users"},
	{"anon", "POST", "/api/v1/login"},
	{"anon", "POST", "/api/v1/access"},
	{"admin", "POST", "/api/v1/cases/{caseA}/mediators"},
	{"admin", "DELETE", "/api/v1/cases/{caseA}/mediators/{userWang}"},
	{"mediator", "PATCH", "/api/v1/cases/{caseB}"},
	{"a1", "POST", "/api/v1/cases/{caseB}/submissions"},
}

// FuzzAPIBody sends the fuzzed body to a JSON route chosen by route.
func FuzzAPIBody(f *testing.F) {
	for i, body := range []string{
		`{"title":"车位纠纷","category":"parking","community":"heping-li","source":"party_application"}`,
		`{"title":"新标题","summary":"双方同意\n再谈一次","street":""}`,
		`{"to":"withdrawn","reason":"申请人撤回"}`,
		`{"name":"吴芳","kind":"person","side":"third_party","phone":"+86 138-0013-8000","address":"3号楼"}`,
		`{"kind":"position","body":"车位是我买的。","supersedes":"{subA1}"}`,
		`{"party_id":"{partyA2}","kind":"interests","body":"电话中口述"}`,
		`{"username":"zhou.min","display_name":"周敏","role":"mediator","password":"一个足够长的密码"}`,
		`{"username":"wang","password":"wrong password"}`,
		`{"token":"{tokenA1}"}`,
		`{"user_id":"{userLi}"}`,
		`{"reason":"回避"}`,
		`{"title":"别人的案件"}`,
		`{"kind":"position","body":"不是我的案件"}`,
	} {
		f.Add(uint8(i), []byte(body))
	}
	f.Add(uint8(0), []byte(`{"title":"x","title":"y"}`))
	f.Add(uint8(4), []byte(`{"kind":"position","body":"\u0000\ud800"}`))
	f.Add(uint8(1), []byte(strings.Repeat("[", 5000)))
	z := newFuzzAPI(f)
	a := z.s.app
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		rt := fuzzBodyRoutes[int(route)%len(fuzzBodyRoutes)]
		body = []byte(z.fill.Replace(string(body)))
		req, err := http.NewRequest(rt.method, a.HTTP.URL+z.fill.Replace(rt.path), bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if ck := z.cookie(rt.who); ck != "" {
			req.Header.Set("Cookie", ck)
		}
		before := boltFingerprint(t, a)
		resp, err := z.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		z.checkAnswer(t, fmt.Sprintf("%s %s as %s with %q", rt.method, rt.path, rt.who, abbreviate(string(body))),
			before, resp.StatusCode, resp.Header, raw)
	})
}

// FuzzAPIRequest sends a request with a fuzzed target (path and query, any
// bytes but line breaks) and no body, as a principal chosen by who, with a
// method chosen by method. Every route of the server is in reach.
func FuzzAPIRequest(f *testing.F) {
	for _, seed := range []struct {
		who, method uint8
		target      string
	}{
		{0, 0, "/api/v1/cases/{caseA}"},
		{1, 0, "/api/v1/cases/{caseA}/submissions?limit=1&cursor={subA1}"},
		{2, 0, "/api/v1/cases?status=intake&category=parking&limit=200"},
		{3, 0, "/api/v1/users?limit=abc"},
		{4, 1, "/api/v1/cases/{caseB}/parties"},
		{0, 2, "/api/v1/cases/..%2f..%2fetc"},
		{1, 0, "/api/v1/cases/{caseA}/submissions/{subA2}"},
		{2, 0, "/cases/{caseA}?lang=en"},
		{0, 0, "/lang?to=en&back=//evil.example"},
		{1, 0, "/a/{tokenA1}x"},
		{3, 0, "/static/..%2f..%2fgo.mod"},
		{4, 0, "/api/v1/cases/1/../../users"},
	} {
		f.Add(seed.who, seed.method, seed.target)
	}
	z := newFuzzAPI(f)
	a := z.s.app
	addr := a.HTTP.Listener.Addr().String()
	who := []string{"mediator", "a1", "admin", "anon", "office"}
	methods := []string{"GET", "HEAD", "OPTIONS"}
	// Line breaks and spaces would end the request line, which is the
	// framing's business, not the target's.
	clean := strings.NewReplacer("\r", "%0D", "\n", "%0A", " ", "%20")
	f.Fuzz(func(t *testing.T, w, m uint8, target string) {
		as, method := who[int(w)%len(who)], methods[int(m)%len(methods)]
		target = clean.Replace(z.fill.Replace(target))
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		var req bytes.Buffer
		fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, addr)
		if ck := z.cookie(as); ck != "" {
			fmt.Fprintf(&req, "Cookie: %s\r\n", ck)
		}
		req.WriteString("\r\n")
		before := boltFingerprint(t, a)
		status, header, body, err := hsExchange(addr, nil, req.Bytes(), false)
		if err != nil {
			t.Fatalf("%s %q as %s: no answer: %v", method, target, as, err)
		}
		z.checkAnswer(t, fmt.Sprintf("%s %q as %s", method, target, as), before, status, header, body)
	})
}
