package web_test

import (
	"fmt"
	"maps"
	"net/http"
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
	t.Parallel()
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
			cred, _, err := a.Auth.Redeem(token, testPIN)
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
	cred, _, err = a.Auth.Redeem(h.liveA3, testPIN)
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
