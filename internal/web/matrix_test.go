package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/auth"
	"tiaojie/internal/mediation"
)

// The authorization matrix: every registered route × every kind of principal
// of newScene's world, with the status the design requires.
//
//	401  anonymous, on every /api/v1 route but POST /login and POST /access
//	403  the principal's role may never do this, whatever the object
//	404  the role could, but this object is not visible to this principal
//	     (another case, another party's unreleased submission, an ID of
//	     another case in the URL), answered exactly like an absent ID
//
// Each route runs as a subtest on its own scene, its principals as
// sub-subtests in a fixed order, its rows (ways of filling the path) inside
// them. Rows are written so that what one principal changes does not change
// what another is answered. Every route whose path has parameters also gets,
// derived from its first row, one row per parameter naming an ID that does not
// exist (and one writing its ID with a leading zero): there every 2xx of the
// first row becomes 404 and nothing else changes, since 401 and 403 are
// decided before anything is loaded.

// mxWho is a kind of principal of newScene's world.
type mxWho int

const (
	pAnon   mxWho = iota // no session
	pAdmin               // the admin
	pOffice              // the street office reader
	pMed                 // the mediator assigned to case A only
	pOther               // the mediator assigned to case B only
	pA1                  // party A1 of case A
	pA2                  // party A2 of case A
	pB1                  // party B1 of case B
	mxWhoCount
)

var mxWhoNames = [mxWhoCount]string{"anonymous", "admin", "office", "mediator", "unassigned_mediator", "partyA1", "partyA2", "partyB1"}

func (p mxWho) String() string { return mxWhoNames[p] }

// statuses are the expected status for each principal, in the order of mxWho:
// anonymous, admin, office, assigned mediator, unassigned mediator, A1, A2, B1.
type statuses [mxWhoCount]int

func allStatus(status int) statuses {
	var w statuses
	for i := range w {
		w[i] = status
	}
	return w
}

// mxAbsentID is an ID no record has in a scene.
const mxAbsentID = "999999"

// mxRow is one way of calling a route.
type mxRow struct {
	name string
	// at fills the path parameters with symbolic IDs (see mxWorld.id): "A",
	// "B", "A1", "subB1", "otherUser", "absent", ...
	at map[string]string
	// body is what is sent: a valid body, so that the status reflects
	// authorization, not validation. Nil sends none.
	body func(w *mxWorld, p mxWho) any
	want statuses
	// setup runs once on the route's scene before any request.
	setup func(t *testing.T, w *mxWorld)
	// check inspects a 2xx answer (on a page, a 3xx too).
	check func(t *testing.T, w *mxWorld, p mxWho, raw []byte)
	// location is where a page's 303 must send the principal ("*" at the
	// end: any path starting so; a fragment is ignored). Without it the
	// anonymous are sent to /login.
	location func(w *mxWorld, p mxWho) string
	// noCSRF sends a page's form without its CSRF token (the csrf cookie is
	// there): refused with 403, and nothing is written.
	noCSRF bool
	// errorGroup names error answers that differ by design from the ones of
	// the same status elsewhere (an invalid invitation says so): the bodies
	// that must not vary are compared within a group.
	errorGroup string
	// becomes marks rows whose answer describes the principal the request
	// turns the client into (login, access), not the one who sent it.
	becomes bool
	// wholeDatabase marks the backup, whose answer is the database file and
	// so holds every record by design: the scan for hidden text does not
	// apply, and its check verifies the copy instead.
	wholeDatabase bool
}

func fixedBody(v any) func(*mxWorld, mxWho) any { return func(*mxWorld, mxWho) any { return v } }

// The strings newScene stores. Error answers never contain any of them; a
// successful answer contains only those its reader may see.
var (
	titleA, titleB   = "车位纠纷", "噪音纠纷"
	nameA1, nameA2   = "赵明", "钱丽"
	nameB1           = "孙强"
	nameA3, nameB2   = "周华", "吴刚" // parties the invitation setup adds
	privateA1        = []string{"13800138001", "3号楼501", "车位是我买的。"}
	privateA2        = []string{"13900139002", "3号楼302", "前业主借给我用的。"}
	privateB1        = []string{"13700137003", "楼上太吵。"}
	everythingOfA    = slices.Concat([]string{titleA, nameA1, nameA2, nameA3}, privateA1, privateA2)
	everythingOfB    = slices.Concat([]string{titleB, nameB1, nameB2}, privateB1)
	everySceneSecret = slices.Concat(everythingOfA, everythingOfB)
)

// hiddenFrom lists what each principal must never be shown in a successful answer.
var hiddenFrom = [mxWhoCount][]string{
	pAnon:   everySceneSecret,
	pAdmin:  everySceneSecret,
	pOffice: everySceneSecret,
	pMed:    everythingOfB,
	pOther:  everythingOfA,
	pA1:     slices.Concat(privateA2, everythingOfB),
	pA2:     slices.Concat(privateA1, everythingOfB),
	pB1:     everythingOfA,
}

// mxWorld is a scene plus the records a route's setup adds.
type mxWorld struct {
	*scene
	anonymous *client
	extra     map[string]string // symbolic ID → ID of what a setup added
	password  string            // of the account the login setup adds
}

func newMxWorld(t *testing.T) *mxWorld {
	s := newScene(t)
	return &mxWorld{scene: s, anonymous: s.app.client(), extra: map[string]string{}}
}

// mxSnapshot is a scene's database file, copied while nothing wrote to it,
// and its clients: each route's scene is a copy of it. A copy costs
// milliseconds where making a scene costs a second of argon2 and fsyncs, and
// it is the same world: the same records, IDs and sessions.
type mxSnapshot struct {
	from *mxWorld
	file string
}

func (w *mxWorld) snapshot(t *testing.T) *mxSnapshot {
	t.Helper()
	file := filepath.Join(t.TempDir(), "scene.db")
	w.app.DB.FlushReads()
	if err := w.app.DB.Bolt().View(func(tx *bolt.Tx) error { return tx.CopyFile(file, 0o600) }); err != nil {
		t.Fatal(err)
	}
	return &mxSnapshot{from: w, file: file}
}

