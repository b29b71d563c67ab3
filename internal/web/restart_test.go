package web_test

import (
	"net/http"
	"slices"
	"testing"
)

// TestRestartKeepsEverything restarts the server on the same file: records,
// sessions and who may see what all survive, because the grants are rebuilt
// from the store.
func TestRestartKeepsEverything(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := s.app
	a.restart()

	subs := func(c *client, casePath string) []string {
		t.Helper()
		var l listOf[submissionJSON]
		c.mustJSON("GET", casePath+"/submissions", nil, http.StatusOK, &l)
		var ids []string
		for _, sub := range l.Items {
			ids = append(ids, sub.ID)
		}
		return ids
	}
	caseA := "/api/v1/cases/" + s.caseA
	if got := subs(s.mediator, caseA); !slices.Equal(got, []string{s.subA1, s.subA2}) {
		t.Errorf("assigned mediator after restart sees %v", got)
	}
	if got := subs(s.a1, caseA); !slices.Equal(got, []string{s.subA1}) {
		t.Errorf("party A1 after restart sees %v", got)
	}
	if status, _ := s.a1.do("GET", caseA+"/submissions/"+s.subA2, nil); status != http.StatusNotFound {
		t.Errorf("party A1 reads A2's submission after restart: %d", status)
	}
	if status, _ := s.other.do("GET", caseA, nil); status != http.StatusNotFound {
		t.Errorf("unassigned mediator reads case A after restart: %d", status)
	}
	if status, _ := s.b1.do("GET", caseA+"/submissions", nil); status != http.StatusNotFound {
		t.Errorf("party of case B lists case A's submissions after restart: %d", status)
	}
	if status, _ := s.office.do("GET", caseA, nil); status != http.StatusForbidden {
		t.Errorf("office reads case A after restart: %d", status)
	}

	// A new invitation issued after the restart ends A1's session and the old
	// link; the new one works.
	var inv struct {
		Token string `json:"token"`
	}
	s.mediator.mustJSON("POST", caseA+"/parties/"+s.partyA1+"/invitation", nil, http.StatusCreated, &inv)
	if status, _ := s.a1.do("GET", caseA+"/submissions", nil); status != http.StatusUnauthorized {
		t.Errorf("old session after re-invitation: %d, want 401", status)
	}
	if status, _ := a.client().do("POST", "/api/v1/access", map[string]string{"token": s.tokenA1}); status != http.StatusUnauthorized {
		t.Errorf("old token after re-invitation: %d, want 401", status)
	}
	a1 := a.party(inv.Token)
	a.restart()
	if got := subs(a1, caseA); !slices.Equal(got, []string{s.subA1}) {
		t.Errorf("party A1 with its new invitation after a second restart sees %v", got)
	}
}

// TestLogoutEndsTheSessionOnTheServer checks that a copied cookie is dead
// after logout.
func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c, _ := a.staff("mediator", "wang")
	copied := a.client()
	u := mustParse(t, a.HTTP.URL)
	copied.http.Jar.SetCookies(u, c.http.Jar.Cookies(u))
	copied.mustJSON("GET", "/api/v1/me", nil, http.StatusOK, nil)
	c.mustJSON("POST", "/api/v1/logout", nil, http.StatusNoContent, nil)
	if status, _ := copied.do("GET", "/api/v1/me", nil); status != http.StatusUnauthorized {
		t.Fatalf("copied cookie after logout: %d, want 401", status)
	}
}
