package web_test

import (
	"net/http"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// Adding a party is post/redirect/get: the invitation is shown on the page the
// redirect leads to, once; reloading it adds no party and shows no token; a
// change of language shows it again; a new link needs a confirmation.
func TestInvitationShownOnceAfterRedirect(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	casePath := "/cases/" + s.caseA
	added := sendForm(t, s.mediator, casePath+"/parties/new", map[string]string{"name": "张卫国",
		"kind": "person", "side": "applicant", "phone": "010-62345678"})
	loc := added.location(t, casePath+"/parties/")
	page := openPage(t, s.mediator, loc)
	page.wantStatus(t, http.StatusOK)
	link := page.doc.Find(".slip .link a").AttrOr("href", "")
	if !strings.Contains(link, "/a/") {
		t.Fatalf("no invitation on the page the redirect leads to: %s", page.main())
	}
	if !strings.Contains(page.main(), "当事人已添加") {
		t.Errorf("no message that the party was added: %s", page.main())
	}
	org := mediation.DefaultPlaces().Organisation
	if slip := squashSpace(page.doc.Find(".slip").Text()); !strings.Contains(slip, org.Name) ||
		!strings.Contains(slip, org.Phone) || !strings.Contains(slip, org.Address) {
		t.Errorf("the slip does not name the organisation, its address and phone: %s", slip)
	}

	// A reload: no token, no new party, the offer of a new link.
	again := openPage(t, s.mediator, loc)
	again.wantStatus(t, http.StatusOK)
	if strings.Contains(string(again.raw), "/a/") || again.doc.Find(`input[name="confirm"]`).Length() != 1 {
		t.Fatalf("a reload shows the invitation again or no offer of a new one: %s", again.main())
	}
	parties := countNamed(t, s, "张卫国")
	if parties != 1 {
		t.Fatalf("%d parties named 张卫国 after a reload", parties)
	}

	// Switching the language on the page shows it once more, in English.
	second := sendForm(t, s.mediator, casePath+"/parties/new", map[string]string{"name": "李四",
		"kind": "person", "side": "respondent"})
	loc2 := second.location(t, casePath+"/parties/")
	shown := openPage(t, s.mediator, loc2)
	lang := shown.doc.Find("a.lang").AttrOr("href", "")
	if !strings.Contains(strings.ToLower(lang), "i%3d") {
		t.Fatalf("the language link does not come back to the invitation: %s", lang)
	}
	switched := openPage(t, s.mediator, lang)
	switched.wantStatus(t, http.StatusSeeOther)
	en := openPage(t, s.mediator, switched.header.Get("Location"))
	if !strings.Contains(en.doc.Find(".slip .link a").AttrOr("href", ""), "/a/") || en.doc.Find("html").AttrOr("lang", "") != "en" {
		t.Fatalf("the invitation is lost on switching language: %s", en.main())
	}
	// Another mediator cannot use the one-time address.
	if other := openPage(t, s.other, loc2); other.status != http.StatusNotFound {
		t.Fatalf("another case's mediator at the invitation: %d", other.status)
	}

	// A new link asks for the confirmation that the old one stops working.
	pid := strings.Split(strings.TrimPrefix(loc, casePath+"/parties/"), "/")[0]
	unconfirmed := sendForm(t, s.mediator, casePath+"/parties/"+pid+"/invitation", nil)
	unconfirmed.wantStatus(t, http.StatusUnprocessableEntity)
	if unconfirmed.doc.Find(`#problem a[href="#confirm"]`).Length() != 1 {
		t.Errorf("the refusal does not link to the confirmation: %s", unconfirmed.main())
	}
	confirmed := sendForm(t, s.mediator, casePath+"/parties/"+pid+"/invitation", map[string]string{"confirm": "yes"})
	fresh := openPage(t, s.mediator, confirmed.location(t, casePath+"/parties/"+pid+"/invitation"))
	if newLink := fresh.doc.Find(".slip .link a").AttrOr("href", ""); newLink == "" || newLink == link {
		t.Fatalf("no new link: %q", newLink)
	}
	token, _, _ := strings.Cut(link[strings.LastIndex(link, "/")+1:], "?") // ?lang= of the slip
	if status, _ := s.app.client().do("POST", "/api/v1/access", map[string]string{"token": token, "pin": "135790"}); status != http.StatusUnauthorized {
		t.Errorf("the old link still opens: %d", status)
	}
}

func countNamed(t *testing.T, s *scene, name string) int {
	t.Helper()
	var list listOf[map[string]any]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/parties", nil, http.StatusOK, &list)
	n := 0
	for _, p := range list.Items {
		if p["name"] == name {
			n++
		}
	}
	return n
}

// A party's record can be corrected (audited), and one that never entered
// removed with a reason; one that entered stays.
func TestPartyCorrectedAndRemoved(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	api := "/api/v1/cases/" + s.caseA + "/parties/"
	var got map[string]any
	s.mediator.mustJSON("PATCH", api+s.partyA1, map[string]string{"name": "赵明明", "kind": "household",
		"phone": "0755-1234567-801", "represents": "3号楼501全家"}, http.StatusOK, &got)
	if got["name"] != "赵明明" || got["kind"] != "household" || got["phone"] != "0755-1234567-801" ||
		got["side"] != "applicant" || got["address"] != "3号楼501" {
		t.Fatalf("corrected party: %v", got)
	}
	var trail listOf[map[string]any]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/audit", nil, http.StatusOK, &trail)
	found := false
	for _, e := range trail.Items {
		if e["action"] == "party.update" && e["object"] == "party:"+s.partyA1 {
			found = strings.Contains(e["detail"].(map[string]any)["fields"].(string), "phone")
		}
	}
	if !found {
		t.Errorf("the correction is not in the trail: %v", trail.Items)
	}

	// A1 has entered: it stays.
	if status, raw := s.mediator.do("DELETE", api+s.partyA1, map[string]string{"reason": "重复"}); status != http.StatusConflict {
		t.Fatalf("removing a party that entered: %d %s", status, raw)
	}
	// A duplicate that never entered goes, with its link.
	var dup partyCreated
	s.mediator.mustJSON("POST", strings.TrimSuffix(api, "/"), map[string]string{"name": "赵明", "kind": "person", "side": "applicant"},
		http.StatusCreated, &dup)
	removed := sendForm(t, s.mediator, "/cases/"+s.caseA+"/parties/"+dup.ID+"/remove", map[string]string{"reason": "重复添加"})
	removed.wantRedirect(t, "/cases/"+s.caseA)
	if n := countNamed(t, s, "赵明"); n != 0 {
		t.Errorf("%d parties named 赵明 after the duplicate was removed", n)
	}
	if status, _ := s.app.client().do("POST", "/api/v1/access", map[string]string{"token": dup.Invitation.Token, "pin": "135790"}); status != http.StatusUnauthorized {
		t.Errorf("the removed party's link still opens: %d", status)
	}
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/audit", nil, http.StatusOK, &trail)
	found = false
	for _, e := range trail.Items {
		if e["action"] == "party.remove" && e["detail"].(map[string]any)["reason"] == "重复添加" {
			found = true
		}
	}
	if !found {
		t.Errorf("the removal and its reason are not in the trail")
	}
	// The other residents see A1 once, as corrected.
	var seen listOf[map[string]any]
	s.a2.mustJSON("GET", strings.TrimSuffix(api, "/"), nil, http.StatusOK, &seen)
	if len(seen.Items) != 2 || seen.Items[0]["name"] != "赵明明" {
		t.Errorf("what A2 sees of the parties: %v", seen.Items)
	}
}
