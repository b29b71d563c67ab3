package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// authzMatrix is the table: "METHOD /path/template" → its rows.
func authzMatrix() map[string][]mxRow {
	const casePath = "/api/v1/cases/:case"
	submission := func(party string) func(w *mxWorld, p mxWho) any {
		return func(w *mxWorld, p mxWho) any {
			in := map[string]string{"kind": "proposal", "body": "建议双方轮流使用。"}
			if p < pA1 { // staff enter it on a party's behalf and must name it
				in["party_id"], _ = w.lookup(party)
			}
			return in
		}
	}
	return map[string][]mxRow{
		// want: anonymous, admin, office, assigned mediator (of A),
		// unassigned mediator (of B only), A1, A2, B1.
		"GET /healthz": {{name: "public", want: allStatus(200)}},
		"GET /readyz":  {{name: "public", want: allStatus(200)}},
		// Counts and timings, no personal data; kept from the public at the
		// network (see showMetrics).
		"GET /metrics": {{name: "public", want: allStatus(200)}},

		// Signing in is open to all; a bad body is refused as such, not as 401.
		// The bad-body row runs first: the valid one turns every client into
		// the account the setup makes.
		"POST /api/v1/login": {
			{name: "empty body", body: fixedBody(map[string]string{}), want: allStatus(422)},
			{name: "valid credentials", want: allStatus(200), becomes: true,
				setup: func(t *testing.T, w *mxWorld) {
					u, password := w.app.user(mediation.RoleMediator, "zhao.login")
					w.extra["login"], w.password = u.ID.String(), password
				},
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"username": "zhao.login", "password": w.password}
				},
				check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					var out struct {
						User struct {
							ID string `json:"id"`
						} `json:"user"`
					}
					mxDecode(t, raw, &out)
					if out.User.ID != w.id(t, "login") {
						t.Errorf("signed in as %q, want zhao.login", out.User.ID)
					}
				}},
		},
		"POST /api/v1/logout": {{name: "own session", want: statuses{401, 204, 204, 204, 204, 204, 204, 204}}},
		"POST /api/v1/access": {
			{name: "empty body", body: fixedBody(map[string]string{}), want: allStatus(422)},
			// A staff login never becomes a party (403, left as it was).
			{name: "token of A1", body: func(w *mxWorld, _ mxWho) any { return map[string]string{"token": w.tokenA1, "pin": testPIN} },
				want: statuses{200, 403, 403, 403, 403, 200, 200, 200}, becomes: true, errorGroup: "invitation",
				check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					var out struct {
						Party struct {
							ID string `json:"id"`
						} `json:"party"`
						Case struct {
							ID string `json:"id"`
						} `json:"case"`
					}
					mxDecode(t, raw, &out)
					if out.Party.ID != w.partyA1 || out.Case.ID != w.caseA {
						t.Errorf("access answered party %q case %q, want A1 of A", out.Party.ID, out.Case.ID)
					}
				}},
		},
		"GET /api/v1/me": {{name: "self", want: statuses{401, 200, 200, 200, 200, 200, 200, 200},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				var out struct {
					Kind  string `json:"kind"`
					Party struct {
						ID string `json:"id"`
					} `json:"party"`
				}
				mxDecode(t, raw, &out)
				own := map[mxWho]string{pA1: w.partyA1, pA2: w.partyA2, pB1: w.partyB1}[p]
				if own != "" && (out.Kind != "party" || out.Party.ID != own) {
					t.Errorf("me: %s", raw)
				}
				if own == "" && out.Kind != "staff" {
					t.Errorf("me: %s", raw)
				}
			}}},
		"GET /api/v1/meta": {{name: "forms", want: statuses{401, 200, 200, 200, 200, 200, 200, 200}}},

		"POST /api/v1/users": {{name: "new mediator",
			body: func(_ *mxWorld, p mxWho) any {
				return map[string]string{"username": fmt.Sprintf("zhou.%d", p), "display_name": "周调解",
					"role": "mediator", "password": "一个足够长的口令"}
			},
			want: statuses{401, 201, 403, 403, 403, 403, 403, 403}}},
		"PATCH /api/v1/users/:user": {{name: "another account", at: map[string]string{"user": "zhou"},
			setup: func(t *testing.T, w *mxWorld) {
				u, _ := w.app.user(mediation.RoleMediator, "zhou.patch")
				w.extra["zhou"] = u.ID.String()
			},
			body: fixedBody(map[string]string{"display_name": "周新", "phone": "13500135000"}),
			want: statuses{401, 200, 403, 403, 403, 403, 403, 403}}},
		// Each staff principal changes its own password, given the current one.
		"POST /api/v1/me/password": {{name: "own password",
			body: func(w *mxWorld, p mxWho) any {
				name := map[mxWho]string{pAdmin: "admin", pOffice: "office", pMed: "wang", pOther: "li.jianguo"}[p]
				return map[string]string{"current": "pw-" + name + "-密码", "new": "一个新的足够长的口令"}
			},
			want: statuses{401, 204, 204, 204, 204, 403, 403, 403}}},
		"GET /api/v1/users": {{name: "all accounts", want: statuses{401, 200, 403, 403, 403, 403, 403, 403},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				items := mxItems(t, raw)
				if len(items) != 4 {
					t.Errorf("%d users, want 4", len(items))
				}
				if strings.Contains(strings.ToLower(string(raw)), "hash") || strings.Contains(string(raw), "pw-") {
					t.Errorf("user list shows secrets: %s", raw)
				}
			}}},

		"POST /api/v1/cases": {{name: "new case",
			body: fixedBody(map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
				"community": "heping-li", "source": "party_application"}),
			want: statuses{401, 403, 403, 201, 201, 403, 403, 403}}},
		"GET /api/v1/cases": {{name: "visible cases", want: statuses{401, 200, 403, 200, 200, 200, 200, 200},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				items := mxItems(t, raw)
				w.sameIDs(t, items, map[mxWho][]string{pAdmin: {"A", "B"}, pMed: {"A"}, pOther: {"B"},
					pA1: {"A"}, pA2: {"A"}, pB1: {"B"}}[p]...)
				for _, it := range items {
					checkCaseView(t, it, mxCaseView[p])
				}
			}}},

		"GET " + casePath: {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 200, 403, 200, 404, 200, 200, 404}, check: caseCheck("A")},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 200, 403, 404, 200, 404, 404, 200}, check: caseCheck("B")},
		},
		"PATCH " + casePath: {
			{name: "case A", at: map[string]string{"case": "A"}, body: fixedBody(map[string]string{"summary": "约定周三面谈"}),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"}, body: fixedBody(map[string]string{"summary": "约定周三面谈"}),
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},
		"POST " + casePath + "/extension": {
			{name: "case A", at: map[string]string{"case": "A"}, body: extensionBody("A"),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"}, body: extensionBody("B"),
				want: statuses{401, 403, 403, 404, 422, 403, 403, 403}},
		},
		"POST " + casePath + "/transitions": {
			{name: "case A", at: map[string]string{"case": "A"}, body: fixedBody(map[string]string{"to": "mediating"}),
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"}, body: fixedBody(map[string]string{"to": "mediating"}),
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},
		// Assigning zhang twice changes nothing the second time, so the admin
		// and the assigned mediator both succeed whatever the order.
		"POST " + casePath + "/mediators": {
			{name: "case A", at: map[string]string{"case": "A"},
				setup: func(t *testing.T, w *mxWorld) { w.addMediator(t) },
				body:  func(w *mxWorld, _ mxWho) any { return map[string]string{"user_id": w.extra["zhang"]} },
				want:  statuses{401, 404, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				body: func(w *mxWorld, _ mxWho) any { return map[string]string{"user_id": w.extra["zhang"]} },
				want: statuses{401, 404, 403, 404, 200, 403, 403, 403}},
		},
		// zhang is added to case A as a second mediator. No one takes him off:
		// the admin cares only for a case without an active mediator, and a
		// mediator takes only itself off, stepping aside while zhang remains.
		"DELETE " + casePath + "/mediators/:user": {
			{name: "second mediator of A", at: map[string]string{"case": "A", "user": "zhang"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addMediator(t)
					w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/mediators",
						map[string]string{"user_id": w.extra["zhang"]}, http.StatusOK, nil)
				},
				body: fixedBody(map[string]string{"reason": "当事人申请回避"}),
				want: statuses{401, 404, 403, 404, 404, 403, 403, 403}},
			{name: "the mediator of A steps aside", at: map[string]string{"case": "A", "user": "mediatorUser"},
				body: fixedBody(map[string]string{"reason": "本人与当事人相识，申请回避"}),
				want: statuses{401, 404, 403, 200, 404, 403, 403, 403}},
			{name: "mediator of another case", at: map[string]string{"case": "A", "user": "otherUser"},
				body: fixedBody(map[string]string{"reason": "当事人申请回避"}),
				want: statuses{401, 404, 403, 404, 404, 403, 403, 403}},
		},

		"POST " + casePath + "/parties": {
			{name: "case A", at: map[string]string{"case": "A"},
				body: fixedBody(map[string]string{"name": "何新", "kind": "person", "side": "third_party"}),
				want: statuses{401, 403, 403, 201, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				body: fixedBody(map[string]string{"name": "何新", "kind": "person", "side": "third_party"}),
				want: statuses{401, 403, 403, 404, 201, 403, 403, 403}},
		},
		"GET " + casePath + "/parties": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: partiesCheck("A")},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: partiesCheck("B")},
		},
		// A new invitation ends the sessions of its party, so the rows invite
		// parties (A3, B2) that are none of the principals.
		"POST " + casePath + "/parties/:party/invitation": {
			{name: "party A3 of A", at: map[string]string{"case": "A", "party": "A3"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addParty(t, w.mediator, "A", "A3", nameA3)
					w.addParty(t, w.other, "B", "B2", nameB2)
				},
				want: statuses{401, 403, 403, 201, 404, 403, 403, 403}},
			{name: "party B2 of B", at: map[string]string{"case": "B", "party": "B2"},
				want: statuses{401, 403, 403, 404, 201, 403, 403, 403}},
			{name: "party B2 under case A", at: map[string]string{"case": "A", "party": "B2"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},
		"POST " + casePath + "/parties/:party/pin-reset": {
			{name: "party A3 of A", at: map[string]string{"case": "A", "party": "A3"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addParty(t, w.mediator, "A", "A3", nameA3)
					w.addParty(t, w.other, "B", "B2", nameB2)
				},
				want: statuses{401, 403, 403, 204, 404, 403, 403, 403}},
			{name: "party B2 of B", at: map[string]string{"case": "B", "party": "B2"},
				want: statuses{401, 403, 403, 404, 204, 403, 403, 403}},
			{name: "party B2 under case A", at: map[string]string{"case": "A", "party": "B2"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			{name: "party A3 under case B", at: map[string]string{"case": "B", "party": "A3"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},

		"POST " + casePath + "/submissions": {
			{name: "case A", at: map[string]string{"case": "A"}, body: submission("A1"),
				want: statuses{401, 403, 403, 201, 404, 201, 201, 404}},
			{name: "case B", at: map[string]string{"case": "B"}, body: submission("B1"),
				want: statuses{401, 403, 403, 404, 201, 404, 404, 201}},
			{name: "case A, author of case B",
				at: map[string]string{"case": "A"},
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"party_id": w.partyB1, "kind": "proposal", "body": "建议双方轮流使用。"}
				},
				want: statuses{401, 403, 403, 422, 404, 422, 422, 404}},
		},
		"GET " + casePath + "/submissions": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 200, 200, 404}, check: submissionsCheck},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: submissionsCheck},
		},
		"GET " + casePath + "/submissions/:submission": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"},
				want: statuses{401, 403, 403, 200, 404, 200, 404, 404}, check: sameSubmission("subA1")},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"},
				want: statuses{401, 403, 403, 200, 404, 404, 200, 404}, check: sameSubmission("subA2")},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"},
				want: statuses{401, 403, 403, 404, 200, 404, 404, 200}, check: sameSubmission("subB1")},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
		},
		// Releasing is idempotent and released submissions stay the
		// author's, so the rows do not disturb one another.
		"POST " + casePath + "/submissions/:submission/release": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"},
				want: statuses{401, 403, 403, 403, 403, 200, 404, 404}, check: sameSubmission("subA1")},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"},
				want: statuses{401, 403, 403, 403, 403, 404, 200, 404}, check: sameSubmission("subA2")},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 200}, check: sameSubmission("subB1")},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
		},

		"GET " + casePath + "/audit": {
			{name: "case A", at: map[string]string{"case": "A"},
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: map[string]string{"case": "B"},
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
		},

		"GET /api/v1/admin/backup": {{name: "hot copy", want: statuses{401, 200, 403, 403, 403, 403, 403, 403},
			wholeDatabase: true, check: backupCheck}},
	}
}

// extensionBody is a valid extension of case A's term (both of its sides
// consent) or, for case B, whose only party is an applicant, one refused for
// want of a respondent's consent (422 once the access was decided).
func extensionBody(cs string) func(*mxWorld, mxWho) any {
	return func(w *mxWorld, _ mxWho) any {
		parties := []string{w.partyA1, w.partyA2}
		if cs == "B" {
			parties = []string{w.partyB1}
		}
		return map[string]any{"reason": "双方同意再调解一个月。", "consented_by": parties}
	}
}
