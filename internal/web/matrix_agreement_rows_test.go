package web_test

import (
	"net/http"
	"testing"
)

// addAgreements moves cases A and B to mediating and gives them, through
// the API: in A a draft (agrDraftA) and a proposed agreement (agrPropA), in
// B a proposed one (agrPropB).
func (w *mxWorld) addAgreements(t *testing.T) {
	t.Helper()
	mediating(w.mediator, w.caseA)
	mediating(w.other, w.caseB)
	for _, a := range []struct {
		sym     string
		by      *client
		cs      string
		propose bool
	}{
		{"agrDraftA", w.mediator, w.caseA, false},
		{"agrPropA", w.mediator, w.caseA, true},
		{"agrPropB", w.other, w.caseB, true},
	} {
		body := agreementBody(w.scene, "双方因车位发生争执。")
		if a.cs == w.caseB {
			body = agreementBodyB(w)
		}
		var out idOnly
		base := "/api/v1/cases/" + a.cs + "/agreements"
		a.by.mustJSON("POST", base, body, http.StatusCreated, &out)
		w.extra[a.sym] = out.ID
		if a.propose {
			a.by.mustJSON("POST", base+"/"+out.ID+"/propose", nil, http.StatusOK, nil)
		}
	}
}

// agreeA makes A's proposed agreement take effect: A1, A2 and its mediator
// sign it.
func (w *mxWorld) agreeA(t *testing.T) {
	t.Helper()
	w.addAgreements(t)
	one := "/api/v1/cases/" + w.caseA + "/agreements/" + w.extra["agrPropA"] + "/sign"
	w.a1.mustJSON("POST", one, sign("赵明"), http.StatusOK, nil)
	w.a2.mustJSON("POST", one, sign("钱丽"), http.StatusOK, nil)
	w.mediator.mustJSON("POST", one, map[string]string{"confirm_name": "名 wang"}, http.StatusOK, nil)
}

func agreementBodyB(w *mxWorld) map[string]any {
	return map[string]any{"facts": "楼上夜间噪音。", "disputed_matters": "作息时间。",
		"terms": []map[string]string{{"obligor_party_id": w.partyB1, "text": "晚十点后不再装修。", "manner": "自行遵守",
			"deadline": shanghaiDay(3)}}}
}

// signerBody is what each principal signs with: its own name (and a
// party's PIN).
func signerBody(_ *mxWorld, p mxWho) any {
	name := map[mxWho]string{pAdmin: "名 admin", pOffice: "名 office", pMed: "名 wang", pOther: "名 li.jianguo",
		pA1: "赵明", pA2: "钱丽", pB1: "孙强"}[p]
	if p >= pA1 {
		return sign(name)
	}
	return map[string]any{"confirm_name": name}
}

// agreementCount checks how many agreements each reader lists.
func agreementCount(want map[mxWho]int) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		if got := len(mxItems(t, raw)); got != want[p] {
			t.Errorf("%s lists %d agreements, want %d", p, got, want[p])
		}
	}
}

