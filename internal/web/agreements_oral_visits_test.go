package web_test

import (
	"net/http"
	"slices"
	"testing"

	"tiaojie/internal/mediation"
)

func TestAgreementNeededForStatusAgreement(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	mediating(s.mediator, s.caseA)
	status, raw := s.mediator.do("POST", "/api/v1/cases/"+s.caseA+"/transitions", map[string]string{"to": "agreement"})
	e := errorOf(t, raw)
	if status != http.StatusConflict || e.Code != mediation.ECONFLICT || !slices.Equal(e.Missing, []string{"agreement"}) {
		t.Errorf("bare move to agreement: %d %+v", status, e)
	}
	if st := caseStatus(t, s.mediator, s.caseA); st != "mediating" {
		t.Errorf("case status %s", st)
	}
}

func TestOralAgreement(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	mediating(s.mediator, s.caseA)
	body := agreementBody(s, "")
	body["oral"] = true
	delete(body, "disputed_matters")
	var a agreementJSON
	s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/agreements", body, http.StatusCreated, &a)
	if !a.Oral || a.Status != "effective" || a.EffectiveVersion != 1 || len(a.Signatures) != 0 || a.Digest == "" {
		t.Fatalf("oral agreement: %+v", a)
	}
	if st := caseStatus(t, s.a1, s.caseA); st != "agreement" {
		t.Errorf("case status %s after an oral agreement, want agreement", st)
	}
	one := "/api/v1/cases/" + s.caseA + "/agreements/" + a.ID
	var read agreementJSON
	s.a2.mustJSON("GET", one, nil, http.StatusOK, &read)
	if !read.Oral || len(read.Terms) != 2 {
		t.Errorf("a party reads the oral agreement as %+v", read)
	}
	if status, _ := s.a1.do("POST", one+"/sign", sign("赵明")); status != http.StatusConflict {
		t.Errorf("signing an oral agreement: %d, want 409", status)
	}
	if status, _ := s.mediator.do("PUT", one, agreementBody(s, "改")); status != http.StatusConflict {
		t.Errorf("revising an oral agreement: %d, want 409", status)
	}
}

func TestReturnVisits(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	visits := "/api/v1/cases/" + s.caseA + "/visits"
	visit := map[string]any{"party_id": s.partyA1, "visited_on": shanghaiDay(0),
		"terms":        []map[string]any{{"term_index": 0, "performance": "performed"}, {"term_index": 1, "performance": "partly"}},
		"satisfaction": 4, "notes": "钱丽已移车，补偿款付了一半。"}
	if status, raw := s.mediator.do("POST", visits, visit); status != http.StatusConflict {
		t.Errorf("a visit before any agreement: %d %s", status, raw)
	}
	one, _ := proposed(t, s)
	for _, c := range []struct {
		by   *client
		name string
	}{{s.a1, "赵明"}, {s.a2, "钱丽"}, {s.mediator, "名 wang"}} {
		body := sign(c.name)
		if c.by == s.mediator {
			delete(body, "pin")
		}
		c.by.mustJSON("POST", one+"/sign", body, http.StatusOK, nil)
	}
	if status, _ := s.a1.do("POST", visits, visit); status != http.StatusForbidden {
		t.Errorf("a party recording a visit: %d, want 403", status)
	}
	if status, _ := s.a1.do("GET", visits, nil); status != http.StatusForbidden {
		t.Errorf("a party listing visits: %d, want 403", status)
	}
	if status, _ := s.other.do("POST", visits, visit); status != http.StatusNotFound {
		t.Errorf("another case's mediator: %d, want 404", status)
	}
	var made struct {
		ID           string `json:"id"`
		Satisfaction int    `json:"satisfaction"`
	}
	s.mediator.mustJSON("POST", visits, visit, http.StatusCreated, &made)
	if made.ID == "" || made.Satisfaction != 4 {
		t.Errorf("visit: %+v", made)
	}
	var l listOf[struct {
		PartyID string `json:"party_id"`
		Terms   []struct {
			Performance string `json:"performance"`
		} `json:"terms"`
	}]
	s.mediator.mustJSON("GET", visits, nil, http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].PartyID != s.partyA1 || l.Items[0].Terms[1].Performance != "partly" {
		t.Errorf("visits: %+v", l.Items)
	}
	// The clock: term 0 performed and visited on its deadline; term 1 not yet.
	var ds listOf[struct {
		Kind   string `json:"kind"`
		Status string `json:"status"`
		Term   *int   `json:"term"`
	}]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/deadlines", nil, http.StatusOK, &ds)
	for _, d := range ds.Items {
		if d.Term == nil {
			continue
		}
		want := "open"
		if *d.Term == 0 {
			want = "met"
		}
		if d.Status != want {
			t.Errorf("%s deadline of term %d: %s, want %s", d.Kind, *d.Term, d.Status, want)
		}
	}
}

// A signed-in party guesses its PIN no faster than a stranger: wrong PINs
// on signing share the budget of wrong PINs at entry.
func TestSigningLimitsWrongPINs(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	one, _ := proposed(t, s)
	wrong := map[string]any{"confirm_name": "赵明", "pin": "135799"}
	got := []int{}
	for range 6 {
		status, _ := s.a1.do("POST", one+"/sign", wrong)
		got = append(got, status)
	}
	if !slices.Equal(got, []int{422, 422, 422, 422, 422, 429}) {
		t.Errorf("six wrong PINs answered %v, want five refusals and then 429", got)
	}
	if status, _ := s.a1.do("POST", one+"/sign", sign("赵明")); status != http.StatusTooManyRequests {
		t.Errorf("the right PIN while limited: %d, want 429", status)
	}
	// The mediator is not limited by the party's guesses.
	s.mediator.mustJSON("POST", one+"/sign", map[string]string{"confirm_name": "名 wang"}, http.StatusOK, nil)
}