// world starts a server of its own on a copy of the snapshot's database, with
// clients holding copies of the snapshot's clients' cookies (their sessions).
func (snap *mxSnapshot) world(t *testing.T) *mxWorld {
	t.Helper()
	a := newApp(t)
	a.stop()
	raw, err := os.ReadFile(snap.file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	a.start()
	s := *snap.from.scene
	s.app = a
	for _, c := range []**client{&s.admin, &s.office, &s.mediator, &s.other, &s.a1, &s.a2, &s.b1} {
		from := *c
		*c = a.client()
		(*c).http.Jar.SetCookies(mustParse(t, a.HTTP.URL), from.http.Jar.Cookies(mustParse(t, from.app.HTTP.URL)))
	}
	return &mxWorld{scene: &s, anonymous: a.client(), extra: map[string]string{}}
}

func (w *mxWorld) as(p mxWho) *client {
	return [mxWhoCount]*client{pAnon: w.anonymous, pAdmin: w.admin, pOffice: w.office, pMed: w.mediator, pOther: w.other,
		pA1: w.a1, pA2: w.a2, pB1: w.b1}[p]
}

// id resolves a symbolic ID.
func (w *mxWorld) id(t testing.TB, sym string) string {
	t.Helper()
	id, ok := w.lookup(sym)
	if !ok {
		t.Fatalf("no ID %q in the scene", sym)
	}
	return id
}

func (w *mxWorld) lookup(sym string) (string, bool) {
	if rest, ok := strings.CutPrefix(sym, "0"); ok {
		id, ok := w.lookup(rest)
		return "0" + id, ok
	}
	ids := map[string]string{
		"A": w.caseA, "B": w.caseB,
		"A1": w.partyA1, "A2": w.partyA2, "B1": w.partyB1,
		"subA1": w.subA1, "subA2": w.subA2, "subB1": w.subB1,
		"mediatorUser": w.mediatorUser.ID.String(), "otherUser": w.otherUser.ID.String(),
		"absent": mxAbsentID,
	}
	maps.Copy(ids, w.extra)
	id, ok := ids[sym]
	return id, ok && id != ""
}

// lookupAs is lookup for principal p: a value a setup recorded for p alone,
// under "sym@<principal>", comes first (the invitation rows give each
// principal tokens of its own, so that eight principals' failed attempts stay
// within the rate limits of one).
func (w *mxWorld) lookupAs(sym string, p mxWho) (string, bool) {
	if rest, ok := strings.CutPrefix(sym, "0"); ok {
		id, ok := w.lookupAs(rest, p)
		return "0" + id, ok
	}
	if id, ok := w.extra[sym+"@"+p.String()]; ok && id != "" {
		return id, true
	}
	return w.lookup(sym)
}

// path fills the route's template for principal p.
func (w *mxWorld) path(t testing.TB, template string, at map[string]string, p mxWho) string {
	t.Helper()
	segs := strings.Split(template, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			sym, ok := at[name]
			if !ok {
				t.Fatalf("%s: row does not fill :%s", template, name)
			}
			id, ok := w.lookupAs(sym, p)
			if !ok {
				t.Fatalf("no ID %q in the scene", sym)
			}
			segs[i] = id
		}
	}
	return strings.Join(segs, "/")
}

// addParty adds a party through the API as a case's mediator and records its
// ID under sym.
func (w *mxWorld) addParty(t *testing.T, by *client, caseSym, sym, name string) {
	t.Helper()
	var p partyCreated
	by.mustJSON("POST", "/api/v1/cases/"+w.id(t, caseSym)+"/parties", map[string]string{"name": name,
		"kind": "person", "side": "third_party"}, http.StatusCreated, &p)
	w.extra[sym] = p.ID
}

// addMediator creates a third mediator, zhang, assigned to no case.
func (w *mxWorld) addMediator(t *testing.T) {
	t.Helper()
	u, _ := w.app.user(mediation.RoleMediator, "zhang")
	w.extra["zhang"] = u.ID.String()
}

// mxSend makes one request as c, failing t (not the scene's test) on transport
// errors.
func mxSend(t *testing.T, c *client, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	ct := ""
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r, ct = bytes.NewReader(j), "application/json"
	}
	resp, raw := c.send(t, method, path, r, ct)
	return resp.StatusCode, raw
}

