package web_test

import (
	"net/http"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// The review's finding 1: the admin made a mediator account with the real
// mediator's display name, assigned it to a case, signed in as it and read
// every submission. Now the admin chooses no mediator of a case that has an
// active one, on the API and on the pages.
func TestAdminNeverReachesACaseThroughAnAccountItMade(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	var fake idOnly
	s.admin.mustJSON("POST", "/api/v1/users", map[string]string{"username": "wang.copy", "display_name": "名 wang",
		"role": "mediator", "password": "一个足够长的口令"}, http.StatusCreated, &fake)
	status, raw := s.admin.do("POST", "/api/v1/cases/"+s.caseA+"/mediators", map[string]string{"user_id": fake.ID})
	if status != http.StatusNotFound {
		t.Fatalf("the admin assigned its own account to case A: %d %s", status, raw)
	}
	if page := sendForm(t, s.admin, "/cases/"+s.caseA+"/mediators", map[string]string{"user_id": fake.ID}); page.status != http.StatusNotFound {
		t.Errorf("the admin assigned its own account on the page: %d", page.status)
	}
	if status, _ := s.admin.do("DELETE", "/api/v1/cases/"+s.caseA+"/mediators/"+s.mediatorUser.ID.String(),
		map[string]string{"reason": "调整"}); status != http.StatusNotFound {
		t.Errorf("the admin removed case A's mediator: %d", status)
	}
	c := s.app.client()
	c.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang.copy", "password": "一个足够长的口令"}, http.StatusOK, nil)
	for _, path := range []string{"/api/v1/cases/" + s.caseA, "/api/v1/cases/" + s.caseA + "/submissions",
		"/api/v1/cases/" + s.caseA + "/parties"} {
		if status, raw := c.do("GET", path, nil); status != http.StatusNotFound {
			t.Errorf("the admin's account reads %s: %d %s", path, status, raw)
		}
	}
}

// Deactivating an account ends its logins and takes its grants; a case left
// without an active mediator comes into the admin's care, and its parties
// see who mediates now, with the username and the day each joined.
func TestDeactivationAndTheAdminsCare(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	zhang, zhangPassword := s.app.user(mediation.RoleMediator, "zhang")
	s.admin.mustJSON("PATCH", "/api/v1/users/"+s.otherUser.ID.String(), map[string]any{"active": false}, http.StatusOK, nil)
	if status, _ := s.other.do("GET", "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Errorf("a deactivated account's login goes on: %d", status)
	}
	if status, _ := s.app.client().do("POST", "/api/v1/login", map[string]string{"username": "li.jianguo",
		"password": "pw-li.jianguo-密码"}); status != http.StatusUnauthorized {
		t.Errorf("a deactivated account signs in: %d", status)
	}
	// Case B has no active mediator now: the admin assigns zhang, and only then
	// is it back in the care of a mediator.
	s.admin.mustJSON("POST", "/api/v1/cases/"+s.caseB+"/mediators", map[string]string{"user_id": zhang.ID.String()}, http.StatusOK, nil)
	if status, _ := s.admin.do("POST", "/api/v1/cases/"+s.caseB+"/mediators",
		map[string]string{"user_id": s.mediatorUser.ID.String()}); status != http.StatusNotFound {
		t.Errorf("the admin still chooses case B's mediators once zhang mediates it: %d", status)
	}
	zc := s.app.client()
	zc.mustJSON("POST", "/api/v1/login", map[string]string{"username": "zhang", "password": zhangPassword}, http.StatusOK, nil)
	zc.mustJSON("GET", "/api/v1/cases/"+s.caseB+"/submissions", nil, http.StatusOK, nil)

	var cs struct {
		Mediators []struct {
			Username string `json:"username"`
			Since    string `json:"since"`
			Active   bool   `json:"active"`
		} `json:"mediators"`
	}
	s.b1.mustJSON("GET", "/api/v1/cases/"+s.caseB, nil, http.StatusOK, &cs)
	if len(cs.Mediators) != 2 || cs.Mediators[1].Username != "zhang" || cs.Mediators[1].Since == "" ||
		cs.Mediators[0].Active || !cs.Mediators[1].Active {
		t.Errorf("party B1 sees mediators %+v", cs.Mediators)
	}
	for _, lang := range []string{"zh-Hans", "en"} {
		s.b1.Header.Set("Accept-Language", lang)
		page := openPage(t, s.b1, "/cases/"+s.caseB)
		page.wantStatus(t, http.StatusOK)
		text := page.main()
		want := map[string]string{"zh-Hans": "加入", "en": "joined"}[lang]
		if !strings.Contains(text, "zhang") || !strings.Contains(text, "li.jianguo") || !strings.Contains(text, want) {
			t.Errorf("%s: party B1's page does not show who mediates and since when: %s", lang, text)
		}
	}
}

// A password reset by the admin ends the account's logins; a user's own
// change needs the current password and ends its other logins only.
func TestPasswords(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	second := s.app.client()
	second.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang", "password": "pw-wang-密码"}, http.StatusOK, nil)

	status, raw := s.mediator.do("POST", "/api/v1/me/password", map[string]string{"current": "猜的", "new": "一个新的足够长的口令"})
	if status != http.StatusUnprocessableEntity || errorOf(t, raw).Fields["current"] == "" {
		t.Errorf("a wrong current password: %d %s", status, raw)
	}
	s.mediator.mustJSON("POST", "/api/v1/me/password", map[string]string{"current": "pw-wang-密码", "new": "一个新的足够长的口令"},
		http.StatusNoContent, nil)
	s.mediator.mustJSON("GET", "/api/v1/me", nil, http.StatusOK, nil)
	if status, _ := second.do("GET", "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Errorf("the other login goes on after a password change: %d", status)
	}

	s.admin.mustJSON("PATCH", "/api/v1/users/"+s.mediatorUser.ID.String(), map[string]string{"password": "管理员重设的口令"},
		http.StatusOK, nil)
	if status, _ := s.mediator.do("GET", "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Errorf("a login goes on after the admin reset the password: %d", status)
	}
	s.app.client().mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang", "password": "管理员重设的口令"},
		http.StatusOK, nil)
	if status, _ := s.admin.do("PATCH", "/api/v1/users/"+s.mediatorUser.ID.String(), map[string]string{"role": "admin"}); status != http.StatusBadRequest {
		t.Errorf("the role of an account changed: %d", status)
	}
}

