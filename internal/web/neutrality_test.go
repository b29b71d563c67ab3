package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// The mediator's own neutrality: its declared interests checked when it is
// added to a case, and the parties' requests that a mediator step aside.

type conflictsAnswer struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Conflicts []struct {
			Reason string `json:"reason"`
			Value  string `json:"value"`
		} `json:"conflicts"`
	} `json:"error"`
}

func TestInterestsProfile(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	var in struct {
		Communities   []string `json:"communities"`
		Buildings     []string `json:"buildings"`
		Organisations []string `json:"organisations"`
	}
	s.other.mustJSON("GET", "/api/v1/me/interests", nil, http.StatusOK, &in)
	if len(in.Communities)+len(in.Buildings)+len(in.Organisations) != 0 || in.Communities == nil {
		t.Errorf("a new profile = %+v, want empty lists", in)
	}
	s.other.mustJSON("PUT", "/api/v1/me/interests", map[string]any{"communities": []string{"heping-li", "heping-li"},
		"buildings": []string{" 3号楼 ", ""}, "organisations": []string{"万科物业"}}, http.StatusOK, &in)
	if !slices.Equal(in.Communities, []string{"heping-li"}) || !slices.Equal(in.Buildings, []string{"3号楼"}) {
		t.Errorf("saved profile = %+v, want repeats and blanks dropped, entries trimmed", in)
	}
	// Each mediator reads and writes its own only.
	s.mediator.mustJSON("GET", "/api/v1/me/interests", nil, http.StatusOK, &in)
	if len(in.Communities) != 0 {
		t.Errorf("wang reads li's profile: %+v", in)
	}
	for _, c := range []*client{s.admin, s.office, s.a1} {
		if status, _ := c.do("GET", "/api/v1/me/interests", nil); status != http.StatusForbidden {
			t.Errorf("a non-mediator reads a profile: %d, want 403", status)
		}
	}
}

func TestConflictOfInterestRefusedThenOverridden(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := "/api/v1/cases/" + s.caseA
	li := s.otherUser.ID.String()
	// li lives in case A's community and works for the property company;
	// A1's flat is in building 3, where li rents.
	s.other.mustJSON("PUT", "/api/v1/me/interests", map[string]any{"communities": []string{"heping-li"},
		"buildings": []string{"3号楼"}, "organisations": []string{"万科物业"}}, http.StatusOK, nil)
	s.mediator.mustJSON("POST", a+"/parties", map[string]string{"name": "万科物业服务有限公司", "kind": "organization",
		"side": "third_party"}, http.StatusCreated, nil)

	status, raw := s.mediator.do("POST", a+"/mediators", map[string]string{"user_id": li})
	if status != http.StatusConflict {
		t.Fatalf("adding a mediator whose interests conflict: %d %s, want 409", status, raw)
	}
	var refused conflictsAnswer
	mustUnmarshal(t, raw, &refused)
	var got []string
	for _, c := range refused.Error.Conflicts {
		got = append(got, c.Reason+":"+c.Value)
	}
	if want := []string{"community:heping-li", "building:3号楼", "organisation:万科物业"}; !slices.Equal(got, want) {
		t.Errorf("conflicts = %q, want %q", got, want)
	}
	var cs struct {
		Mediators []struct {
			ID string `json:"id"`
		} `json:"mediators"`
	}
	s.mediator.mustJSON("GET", a, nil, http.StatusOK, &cs)
	if len(cs.Mediators) != 1 {
		t.Fatalf("a refused assignment changed the mediators: %+v", cs)
	}
	if status, _ := s.other.do("GET", a, nil); status != http.StatusNotFound {
		t.Errorf("the refused mediator reads the case: %d", status)
	}

	// With a justification it goes ahead, and the case page shows it.
	s.mediator.mustJSON("POST", a+"/mediators", map[string]string{"user_id": li,
		"override_reason": "本社区仅此一位调解员会讲方言，双方同意"}, http.StatusOK, &cs)
	if len(cs.Mediators) != 2 {
		t.Fatalf("overridden assignment: mediators %+v", cs.Mediators)
	}
	s.other.mustJSON("GET", a, nil, http.StatusOK, nil)
	page := openPage(t, s.mediator, "/cases/"+s.caseA)
	override := squashSpace(page.doc.Find("main .override").Text())
	for _, want := range []string{"名 li.jianguo", "heping-li", "3号楼", "万科物业", "本社区仅此一位调解员会讲方言"} {
		if !strings.Contains(override, want) {
			t.Errorf("the case page's override %q lacks %q", override, want)
		}
	}

	// Both checks are audited: the hit and the override.
	s.app.DB.FlushReads()
	var trail listOf[struct {
		Action string            `json:"action"`
		Detail map[string]string `json:"detail"`
	}]
	s.mediator.mustJSON("GET", a+"/audit?limit=200", nil, http.StatusOK, &trail)
	var results []string
	for _, e := range trail.Items {
		if e.Action == mediation.AuditConflictCheck && e.Detail["of"] == "user:"+li {
			results = append(results, e.Detail["result"])
		}
		if e.Action == mediation.AuditMediatorAssign && e.Detail["override"] == "" {
			t.Errorf("the assignment's audit entry lacks the override: %v", e.Detail)
		}
	}
	if !slices.Equal(results, []string{"hit", "override"}) {
		t.Errorf("conflict checks of li: %q, want a hit then an override", results)
	}
}