// authzMatrix is the table: "METHOD /path/template" → its rows.
func authzMatrix() map[string][]mxRow {
	const casePath = "/api/v1/cases/:case"
	submission := func(party string) func(w *mxWorld, p mxWho) any {
		return func(w *mxWorld, p mxWho) any {
			in := map[string]string{"kind": "proposal", "body": "建议双方轮流使用。"}
			if p < pA1 { // staff enter it on a party's behalf and must name it
				in["party_id"], _ = w.lookup(party)
			}
			return in
		}
	}
	return map[string][]mxRow{
		// want: anonymous, admin, office, assigned mediator (of A),
		// unassigned mediator (of B only), A1, A2, B1.
		"GET /healthz": {{name: "public", want: allStatus(200)}},
		"GET /readyz":  {{name: "public", want: allStatus(200)}},
		// Counts and timings, no personal data; kept from the public at the
		// network (see showMetrics).
		"GET /metrics": {{name: "public", want: allStatus(200)}},

		// Signing in is open to all; a bad body is refused as such, not as 401.
		// The bad-body row runs first: the valid one turns every client into
		// the account the setup makes.
		"POST /api/v1/login": {
			{name: "empty body", body: fixedBody(map[string]string{}), want: allStatus(422)},
			{name: "valid credentials", want: allStatus(200), becomes: true,
				setup: func(t *testing.T, w *mxWorld) {
					u, password := w.app.user(mediation.RoleMediator, "zhao.login")
					w.extra["login"], w.password = u.ID.String(), password
				},
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"username": "zhao.login", "password": w.password}
				},
				check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					var out struct {
						User struct {
							ID string `json:"id"`
						} `json:"user"`
					}
					mxDecode(t, raw, &out)
					if out.User.ID != w.id(t, "login") {
						t.Errorf("signed in as %q, want zhao.login", out.User.ID)
					}
				}},
		},
		"POST /api/v1/logout": {{name: "own session", want: statuses{401, 204, 204, 204, 204, 204, 204, 204}}},
		"POST /api/v1/access": {
			{name: "empty body", body: fixedBody(map[string]string{}), want: allStatus(422)},
			{name: "token of A1", body: func(w *mxWorld, _ mxWho) any { return map[string]string{"token": w.tokenA1} },
				want: allStatus(200), becomes: true,
				check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					var out struct {
						Party struct {
							ID string `json:"id"`
						} `json:"party"`
						Case struct {
							ID string `json:"id"`
						} `json:"case"`
					}
					mxDecode(t, raw, &out)
					if out.Party.ID != w.partyA1 || out.Case.ID != w.caseA {
						t.Errorf("access answered party %q case %q, want A1 of A", out.Party.ID, out.Case.ID)
					}
				}},
		},
		"GET /api/v1/me": {{name: "self", want: statuses{401, 200, 200, 200, 200, 200, 200, 200},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				var out struct {
					Kind  string `json:"kind"`
					Party struct {
						ID string `json:"id"`
					} `json:"party"`
				}
				mxDecode(t, raw, &out)
				own := map[mxWho]string{pA1: w.partyA1, pA2: w.partyA2, pB1: w.partyB1}[p]
				if own != "" && (out.Kind != "party" || out.Party.ID != own) {
					t.Errorf("me: %s", raw)
				}
				if own == "" && out.Kind != "staff" {
					t.Errorf("me: %s", raw)
				}
			}}},
		"GET /api/v1/meta": {{name: "forms", want: statuses{401, 200, 200, 200, 200, 200, 200, 200}}},

		"POST /api/v1/users": {{name: "new mediator",
			body: func(_ *mxWorld, p mxWho) any {
				return map[string]string{"username": fmt.Sprintf("zhou.%d", p), "display_name": "周调解",
					"role": "mediator", "password": "一个足够长的口令"}
			},
			want: statuses{401, 201, 403, 403, 403, 403, 403, 403}}},
		"GET /api/v1/users": {{name: "all accounts", want: statuses{401, 200, 403, 403, 403, 403, 403, 403},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				items := mxItems(t, raw)
				if len(items) != 4 {
					t.Errorf("%d users, want 4", len(items))
				}
				if strings.Contains(strings.ToLower(string(raw)), "hash") || strings.Contains(string(raw), "pw-") {
					t.Errorf("user list shows secrets: %s", raw)
				}
			}}},

		"POST /api/v1/cases": {{name: "new case",
			body: fixedBody(map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
				"community": "heping-li", "source": "party_application"}),
			want: statuses{401, 403, 403, 201, 201, 403, 403, 403}}},
		"GET /api/v1/cases": {{name: "visible cases", want: statuses{401, 200, 403, 200, 200, 200, 200, 200},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				items := mxItems(t, raw)
				w.sameIDs(t, items, map[mxWho][]string{pAdmin: {"A", "B"}, pMed: {"A"}, pOther: {"B"},
					pA1: {"A"}, pA2: {"A"}, pB1: {"B"}}[p]...)
				for _, it := range items {
					checkCaseView(t, it, mxCaseView[p])
				}
			}}},

		"GET " + casePath: {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 200, 403, 200, 404, 200, 200, 404}, check: caseCheck("A")},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 200, 403, 404, 200, 404, 404, 200}, check: caseCheck("B")},
		},
		"PATCH " + casePath: {
			{name: "case A", at: map[string]string{"case": "A"}, body: fixedBody(map[string]string{"summary": "约定周三面谈"}),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"}, body: fixedBody(map[string]string{"summary": "约定周三面谈"}),
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},
		"POST " + casePath + "/transitions": {
			{name: "case A", at: map[string]string{"case": "A"}, body: fixedBody(map[string]string{"to": "mediating"}),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"}, body: fixedBody(map[string]string{"to": "mediating"}),
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},
		// Assigning zhang twice changes nothing the second time, so the admin
		// and the assigned mediator both succeed whatever the order.
		"POST " + casePath + "/mediators": {
			{name: "case A", at: map[string]string{"case": "A"},
				setup: func(t *testing.T, w *mxWorld) { w.addMediator(t) },
				body:  func(w *mxWorld, _ mxWho) any { return map[string]string{"user_id": w.extra["zhang"]} },
				want:  statuses{401, 200, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				body: func(w *mxWorld, _ mxWho) any { return map[string]string{"user_id": w.extra["zhang"]} },
				want: statuses{401, 200, 403, 404, 200, 403, 403, 403}},
		},
		// zhang is added to case A as a second mediator, so that removing him
		// is allowed; only the admin may.
		"DELETE " + casePath + "/mediators/:user": {
			{name: "second mediator of A", at: map[string]string{"case": "A", "user": "zhang"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addMediator(t)
					w.admin.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/mediators",
						map[string]string{"user_id": w.extra["zhang"]}, http.StatusOK, nil)
				},
				body: fixedBody(map[string]string{"reason": "当事人申请回避"}),
				want: statuses{401, 200, 403, 403, 403, 403, 403, 403}},
			{name: "mediator of another case", at: map[string]string{"case": "A", "user": "otherUser"},
				body: fixedBody(map[string]string{"reason": "当事人申请回避"}),
				want: statuses{401, 404, 403, 403, 403, 403, 403, 403}},
		},

		"POST " + casePath + "/parties": {
			{name: "case A", at: map[string]string{"case": "A"},
				body: fixedBody(map[string]string{"name": "何新", "kind": "person", "side": "third_party"}),
				want: statuses{401, 403, 403, 201, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				body: fixedBody(map[string]string{"name": "何新", "kind": "person", "side": "third_party"}),
				want: statuses{401, 403, 403, 404, 201, 403, 403, 403}},
		},
		"GET " + casePath + "/parties": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: partiesCheck("A")},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: partiesCheck("B")},
		},
		// A new invitation ends the sessions of its party, so the rows invite
		// parties (A3, B2) that are none of the principals.
		"POST " + casePath + "/parties/:party/invitation": {
			{name: "party A3 of A", at: map[string]string{"case": "A", "party": "A3"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addParty(t, w.mediator, "A", "A3", nameA3)
					w.addParty(t, w.other, "B", "B2", nameB2)
				},
				want: statuses{401, 403, 403, 201, 404, 403, 403, 403}},
			{name: "party B2 of B", at: map[string]string{"case": "B", "party": "B2"},
				want: statuses{401, 403, 403, 404, 201, 403, 403, 403}},
			{name: "party B2 under case A", at: map[string]string{"case": "A", "party": "B2"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			{name: "party A3 under case B", at: map[string]string{"case": "B", "party": "A3"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},

		"POST " + casePath + "/submissions": {
			{name: "case A", at: map[string]string{"case": "A"}, body: submission("A1"),
				want: statuses{401, 403, 403, 201, 404, 201, 201, 404}},
			{name: "case B", at: map[string]string{"case": "B"}, body: submission("B1"),
				want: statuses{401, 403, 403, 404, 201, 404, 404, 201}},
			{name: "case A, author of case B",
				at: map[string]string{"case": "A"},
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"party_id": w.partyB1, "kind": "proposal", "body": "建议双方轮流使用。"}
				},
				want: statuses{401, 403, 403, 422, 404, 422, 422, 404}},
		},
		"GET " + casePath + "/submissions": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: submissionsCheck},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: submissionsCheck},
		},
		"GET " + casePath + "/submissions/:submission": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"},
				want: statuses{401, 403, 403, 200, 404, 200, 404, 404}, check: sameSubmission("subA1")},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"},
				want: statuses{401, 403, 403, 200, 404, 404, 200, 404}, check: sameSubmission("subA2")},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: sameSubmission("subB1")},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
		},
		// Releasing is idempotent and released submissions stay the
		// author's, so the rows do not disturb one another.
		"POST " + casePath + "/submissions/:submission/release": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"},
				want: statuses{401, 403, 403, 403, 403, 200, 404, 404}, check: sameSubmission("subA1")},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"},
				want: statuses{401, 403, 403, 403, 403, 404, 200, 404}, check: sameSubmission("subA2")},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 200}, check: sameSubmission("subB1")},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
		},

		"GET " + casePath + "/audit": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},

		"GET /api/v1/admin/backup": {{name: "hot copy", want: statuses{401, 200, 403, 403, 403, 403, 403, 403},
			wholeDatabase: true, check: backupCheck}},
	}
}