// agreementMatrix is the table's rows for the agreement and visit routes.
func agreementMatrix() map[string][]mxRow {
	const list = "/api/v1/cases/:case/agreements"
	const one = list + "/:agreement"
	setup := func(t *testing.T, w *mxWorld) { w.addAgreements(t) }
	inA := func(sym string) map[string]string { return map[string]string{"case": "A", "agreement": sym} }
	inB := func(sym string) map[string]string { return map[string]string{"case": "B", "agreement": sym} }
	bodyA := func(w *mxWorld, _ mxWho) any { return agreementBody(w.scene, "双方因车位发生争执。") }
	bodyB := func(w *mxWorld, _ mxWho) any { return agreementBodyB(w) }
	visit := func(w *mxWorld, _ mxWho) any {
		return map[string]any{"party_id": w.partyA1, "visited_on": shanghaiDay(0),
			"terms": []map[string]any{{"term_index": 0, "performance": "performed"}}, "satisfaction": 5}
	}
	// want: anonymous, admin, office, assigned mediator (of A),
	// unassigned mediator (of B only), A1, A2, B1.
	return map[string][]mxRow{
		"POST " + list: {
			{name: "draft in A", at: map[string]string{"case": "A"}, setup: setup, body: bodyA,
				want: statuses{401, 403, 403, 201, 404, 403, 403, 403}},
			{name: "draft in B", at: map[string]string{"case": "B"}, body: bodyB,
				want: statuses{401, 403, 403, 404, 201, 403, 403, 403}},
			{name: "A's body in B", at: map[string]string{"case": "B"}, body: bodyA,
				want: statuses{401, 403, 403, 404, 422, 403, 403, 403}},
		},
		"GET " + list: {
			{name: "case A", at: map[string]string{"case": "A"}, setup: setup,
				want:  statuses{401, 403, 403, 200, 404, 200, 200, 404},
				check: agreementCount(map[mxWho]int{pMed: 2, pA1: 1, pA2: 1})},
			{name: "case B", at: map[string]string{"case": "B"},
				want:  statuses{401, 403, 403, 404, 200, 404, 404, 200},
				check: agreementCount(map[mxWho]int{pOther: 1, pB1: 1})},
		},
		"GET " + one: {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, want: statuses{401, 403, 403, 200, 404, 200, 200, 404}},
			{name: "draft in A", at: inA("agrDraftA"), want: statuses{401, 403, 403, 200, 404, 404, 404, 404}},
			{name: "proposed in B", at: inB("agrPropB"), want: statuses{401, 403, 403, 404, 200, 404, 404, 200}},
			{name: "B's under case A", at: inA("agrPropB"), want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
		},
		"PUT " + one: {
			{name: "draft in A", at: inA("agrDraftA"), setup: setup, body: bodyA,
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "proposed in B", at: inB("agrPropB"), body: bodyB,
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
			{name: "B's under case A", at: inA("agrPropB"), body: bodyB,
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},
		"POST " + one + "/propose": {
			{name: "draft in A", at: inA("agrDraftA"), setup: setup,
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "proposed in B, again", at: inB("agrPropB"),
				want: statuses{401, 403, 403, 404, 409, 403, 403, 403}},
		},
		// Each signs for itself; A2's signature, the last one, makes A's
		// agreement take effect.
		"POST " + one + "/sign": {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, body: signerBody,
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}},
			{name: "draft in A", at: inA("agrDraftA"), body: signerBody,
				want: statuses{401, 403, 403, 409, 404, 404, 404, 404}},
			{name: "proposed in B", at: inB("agrPropB"), body: signerBody,
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}},
		},
		"POST " + one + "/decline": {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, body: fixedBody(map[string]string{"reason": "补偿太少。"}),
				want: statuses{401, 403, 403, 403, 403, 200, 200, 404}},
			{name: "draft in A", at: inA("agrDraftA"), body: fixedBody(map[string]string{"reason": "补偿太少。"}),
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
		},
		"POST /api/v1/cases/:case/visits": {
			{name: "A, agreement in effect", at: map[string]string{"case": "A"}, setup: func(t *testing.T, w *mxWorld) { w.agreeA(t) },
				body: visit, want: statuses{401, 403, 403, 201, 404, 403, 403, 403}},
			{name: "B, no agreement in effect", at: map[string]string{"case": "B"},
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]any{"party_id": w.partyB1, "visited_on": shanghaiDay(0),
						"terms": []map[string]any{{"term_index": 0, "performance": "performed"}}, "satisfaction": 5}
				}, want: statuses{401, 403, 403, 404, 409, 403, 403, 403}},
		},
		"GET /api/v1/cases/:case/visits": {
			{name: "case A", at: map[string]string{"case": "A"}, setup: func(t *testing.T, w *mxWorld) { w.agreeA(t) },
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},
	}
}

