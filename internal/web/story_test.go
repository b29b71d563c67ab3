package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// TestStory walks the core of a mediation through the API against a real
// bbolt file: the admin creates a mediator, who opens a parking case, adds two
// parties and hands out their invitations; each party submits its position and
// sees only its own until one releases it; the audit trail shows every read.
func TestStory(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	u, password := a.user(mediation.RoleAdmin, "admin")
	_ = u
	admin := a.client()
	admin.mustJSON("POST", "/api/v1/login", map[string]string{"username": "admin", "password": password}, http.StatusOK, nil)

	var created struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Role     string `json:"role"`
	}
	admin.mustJSON("POST", "/api/v1/users", map[string]string{"username": "wang.fang", "display_name": "王芳",
		"role": "mediator", "password": "调解员的长密码口令"}, http.StatusCreated, &created)
	if created.Role != "mediator" || created.ID == "" {
		t.Fatalf("created user %+v", created)
	}

	mediator := a.client()
	mediator.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang.fang", "password": "调解员的长密码口令"}, http.StatusOK, nil)
	var cs struct {
		ID        string   `json:"id"`
		Reference string   `json:"reference"`
		Status    string   `json:"status"`
		Street    string   `json:"street"`
		View      string   `json:"view"`
		Next      []string `json:"next_statuses"`
	}
	mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "3 号楼地下车位被占用", "category": "parking",
		"community": "heping-li", "summary": "B2-117 车位被长期占用", "source": "party_application"}, http.StatusCreated, &cs)
	if cs.Status != "intake" || cs.Street != "和平街道" || cs.View != "full" || !strings.HasSuffix(cs.Reference, "-0001") {
		t.Fatalf("created case %+v", cs)
	}
	casePath := "/api/v1/cases/" + cs.ID

	var pa, pb partyCreated
	mediator.mustJSON("POST", casePath+"/parties", map[string]string{"name": "赵明", "kind": "person",
		"side": "applicant", "phone": "+86 138-0013-8001"}, http.StatusCreated, &pa)
	mediator.mustJSON("POST", casePath+"/parties", map[string]string{"name": "钱丽", "kind": "person",
		"side": "respondent", "phone": "13900139002"}, http.StatusCreated, &pb)
	if pa.Invitation.Token == "" || pa.Invitation.URL != "/a/"+pa.Invitation.Token || pa.Invitation.Token == pb.Invitation.Token {
		t.Fatalf("invitations %+v %+v", pa.Invitation, pb.Invitation)
	}

	partyA, partyB := a.party(pa.Invitation.Token), a.party(pb.Invitation.Token)
	var subA, subB submissionJSON
	partyA.mustJSON("POST", casePath+"/submissions", map[string]string{"kind": "position",
		"body": "车位是我 2024 年买的，有合同。"}, http.StatusCreated, &subA)
	partyB.mustJSON("POST", casePath+"/submissions", map[string]string{"kind": "position",
		"body": "前业主口头借给我用。"}, http.StatusCreated, &subB)
	if subA.PartyID != pa.ID || subB.PartyID != pb.ID || subA.EnteredBy != "" {
		t.Fatalf("authors: %+v %+v", subA, subB)
	}

	ids := func(c *client) []string {
		t.Helper()
		var l listOf[submissionJSON]
		c.mustJSON("GET", casePath+"/submissions", nil, http.StatusOK, &l)
		var out []string
		for _, s := range l.Items {
			out = append(out, s.ID)
		}
		return out
	}
	if got := ids(mediator); !slices.Equal(got, []string{subA.ID, subB.ID}) {
		t.Fatalf("mediator sees %v, want both", got)
	}
	if got := ids(partyA); !slices.Equal(got, []string{subA.ID}) {
		t.Fatalf("party A sees %v, want only its own", got)
	}
	if got := ids(partyB); !slices.Equal(got, []string{subB.ID}) {
		t.Fatalf("party B sees %v, want only its own", got)
	}
	if status, _ := partyB.do("GET", casePath+"/submissions/"+subA.ID, nil); status != http.StatusNotFound {
		t.Fatalf("party B reads A's unreleased submission: %d", status)
	}
	// Only the author may release.
	if status, _ := partyB.do("POST", casePath+"/submissions/"+subA.ID+"/release", nil); status != http.StatusNotFound {
		t.Fatalf("party B releases A's submission: %d", status)
	}
	if status, _ := mediator.do("POST", casePath+"/submissions/"+subA.ID+"/release", nil); status != http.StatusForbidden {
		t.Fatalf("mediator releases A's submission: %d", status)
	}
	var released submissionJSON
	partyA.mustJSON("POST", casePath+"/submissions/"+subA.ID+"/release", nil, http.StatusOK, &released)
	if !released.Released {
		t.Fatal("release not recorded")
	}
	if got := ids(partyB); !slices.Equal(got, []string{subA.ID, subB.ID}) {
		t.Fatalf("after release party B sees %v, want A's released one and its own", got)
	}
	partyB.mustJSON("GET", casePath+"/submissions/"+subA.ID, nil, http.StatusOK, nil)

	// The other party's contact details stay hidden.
	var parties listOf[map[string]any]
	partyB.mustJSON("GET", casePath+"/parties", nil, http.StatusOK, &parties)
	for _, p := range parties.Items {
		if p["id"] == pa.ID && (p["phone"] != nil || p["address"] != nil) {
			t.Fatalf("party B sees A's contact details: %v", p)
		}
		if p["id"] == pb.ID && p["phone"] != "13900139002" {
			t.Fatalf("party B does not see its own record: %v", p)
		}
	}

	// Every read of a submission is in the trail, naming what was shown.
	a.DB.FlushReads()
	var trail listOf[struct {
		Actor  string            `json:"actor"`
		Action string            `json:"action"`
		Object string            `json:"object"`
		Detail map[string]string `json:"detail"`
	}]
	mediator.mustJSON("GET", casePath+"/audit?limit=200", nil, http.StatusOK, &trail)
	var reads []string
	for _, e := range trail.Items {
		if e.Action == mediation.AuditSubmissionRead {
			what := e.Object
			if s := e.Detail["submissions"]; s != "" {
				what = s
			}
			reads = append(reads, e.Actor+" "+what)
		}
	}
	mid := "u:" + created.ID
	want := []string{
		mid + " " + subA.ID + "," + subB.ID,
		"p:" + pa.ID + " " + subA.ID,
		"p:" + pb.ID + " " + subB.ID,
		"p:" + pb.ID + " " + subA.ID + "," + subB.ID,
		"p:" + pb.ID + " submission:" + subA.ID,
	}
	if !slices.Equal(reads, want) {
		t.Fatalf("read audit:\n got %q\nwant %q", reads, want)
	}
	for _, action := range []string{mediation.AuditCaseCreate, mediation.AuditPartyCreate, mediation.AuditSubmissionCreate, mediation.AuditSubmissionRelease, mediation.AuditAccess} {
		if !slices.ContainsFunc(trail.Items, func(e struct {
			Actor  string            `json:"actor"`
			Action string            `json:"action"`
			Object string            `json:"object"`
			Detail map[string]string `json:"detail"`
		}) bool {
			return e.Action == action
		}) {
			t.Errorf("audit trail lacks %s", action)
		}
	}

	// The parties may not read the trail; the mediator moves the case on.
	if status, _ := partyA.do("GET", casePath+"/audit", nil); status != http.StatusForbidden {
		t.Fatalf("party reads the audit trail: %d", status)
	}
	mediator.mustJSON("POST", casePath+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, &cs)
	if cs.Status != "mediating" {
		t.Fatalf("status %s", cs.Status)
	}
}