// withAbsent adds, for a route with path parameters, two rows per parameter,
// derived from the route's first row: one naming an ID no record has, one
// writing the first row's ID with a leading zero (which is no ID). On a page a
// signed-in principal's 303 is a success too (post-redirect-get), and becomes
// 404 likewise; the anonymous' 303 is the way to the sign-in page, decided
// before anything is loaded, and stays.
func withAbsent(route string, rows []mxRow) []mxRow {
	if len(rows) == 0 || len(rows[0].at) == 0 {
		return rows
	}
	first := rows[0]
	for _, name := range slices.Sorted(maps.Keys(first.at)) {
		for _, v := range []struct{ label, sym string }{
			{"absent " + name, "absent"},
			// The first row's own ID written with a leading zero: not an ID.
			{"zero-padded " + name, "0" + first.at[name]},
		} {
			r := first
			r.name = v.label
			r.at = maps.Clone(first.at)
			r.at[name] = v.sym
			r.setup, r.check, r.location = nil, nil, nil
			for i, s := range r.want {
				if s >= 200 && s < 300 || s == http.StatusSeeOther && mxWho(i) != pAnon {
					r.want[i] = http.StatusNotFound
				}
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// mxAnswer is one response of the matrix, kept for the checks across it.
type mxAnswer struct {
	where  string
	status int
	body   []byte
	// page marks an HTML answer, whose <main> is what the checks across the
	// matrix compare (the header names the signed-in reader, and every page
	// carries its own CSRF token).
	page  bool
	group string // the row's errorGroup
}

type mxAnswers struct {
	mu  sync.Mutex
	all []mxAnswer
}

func (a *mxAnswers) add(x mxAnswer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.all = append(a.all, x)
}

func TestMatrix(t *testing.T) {
	table := authzMatrix()
	maps.Copy(table, pageMatrix())

	// The table and the router must list the same routes.
	ref := newMxWorld(t)
	snap := ref.snapshot(t)
	registered := ref.app.Server.Routes()
	for _, r := range registered {
		if len(table[r]) == 0 {
			t.Errorf("route %q is registered but has no rows in the matrix", r)
		}
	}
	for r := range table {
		if !slices.Contains(registered, r) {
			t.Errorf("the matrix has route %q, which the router does not register", r)
		}
	}

	// The answer for an ID that does not exist at all, which every 404 must
	// repeat byte for byte.
	status, notFound := mxSend(t, ref.mediator, "GET", "/api/v1/cases/"+mxAbsentID, nil)
	if status != http.StatusNotFound {
		t.Fatalf("reference 404: got %d: %s", status, notFound)
	}
	if e := errorOf(t, notFound); e.Code != mediation.ENOTFOUND {
		t.Fatalf("reference 404: %s", notFound)
	}
	// The page for an ID that does not exist, whose title and <main> every
	// 404 page must repeat.
	status, _, notFoundPage := mxSendPage(t, ref.mediator, "GET", "/cases/"+mxAbsentID, nil)
	if status != http.StatusNotFound {
		t.Fatalf("reference 404 page: got %d: %s", status, notFoundPage)
	}

	// The page GETs change nothing any principal is answered, so they share
	// ref's scene (a scene costs a second): their setups run here, before the
	// routes run side by side.
	for _, route := range slices.Sorted(maps.Keys(table)) {
		if mxSharedScene[route] {
			mxSetup(t, ref, table[route])
		}
	}

	var got mxAnswers
	cells := 0
	t.Run("routes", func(t *testing.T) {
		for _, route := range slices.Sorted(maps.Keys(table)) {
			rows := withAbsent(route, table[route])
			cells += len(rows) * int(mxWhoCount)
			t.Run(route, func(t *testing.T) {
				t.Parallel()
				w := ref
				if !mxSharedScene[route] {
					w = snap.world(t)
					mxSetup(t, w, rows)
				}
				runMatrixRoute(t, w, route, rows, &got)
			})
		}
	})
	t.Logf("%d routes, %d rows × %d principals = %d requests", len(table), cells/int(mxWhoCount), mxWhoCount, cells)

	t.Run("every 404 looks like an absent ID", func(t *testing.T) {
		n := 0
		for _, a := range got.all {
			if a.status != http.StatusNotFound {
				continue
			}
			n++
			if a.page {
				if have, want := mxPageFace(t, a.body), mxPageFace(t, notFoundPage); have != want {
					t.Errorf("%s: 404 page differs from the one for an absent ID:\n got %s\nwant %s", a.where, have, want)
				}
				continue
			}
			if !bytes.Equal(a.body, notFound) {
				t.Errorf("%s: 404 body differs from the one for an absent ID:\n got %s\nwant %s", a.where, a.body, notFound)
			}
		}
		if n == 0 {
			t.Error("no 404 in the matrix")
		}
	})
	t.Run("401 and 403 bodies do not vary", func(t *testing.T) {
		type kind struct {
			status int
			page   bool
			group  string
		}
		first := map[kind]mxAnswer{}
		for _, a := range got.all {
			if a.status != http.StatusUnauthorized && a.status != http.StatusForbidden {
				continue
			}
			k := kind{a.status, a.page, a.group}
			f, ok := first[k]
			if !ok {
				first[k] = a
				continue
			}
			if a.page {
				if have, want := mxPageFace(t, a.body), mxPageFace(t, f.body); have != want {
					t.Errorf("%s: %d page %s differs from %s's %s", a.where, a.status, have, f.where, want)
				}
				continue
			}
			if !bytes.Equal(a.body, f.body) {
				t.Errorf("%s: %d body %s differs from %s's %s", a.where, a.status, a.body, f.where, f.body)
			}
		}
	})
	t.Run("no error body names a party or quotes a submission", func(t *testing.T) {
		for _, a := range got.all {
			if a.status < 400 {
				continue
			}
			body := a.body
			if a.page {
				// A form shown again (422, 409) is the page its reader may
				// see, checked against what it may not where it is answered;
				// an error page names no one in its <main> (its header names
				// the signed-in reader).
				if a.status == http.StatusUnprocessableEntity || a.status == http.StatusConflict {
					continue
				}
				body = []byte(pageMain(t, a.body))
			}
			for _, s := range everySceneSecret {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("%s: %d body contains %q: %s", a.where, a.status, s, body)
				}
			}
		}
	})
}

// mxSetup runs a route's setups on the scene it runs on.
func mxSetup(t *testing.T, w *mxWorld, rows []mxRow) {
	for _, r := range rows {
		if r.setup != nil {
			r.setup(t, w)
		}
	}
}

// runMatrixRoute runs every row of one route for every principal on its scene.
// Rows that turn the client into another principal run last.
func runMatrixRoute(t *testing.T, w *mxWorld, route string, rows []mxRow, got *mxAnswers) {
	method, template, _ := strings.Cut(route, " ")
	rows = slices.Concat(slices.DeleteFunc(slices.Clone(rows), func(r mxRow) bool { return r.becomes }),
		slices.DeleteFunc(slices.Clone(rows), func(r mxRow) bool { return !r.becomes }))
	for p := range mxWhoCount {
		t.Run(p.String(), func(t *testing.T) {
			for _, r := range rows {
				t.Run(r.name, func(t *testing.T) {
					path := w.path(t, template, r.at, p)
					var b any
					if r.body != nil {
						b = r.body(w, p)
					}
					where := fmt.Sprintf("%s %s [%s] as %s", method, path, r.name, p)
					if mxIsPage(template) {
						runPageCell(t, w, p, r, method, path, where, b, got)
						return
					}
					status, raw := mxSend(t, w.as(p), method, path, b)
					got.add(mxAnswer{where: where, status: status, body: raw})
					if status != r.want[p] {
						t.Errorf("%s: got %d, want %d: %s", where, status, r.want[p], raw)
						return
					}
					if status >= 400 {
						checkErrorShape(t, status, raw)
						return
					}
					if !r.becomes && !r.wholeDatabase {
						for _, s := range hiddenFrom[p] {
							if bytes.Contains(raw, []byte(s)) {
								t.Errorf("%s: answer shows %q to %s: %s", where, s, p, raw)
							}
						}
					}
					if r.check != nil {
						r.check(t, w, p, raw)
					}
				})
			}
		})
	}
}

// checkErrorShape checks that an error answer carries the code of its status.
func checkErrorShape(t *testing.T, status int, raw []byte) {
	t.Helper()
	codes := map[int]string{401: mediation.EUNAUTHORIZED, 403: mediation.EFORBIDDEN, 404: mediation.ENOTFOUND,
		422: mediation.EINVALID}
	e := errorOf(t, raw)
	if want, ok := codes[status]; ok && e.Code != want {
		t.Errorf("status %d with code %q, want %q", status, e.Code, want)
	}
}

func mxDecode(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func mxItems(t *testing.T, raw []byte) []map[string]any {
	t.Helper()
	var l listOf[map[string]any]
	mxDecode(t, raw, &l)
	return l.Items
}

// sameIDs checks that the items are exactly the records named.
func (w *mxWorld) sameIDs(t *testing.T, items []map[string]any, syms ...string) {
	t.Helper()
	var got, want []string
	for _, it := range items {
		id, _ := it["id"].(string)
		got = append(got, id)
	}
	for _, s := range syms {
		want = append(want, w.id(t, s))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("items %v, want %v (%v)", got, want, syms)
	}
}

// mxCaseView is the view of a case each principal gets when it sees one.
var mxCaseView = [mxWhoCount]string{pAdmin: "meta", pMed: "full", pOther: "full", pA1: "overview", pA2: "overview", pB1: "overview"}

func checkCaseView(t *testing.T, c map[string]any, view string) {
	t.Helper()
	if c["view"] != view {
		t.Errorf("case %v has view %v, want %s", c["id"], c["view"], view)
	}
	_, hasTitle := c["title"]
	_, hasSummary := c["summary"]
	switch view {
	case "meta":
		if hasTitle || hasSummary {
			t.Errorf("meta view of case %v has content: %v", c["id"], c)
		}
	case "overview":
		if !hasTitle || hasSummary {
			t.Errorf("overview of case %v: %v", c["id"], c)
		}
	case "full":
		if !hasTitle || !hasSummary {
			t.Errorf("full view of case %v: %v", c["id"], c)
		}
	}
}

func caseCheck(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var c map[string]any
		mxDecode(t, raw, &c)
		if c["id"] != w.id(t, sym) {
			t.Errorf("case %v, want %s", c["id"], sym)
		}
		checkCaseView(t, c, mxCaseView[p])
	}
}

// partiesCheck: the mediators see every record whole; a party sees its own
// record whole and the others' names and sides, never their contact details.
func partiesCheck(caseSym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		items := mxItems(t, raw)
		members := map[string][]string{"A": {"A1", "A2"}, "B": {"B1"}}[caseSym]
		w.sameIDs(t, items, members...)
		own := map[mxWho]string{pA1: w.partyA1, pA2: w.partyA2, pB1: w.partyB1}[p]
		for _, it := range items {
			_, phone := it["phone"]
			_, address := it["address"]
			full := p == pMed || p == pOther || it["id"] == own
			if full && (!phone || it["view"] != "full") {
				t.Errorf("%s should see party %v whole: %v", p, it["id"], it)
			}
			if !full && (phone || address || it["view"] != "public") {
				t.Errorf("%s sees another party's contact details: %v", p, it)
			}
			if it["name"] == nil || it["side"] == nil {
				t.Errorf("%s does not see party %v's name and side: %v", p, it["id"], it)
			}
		}
	}
}

// submissionsCheck: the mediators see every submission of their case, a
// party its own only (none is released here).
func submissionsCheck(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	w.sameIDs(t, mxItems(t, raw), map[mxWho][]string{pMed: {"subA1", "subA2"}, pOther: {"subB1"},
		pA1: {"subA1"}, pA2: {"subA2"}, pB1: {"subB1"}}[p]...)
}

func sameSubmission(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		var s submissionJSON
		mxDecode(t, raw, &s)
		if s.ID != w.id(t, sym) {
			t.Errorf("answered submission %s, want %s", s.ID, sym)
		}
	}
}

// TestMatrixNotFoundLooksAbsent compares, for a few objects that exist but
// are hidden from the principal, the answer with the one for the same path
// naming an ID that does not exist: same status, same bytes.
func TestMatrixNotFoundLooksAbsent(t *testing.T) {
	w := newMxWorld(t)
	for _, c := range []struct {
		p              mxWho
		method         string
		hidden, absent string
		body           any
	}{
		{pOther, "GET", "/cases/A", "/cases/absent", nil},
		{pB1, "GET", "/cases/A", "/cases/absent", nil},
		{pOther, "PATCH", "/cases/A", "/cases/absent", map[string]string{"summary": "x"}},
		{pB1, "GET", "/cases/A/parties", "/cases/absent/parties", nil},
		{pOther, "GET", "/cases/A/submissions", "/cases/absent/submissions", nil},
		{pA2, "GET", "/cases/A/submissions/subA1", "/cases/A/submissions/absent", nil},
		{pB1, "GET", "/cases/A/submissions/subB1", "/cases/A/submissions/absent", nil},
		{pA2, "POST", "/cases/A/submissions/subA1/release", "/cases/A/submissions/absent/release", nil},
		{pOther, "POST", "/cases/A/parties/A1/invitation", "/cases/A/parties/absent/invitation", nil},
		{pOther, "GET", "/cases/A/audit", "/cases/absent/audit", nil},
		{pB1, "POST", "/cases/A/submissions", "/cases/absent/submissions", map[string]string{"kind": "position", "body": "x"}},
	} {
		fill := func(path string) string {
			segs := strings.Split(path, "/")
			for i, s := range segs {
				if id, ok := w.lookup(s); ok {
					segs[i] = id
				}
			}
			return "/api/v1" + strings.Join(segs, "/")
		}
		hs, hb := mxSend(t, w.as(c.p), c.method, fill(c.hidden), c.body)
		as, ab := mxSend(t, w.as(c.p), c.method, fill(c.absent), c.body)
		if hs != http.StatusNotFound || as != http.StatusNotFound || !bytes.Equal(hb, ab) {
			t.Errorf("%s %s as %s: hidden %d %s, absent %d %s", c.method, c.hidden, c.p, hs, hb, as, ab)
		}
	}
}

// The pages: the same routes without /api/v1, server-rendered.

// pageMatrix is the table of the HTML pages. A page that needs a session
// sends the anonymous to sign in (303 to /login) when they GET it and answers
// 401 when they post its form; a role that may never do a thing gets the 403
// page; an object not visible to the principal the 404 page, exactly as for an
// ID that does not exist; a form with something to mend is shown again (422);
// a success is the page (200) or, after a form, a redirect to what it changed
// (303, post-redirect-get). Every form is sent form-encoded with the token of
// the client's csrf cookie, except in the rows "without CSRF token", which
// must be refused (403) and write nothing.
func pageMatrix() map[string][]mxRow {
	caseA, caseB := map[string]string{"case": "A"}, map[string]string{"case": "B"}
	withoutToken := func(at map[string]string, body func(*mxWorld, mxWho) any) mxRow {
		return mxRow{name: "without CSRF token", at: at, body: body, noCSRF: true, want: allStatus(403),
			errorGroup: "csrf"}
	}
	submission := func(party string) func(w *mxWorld, p mxWho) any {
		return func(w *mxWorld, p mxWho) any {
			in := map[string]string{"kind": "proposal", "body": "建议双方轮流使用。"}
			if p < pA1 { // staff enter it on a party's behalf and must name it
				in["party_id"], _ = w.lookup(party)
			}
			return in
		}
	}
	newCase := fixedBody(map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
		"community": "heping-li", "source": "party_application"})
	newParty := fixedBody(map[string]string{"name": "何新", "kind": "person", "side": "third_party"})
	newUser := func(_ *mxWorld, p mxWho) any {
		return map[string]string{"username": fmt.Sprintf("zhou.%d", p), "display_name": "周调解",
			"role": "mediator", "password": "一个足够长的口令"}
	}
	zhang := func(w *mxWorld, _ mxWho) any { return map[string]string{"user_id": w.extra["zhang"]} }
	recusal := fixedBody(map[string]string{"reason": "当事人申请回避"})
	toMediating := fixedBody(map[string]string{"to": "mediating"})
	login := func(w *mxWorld, _ mxWho) any {
		return map[string]string{"username": "zhao.login", "password": w.password}
	}
	return map[string][]mxRow{
		// want: anonymous, admin, office, assigned mediator (of A),
		// unassigned mediator (of B only), A1, A2, B1.
		"GET /static/:file": {{name: "stylesheet", at: map[string]string{"file": "css"}, want: allStatus(200),
			setup: func(t *testing.T, w *mxWorld) { w.extra["css"] = mxStylesheet(t, w) },
			check: func(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
				if !bytes.Contains(raw, []byte("{")) {
					t.Errorf("the stylesheet is no CSS: %.200s", raw)
				}
			}}},
		"GET /":     {{name: "home", want: allStatus(303), location: mxHome}},
		"GET /lang": {{name: "default language", want: allStatus(303), location: mxTo("/")}},

		"GET /login": {{name: "sign-in form", want: statuses{200, 303, 303, 303, 303, 303, 303, 303},
			location: mxTo("/")}},
		// The valid row runs last: it turns every client into zhao.login.
		"POST /login": {
			withoutToken(nil, login),
			{name: "empty form", body: fixedBody(map[string]string{}), want: allStatus(422)},
			{name: "valid credentials", want: allStatus(303), location: mxTo("/"), becomes: true,
				setup: func(t *testing.T, w *mxWorld) {
					u, password := w.app.user(mediation.RoleMediator, "zhao.login")
					w.extra["login"], w.password = u.ID.String(), password
				},
				body: login,
				check: func(t *testing.T, w *mxWorld, p mxWho, _ []byte) {
					if id := mxWhoAmI(t, w.as(p)); id != "user:"+w.id(t, "login") {
						t.Errorf("signed in as %q, want zhao.login", id)
					}
				}},
		},
		// Signing out without a session does nothing and shows the sign-in
		// page, as signing out does.
		"POST /logout": {
			withoutToken(nil, nil),
			{name: "own session", want: allStatus(303), location: mxTo("/login"),
				check: func(t *testing.T, w *mxWorld, p mxWho, _ []byte) {
					if id := mxWhoAmI(t, w.as(p)); id != "" {
						t.Errorf("still signed in as %s", id)
					}
				}},
		},
		// An invitation link opens a page with a button, for anyone: reading
		// it redeems nothing. The button (a form with its CSRF token) signs
		// in as the token's party and goes to its case; an unknown or
		// replaced token is refused (401); staff are refused (403), so that a
		// link never swaps a staff session for a party's. Each principal
		// tries tokens of its own from an address of its own (see
		// mxInvitationSetup).
		"GET /a/:token": {
			{name: "landing", at: map[string]string{"token": "unknown"}, want: allStatus(200),
				setup: mxInvitationSetup},
		},
		"POST /a/:token": {
			withoutToken(map[string]string{"token": "tokenA1"}, nil),
			{name: "unknown token", at: map[string]string{"token": "unknown"},
				want: statuses{401, 403, 403, 403, 403, 401, 401, 401}, errorGroup: "invitation",
				setup: mxInvitationSetup},
			{name: "replaced token", at: map[string]string{"token": "replaced"},
				want: statuses{401, 403, 403, 403, 403, 401, 401, 401}, errorGroup: "invitation"},
			{name: "token of A1", at: map[string]string{"token": "tokenA1"},
				want: statuses{303, 403, 403, 403, 403, 303, 303, 303}, becomes: true, errorGroup: "invitation",
				location: mxToCase("A"),
				check: func(t *testing.T, w *mxWorld, p mxWho, _ []byte) {
					if id := mxWhoAmI(t, w.as(p)); id != "party:"+w.partyA1 {
						t.Errorf("signed in as %q, want party A1", id)
					}
				}},
		},
		"GET /office": {{name: "start page", want: statuses{303, 200, 200, 403, 403, 403, 403, 403}}},

		"GET /cases": {{name: "visible cases", want: statuses{303, 200, 403, 200, 200, 303, 303, 303},
			location: mxHome, check: mxOnPage(casesPageCheck)}},
		"GET /cases/new": {{name: "form", want: statuses{303, 403, 403, 200, 200, 403, 403, 403}}},
		"POST /cases/new": {
			{name: "new case", body: newCase, want: statuses{401, 403, 403, 303, 303, 403, 403, 403},
				location: mxTo("/cases/*")},
			{name: "empty title", body: fixedBody(map[string]string{"title": "", "category": "leak_renovation",
				"community": "heping-li", "source": "party_application"}),
				want: statuses{401, 403, 403, 422, 422, 403, 403, 403}},
			withoutToken(nil, newCase),
		},
		"GET /cases/:case": {
			{name: "case A", at: caseA, want: statuses{303, 200, 403, 200, 404, 200, 200, 404},
				check: mxOnPage(casePageCheck("A"))},
			{name: "case B", at: caseB, want: statuses{303, 200, 403, 404, 200, 404, 404, 200},
				check: mxOnPage(casePageCheck("B"))},
		},
		"POST /cases/:case/transitions": {
			{name: "case A", at: caseA, body: toMediating, location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "case B", at: caseB, body: toMediating, location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			withoutToken(caseA, toMediating),
		},
		"POST /cases/:case/mediators": {
			{name: "case A", at: caseA, setup: func(t *testing.T, w *mxWorld) { w.addMediator(t) },
				body: zhang, location: mxToCase("A"), want: statuses{401, 303, 403, 303, 404, 403, 403, 403}},
			{name: "case B", at: caseB, body: zhang, location: mxToCase("B"),
				want: statuses{401, 303, 403, 404, 303, 403, 403, 403}},
			withoutToken(caseA, zhang),
		},
		"POST /cases/:case/mediators/:user/remove": {
			{name: "second mediator of A", at: map[string]string{"case": "A", "user": "zhang"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addMediator(t)
					w.admin.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/mediators",
						map[string]string{"user_id": w.extra["zhang"]}, http.StatusOK, nil)
				},
				body: recusal, location: mxToCase("A"), want: statuses{401, 303, 403, 403, 403, 403, 403, 403}},
			{name: "mediator of another case", at: map[string]string{"case": "A", "user": "otherUser"},
				body: recusal, want: statuses{401, 404, 403, 403, 403, 403, 403, 403}},
			withoutToken(map[string]string{"case": "A", "user": "zhang"}, recusal),
		},

		"GET /cases/:case/parties/new": {
			{name: "case A", at: caseA, want: statuses{303, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: caseB, want: statuses{303, 403, 403, 404, 200, 403, 403, 403}},
		},
		// Adding a party shows its invitation at once (the token exists only
		// in that answer), so it does not redirect.
		"POST /cases/:case/parties/new": {
			{name: "case A", at: caseA, body: newParty, want: statuses{401, 403, 403, 200, 404, 403, 403, 403},
				check: invitationPageCheck},
			{name: "case B", at: caseB, body: newParty, want: statuses{401, 403, 403, 404, 200, 403, 403, 403},
				check: invitationPageCheck},
			withoutToken(caseA, newParty),
		},
		// A new invitation ends the sessions of its party, so the rows invite
		// parties (A3, B2) that are none of the principals.
		"POST /cases/:case/parties/:party/invitation": {
			{name: "party A3 of A", at: map[string]string{"case": "A", "party": "A3"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addParty(t, w.mediator, "A", "A3", nameA3)
					w.addParty(t, w.other, "B", "B2", nameB2)
				},
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}, check: invitationPageCheck},
			{name: "party B2 of B", at: map[string]string{"case": "B", "party": "B2"},
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}, check: invitationPageCheck},
			{name: "party B2 under case A", at: map[string]string{"case": "A", "party": "B2"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			{name: "party A3 under case B", at: map[string]string{"case": "B", "party": "A3"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			withoutToken(map[string]string{"case": "A", "party": "A3"}, nil),
		},

		"POST /cases/:case/submissions": {
			{name: "case A", at: caseA, body: submission("A1"), location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 303, 303, 404}},
			{name: "case B", at: caseB, body: submission("B1"), location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 404, 404, 303}},
			{name: "case A, author of case B", at: caseA,
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"party_id": w.partyB1, "kind": "proposal", "body": "建议双方轮流使用。"}
				},
				want: statuses{401, 403, 403, 422, 404, 422, 422, 404}},
			withoutToken(caseA, submission("A1")),
		},
		"GET /cases/:case/submissions/:submission/release": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"},
				want: statuses{303, 403, 403, 403, 403, 200, 404, 404}, check: mxOnPage(releasePageCheck)},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"},
				want: statuses{303, 403, 403, 403, 403, 404, 200, 404}, check: mxOnPage(releasePageCheck)},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"},
				want: statuses{303, 403, 403, 403, 403, 404, 404, 200}, check: mxOnPage(releasePageCheck)},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{303, 403, 403, 403, 403, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{303, 403, 403, 403, 403, 404, 404, 404}},
		},
		// Releasing is idempotent, so the rows do not disturb one another.
		"POST /cases/:case/submissions/:submission/release": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"}, location: mxToCase("A"),
				want: statuses{401, 403, 403, 403, 403, 303, 404, 404}},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"}, location: mxToCase("A"),
				want: statuses{401, 403, 403, 403, 403, 404, 303, 404}},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"}, location: mxToCase("B"),
				want: statuses{401, 403, 403, 403, 403, 404, 404, 303}},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
			withoutToken(map[string]string{"case": "A", "submission": "subA1"}, nil),
		},

		"GET /admin/users": {{name: "accounts", want: statuses{303, 200, 403, 403, 403, 403, 403, 403}}},
		"POST /admin/users": {
			{name: "new mediator", body: newUser, location: mxTo("/admin/users"),
				want: statuses{401, 303, 403, 403, 403, 403, 403, 403}},
			withoutToken(nil, newUser),
		},
	}
}

