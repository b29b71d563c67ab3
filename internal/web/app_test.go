package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/web"
)

// testParams keep argon2id cheap under the race detector; it is still argon2id.
var testParams = auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// testPIN is the PIN every party of the tests sets at its first entry.
const testPIN = "246810"

// testApp is the real server on a real bbolt file, behind real HTTP.
type testApp struct {
	t      testing.TB
	path   string
	DB     *store.DB
	Authz  *authz.Authorizer
	Auth   *auth.Service
	Server *web.Server
	HTTP   *httptest.Server
	Log    bytes.Buffer
	// now and invitationTTL, when set before a (re)start, are the store's
	// clock and how long an unused invitation lasts.
	now           func() time.Time
	invitationTTL time.Duration
	// configureAuth, when set before a (re)start, adjusts the sign-in service.
	configureAuth func(*auth.Service)
	// attachmentQuota, when set before a (re)start, is a case's limit of
	// attachments' bytes.
	attachmentQuota int64
	// limits, when set before a (re)start, are the rate limits (zero: the
	// defaults).
	limits web.Limits
}

// newApp starts the server on a new database in t.TempDir(). At cleanup the
// file's pages are checked and its audit chain verified.
func newApp(t testing.TB) *testApp {
	t.Helper()
	a := &testApp{t: t, path: filepath.Join(t.TempDir(), "tiaojie.db")}
	a.start()
	t.Cleanup(func() {
		a.stop()
		db, err := store.Open(a.path, store.Options{})
		if err != nil {
			t.Errorf("reopen for check: %v", err)
			return
		}
		defer db.Close()
		if err := db.Check(); err != nil {
			t.Errorf("Tx.Check: %v", err)
		}
		if _, err := db.VerifyAudit(nil); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
	return a
}

func (a *testApp) start() {
	a.t.Helper()
	db, err := store.Open(a.path, store.Options{})
	if err != nil {
		a.t.Fatal(err)
	}
	a.DB = db
	if a.now != nil {
		db.Now = a.now
	}
	a.Auth = &auth.Service{DB: db, Params: testParams, IdleTimeout: 30 * 60e9, AbsoluteTimeout: 12 * 3600e9,
		InvitationTTL: a.invitationTTL}
	if a.configureAuth != nil {
		a.configureAuth(a.Auth)
	}
	if a.Authz, err = authz.Load(db); err != nil {
		a.t.Fatal(err)
	}
	a.Server, err = web.New(a.config(slog.New(slog.NewJSONHandler(&a.Log, nil))))
	if err != nil {
		a.t.Fatal(err)
	}
	a.HTTP = httptest.NewServer(a.Server)
}

// config is the server's configuration on the app's database: the real
// operations on the real store and authorizer.
func (a *testApp) config(log *slog.Logger) web.Config {
	cw := casework.New(casework.Config{DB: a.DB, Authz: a.Authz, Auth: a.Auth, Places: mediation.DefaultPlaces(),
		AttachmentQuota: a.attachmentQuota})
	return web.Config{Casework: cw, Places: mediation.DefaultPlaces(), Collectors: []prometheus.Collector{a.DB.Collector()},
		InsecureCookies: true, Log: log, Limits: a.limits}
}

func (a *testApp) stop() {
	if a.HTTP != nil {
		a.HTTP.Close()
		a.HTTP = nil
	}
	if a.DB != nil {
		a.DB.Close()
		a.DB = nil
	}
}

// restart stops the server and starts it again on the same file, keeping the
// URL's clients' cookies meaningful only through what the file holds.
func (a *testApp) restart() {
	a.t.Helper()
	a.stop()
	a.start()
}

// client is one browser or API client with its own cookie jar.
type client struct {
	app  *testApp
	http *http.Client
	// Header is sent with every request.
	Header http.Header
	// lastReplayed is the Idempotent-Replayed header of the last answer.
	lastReplayed string
}

func (a *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{app: a, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}, Header: http.Header{}}
}

// user creates a staff account directly in the store (as `tiaojie user add`
// does) and returns it with its password.
func (a *testApp) user(role mediation.Role, username string) (*mediation.User, string) {
	a.t.Helper()
	password := "pw-" + username + "-密码"
	u, err := a.Auth.CreateUser(&mediation.UserInput{Username: username, DisplayName: "名 " + username,
		Role: role, Password: password}, "system")
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.Authz.Grant(authz.StaffGrant(u.ID, u.Role)); err != nil {
		a.t.Fatal(err)
	}
	return u, password
}

// staff creates an account and returns a client signed in as it.
func (a *testApp) staff(role mediation.Role, username string) (*client, *mediation.User) {
	a.t.Helper()
	u, password := a.user(role, username)
	c := a.client()
	c.mustJSON("POST", "/api/v1/login", map[string]string{"username": username, "password": password}, http.StatusOK, nil)
	return c, u
}

// party redeems an invitation token and returns a client signed in as the party.
func (a *testApp) party(token string) *client {
	a.t.Helper()
	c := a.client()
	c.mustJSON("POST", "/api/v1/access", map[string]string{"token": token, "pin": testPIN}, http.StatusOK, nil)
	return c
}

// do sends a request; body is JSON-encoded unless it is a string or []byte.
func (c *client) do(method, path string, body any) (int, []byte) {
	c.app.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.app.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	ct := ""
	if body != nil {
		ct = "application/json"
	}
	resp, raw := c.send(c.app.t, method, path, r, ct)
	return resp.StatusCode, raw
}

// send makes one request as the client, with its headers and cookies, and
// returns the answer with its body read; transport errors fail t.
func (c *client) send(t testing.TB, method, path string, body io.Reader, contentType string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, c.app.HTTP.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	c.lastReplayed = resp.Header.Get("Idempotent-Replayed")
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, raw
}

// mustJSON sends a request, fails the test unless the status is want, and
// decodes the answer into out when out is not nil.
func (c *client) mustJSON(method, path string, body any, want int, out any) {
	c.app.t.Helper()
	status, raw := c.do(method, path, body)
	if status != want {
		c.app.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.app.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

// errorOf decodes an error answer.
func errorOf(t testing.TB, raw []byte) (e struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
	Allowed []string          `json:"allowed"`
	Missing []string          `json:"missing"`
}) {
	t.Helper()
	var body struct {
		Error *struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
			Allowed []string          `json:"allowed"`
			Missing []string          `json:"missing"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.Error == nil {
		t.Fatalf("not an error answer: %s", raw)
	}
	return *body.Error
}

// Shapes of answers the tests read.
type (
	idOnly struct {
		ID string `json:"id"`
	}
	partyCreated struct {
		ID         string `json:"id"`
		Invitation struct {
			Token string `json:"token"`
			URL   string `json:"url"`
		} `json:"invitation"`
	}
	submissionJSON struct {
		ID        string `json:"id"`
		PartyID   string `json:"party_id"`
		Kind      string `json:"kind"`
		Body      string `json:"body"`
		EnteredBy string `json:"entered_by"`
		Released  bool   `json:"released"`
	}
	listOf[T any] struct {
		Items      []T    `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
)

// scene is a small world: an admin, an office reader, two mediators (one
// assigned to case A, one not), case A with parties A1 and A2 who each have a
// submission, and case B with party B1.
type scene struct {
	app                       *testApp
	admin, office             *client
	mediator, other           *client
	mediatorUser, otherUser   *mediation.User
	caseA, caseB              string
	partyA1, partyA2, partyB1 string
	a1, a2, b1                *client
	tokenA1, tokenA2, tokenB1 string
	subA1, subA2, subB1       string
}

func newScene(t testing.TB) *scene {
	t.Helper()
	a := newApp(t)
	s := &scene{app: a}
	s.admin, _ = a.staff(mediation.RoleAdmin, "admin")
	s.office, _ = a.staff(mediation.RoleOffice, "office")
	s.mediator, s.mediatorUser = a.staff(mediation.RoleMediator, "wang")
	s.other, s.otherUser = a.staff(mediation.RoleMediator, "li.jianguo")

	var cs idOnly
	s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "车位纠纷", "category": "parking",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
	s.caseA = cs.ID
	s.other.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "噪音纠纷", "category": "noise",
		"community": "dongfeng", "source": "referred_police"}, http.StatusCreated, &cs)
	s.caseB = cs.ID

	var p partyCreated
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/parties", map[string]string{"name": "赵明",
		"kind": "person", "side": "applicant", "phone": "13800138001", "address": "3号楼501"}, http.StatusCreated, &p)
	s.partyA1, s.tokenA1 = p.ID, p.Invitation.Token
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/parties", map[string]string{"name": "钱丽",
		"kind": "person", "side": "respondent", "phone": "13900139002", "address": "3号楼302"}, http.StatusCreated, &p)
	s.partyA2, s.tokenA2 = p.ID, p.Invitation.Token
	s.other.mustJSON("POST", "/api/v1/cases/"+s.caseB+"/parties", map[string]string{"name": "孙强",
		"kind": "person", "side": "applicant", "phone": "13700137003"}, http.StatusCreated, &p)
	s.partyB1, s.tokenB1 = p.ID, p.Invitation.Token

	s.a1, s.a2, s.b1 = a.party(s.tokenA1), a.party(s.tokenA2), a.party(s.tokenB1)
	var sub idOnly
	s.a1.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
		"body": "车位是我买的。"}, http.StatusCreated, &sub)
	s.subA1 = sub.ID
	s.a2.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
		"body": "前业主借给我用的。"}, http.StatusCreated, &sub)
	s.subA2 = sub.ID
	s.b1.mustJSON("POST", "/api/v1/cases/"+s.caseB+"/submissions", map[string]string{"kind": "position",
		"body": "楼上太吵。"}, http.StatusCreated, &sub)
	s.subB1 = sub.ID
	return s
}

func mustParse(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustUnmarshal(t testing.TB, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

// decodeID is the "id" of a JSON answer.
func decodeID(t testing.TB, raw []byte) string {
	t.Helper()
	var v idOnly
	mustUnmarshal(t, raw, &v)
	return v.ID
}