type recusalJSON struct {
	ID        string `json:"id"`
	PartyID   string `json:"party_id"`
	UserID    string `json:"user_id"`
	Reason    string `json:"reason"`
	SettledAt string `json:"settled_at"`
}

func TestRecusalFlow(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := "/api/v1/cases/" + s.caseA
	wang, li := s.mediatorUser.ID.String(), s.otherUser.ID.String()

	var rec recusalJSON
	s.a1.mustJSON("POST", a+"/recusals", map[string]string{"user_id": wang, "reason": "调解员王是钱丽的表哥"},
		http.StatusCreated, &rec)
	if rec.PartyID != s.partyA1 || rec.UserID != wang || rec.SettledAt != "" {
		t.Fatalf("recusal = %+v", rec)
	}
	if status, _ := s.a1.do("POST", a+"/recusals", map[string]string{"user_id": wang, "reason": "再次申请"}); status != http.StatusConflict {
		t.Errorf("asking twice: %d, want 409", status)
	}
	// The mediators and A1 read it; A2 does not, not even that it exists.
	s.mediator.mustJSON("GET", a+"/recusals/"+rec.ID, nil, http.StatusOK, nil)
	s.a1.mustJSON("GET", a+"/recusals/"+rec.ID, nil, http.StatusOK, nil)
	if status, raw := s.a2.do("GET", a+"/recusals/"+rec.ID, nil); status != http.StatusNotFound {
		t.Errorf("the other party reads the request: %d %s", status, raw)
	}
	var list listOf[recusalJSON]
	s.a2.mustJSON("GET", a+"/recusals", nil, http.StatusOK, &list)
	if len(list.Items) != 0 {
		t.Errorf("the other party lists %d requests", len(list.Items))
	}
	if page := openPage(t, s.a2, "/cases/"+s.caseA); strings.Contains(page.main(), "表哥") {
		t.Errorf("the other party's page shows the request")
	}

	// No new session until the mediator is replaced.
	status, raw := s.mediator.do("POST", a+"/sessions", sessionBody("joint", "", 3, 2, "第一调解室"))
	if status != http.StatusConflict || !strings.Contains(errorOf(t, raw).Message, "回避") {
		t.Fatalf("scheduling during a recusal: %d %s, want 409 saying why", status, raw)
	}

	// The admin, who never reaches case content, may now assign another
	// mediator and take the recused one off.
	if status, _ := s.admin.do("GET", a+"/recusals", nil); status != http.StatusForbidden {
		t.Errorf("the admin reads the requests: %d, want 403", status)
	}
	s.admin.mustJSON("POST", a+"/mediators", map[string]string{"user_id": li}, http.StatusOK, nil)
	if status, raw := s.mediator.do("POST", a+"/sessions", sessionBody("joint", "", 3, 2, "第一调解室")); status != http.StatusConflict {
		t.Errorf("scheduling before the recused mediator is off: %d %s, want 409", status, raw)
	}
	s.admin.mustJSON("DELETE", a+"/mediators/"+wang, map[string]string{"reason": "当事人申请回避"}, http.StatusOK, nil)

	// The removed mediator loses access from its next request.
	if status, _ := s.mediator.do("GET", a, nil); status != http.StatusNotFound {
		t.Errorf("the recused mediator still reads the case: %d", status)
	}
	// The request is settled, the admin's care ends, sessions are scheduled again.
	s.a1.mustJSON("GET", a+"/recusals/"+rec.ID, nil, http.StatusOK, &rec)
	if rec.SettledAt == "" {
		t.Errorf("the request is not settled once the mediator is off: %+v", rec)
	}
	if status, _ := s.admin.do("POST", a+"/mediators", map[string]string{"user_id": wang}); status != http.StatusNotFound {
		t.Errorf("the admin assigns after the recusal is settled: %d, want 404", status)
	}
	s.other.mustJSON("POST", a+"/sessions", sessionBody("joint", "", 3, 2, "第一调解室"), http.StatusCreated, nil)

	// The parties see who mediates their case now.
	var cs struct {
		Mediators []struct {
			ID string `json:"id"`
		} `json:"mediators"`
		Former []struct {
			ID    string `json:"id"`
			Until string `json:"until"`
		} `json:"former_mediators"`
	}
	s.a2.mustJSON("GET", a, nil, http.StatusOK, &cs)
	if len(cs.Mediators) != 1 || cs.Mediators[0].ID != li {
		t.Errorf("the parties see mediators %+v, want li alone", cs.Mediators)
	}
	if len(cs.Former) != 1 || cs.Former[0].ID != wang || cs.Former[0].Until == "" {
		t.Errorf("the parties see former mediators %+v, want wang with the day he left", cs.Former)
	}
	if text := squashSpace(openPage(t, s.a2, "/cases/"+s.caseA).doc.Find("main dl.facts").Text()); !strings.Contains(text, "曾任调解员名 wang") {
		t.Errorf("the other party's page does not show who left: %s", text)
	}

	// The grants survive a restart: the admin's care is rebuilt from the store.
	s.a2.mustJSON("POST", a+"/recusals", map[string]string{"user_id": li, "reason": "李调解员曾为对方代理"}, http.StatusCreated, nil)
	s.app.restart()
	if status, raw := s.admin.do("POST", a+"/mediators", map[string]string{"user_id": wang}); status != http.StatusOK {
		t.Errorf("after a restart the admin cannot assign on a pending recusal: %d %s", status, raw)
	}
}