// mxSharedScene are the page routes that only read: they run on one scene.
// GET /lang without ?to= chooses the default language, so it changes nothing
// either.
var mxSharedScene = map[string]bool{
	"GET /static/:file": true, "GET /": true, "GET /lang": true, "GET /login": true, "GET /office": true,
	"GET /cases": true, "GET /cases/new": true, "GET /cases/:case": true, "GET /cases/:case/parties/new": true,
	"GET /cases/:case/submissions/:submission/release": true, "GET /admin/users": true,
}

// mxPageFace is what an error page says to anyone: its title and its <main>
// (its header names the reader; its forms carry the reader's CSRF token).
func mxPageFace(t testing.TB, raw []byte) string {
	return squashSpace(pageDoc(t, raw).Find("head title").Text()) + " | " + pageMain(t, raw)
}

// mxIsPage says whether a route answers HTML (as the server's isPage does).
func mxIsPage(template string) bool {
	return !strings.HasPrefix(template, "/api/") && !slices.Contains([]string{"/healthz", "/readyz", "/metrics"}, template)
}

// mxCaseOf is each party's case.
var mxCaseOf = map[mxWho]string{pA1: "A", pA2: "A", pB1: "B"}

func mxTo(path string) func(*mxWorld, mxWho) string {
	return func(*mxWorld, mxWho) string { return path }
}

