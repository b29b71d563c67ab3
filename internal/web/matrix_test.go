package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

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
	if f, ok := body.(mxFile); ok {
		r, ct = f.multipart(t, nil)
	} else if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r, ct = bytes.NewReader(j), "application/json"
	}
	resp, raw := c.send(t, method, path, r, ct)
	return resp.StatusCode, raw
}