// agreementPageMatrix is the table's rows for the agreement and visit
// pages and their forms.
func agreementPageMatrix() map[string][]mxRow {
	setup := func(t *testing.T, w *mxWorld) { w.addAgreements(t) }
	inA := func(sym string) map[string]string { return map[string]string{"case": "A", "agreement": sym} }
	inB := func(sym string) map[string]string { return map[string]string{"case": "B", "agreement": sym} }
	toAgreement := func(sym string) func(*mxWorld, mxWho) string {
		return func(w *mxWorld, _ mxWho) string {
			id, _ := w.lookup(sym)
			return "/cases/" + w.caseA + "/agreements/" + id
		}
	}
	newAgreement := func(cs string) func(*mxWorld, mxWho) string {
		return func(w *mxWorld, _ mxWho) string { id, _ := w.lookup(cs); return "/cases/" + id + "/agreements/*" }
	}
	form := func(obligor string) func(w *mxWorld, _ mxWho) any {
		return func(w *mxWorld, _ mxWho) any {
			id, _ := w.lookup(obligor)
			return map[string]string{"form": "agreement", "facts": "双方因车位发生争执。", "disputed_matters": "车位B-12。",
				"term_obligor_0": id, "term_text_0": "移车。", "term_manner_0": "自行", "term_place_0": "", "term_deadline_0": shanghaiDay(2)}
		}
	}
	signForm := func(w *mxWorld, p mxWho) any {
		b := signerBody(w, p).(map[string]any)
		out := map[string]string{"confirm_name": b["confirm_name"].(string), "version": "1"}
		if pin, ok := b["pin"].(string); ok {
			out["pin"] = pin
		}
		return out
	}
	reason := fixedBody(map[string]string{"reason": "补偿太少。", "version": "1"})
	return map[string][]mxRow{
		"POST /cases/:case/agreements": {
			{name: "case A", at: map[string]string{"case": "A"}, setup: setup, body: form("A2"), location: newAgreement("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"}, body: form("B1"), location: newAgreement("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "obligor of another case", at: map[string]string{"case": "A"}, body: form("B1"),
				want: statuses{401, 403, 403, 422, 404, 403, 403, 403}},
			{name: "without CSRF token", at: map[string]string{"case": "A"}, body: form("A2"), noCSRF: true,
				want: allStatus(403), errorGroup: "csrf"},
		},
		"GET /cases/:case/agreements/:agreement": {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, want: statuses{303, 403, 403, 200, 404, 200, 200, 404}},
			{name: "draft in A", at: inA("agrDraftA"), want: statuses{303, 403, 403, 200, 404, 404, 404, 404}},
			{name: "proposed in B", at: inB("agrPropB"), want: statuses{303, 403, 403, 404, 200, 404, 404, 200}},
		},
		"GET /cases/:case/agreements/:agreement/print": {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, want: statuses{303, 403, 403, 200, 404, 200, 200, 404}},
			{name: "draft in A", at: inA("agrDraftA"), want: statuses{303, 403, 403, 200, 404, 404, 404, 404}},
		},
		"POST /cases/:case/agreements/:agreement": {
			{name: "draft in A", at: inA("agrDraftA"), setup: setup, body: form("A2"), location: toAgreement("agrDraftA"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "without CSRF token", at: inA("agrDraftA"), body: form("A2"), noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /cases/:case/agreements/:agreement/propose": {
			{name: "draft in A", at: inA("agrDraftA"), setup: setup, location: toAgreement("agrDraftA"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "without CSRF token", at: inA("agrDraftA"), noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /cases/:case/agreements/:agreement/sign": {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, body: signForm, location: toAgreement("agrPropA"),
				want: statuses{401, 403, 403, 303, 404, 303, 303, 404}},
			{name: "without CSRF token", at: inA("agrPropA"), body: signForm, noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /cases/:case/agreements/:agreement/decline": {
			{name: "proposed in A", at: inA("agrPropA"), setup: setup, body: reason, location: toAgreement("agrPropA"),
				want: statuses{401, 403, 403, 403, 403, 303, 303, 404}},
			{name: "without CSRF token", at: inA("agrPropA"), body: reason, noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
		"POST /cases/:case/visits": {
			{name: "A, agreement in effect", at: map[string]string{"case": "A"}, setup: func(t *testing.T, w *mxWorld) { w.agreeA(t) },
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"form": "visit", "party_id": w.partyA1, "visited_on": shanghaiDay(0),
						"performance_0": "performed", "satisfaction": "5"}
				}, location: mxToCase("A"), want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "without CSRF token", at: map[string]string{"case": "A"}, body: fixedBody(map[string]string{"satisfaction": "5"}),
				noCSRF: true, want: allStatus(403), errorGroup: "csrf"},
		},
	}
}
