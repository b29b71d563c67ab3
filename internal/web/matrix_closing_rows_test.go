package web_test

import (
	"net/http"
	"testing"
)

// The authorization matrix's rows for closing a case, the mediator's own
// neutrality and recusals. want: anonymous, admin, office, assigned
// mediator (of A), unassigned mediator (of B only), A1, A2, B1.

// addRecusal has A1 ask that A's mediator step aside, recorded as recA1.
func (w *mxWorld) addRecusal(t *testing.T) {
	t.Helper()
	var out idOnly
	w.a1.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/recusals", map[string]string{
		"user_id": w.mediatorUser.ID.String(), "reason": "调解员与对方是同事"}, http.StatusCreated, &out)
	w.extra["recA1"] = out.ID
}

// mediating moves both cases into mediation, where a failed mediation can
// be recorded.
func (w *mxWorld) mediating(t *testing.T) {
	t.Helper()
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	w.other.mustJSON("POST", "/api/v1/cases/"+w.caseB+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
}

func recusalBody(user string) func(w *mxWorld, _ mxWho) any {
	return func(w *mxWorld, _ mxWho) any {
		id, _ := w.lookup(user)
		return map[string]string{"user_id": id, "reason": "调解员与对方是同事"}
	}
}

// recusalsCheck: the mediators read every request, a party its own only.
func recusalsCheck(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	items := mxItems(t, raw)
	want := map[mxWho]int{pMed: 1, pA1: 1, pA2: 0}[p]
	if len(items) != want {
		t.Errorf("%s reads %d recusal requests, want %d: %s", p, len(items), want, raw)
	}
}

func closingMatrix() map[string][]mxRow {
	const cs = "/api/v1/cases/:case"
	caseA, caseB := map[string]string{"case": "A"}, map[string]string{"case": "B"}
	partyOf := func(c, p string) map[string]string { return map[string]string{"case": c, "party": p} }
	mediatorsOnly := func(a, b int) statuses { return statuses{401, 403, 403, a, b, 403, 403, 403} }
	pageMediatorsOnly := func(a, b int) statuses { return statuses{303, 403, 403, a, b, 403, 403, 403} }
	identity := fixedBody(map[string]string{"method": "居民身份证"})
	mediating := func(t *testing.T, w *mxWorld) { w.mediating(t) }
	recusal := func(t *testing.T, w *mxWorld) { w.addRecusal(t) }
	return map[string][]mxRow{
		"GET /api/v1/me/interests": {{name: "own", want: mediatorsOnly(200, 200)}},
		"PUT /api/v1/me/interests": {{name: "own", body: fixedBody(map[string]any{"communities": []string{"qingnian-lu"},
			"buildings": []string{"青年路7号楼"}, "organisations": []string{}}), want: mediatorsOnly(200, 200)}},
		"GET " + cs + "/closing": {
			{name: "case A", at: caseA, want: mediatorsOnly(200, 404)},
			{name: "case B", at: caseB, want: mediatorsOnly(404, 200)},
		},
		"PUT " + cs + "/parties/:party/notice": {
			{name: "A1 in A", at: partyOf("A", "A1"), body: fixedBody(map[string]string{}), want: mediatorsOnly(200, 404)},
			{name: "B1 under A", at: partyOf("A", "B1"), body: fixedBody(map[string]string{}), want: mediatorsOnly(404, 404)},
			{name: "B1 in B", at: partyOf("B", "B1"), body: fixedBody(map[string]string{}), want: mediatorsOnly(404, 200)},
		},
		"PUT " + cs + "/parties/:party/identity": {
			{name: "A2 in A", at: partyOf("A", "A2"), body: identity, want: mediatorsOnly(200, 404)},
			{name: "B1 under A", at: partyOf("A", "B1"), body: identity, want: mediatorsOnly(404, 404)},
			{name: "B1 in B", at: partyOf("B", "B1"), body: identity, want: mediatorsOnly(404, 200)},
		},
		"PUT " + cs + "/no-agreement": {
			{name: "case A, mediating", at: caseA, setup: mediating, want: mediatorsOnly(200, 404),
				body: fixedBody(map[string]any{"reason": "双方分歧过大", "remedies_explained": true})},
			{name: "case B, mediating", at: caseB, want: mediatorsOnly(404, 200),
				body: fixedBody(map[string]any{"reason": "双方分歧过大", "remedies_explained": true})},
		},
		"POST " + cs + "/recusals": {
			{name: "A's mediator", at: caseA, body: recusalBody("mediatorUser"),
				want: statuses{401, 403, 403, 403, 403, 201, 201, 404}},
			{name: "B's mediator", at: caseB, body: recusalBody("otherUser"),
				want: statuses{401, 403, 403, 403, 403, 404, 404, 201}},
		},
		"GET " + cs + "/recusals": {
			{name: "case A", at: caseA, setup: recusal, want: statuses{401, 403, 403, 200, 404, 200, 200, 404},
				check: recusalsCheck},
		},
		"GET " + cs + "/recusals/:recusal": {
			{name: "A1's in A", at: map[string]string{"case": "A", "recusal": "recA1"}, setup: recusal,
				want: statuses{401, 403, 403, 200, 404, 200, 404, 404}},
			{name: "A1's under B", at: map[string]string{"case": "B", "recusal": "recA1"},
				want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
		},

		// The pages.
		"GET /me/interests": {{name: "own", want: pageMediatorsOnly(200, 200)}},
		"POST /me/interests": {
			{name: "own", body: fixedBody(map[string]string{"communities": "heping-li", "buildings": "和平里3号楼"}),
				location: mxTo("/me/interests*"), want: statuses{401, 403, 403, 303, 303, 403, 403, 403}},
			{name: "without CSRF token", noCSRF: true, want: allStatus(403), errorGroup: "csrf",
				body: fixedBody(map[string]string{"buildings": "和平里3号楼"})},
		},
		"GET /cases/:case/file": {
			{name: "case A", at: caseA, want: pageMediatorsOnly(200, 404)},
			{name: "case B", at: caseB, want: pageMediatorsOnly(404, 200)},
		},
		"POST /cases/:case/parties/:party/notice": {
			{name: "A1 in A", at: partyOf("A", "A1"), body: fixedBody(map[string]string{"form": "closing"}),
				location: mxToCase("A"), want: mediatorsOnly(303, 404)},
			{name: "B1 under A", at: partyOf("A", "B1"), body: fixedBody(map[string]string{"form": "closing"}),
				want: mediatorsOnly(404, 404)},
			{name: "without CSRF token", at: partyOf("A", "A1"), noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /cases/:case/parties/:party/identity": {
			{name: "A1 in A", at: partyOf("A", "A1"), body: identity, location: mxToCase("A"), want: mediatorsOnly(303, 404)},
			{name: "B1 in B", at: partyOf("B", "B1"), body: identity, location: mxToCase("B"), want: mediatorsOnly(404, 303)},
			{name: "without CSRF token", at: partyOf("A", "A1"), body: identity, noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /cases/:case/no-agreement": {
			{name: "case A, mediating", at: caseA, setup: mediating, location: mxToCase("A"), want: mediatorsOnly(303, 404),
				body: fixedBody(map[string]string{"reason": "双方分歧过大", "remedies_explained": "1"})},
			{name: "without CSRF token", at: caseA, noCSRF: true, want: allStatus(403), errorGroup: "csrf",
				body: fixedBody(map[string]string{"reason": "双方分歧过大"})},
		},
		"POST /cases/:case/recusals": {
			{name: "A's mediator", at: caseA, body: recusalBody("mediatorUser"), location: mxToCase("A"),
				want: statuses{401, 403, 403, 403, 403, 303, 303, 404}},
			{name: "without CSRF token", at: caseA, body: recusalBody("mediatorUser"), noCSRF: true, want: allStatus(403),
				errorGroup: "csrf"},
		},
	}
}
