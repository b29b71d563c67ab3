package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"tiaojie/internal/mediation"
)

// pageMatrix is the table of the HTML pages. A page that needs a session
// sends the anonymous to sign in (303 to /login) when they GET it and answers
// 401 when they post its form; a role that may never do a thing gets the 403
// page; an object not visible to the principal the 404 page, exactly as for an
// ID that does not exist; a form with something to mend is shown again (422);
// a success is the page (200) or, after a form, a redirect to what it changed
// (303, post-redirect-get). Every form is sent form-encoded with the token of
// the client's csrf cookie, except in the rows "without CSRF token", which
// must be refused (403) and write nothing.
func pageMatrix() map[string][]mxRow {
	caseA, caseB := map[string]string{"case": "A"}, map[string]string{"case": "B"}
	withoutToken := func(at map[string]string, body func(*mxWorld, mxWho) any) mxRow {
		return mxRow{name: "without CSRF token", at: at, body: body, noCSRF: true, want: allStatus(403),
			errorGroup: "csrf"}
	}
	submission := func(party string) func(w *mxWorld, p mxWho) any {
		return func(w *mxWorld, p mxWho) any {
			in := map[string]string{"kind": "proposal", "body": "建议双方轮流使用。"}
			if p < pA1 { // staff enter it on a party's behalf and must name it
				in["party_id"], _ = w.lookup(party)
			}
			return in
		}
	}
	newCase := fixedBody(map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
		"community": "heping-li", "source": "party_application"})
	newParty := fixedBody(map[string]string{"name": "何新", "kind": "person", "side": "third_party"})
	newUser := func(_ *mxWorld, p mxWho) any {
		return map[string]string{"username": fmt.Sprintf("zhou.%d", p), "display_name": "周调解",
			"role": "mediator", "password": "一个足够长的口令"}
	}
	zhang := func(w *mxWorld, _ mxWho) any { return map[string]string{"user_id": w.extra["zhang"]} }
	recusal := fixedBody(map[string]string{"reason": "当事人申请回避"})
	confirmed := fixedBody(map[string]string{"confirm": "yes"})
	toMediating := fixedBody(map[string]string{"to": "mediating"})
	login := func(w *mxWorld, _ mxWho) any {
		return map[string]string{"username": "zhao.login", "password": w.password}
	}
	return map[string][]mxRow{
		// want: anonymous, admin, office, assigned mediator (of A),
		// unassigned mediator (of B only), A1, A2, B1.
		"GET /static/:file": {{name: "stylesheet", at: map[string]string{"file": "css"}, want: allStatus(200),
			setup: func(t *testing.T, w *mxWorld) { w.extra["css"] = mxStylesheet(t, w) },
			check: func(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
				if !bytes.Contains(raw, []byte("{")) {
					t.Errorf("the stylesheet is no CSS: %.200s", raw)
				}
			}}},
		"GET /":     {{name: "home", want: allStatus(303), location: mxHome}},
		"GET /lang": {{name: "default language", want: allStatus(303), location: mxTo("/")}},

		"GET /login": {{name: "sign-in form", want: statuses{200, 303, 303, 303, 303, 303, 303, 303},
			location: mxTo("/")}},
		// The valid row runs last: it turns every client into zhao.login.
		"POST /login": {
			withoutToken(nil, login),
			{name: "empty form", body: fixedBody(map[string]string{}), want: allStatus(422)},
			{name: "valid credentials", want: allStatus(303), location: mxTo("/"), becomes: true,
				setup: func(t *testing.T, w *mxWorld) {
					u, password := w.app.user(mediation.RoleMediator, "zhao.login")
					w.extra["login"], w.password = u.ID.String(), password
				},
				body: login,
				check: func(t *testing.T, w *mxWorld, p mxWho, _ []byte) {
					if id := mxWhoAmI(t, w.as(p)); id != "user:"+w.id(t, "login") {
						t.Errorf("signed in as %q, want zhao.login", id)
					}
				}},
		},
		// Signing out without a session does nothing and shows the sign-in
		// page, as signing out does.
		"POST /logout": {
			withoutToken(nil, nil),
			{name: "own session", want: allStatus(303), location: mxTo("/login"),
				check: func(t *testing.T, w *mxWorld, p mxWho, _ []byte) {
					if id := mxWhoAmI(t, w.as(p)); id != "" {
						t.Errorf("still signed in as %s", id)
					}
				}},
		},
		// An invitation link opens a page with a button, for anyone: reading
		// it redeems nothing. The button (a form with its CSRF token) signs
		// in as the token's party and goes to its case; an unknown or
		// replaced token is refused (401); staff are refused (403), so that a
		// link never swaps a staff session for a party's. Each principal
		// tries tokens of its own from an address of its own (see
		// mxInvitationSetup).
		"GET /a/:token": {
			{name: "landing", at: map[string]string{"token": "unknown"}, want: allStatus(200),
				setup: mxInvitationSetup},
		},
		"POST /a/:token": {
			withoutToken(map[string]string{"token": "tokenA1"}, fixedBody(map[string]string{"pin": testPIN})),
			{name: "unknown token", at: map[string]string{"token": "unknown"}, body: fixedBody(map[string]string{"pin": testPIN}),
				want: statuses{401, 403, 403, 403, 403, 401, 401, 401}, errorGroup: "invitation",
				setup: mxInvitationSetup},
			{name: "replaced token", at: map[string]string{"token": "replaced"}, body: fixedBody(map[string]string{"pin": testPIN}),
				want: statuses{401, 403, 403, 403, 403, 401, 401, 401}, errorGroup: "invitation"},
			{name: "token of A1", at: map[string]string{"token": "tokenA1"}, body: fixedBody(map[string]string{"pin": testPIN}),
				want: statuses{303, 403, 403, 403, 403, 303, 303, 303}, becomes: true, errorGroup: "invitation",
				location: mxToCase("A"),
				check: func(t *testing.T, w *mxWorld, p mxWho, _ []byte) {
					if id := mxWhoAmI(t, w.as(p)); id != "party:"+w.partyA1 {
						t.Errorf("signed in as %q, want party A1", id)
					}
				}},
		},
		"GET /office": {{name: "start page", want: statuses{303, 200, 200, 403, 403, 403, 403, 403}}},

		"GET /cases": {{name: "visible cases", want: statuses{303, 200, 403, 200, 200, 303, 303, 303},
			location: mxHome, check: mxOnPage(casesPageCheck)}},
		"GET /cases/new": {{name: "form", want: statuses{303, 403, 403, 200, 200, 403, 403, 403}}},
		"POST /cases/new": {
			{name: "new case", body: newCase, want: statuses{401, 403, 403, 303, 303, 403, 403, 403},
				location: mxTo("/cases/*")},
			{name: "empty title", body: fixedBody(map[string]string{"title": "", "category": "leak_renovation",
				"community": "heping-li", "source": "party_application"}),
				want: statuses{401, 403, 403, 422, 422, 403, 403, 403}},
			withoutToken(nil, newCase),
		},
		"GET /cases/:case": {
			{name: "case A", at: caseA, want: statuses{303, 200, 403, 200, 404, 200, 200, 404},
				check: mxOnPage(casePageCheck("A"))},
			{name: "case B", at: caseB, want: statuses{303, 200, 403, 404, 200, 404, 404, 200},
				check: mxOnPage(casePageCheck("B"))},
		},
		"POST /cases/:case/extension": {
			{name: "case A", at: caseA, location: mxToCase("A"),
				body: func(w *mxWorld, _ mxWho) any {
					return url.Values{"form": {"extension"}, "reason": {"双方同意再调解一个月。"},
						"consented_by": {w.partyA1, w.partyA2}}
				},
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			withoutToken(caseA, toMediating),
		},
		"POST /cases/:case/transitions": {
			{name: "case A", at: caseA, body: toMediating, location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "case B", at: caseB, body: toMediating, location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			withoutToken(caseA, toMediating),
		},
		"POST /cases/:case/mediators": {
			{name: "case A", at: caseA, setup: func(t *testing.T, w *mxWorld) { w.addMediator(t) },
				body: zhang, location: mxToCase("A"), want: statuses{401, 404, 403, 303, 404, 403, 403, 403}},
			{name: "case B", at: caseB, body: zhang, location: mxToCase("B"),
				want: statuses{401, 404, 403, 404, 303, 403, 403, 403}},
			withoutToken(caseA, zhang),
		},
		"POST /cases/:case/mediators/:user/remove": {
			{name: "second mediator of A", at: map[string]string{"case": "A", "user": "zhang"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addMediator(t)
					w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/mediators",
						map[string]string{"user_id": w.extra["zhang"]}, http.StatusOK, nil)
				},
				body: recusal, want: statuses{401, 404, 403, 404, 404, 403, 403, 403}},
			{name: "the mediator of A steps aside", at: map[string]string{"case": "A", "user": "mediatorUser"},
				body: recusal, location: mxToCase("A"), want: statuses{401, 404, 403, 303, 404, 403, 403, 403}},
			{name: "mediator of another case", at: map[string]string{"case": "A", "user": "otherUser"},
				body: recusal, want: statuses{401, 404, 403, 404, 404, 403, 403, 403}},
			withoutToken(map[string]string{"case": "A", "user": "zhang"}, recusal),
		},

		"GET /cases/:case/parties/new": {
			{name: "case A", at: caseA, want: statuses{303, 403, 403, 200, 404, 403, 403, 403}},
			{name: "case B", at: caseB, want: statuses{303, 403, 403, 404, 200, 403, 403, 403}},
		},
		// Adding a party redirects to its invitation, whose token waits in
		// memory for that page alone (post/redirect/get).
		"POST /cases/:case/parties/new": {
			{name: "case A", at: caseA, body: newParty, want: statuses{401, 403, 403, 303, 404, 403, 403, 403},
				location: mxToPartyOf("A")},
			{name: "case B", at: caseB, body: newParty, want: statuses{401, 403, 403, 404, 303, 403, 403, 403},
				location: mxToPartyOf("B")},
			withoutToken(caseA, newParty),
		},
		// A new invitation ends the sessions of its party, so the rows invite
		// parties (A3, B2) that are none of the principals.
		"POST /cases/:case/parties/:party/invitation": {
			{name: "party A3 of A", at: map[string]string{"case": "A", "party": "A3"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addParty(t, w.mediator, "A", "A3", nameA3)
					w.addParty(t, w.other, "B", "B2", nameB2)
				},
				body: confirmed, location: mxToPartyOf("A"), want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "party B2 of B", at: map[string]string{"case": "B", "party": "B2"},
				body: confirmed, location: mxToPartyOf("B"), want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "party A3 of A, not confirmed", at: map[string]string{"case": "A", "party": "A3"},
				want: statuses{401, 403, 403, 422, 404, 403, 403, 403}},
			{name: "party B2 under case A", at: map[string]string{"case": "A", "party": "B2"},
				body: confirmed, want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			{name: "party A3 under case B", at: map[string]string{"case": "B", "party": "A3"},
				body: confirmed, want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			withoutToken(map[string]string{"case": "A", "party": "A3"}, confirmed),
		},
		// Resetting the PIN of a party that is none of the principals.
		"POST /cases/:case/parties/:party/pin-reset": {
			{name: "party A3 of A", at: map[string]string{"case": "A", "party": "A3"},
				setup: func(t *testing.T, w *mxWorld) {
					w.addParty(t, w.mediator, "A", "A3", nameA3)
					w.addParty(t, w.other, "B", "B2", nameB2)
				},
				location: mxToCase("A"), want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "party B2 of B", at: map[string]string{"case": "B", "party": "B2"},
				location: mxToCase("B"), want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "party B2 under case A", at: map[string]string{"case": "A", "party": "B2"},
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			withoutToken(map[string]string{"case": "A", "party": "A3"}, nil),
		},

		"POST /cases/:case/submissions": {
			{name: "case A", at: caseA, body: submission("A1"), location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 303, 303, 404}},
			{name: "case B", at: caseB, body: submission("B1"), location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 404, 404, 303}},
			{name: "case A, author of case B", at: caseA,
				body: func(w *mxWorld, _ mxWho) any {
					return map[string]string{"party_id": w.partyB1, "kind": "proposal", "body": "建议双方轮流使用。"}
				},
				want: statuses{401, 403, 403, 422, 404, 422, 422, 404}},
			withoutToken(caseA, submission("A1")),
		},
		"GET /cases/:case/submissions/:submission/release": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"},
				want: statuses{303, 403, 403, 403, 403, 200, 404, 404}, check: mxOnPage(releasePageCheck)},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"},
				want: statuses{303, 403, 403, 403, 403, 404, 200, 404}, check: mxOnPage(releasePageCheck)},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"},
				want: statuses{303, 403, 403, 403, 403, 404, 404, 200}, check: mxOnPage(releasePageCheck)},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{303, 403, 403, 403, 403, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{303, 403, 403, 403, 403, 404, 404, 404}},
		},
		// Releasing is idempotent, so the rows do not disturb one another.
		"POST /cases/:case/submissions/:submission/release": {
			{name: "A1's in A", at: map[string]string{"case": "A", "submission": "subA1"}, location: mxToCase("A"),
				want: statuses{401, 403, 403, 403, 403, 303, 404, 404}},
			{name: "A2's in A", at: map[string]string{"case": "A", "submission": "subA2"}, location: mxToCase("A"),
				want: statuses{401, 403, 403, 403, 403, 404, 303, 404}},
			{name: "B1's in B", at: map[string]string{"case": "B", "submission": "subB1"}, location: mxToCase("B"),
				want: statuses{401, 403, 403, 403, 403, 404, 404, 303}},
			{name: "B1's under case A", at: map[string]string{"case": "A", "submission": "subB1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
			{name: "A1's under case B", at: map[string]string{"case": "B", "submission": "subA1"},
				want: statuses{401, 403, 403, 403, 403, 404, 404, 404}},
			withoutToken(map[string]string{"case": "A", "submission": "subA1"}, nil),
		},

		"GET /admin/users": {{name: "accounts", want: statuses{303, 200, 403, 403, 403, 403, 403, 403}}},
		"POST /admin/users": {
			{name: "new mediator", body: newUser, location: mxTo("/admin/users"),
				want: statuses{401, 303, 403, 403, 403, 403, 403, 403}},
			withoutToken(nil, newUser),
		},
	}
}
