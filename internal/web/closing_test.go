package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// Closing a case needs a complete file; a closed case refuses every change
// until it is reopened with a reason.

type checklistJSON struct {
	Outcome string `json:"outcome"`
	Items   []struct {
		Item    string `json:"item"`
		PartyID string `json:"party_id"`
		Done    bool   `json:"done"`
		Way     string `json:"way"`
		Note    string `json:"note"`
	} `json:"items"`
	Missing  []string `json:"missing"`
	Complete bool     `json:"complete"`
}

// closeRefused closes the case and wants 409 naming exactly missing.
func closeRefused(t *testing.T, c *client, caseID string, missing ...string) {
	t.Helper()
	status, raw := c.do("POST", "/api/v1/cases/"+caseID+"/transitions", map[string]string{"to": "closed"})
	if status != http.StatusConflict {
		t.Fatalf("closing: %d %s, want 409", status, raw)
	}
	e := errorOf(t, raw)
	if e.Code != mediation.ECONFLICT || !slices.Equal(e.Missing, missing) {
		t.Fatalf("closing: code %s, missing %q; want %q", e.Code, e.Missing, missing)
	}
}

// holdSession logs a held joint session of the case with its record.
func holdSession(t *testing.T, c *client, caseID string, attendance map[string]bool) string {
	t.Helper()
	held := sessionBody("joint", "", -1, 3, "3号楼院子")
	held["status"] = "held"
	var out idOnly
	c.mustJSON("POST", "/api/v1/cases/"+caseID+"/sessions", held, http.StatusCreated, &out)
	c.mustJSON("PUT", "/api/v1/cases/"+caseID+"/sessions/"+out.ID+"/record", map[string]any{
		"attendance": attendance, "notes": "双方陈述了意见，同意按月付费使用车位。"}, http.StatusOK, nil)
	return out.ID
}

// auditActions is the case's trail as the mediator reads it: the count of
// each action.
func auditActions(t *testing.T, c *client, caseID string) map[string]int {
	t.Helper()
	var trail listOf[struct {
		Action string            `json:"action"`
		Detail map[string]string `json:"detail"`
	}]
	c.mustJSON("GET", "/api/v1/cases/"+caseID+"/audit?limit=200", nil, http.StatusOK, &trail)
	out := map[string]int{}
	for _, e := range trail.Items {
		out[e.Action]++
	}
	return out
}