// TestCasePagesShowEverySubmission: the case pages are not cut at a page
// size; the newest submission of a long case is there for both readers, and
// the mediator's count of unseen submissions goes to zero once the page is
// read.
func TestCasePagesShowEverySubmission(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	caseID, partyID := mustID(t, s.caseA), mustID(t, s.partyA1)
	const extra = 230
	for i := range extra {
		sub, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionEvidence,
			Body: fmt.Sprintf("证据 %d", i)}, caseID, partyID, 0, s.app.DB.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.app.DB.CreateSubmission(sub, "p:"+s.partyA1); err != nil {
			t.Fatal(err)
		}
	}
	last := fmt.Sprintf("证据 %d", extra-1)
	for who, c := range map[string]*client{"mediator": s.mediator, "party A1": s.a1} {
		page := openPage(t, c, "/cases/"+s.caseA)
		page.wantStatus(t, http.StatusOK)
		if n := page.doc.Find("article.submission").Length(); n < extra+1 {
			t.Errorf("%s sees %d submissions, want at least %d", who, n, extra+1)
		}
		if !strings.Contains(page.main(), last) {
			t.Errorf("%s does not see the newest submission", who)
		}
	}
	if n, _, err := s.app.DB.Activity(s.mediatorUser.ID, []mediation.ID{caseID}); err != nil || n[0] != 0 {
		t.Errorf("unseen after reading the whole page: %v %v", n, err)
	}
}