// The review's finding 3: a conflict-of-interest check that hit left no
// trace. Every check is audited, hit or miss.
func TestConflictChecksAreAudited(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	twin, _ := s.app.user(mediation.RoleMediator, "twin") // display name "名 twin"
	plain, _ := s.app.user(mediation.RoleMediator, "plain")
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/parties", map[string]string{"name": "名 twin",
		"kind": "person", "side": "third_party"}, http.StatusCreated, nil)
	if status, raw := s.mediator.do("POST", "/api/v1/cases/"+s.caseA+"/mediators", map[string]string{"user_id": twin.ID.String()}); status != http.StatusConflict {
		t.Fatalf("assigning a party's namesake: %d %s", status, raw)
	}
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/mediators", map[string]string{"user_id": plain.ID.String()}, http.StatusOK, nil)
	if status, _ := s.mediator.do("POST", "/api/v1/cases/"+s.caseA+"/parties", map[string]string{"name": "名 wang",
		"kind": "person", "side": "third_party"}); status != http.StatusConflict {
		t.Fatalf("adding a mediator's namesake as a party: %d", status)
	}
	s.app.DB.FlushReads()
	var trail listOf[struct {
		Action string            `json:"action"`
		Actor  string            `json:"actor"`
		Detail map[string]string `json:"detail"`
	}]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/audit?limit=200", nil, http.StatusOK, &trail)
	got := map[string]string{}
	for _, e := range trail.Items {
		if e.Action == mediation.AuditConflictCheck {
			got[e.Detail["of"]] += e.Detail["result"] + " "
		}
	}
	for of, results := range map[string][]string{"user:" + twin.ID.String(): {"hit"},
		"user:" + plain.ID.String(): {"miss"}, "party": {"hit", "miss"}} {
		for _, r := range results {
			if !strings.Contains(got[of], r) {
				t.Errorf("conflict checks of %s: %q, want a %s among them", of, got[of], r)
			}
		}
	}
}