func TestClosingNeedsACompleteFile(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := "/api/v1/cases/" + s.caseA
	s.mediator.mustJSON("POST", a+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	// An oral agreement, in effect as it is recorded, moves the case to
	// agreement.
	oral := agreementBody(s, "")
	oral["oral"] = true
	s.mediator.mustJSON("POST", a+"/agreements", oral, http.StatusCreated, nil)

	// A1 and A2 entered through their invitations: each was shown the
	// notice of its rights there. Nothing else is in the file yet.
	var cl checklistJSON
	s.mediator.mustJSON("GET", a+"/closing", nil, http.StatusOK, &cl)
	if cl.Outcome != "agreement" || cl.Complete {
		t.Fatalf("checklist = %+v, want an incomplete one for agreement", cl)
	}
	for _, it := range cl.Items {
		if it.Item == "notice_of_rights" && (!it.Done || it.Way != "entry") {
			t.Errorf("notice of party %s: %+v, want recorded at its entry", it.PartyID, it)
		}
	}
	pA1, pA2 := ":party:"+s.partyA1, ":party:"+s.partyA2
	closeRefused(t, s.mediator, s.caseA, "registration", "identity_confirmed"+pA1, "identity_confirmed"+pA2,
		"session_record")

	// A third party who never entered: its notice is missing until the
	// mediator records it.
	var p3 partyCreated
	s.mediator.mustJSON("POST", a+"/parties", map[string]string{"name": "周华", "kind": "person",
		"side": "third_party"}, http.StatusCreated, &p3)
	pA3 := ":party:" + p3.ID
	closeRefused(t, s.mediator, s.caseA, "registration", "notice_of_rights"+pA3, "identity_confirmed"+pA1,
		"identity_confirmed"+pA2, "identity_confirmed"+pA3, "session_record")

	s.mediator.mustJSON("PATCH", a, map[string]string{"summary": "赵明与钱丽争用3号楼地下车位。"}, http.StatusOK, nil)
	s.mediator.mustJSON("PUT", a+"/parties/"+p3.ID+"/notice", map[string]string{"note": "书面告知书已签收"}, http.StatusOK, &cl)
	for _, id := range []string{s.partyA1, s.partyA2} {
		s.mediator.mustJSON("PUT", a+"/parties/"+id+"/identity", map[string]string{"method": "居民身份证"}, http.StatusOK, &cl)
	}
	if !slices.Equal(cl.Missing, []string{"identity_confirmed" + pA3, "session_record"}) {
		t.Errorf("missing after the marks = %q", cl.Missing)
	}
	closeRefused(t, s.mediator, s.caseA, "identity_confirmed"+pA3, "session_record")

	// Another case's party, an absent party, a party's own try: refused,
	// and nothing recorded.
	if status, _ := s.mediator.do("PUT", a+"/parties/"+s.partyB1+"/identity", map[string]string{"method": "居民身份证"}); status != http.StatusNotFound {
		t.Errorf("confirming case B's party under case A: %d, want 404", status)
	}
	if status, _ := s.a1.do("PUT", a+"/parties/"+s.partyA1+"/identity", map[string]string{"method": "居民身份证"}); status != http.StatusForbidden {
		t.Errorf("a party confirming its own identity: %d, want 403", status)
	}
	if status, _ := s.other.do("GET", a+"/closing", nil); status != http.StatusNotFound {
		t.Errorf("another case's mediator reading the checklist: %d, want 404", status)
	}

	s.mediator.mustJSON("PUT", a+"/parties/"+p3.ID+"/identity", map[string]string{"method": "户口簿"}, http.StatusOK, nil)
	holdSession(t, s.mediator, s.caseA, map[string]bool{s.partyA1: true, s.partyA2: true, p3.ID: false})
	s.mediator.mustJSON("GET", a+"/closing", nil, http.StatusOK, &cl)
	if !cl.Complete || len(cl.Missing) != 0 {
		t.Fatalf("checklist = %+v, want complete", cl)
	}
	var closed struct {
		Status   string `json:"status"`
		ClosedAt string `json:"closed_at"`
	}
	s.mediator.mustJSON("POST", a+"/transitions", map[string]string{"to": "closed"}, http.StatusOK, &closed)
	if closed.Status != "closed" || closed.ClosedAt == "" {
		t.Errorf("closed case = %+v", closed)
	}
	got := auditActions(t, s.mediator, s.caseA)
	for action, n := range map[string]int{mediation.AuditNoticeRecord: 3, mediation.AuditIdentityConfirm: 3} {
		if got[action] != n {
			t.Errorf("%d %s entries, want %d (two entries, one by the mediator)", got[action], action, n)
		}
	}
	// The case file holds the agreement that closed it, term by term.
	file := openPage(t, s.mediator, "/cases/"+s.caseA+"/file")
	text := file.doc.Find("article.dossier").Text()
	for _, want := range []string{"口头调解协议", "钱丽于期限内将车辆移出车位B-12。", "赵明补偿钱丽停车费500元。", "微信转账"} {
		if !strings.Contains(text, want) {
			t.Errorf("the case file lacks %q", want)
		}
	}
	// The trail says in words that the agreement moved the case, and names it.
	trail := openPage(t, s.mediator, "/cases/"+s.caseA).doc.Find("main .trail").Text()
	if !strings.Contains(trail, "调解中 → 达成协议，因调解协议生效") || !strings.Contains(trail, "起草调解协议 · 调解协议") ||
		strings.Contains(trail, "agreement:") {
		t.Errorf("the trail on the agreement: %s", trail)
	}
}

// closeA brings case A of the scene to a complete file and closes it.
func closeA(t *testing.T, s *scene) {
	t.Helper()
	a := "/api/v1/cases/" + s.caseA
	s.mediator.mustJSON("POST", a+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	s.mediator.mustJSON("PATCH", a, map[string]string{"summary": "争用车位。"}, http.StatusOK, nil)
	for _, id := range []string{s.partyA1, s.partyA2} {
		s.mediator.mustJSON("PUT", a+"/parties/"+id+"/identity", map[string]string{"method": "居民身份证"}, http.StatusOK, nil)
	}
	holdSession(t, s.mediator, s.caseA, map[string]bool{s.partyA1: true, s.partyA2: true})
	s.mediator.mustJSON("POST", a+"/transitions", map[string]string{"to": "no_agreement", "reason": "双方各执一词"}, http.StatusOK, nil)
	closeRefused(t, s.mediator, s.caseA, "no_agreement_reason", "remedies_explained")
	s.mediator.mustJSON("PUT", a+"/no-agreement", map[string]any{"reason": "双方对车位归属各执一词。"}, http.StatusOK, nil)
	closeRefused(t, s.mediator, s.caseA, "remedies_explained")
	s.mediator.mustJSON("PUT", a+"/no-agreement", map[string]any{"reason": "双方对车位归属各执一词。",
		"remedies_explained": true}, http.StatusOK, nil)
	s.mediator.mustJSON("POST", a+"/transitions", map[string]string{"to": "closed"}, http.StatusOK, nil)
}

func TestClosedCaseRefusesChanges(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	closeA(t, s)
	a := "/api/v1/cases/" + s.caseA
	// Reads and conflict checks are audited about a second late: all of
	// them are written before the trail is counted.
	s.app.DB.FlushReads()
	before := auditActions(t, s.mediator, s.caseA)
	var sess idOnly
	for _, c := range []struct {
		name   string
		by     *client
		method string
		path   string
		body   any
	}{
		{"submission", s.a1, "POST", a + "/submissions", map[string]string{"kind": "proposal", "body": "再谈谈。"}},
		{"submission on a party's behalf", s.mediator, "POST", a + "/submissions", map[string]string{"kind": "proposal", "body": "电话补充。", "party_id": s.partyA2}},
		{"release", s.a1, "POST", a + "/submissions/" + s.subA1 + "/release", nil},
		{"edit", s.mediator, "PATCH", a, map[string]string{"title": "新标题"}},
		{"session", s.mediator, "POST", a + "/sessions", sessionBody("joint", "", 3, 2, "第一调解室")},
		{"party", s.mediator, "POST", a + "/parties", map[string]string{"name": "周华", "kind": "person", "side": "third_party"}},
		{"invitation", s.mediator, "POST", a + "/parties/" + s.partyA1 + "/invitation", nil},
		{"PIN reset", s.mediator, "POST", a + "/parties/" + s.partyA1 + "/pin-reset", nil},
		{"mediator", s.mediator, "POST", a + "/mediators", map[string]string{"user_id": s.otherUser.ID.String()}},
		{"identity", s.mediator, "PUT", a + "/parties/" + s.partyA1 + "/identity", map[string]string{"method": "护照"}},
		{"no agreement", s.mediator, "PUT", a + "/no-agreement", map[string]any{"reason": "改写", "remedies_explained": true}},
		{"recusal", s.a1, "POST", a + "/recusals", map[string]string{"user_id": s.mediatorUser.ID.String(), "reason": "不公正"}},
		{"term extension", s.mediator, "POST", a + "/extension", map[string]any{"reason": "双方同意延长",
			"consented_by": []string{s.partyA1, s.partyA2}}},
	} {
		status, raw := c.by.do(c.method, c.path, c.body)
		if status != http.StatusConflict {
			t.Errorf("%s on a closed case: %d %s, want 409", c.name, status, raw)
			continue
		}
		if e := errorOf(t, raw); e.Code != mediation.ECONFLICT || !strings.Contains(e.Message, "结案") {
			t.Errorf("%s on a closed case: %s, want a message that it is closed", c.name, raw)
		}
	}
	s.app.DB.FlushReads()
	if after := auditActions(t, s.mediator, s.caseA); !mapsEqual(before, after) {
		t.Errorf("refused changes wrote to the trail: before %v, after %v", before, after)
	}
	// Reading stays possible.
	s.a1.mustJSON("GET", a, nil, http.StatusOK, nil)

	// Reopening needs a reason; then the case takes changes again.
	if status, raw := s.mediator.do("POST", a+"/transitions", map[string]string{"to": "mediating"}); status != http.StatusUnprocessableEntity {
		t.Fatalf("reopening without a reason: %d %s", status, raw)
	}
	s.mediator.mustJSON("POST", a+"/transitions", map[string]string{"to": "mediating", "reason": "当事人反悔，申请继续调解"}, http.StatusOK, nil)
	s.mediator.mustJSON("PATCH", a, map[string]string{"title": "车位纠纷（重新调解）"}, http.StatusOK, nil)
	s.mediator.mustJSON("POST", a+"/sessions", sessionBody("joint", "", 3, 2, "第一调解室"), http.StatusCreated, &sess)
	s.a1.mustJSON("POST", a+"/submissions", map[string]string{"kind": "proposal", "body": "可以按月付费。"}, http.StatusCreated, nil)
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
