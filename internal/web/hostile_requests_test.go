package web_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

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
					"POST /api/v1/cases/:case/submissions/:submission/release": "a1",
					"POST /api/v1/calendar/feed":                               "mediator"}[r.key()]
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
