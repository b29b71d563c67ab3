package web_test

import (
	"strings"
	"testing"
)

// partyEditMatrix is the table's rows for correcting and removing parties,
// and for a party's invitation page. Only the case's own mediators may; a
// party and the other staff roles never (403), a mediator of another case
// finds nothing (404). Removal takes parties (A3, B2) that are none of the
// principals and have never entered; A1 has entered, and stays (409).
func partyEditMatrix() map[string][]mxRow {
	at := func(cs, party string) map[string]string { return map[string]string{"case": cs, "party": party} }
	addThird := func(t *testing.T, w *mxWorld) {
		w.addParty(t, w.mediator, "A", "A3", nameA3)
		w.addParty(t, w.other, "B", "B2", nameB2)
	}
	correction := fixedBody(map[string]string{"represents": "3号楼全体业主", "phone": "010-62345678"})
	reason := fixedBody(map[string]string{"reason": "重复添加"})
	withoutToken := func(at map[string]string, body func(*mxWorld, mxWho) any) mxRow {
		return mxRow{name: "without CSRF token", at: at, body: body, noCSRF: true, want: allStatus(403),
			errorGroup: "csrf"}
	}
	editCheck := func(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
		doc := pageDoc(t, raw)
		if doc.Find(`main form input[name="name"]`).Length() != 1 {
			t.Errorf("the correction page has no name field: %s", pageMain(t, raw))
		}
	}
	return map[string][]mxRow{
		"GET /favicon.ico": {{name: "icon", want: allStatus(200),
			check: func(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
				if !strings.HasPrefix(string(raw), "\x00\x00\x01\x00") || !strings.Contains(string(raw[:64]), "PNG") {
					t.Errorf("/favicon.ico is no icon: % x", raw[:min(len(raw), 32)])
				}
			}}},
		"PATCH /api/v1/cases/:case/parties/:party": {
			{name: "A1 of A", at: at("A", "A1"), body: correction,
				want: statuses{401, 403, 403, 200, 404, 403, 403, 403}},
			{name: "B1 of B", at: at("B", "B1"), body: correction,
				want: statuses{401, 403, 403, 404, 200, 403, 403, 403}},
			{name: "B1 under case A", at: at("A", "B1"), body: correction,
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
		},
		"DELETE /api/v1/cases/:case/parties/:party": {
			{name: "A3 of A, never entered", at: at("A", "A3"), setup: addThird, body: reason,
				want: statuses{401, 403, 403, 204, 404, 403, 403, 403}},
			{name: "B2 of B, never entered", at: at("B", "B2"), body: reason,
				want: statuses{401, 403, 403, 404, 204, 403, 403, 403}},
			{name: "A1 of A, entered", at: at("A", "A1"), body: reason,
				want: statuses{401, 403, 403, 409, 404, 403, 403, 403}},
		},
		"GET /cases/:case/parties/:party/edit": {
			{name: "A1 of A", at: at("A", "A1"), want: statuses{303, 403, 403, 200, 404, 403, 403, 403},
				check: mxOnPage(editCheck)},
			{name: "B1 of B", at: at("B", "B1"), want: statuses{303, 403, 403, 404, 200, 403, 403, 403},
				check: mxOnPage(editCheck)},
			{name: "B1 under case A", at: at("A", "B1"), want: statuses{303, 403, 403, 404, 404, 403, 403, 403}},
		},
		"POST /cases/:case/parties/:party/edit": {
			{name: "A1 of A", at: at("A", "A1"), body: correction, location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "B1 of B", at: at("B", "B1"), body: correction, location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "B1 under case A", at: at("A", "B1"), body: correction,
				want: statuses{401, 403, 403, 404, 404, 403, 403, 403}},
			withoutToken(at("A", "A1"), correction),
		},
		"POST /cases/:case/parties/:party/remove": {
			{name: "A3 of A, never entered", at: at("A", "A3"), setup: addThird, body: reason, location: mxToCase("A"),
				want: statuses{401, 403, 403, 303, 404, 403, 403, 403}},
			{name: "B2 of B, never entered", at: at("B", "B2"), body: reason, location: mxToCase("B"),
				want: statuses{401, 403, 403, 404, 303, 403, 403, 403}},
			{name: "A1 of A, entered", at: at("A", "A1"), body: reason,
				want: statuses{401, 403, 403, 409, 404, 403, 403, 403}},
			withoutToken(at("A", "A1"), reason),
		},
		// Without the one-time ID of a new invitation, the page offers a new
		// link behind a confirmation: it never shows a token.
		"GET /cases/:case/parties/:party/invitation": {
			{name: "A1 of A", at: at("A", "A1"), want: statuses{303, 403, 403, 200, 404, 403, 403, 403},
				check: mxOnPage(func(t *testing.T, _ *mxWorld, _ mxWho, raw []byte) {
					if strings.Contains(string(raw), "/a/") || pageDoc(t, raw).Find(`input[name="confirm"]`).Length() != 1 {
						t.Errorf("the invitation page without a new invitation: %s", pageMain(t, raw))
					}
				})},
			{name: "B1 under case A", at: at("A", "B1"), want: statuses{303, 403, 403, 404, 404, 403, 403, 403}},
		},
	}
}

// mxToPartyOf is where adding or inviting a party in the case leads: the
// party's invitation page.
func mxToPartyOf(sym string) func(*mxWorld, mxWho) string {
	return func(w *mxWorld, _ mxWho) string { id, _ := w.lookup(sym); return "/cases/" + id + "/parties/*" }
}
