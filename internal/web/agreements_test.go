package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// agreementJSON is what the tests read of an agreement answer.
type agreementJSON struct {
	ID         string `json:"id"`
	Oral       bool   `json:"oral"`
	Status     string `json:"status"`
	Version    int    `json:"version"`
	Digest     string `json:"digest"`
	Text       string `json:"text"`
	Facts      string `json:"facts"`
	ProposedAt string `json:"proposed_at"`
	Parties    []struct {
		PartyID string `json:"party_id"`
		Name    string `json:"name"`
		Side    string `json:"side"`
		Address string `json:"address"`
	} `json:"parties"`
	Terms []struct {
		ObligorPartyID string `json:"obligor_party_id"`
		Text           string `json:"text"`
		Deadline       string `json:"deadline"`
	} `json:"terms"`
	Versions []struct {
		Version int    `json:"version"`
		Digest  string `json:"digest"`
	} `json:"versions"`
	Signatures []struct {
		PartyID  string `json:"party_id"`
		UserID   string `json:"user_id"`
		Version  int    `json:"version"`
		Digest   string `json:"digest"`
		SignedAt string `json:"signed_at"`
	} `json:"signatures"`
	Declines []struct {
		PartyID string `json:"party_id"`
		Version int    `json:"version"`
		Reason  string `json:"reason"`
	} `json:"declines"`
	EffectiveVersion int `json:"effective_version"`
	ComparedTo       int `json:"compared_to"`
	Comparison       []struct {
		Field string `json:"field"`
		From  string `json:"from"`
		To    string `json:"to"`
	} `json:"comparison"`
	View string `json:"view"`
}

// shanghaiDay is the day d days from today in the server's zone.
func shanghaiDay(d int) string {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		zone = time.FixedZone("CST", 8*3600)
	}
	return time.Now().In(zone).AddDate(0, 0, d).Format(time.DateOnly)
}

// agreementBody is a draft of case A's agreement with one term for each
// party, the first due today.
func agreementBody(s *scene, facts string) map[string]any {
	return map[string]any{
		"facts":            facts,
		"disputed_matters": "3号楼地下车位B-12的使用权。",
		"responsibility":   "双方对车位归属各有误解。",
		"terms": []map[string]string{
			{"obligor_party_id": s.partyA2, "text": "钱丽于期限内将车辆移出车位B-12。", "manner": "自行移车", "place": "3号楼地下车库", "deadline": shanghaiDay(0)},
			{"obligor_party_id": s.partyA1, "text": "赵明补偿钱丽停车费500元。", "manner": "微信转账", "place": "", "deadline": shanghaiDay(14)},
		},
		"remarks": "本协议一式三份。",
	}
}