func mxToCase(sym string) func(*mxWorld, mxWho) string {
	return func(w *mxWorld, _ mxWho) string { id, _ := w.lookup(sym); return "/cases/" + id }
}

// mxHome is where / (and /cases, for whom it is not the page) sends each
// principal: the anonymous to sign in, a party to its case, the office to its
// page, the other staff to the cases.
func mxHome(w *mxWorld, p mxWho) string {
	switch p {
	case pAnon:
		return "/login"
	case pOffice:
		return "/office"
	case pA1, pA2, pB1:
		id, _ := w.lookup(mxCaseOf[p])
		return "/cases/" + id
	}
	return "/cases"
}

// mxSendPage makes one request as c for a page: a form is sent form-encoded.
func mxSendPage(t *testing.T, c *client, method, path string, form url.Values) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if method == http.MethodPost {
		r = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.app.HTTP.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, raw
}

// mxCSRF is the value of c's csrf cookie, which the forms repeat. A client
// without one gets it as a browser does, from a page: the sign-in page, or
// for the signed in (whom it redirects) an error page.
func mxCSRF(t *testing.T, c *client) string {
	t.Helper()
	u := mustParse(t, c.app.HTTP.URL)
	find := func() string {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "csrf" {
				return ck.Value
			}
		}
		return ""
	}
	for _, path := range []string{"", "/login", "/cases/" + mxAbsentID} {
		if path != "" {
			mxSendPage(t, c, http.MethodGet, path, nil)
		}
		if v := find(); v != "" {
			return v
		}
	}
	t.Fatal("no page set the csrf cookie")
	return ""
}

