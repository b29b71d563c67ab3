package web_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tiaojie/internal/web"
)

// TestLogsHoldNoPersonalData runs the scene's story and more, including
// failures, refusals and tokens in URLs, then reads every log line: each
// request has its line with request id, principal kind, route template,
// status and duration, and no line holds a name, phone, address, submission
// text, password, invitation token or session cookie.
func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := s.app
	caseA := "/api/v1/cases/" + s.caseA

	// More of the story: reads, amendments, a release, a new invitation.
	s.mediator.mustJSON("GET", "/api/v1/cases", nil, http.StatusOK, nil)
	s.mediator.mustJSON("GET", caseA, nil, http.StatusOK, nil)
	s.mediator.mustJSON("GET", caseA+"/parties", nil, http.StatusOK, nil)
	s.mediator.mustJSON("GET", caseA+"/submissions", nil, http.StatusOK, nil)
	s.mediator.mustJSON("GET", caseA+"/submissions/"+s.subA2, nil, http.StatusOK, nil)
	s.mediator.mustJSON("PATCH", caseA, map[string]string{"summary": "B2-117 车位被钱丽长期占用"}, http.StatusOK, nil)
	s.mediator.mustJSON("POST", caseA+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	s.a1.mustJSON("POST", caseA+"/submissions/"+s.subA1+"/release", nil, http.StatusOK, nil)
	s.a2.mustJSON("GET", caseA+"/submissions", nil, http.StatusOK, nil)
	s.a1.mustJSON("POST", caseA+"/submissions", map[string]string{"kind": "proposal",
		"body": "我愿意每月补偿两百元。"}, http.StatusCreated, nil)
	var inv struct {
		Token string `json:"token"`
	}
	s.mediator.mustJSON("POST", caseA+"/parties/"+s.partyA2+"/invitation", nil, http.StatusCreated, &inv)
	s.mediator.mustJSON("GET", caseA+"/audit", nil, http.StatusOK, nil)
	s.admin.mustJSON("GET", "/api/v1/users", nil, http.StatusOK, nil)
	s.other.mustJSON("GET", "/api/v1/me", nil, http.StatusOK, nil)

	// Failures that carry secrets in the request: a wrong password for a
	// real account, tokens in bodies, paths and queries, a forged cookie.
	a.client().do("POST", "/api/v1/login", login("li.jianguo", "pw-li.jianguo-错"))
	a.client().do("POST", "/api/v1/access", map[string]string{"token": s.tokenA1 + "x"})
	a.client().do("GET", "/api/v1/no-such/"+s.tokenB1, nil)
	a.client().do("GET", "/a/"+inv.Token, nil)
	s.mediator.do("GET", "/api/v1/cases?cursor="+s.tokenA2, nil)
	forged := a.client()
	forged.Header.Set("Cookie", web.CookieName(false)+"=00ff."+s.tokenA1)
	forged.do("GET", "/api/v1/me", nil)
	// Enough guesses at one account to be refused.
	for range 6 {
		a.client().do("POST", "/api/v1/login", login("zhao.guess", "guess-赵明"))
	}
	s.b1.mustJSON("POST", "/api/v1/logout", nil, http.StatusNoContent, nil)

	// Every secret the scene holds.
	secrets := slices.Concat(everySceneSecret, []string{
		"赵明", "钱丽", "孙强", "13800138001", "13900139002", "13700137003", "3号楼501", "3号楼302",
		"车位是我买的。", "前业主借给我用的。", "楼上太吵。", "我愿意每月补偿两百元。", "B2-117 车位被钱丽长期占用",
		s.tokenA1, s.tokenA2, s.tokenB1, inv.Token,
		"pw-admin-密码", "pw-office-密码", "pw-wang-密码", "pw-li.jianguo-密码", "pw-li.jianguo-错", "guess-赵明",
		"li.jianguo", "名 li.jianguo", "zhao.guess",
	})
	u := mustParse(t, a.HTTP.URL)
	for _, c := range []*client{s.admin, s.office, s.mediator, s.other, s.a1, s.a2, s.b1} {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == web.CookieName(false) {
				id, secret, _ := strings.Cut(ck.Value, ".")
				secrets = append(secrets, ck.Value, id, secret)
			}
		}
	}
	if len(secrets) < 40 {
		t.Fatalf("only %d secrets collected: are the clients signed in?", len(secrets))
	}

	// Every request has finished writing its line once the server is closed.
	a.HTTP.Close()
	log := a.Log.String()
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		if strings.Contains(log, secret) || strings.Contains(log, strings.Trim(strconv.QuoteToASCII(secret), `"`)) {
			t.Errorf("the log holds %q", secret)
		}
	}

	// Unrouted requests are logged with an empty route, never their URL.
	routes := map[string]bool{"": true}
	for _, r := range a.Server.Routes() {
		_, path, _ := strings.Cut(r, " ")
		routes[path] = true
	}
	requests, refused, failed := 0, 0, 0
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON line: %s", sc.Bytes())
		}
		switch line["msg"] {
		case "request":
			requests++
			for _, field := range []string{"request_id", "principal", "route", "status", "duration_ms", "method"} {
				if _, ok := line[field]; !ok {
					t.Errorf("request line without %s: %s", field, sc.Bytes())
				}
			}
			if id, _ := line["request_id"].(string); len(id) < 16 {
				t.Errorf("request id %q", id)
			}
			if p := line["principal"]; !slices.Contains([]any{"anonymous", "party", "admin", "office", "mediator"}, p) {
				t.Errorf("principal %q is not a kind", p)
			}
			if r, _ := line["route"].(string); !routes[r] {
				t.Errorf("route %q is not a registered template", r)
			}
		case "rate limited":
			refused++
		case "attempt failed":
			failed++
		}
	}
	if requests < 40 || refused != 1 || failed < 7 {
		t.Fatalf("%d request lines, %d refusals, %d failed attempts logged:\n%s", requests, refused, failed, log)
	}
}