// mediating moves the case to mediating, as its mediator.
func mediating(c *client, caseID string) {
	c.mustJSON("POST", "/api/v1/cases/"+caseID+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
}

func sign(name string) map[string]any { return map[string]any{"confirm_name": name, "pin": testPIN} }

func TestAgreementDraftVersionsAndProposal(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	base := "/api/v1/cases/" + s.caseA + "/agreements"

	// Only a case being mediated takes an agreement.
	status, raw := s.mediator.do("POST", base, agreementBody(s, "双方因车位发生争执。"))
	if status != http.StatusConflict || !strings.Contains(errorOf(t, raw).Message, "调解中") {
		t.Fatalf("draft on a case in intake: %d %s", status, raw)
	}
	mediating(s.mediator, s.caseA)
	if status, _ := s.a1.do("POST", base, agreementBody(s, "x")); status != http.StatusForbidden {
		t.Errorf("a party drafting: %d, want 403", status)
	}
	if status, _ := s.other.do("POST", base, agreementBody(s, "x")); status != http.StatusNotFound {
		t.Errorf("another case's mediator drafting: %d, want 404", status)
	}

	var v1 agreementJSON
	s.mediator.mustJSON("POST", base, agreementBody(s, "双方因车位发生争执。"), http.StatusCreated, &v1)
	sum := sha256.Sum256([]byte(v1.Text))
	if v1.Version != 1 || v1.Status != "draft" || v1.Digest != hex.EncodeToString(sum[:]) || len(v1.Digest) != 64 {
		t.Fatalf("draft: version %d, status %s, digest %s of text %s", v1.Version, v1.Status, v1.Digest, v1.Text)
	}
	if len(v1.Parties) != 2 || v1.Parties[0].Name != "赵明" || v1.Parties[1].Name != "钱丽" || v1.Parties[0].Address != "" {
		t.Errorf("the parties' information is not taken from the parties (without contacts): %+v", v1.Parties)
	}
	one := base + "/" + v1.ID

	// A draft is the mediators' alone.
	for _, c := range []*client{s.a1, s.a2} {
		if status, _ := c.do("GET", one, nil); status != http.StatusNotFound {
			t.Errorf("a party reading a draft: %d, want 404", status)
		}
		var l listOf[agreementJSON]
		c.mustJSON("GET", base, nil, http.StatusOK, &l)
		if len(l.Items) != 0 {
			t.Errorf("a party's list shows drafts: %+v", l.Items)
		}
		if status, _ := c.do("POST", one+"/sign", sign("赵明")); status != http.StatusNotFound {
			t.Errorf("a party signing a draft: %d, want 404", status)
		}
	}

	// Every save is a new version; the earlier stays readable.
	v2body := agreementBody(s, "双方因车位B-12的使用发生争执。")
	v2body["terms"].([]map[string]string)[1]["deadline"] = shanghaiDay(21)
	var v2 agreementJSON
	s.mediator.mustJSON("PUT", one, v2body, http.StatusOK, &v2)
	if v2.Version != 2 || v2.Digest == v1.Digest || len(v2.Versions) != 2 {
		t.Fatalf("second save: version %d, digest %s (first %s), versions %+v", v2.Version, v2.Digest, v1.Digest, v2.Versions)
	}
	var old agreementJSON
	s.mediator.mustJSON("GET", one+"?version=1", nil, http.StatusOK, &old)
	if old.Version != 1 || old.Facts != "双方因车位发生争执。" || old.Digest != v1.Digest {
		t.Errorf("version 1 read back: %+v", old)
	}
	var cmp agreementJSON
	s.mediator.mustJSON("GET", one+"?version=2&compare=1", nil, http.StatusOK, &cmp)
	var fields []string
	for _, c := range cmp.Comparison {
		fields = append(fields, c.Field)
	}
	if cmp.ComparedTo != 1 || !slices.Equal(fields, []string{"facts", "terms[1].deadline"}) {
		t.Errorf("comparison of 1 and 2: %+v", cmp.Comparison)
	}
	if status, _ := s.mediator.do("GET", one+"?version=9", nil); status != http.StatusNotFound {
		t.Errorf("an absent version: %d, want 404", status)
	}

	// Proposing freezes the latest version; the parties read it, not the draft before.
	var p2 agreementJSON
	s.mediator.mustJSON("POST", one+"/propose", nil, http.StatusOK, &p2)
	if p2.Status != "proposed" || p2.ProposedAt == "" || p2.Version != 2 {
		t.Fatalf("proposed: %+v", p2)
	}
	if status, raw := s.mediator.do("POST", one+"/propose", nil); status != http.StatusConflict {
		t.Errorf("proposing twice: %d %s", status, raw)
	}
	var seen agreementJSON
	s.a2.mustJSON("GET", one, nil, http.StatusOK, &seen)
	if seen.Version != 2 || seen.Digest != v2.Digest || len(seen.Versions) != 1 || seen.View != "overview" {
		t.Errorf("a party reads: version %d, versions %+v, view %s", seen.Version, seen.Versions, seen.View)
	}
	if status, _ := s.a2.do("GET", one+"?version=1", nil); status != http.StatusNotFound {
		t.Errorf("a party reading the unproposed version 1: %d, want 404", status)
	}
	if status, _ := s.b1.do("GET", one, nil); status != http.StatusNotFound {
		t.Errorf("another case's party reading: %d, want 404", status)
	}
}

// proposed drafts and proposes case A's agreement, and answers its path.
func proposed(t *testing.T, s *scene) (string, agreementJSON) {
	t.Helper()
	mediating(s.mediator, s.caseA)
	var a agreementJSON
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/agreements", agreementBody(s, "双方因车位发生争执。"), http.StatusCreated, &a)
	one := "/api/v1/cases/" + s.caseA + "/agreements/" + a.ID
	s.mediator.mustJSON("POST", one+"/propose", nil, http.StatusOK, &a)
	return one, a
}

func caseStatus(t *testing.T, c *client, caseID string) string {
	t.Helper()
	var cs struct {
		Status string `json:"status"`
	}
	c.mustJSON("GET", "/api/v1/cases/"+caseID, nil, http.StatusOK, &cs)
	return cs.Status
}

func TestAgreementEachSignsForItselfOnly(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	one, a := proposed(t, s)
	unchanged := func(what string) {
		t.Helper()
		var now agreementJSON
		s.mediator.mustJSON("GET", one, nil, http.StatusOK, &now)
		if len(now.Signatures) != 0 || now.Status != "proposed" {
			t.Fatalf("%s changed the agreement: %+v", what, now.Signatures)
		}
	}
	for _, tc := range []struct {
		name string
		by   *client
		body map[string]any
		want int
	}{
		{"A1 for A2", s.a1, map[string]any{"confirm_name": "钱丽", "pin": testPIN, "party_id": s.partyA2}, http.StatusNotFound},
		{"the mediator for A1", s.mediator, map[string]any{"confirm_name": "赵明", "party_id": s.partyA1}, http.StatusNotFound},
		{"B1 on case A", s.b1, map[string]any{"confirm_name": "孙强", "pin": testPIN}, http.StatusNotFound},
		{"the other case's mediator", s.other, map[string]any{"confirm_name": "名 li.jianguo"}, http.StatusNotFound},
		{"the admin", s.admin, map[string]any{"confirm_name": "名 admin"}, http.StatusForbidden},
		{"the office", s.office, map[string]any{"confirm_name": "名 office"}, http.StatusForbidden},
		{"A1 typing another name", s.a1, map[string]any{"confirm_name": "钱丽", "pin": testPIN}, http.StatusUnprocessableEntity},
		{"A1 without a PIN", s.a1, map[string]any{"confirm_name": "赵明"}, http.StatusUnprocessableEntity},
		{"A1 with a wrong PIN", s.a1, map[string]any{"confirm_name": "赵明", "pin": "135799"}, http.StatusUnprocessableEntity},
		{"the mediator typing a party's name", s.mediator, map[string]any{"confirm_name": "赵明"}, http.StatusUnprocessableEntity},
		{"A1 declines without a reason", s.a1, nil, http.StatusUnprocessableEntity},
	} {
		path := one + "/sign"
		body := tc.body
		if body == nil {
			path, body = one+"/decline", map[string]any{"reason": " "}
		}
		if status, raw := tc.by.do("POST", path, body); status != tc.want {
			t.Errorf("%s: %d, want %d: %s", tc.name, status, tc.want, raw)
		}
		unchanged(tc.name)
	}
	if status, _ := s.mediator.do("POST", one+"/decline", map[string]any{"reason": "不同意"}); status != http.StatusForbidden {
		t.Errorf("a mediator declining: %d, want 403", status)
	}

	var signed agreementJSON
	s.a1.mustJSON("POST", one+"/sign", map[string]any{"confirm_name": " 赵明 ", "pin": testPIN, "version": a.Version}, http.StatusOK, &signed)
	if len(signed.Signatures) != 1 || signed.Signatures[0].PartyID != s.partyA1 || signed.Signatures[0].Version != a.Version ||
		signed.Signatures[0].Digest != a.Digest || signed.Signatures[0].SignedAt == "" {
		t.Fatalf("A1's signature: %+v", signed.Signatures)
	}
	if status, raw := s.a1.do("POST", one+"/sign", sign("赵明")); status != http.StatusConflict || !strings.Contains(errorOf(t, raw).Message, "已经签署") {
		t.Errorf("signing again: %d %s", status, raw)
	}
	// A2 declines, with a reason A1 does not read.
	s.a2.mustJSON("POST", one+"/decline", map[string]any{"reason": "补偿太少。"}, http.StatusOK, nil)
	var forA1 agreementJSON
	s.a1.mustJSON("GET", one, nil, http.StatusOK, &forA1)
	if len(forA1.Declines) != 1 || forA1.Declines[0].PartyID != s.partyA2 || forA1.Declines[0].Reason != "" {
		t.Errorf("A1 reads A2's refusal as %+v", forA1.Declines)
	}
	if status, _ := s.a2.do("POST", one+"/sign", sign("钱丽")); status != http.StatusConflict {
		t.Errorf("signing a declined version: %d, want 409", status)
	}
	if st := caseStatus(t, s.mediator, s.caseA); st != "mediating" {
		t.Errorf("case status %s, want mediating", st)
	}
}

func TestAgreementSignatureCountsOnlyForItsVersion(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	one, v1 := proposed(t, s)
	s.a1.mustJSON("POST", one+"/sign", sign("赵明"), http.StatusOK, nil)

	// A new version voids nothing: A1's signature stays on version 1.
	var v2 agreementJSON
	s.mediator.mustJSON("PUT", one, agreementBody(s, "双方因车位B-12发生争执。"), http.StatusOK, nil)
	s.mediator.mustJSON("POST", one+"/propose", nil, http.StatusOK, &v2)
	if v2.Version != 2 || len(v2.Signatures) != 1 || v2.Signatures[0].Version != 1 || v2.Signatures[0].Digest != v1.Digest {
		t.Fatalf("after proposing version 2: %+v", v2)
	}
	if status, raw := s.a2.do("POST", one+"/sign", map[string]any{"confirm_name": "钱丽", "pin": testPIN, "version": 1}); status != http.StatusConflict ||
		!strings.Contains(errorOf(t, raw).Message, "第 2 版") {
		t.Errorf("signing the superseded version: %d %s", status, raw)
	}
	s.a2.mustJSON("POST", one+"/sign", map[string]any{"confirm_name": "钱丽", "pin": testPIN, "version": 2}, http.StatusOK, nil)
	var medSigned agreementJSON
	s.mediator.mustJSON("POST", one+"/sign", map[string]any{"confirm_name": "名 wang"}, http.StatusOK, &medSigned)
	if medSigned.Status != "proposed" || medSigned.EffectiveVersion != 0 {
		t.Fatalf("in effect with A1's signature on version 1 only: %+v", medSigned)
	}
	if st := caseStatus(t, s.mediator, s.caseA); st != "mediating" {
		t.Fatalf("case status %s before A1 signed version 2", st)
	}

	// A1 signs version 2: every party and a mediator have signed it.
	var done agreementJSON
	s.a1.mustJSON("POST", one+"/sign", map[string]any{"confirm_name": "赵明", "pin": testPIN, "version": 2}, http.StatusOK, &done)
	if done.Status != "effective" || done.EffectiveVersion != 2 || len(done.Signatures) != 4 {
		t.Fatalf("after every signature on version 2: %+v", done)
	}
	for _, sig := range done.Signatures[1:] {
		if sig.Version != 2 || sig.Digest != v2.Digest {
			t.Errorf("signature %+v, want version 2 over %s", sig, v2.Digest)
		}
	}
	if st := caseStatus(t, s.a1, s.caseA); st != "agreement" {
		t.Errorf("case status %s, want agreement", st)
	}
	// In effect, it changes no more.
	if status, _ := s.mediator.do("PUT", one, agreementBody(s, "改")); status != http.StatusConflict {
		t.Errorf("revising an agreement in effect: %d, want 409", status)
	}
	if status, _ := s.other.do("POST", one+"/sign", map[string]any{"confirm_name": "名 li.jianguo"}); status != http.StatusNotFound {
		t.Errorf("another case's mediator signing: %d, want 404", status)
	}

	// The change of status is audited with the signature that made it.
	var trail listOf[struct {
		Action string `json:"action"`
	}]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/audit?limit=200", nil, http.StatusOK, &trail)
	var actions []string
	for _, e := range trail.Items {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{mediation.AuditAgreementCreate, mediation.AuditAgreementRevise, mediation.AuditAgreementPropose,
		mediation.AuditAgreementSign, mediation.AuditAgreementEffect} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit trail lacks %s: %v", want, actions)
		}
	}

	// The clock: 30 days for judicial confirmation, each term's deadline and its return visit.
	var ds listOf[struct {
		Kind   string `json:"kind"`
		DueOn  string `json:"due_on"`
		Status string `json:"status"`
		Term   *int   `json:"term"`
	}]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/deadlines", nil, http.StatusOK, &ds)
	got := map[string]string{}
	for _, d := range ds.Items {
		k := d.Kind
		if d.Term != nil {
			k += string(rune('0' + *d.Term))
		}
		got[k] = d.DueOn + " " + d.Status
	}
	for k, want := range map[string]string{
		"judicial_confirmation": shanghaiDay(30) + " open",
		"performance0":          shanghaiDay(0) + " open", "return_visit0": shanghaiDay(7) + " open",
		"performance1": shanghaiDay(14) + " open", "return_visit1": shanghaiDay(21) + " open",
	} {
		if got[k] != want {
			t.Errorf("deadline %s = %q, want %q (all: %v)", k, got[k], want, got)
		}
	}
}