// mxWhoAmI names the session c now holds ("user:7", "party:19"), or "" for
// none.
func mxWhoAmI(t *testing.T, c *client) string {
	t.Helper()
	status, raw := mxSend(t, c, http.MethodGet, "/api/v1/me", nil)
	if status == http.StatusUnauthorized {
		return ""
	}
	var me struct {
		Kind string `json:"kind"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Party struct {
			ID string `json:"id"`
		} `json:"party"`
	}
	mxDecode(t, raw, &me)
	if me.Kind == "party" {
		return "party:" + me.Party.ID
	}
	return "user:" + me.User.ID
}

// mxStylesheet finds the stylesheet's hashed name in a page's <link>.
func mxStylesheet(t *testing.T, w *mxWorld) string {
	t.Helper()
	status, _, raw := mxSendPage(t, w.app.client(), http.MethodGet, "/login", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /login: %d", status)
	}
	href, _ := pageDoc(t, raw).Find(`link[rel="stylesheet"]`).Attr("href")
	file, ok := strings.CutPrefix(href, "/static/")
	if !ok || !strings.HasSuffix(file, ".css") {
		t.Fatalf("stylesheet at %q", href)
	}
	return file
}

// mxInvitationSetup lets each principal redeem from a loopback address of its
// own and gives it tokens of its own: an unknown one, one that was replaced,
// and its own "absent" one. Failed redemptions are limited per token and per
// address (5 and 10 a minute): eight principals trying the same tokens from
// one address would be refused with 429 before they were judged.
func mxInvitationSetup(t *testing.T, w *mxWorld) {
	var a3 partyCreated
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/parties", map[string]string{"name": nameA3,
		"kind": "person", "side": "third_party"}, http.StatusCreated, &a3)
	old := a3.Invitation.Token
	for p := range mxWhoCount {
		var inv struct {
			Token string `json:"token"`
		}
		w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/parties/"+a3.ID+"/invitation", nil,
			http.StatusCreated, &inv)
		w.extra["replaced@"+p.String()], old = old, inv.Token
		unknown, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		w.extra["unknown@"+p.String()] = unknown
		w.extra["absent@"+p.String()] = fmt.Sprint(990000 + int(p))
	}
	for p := range mxWhoCount {
		tr := &http.Transport{DialContext: (&net.Dialer{
			LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+p))}}).DialContext}
		w.as(p).http.Transport = tr
		t.Cleanup(tr.CloseIdleConnections)
	}
	w.extra["tokenA1"] = w.tokenA1
}

// runPageCell sends one row of a page route as p and checks the answer: its
// status; a 303's Location; a page's Content-Type and Cache-Control (no-store
// but for the stylesheet under its hashed name); that it shows nothing hidden
// from p; that an error is an error page; and that a form refused for want of
// a session, a right or a CSRF token, or sent by the anonymous, wrote nothing.
func runPageCell(t *testing.T, w *mxWorld, p mxWho, r mxRow, method, path, where string, body any, got *mxAnswers) {
	t.Helper()
	c := w.as(p)
	form := url.Values{}
	if m, ok := body.(map[string]string); ok {
		for k, v := range m {
			form.Set(k, v)
		}
	}
	var before string
	if method == http.MethodPost {
		token := mxCSRF(t, c)
		if !r.noCSRF {
			form.Set("csrf", token)
		}
		// A session last seen over a minute ago is touched (written) by its
		// next request: that one, so that the form writes only what it does.
		mxSend(t, c, http.MethodGet, "/api/v1/me", nil)
		before = boltFingerprint(t, w.app)
	}
	status, h, raw := mxSendPage(t, c, method, path, form)
	got.add(mxAnswer{where: where, status: status, body: raw, page: true, group: r.errorGroup})
	if status != r.want[p] {
		t.Errorf("%s: got %d, want %d: %.300s", where, status, r.want[p], pageMainOrRaw(raw))
		return
	}
	refused := status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound
	if method == http.MethodPost && (refused || p == pAnon && !r.becomes) {
		if boltFingerprint(t, w.app) != before {
			t.Errorf("%s: answered %d, but the database changed", where, status)
		}
	}
	stylesheet := strings.HasPrefix(path, "/static/") && status == http.StatusOK
	if cc := h.Get("Cache-Control"); stylesheet && !strings.Contains(cc, "immutable") ||
		!stylesheet && cc != "no-store" {
		t.Errorf("%s: Cache-Control %q", where, cc)
	}
	if status == http.StatusSeeOther {
		want := "/login"
		if r.location != nil {
			want = r.location(w, p)
		}
		loc, _, _ := strings.Cut(h.Get("Location"), "#")
		if prefix, ok := strings.CutSuffix(want, "*"); ok && !strings.HasPrefix(loc, prefix) || !ok && loc != want {
			t.Errorf("%s: 303 to %q, want %q", where, h.Get("Location"), want)
		}
	} else {
		wantType := "text/html"
		if stylesheet {
			wantType = "text/css"
		}
		if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
			t.Errorf("%s: Content-Type %q, want %s", where, ct, wantType)
		}
	}
	if !r.becomes {
		for _, s := range hiddenFrom[p] {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s: page shows %q to %s", where, s, p)
			}
		}
	}
	if status >= 400 {
		checkErrorPage(t, where, status, raw)
		return
	}
	if r.check != nil {
		r.check(t, w, p, raw)
	}
}

// checkErrorPage checks that an error answer of a page is a page: in the
// reader's language (here the default), its status in the title, nothing of
// the server's insides; a form shown again says what to mend.
func checkErrorPage(t *testing.T, where string, status int, raw []byte) {
	t.Helper()
	doc := pageDoc(t, raw)
	if lang, _ := doc.Find("html").Attr("lang"); lang != "zh-Hans" {
		t.Errorf("%s: html lang %q", where, lang)
	}
	if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
		if doc.Find(".form-error, .field-error").Length() == 0 {
			t.Errorf("%s: %d page says nothing of what to mend: %s", where, status, pageMain(t, raw))
		}
		return
	}
	if h1 := strings.TrimSpace(doc.Find("main h1").Text()); !strings.HasPrefix(h1, fmt.Sprint(status)) {
		t.Errorf("%s: error page headed %q", where, h1)
	}
	for _, inside := range []string{"error.", "echo", "bolt", "casbin", "goroutine", ".go:"} {
		if strings.Contains(pageMain(t, raw), inside) {
			t.Errorf("%s: error page shows %q: %s", where, inside, pageMain(t, raw))
		}
	}
}

// pageMainOrRaw is an answer's <main> when it has one, for messages.
func pageMainOrRaw(raw []byte) string {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(raw))
	if err != nil || doc.Find("main").Length() == 0 {
		return string(raw)
	}
	return strings.Join(strings.Fields(doc.Find("main").Text()), " ")
}

// mxOnPage runs a check of a page's content on pages only, not on the
// redirects of the same row.
func mxOnPage(check func(t *testing.T, w *mxWorld, p mxWho, raw []byte)) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		if len(raw) > 0 {
			check(t, w, p, raw)
		}
	}
}

// casesPageCheck: a mediator's list shows the titles of its cases; the
// admin's shows every case, without titles (hiddenFrom checks that).
func casesPageCheck(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	rows := pageDoc(t, raw).Find("li.case-row")
	want := map[mxWho]int{pAdmin: 2, pMed: 1, pOther: 1}[p]
	if rows.Length() != want {
		t.Errorf("%d cases listed, want %d", rows.Length(), want)
	}
	title := map[mxWho]string{pMed: titleA, pOther: titleB}[p]
	if title != "" && !strings.Contains(rows.Text(), title) {
		t.Errorf("the list does not show %q: %s", title, rows.Text())
	}
}

// casePageCheck: the mediators' page shows every party whole and every
// submission; a party's page its own submission and the other parties'
// names; the admin's page no content at all.
func casePageCheck(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		must := map[string]map[mxWho][]string{
			"A": {pMed: slices.Concat([]string{titleA, nameA1, nameA2}, privateA1, privateA2),
				pA1: {titleA, nameA1, nameA2, privateA1[2]}, pA2: {titleA, nameA2, nameA1, privateA2[2]}},
			"B": {pOther: slices.Concat([]string{titleB, nameB1}, privateB1), pB1: {titleB, nameB1, privateB1[1]}},
		}[sym][p]
		main := pageMain(t, raw)
		for _, s := range must {
			if !strings.Contains(main, s) {
				t.Errorf("case %s page does not show %q to %s: %s", sym, s, p, main)
			}
		}
		if p == pAdmin && pageDoc(t, raw).Find("main .submission, main table.parties").Length() > 0 {
			t.Errorf("the admin's case page shows content: %s", main)
		}
	}
}

// invitationPageCheck: the invitation is shown as a link and a QR code.
func invitationPageCheck(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
	doc := pageDoc(t, raw)
	if href, _ := doc.Find(`.slip a[href*="/a/"]`).Attr("href"); href == "" || doc.Find(".slip svg").Length() != 1 {
		t.Errorf("invitation page without link or QR code: %s", pageMain(t, raw))
	}
}

// releasePageCheck: the author confirms, told who will be able to read it.
func releasePageCheck(t *testing.T, _ *mxWorld, p mxWho, raw []byte) {
	main := pageMain(t, raw)
	for _, name := range map[mxWho][]string{pA1: {nameA2}, pA2: {nameA1}}[p] {
		if !strings.Contains(main, name) {
			t.Errorf("the release page does not name %s: %s", name, main)
		}
	}
	if pageDoc(t, raw).Find(`main form[method="post"] input[name="csrf"]`).Length() != 1 {
		t.Errorf("the release page has no confirmation form: %s", main)
	}
}
