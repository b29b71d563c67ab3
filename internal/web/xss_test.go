package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/mediation"
)

// xssPayloads are texts that would run script if a page wrote them out
// unescaped, in an element, an attribute or a URL.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`'><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	`</textarea><script>alert(1)</script>`,
	`{{.CSRF}}<iframe src="javascript:alert(1)">`,
}

// scriptFree fails when a page holds anything that runs: a script element, an
// event-handler attribute, a javascript: URL, or an iframe/object/embed.
func scriptFree(t *testing.T, where string, page []byte) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if n := doc.Find("script, iframe, object, embed").Length(); n > 0 {
		t.Errorf("%s: %d script-like elements", where, n)
	}
	doc.Find("*").Each(func(_ int, el *goquery.Selection) {
		for _, a := range el.Nodes[0].Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("%s: event handler attribute %s=%q", where, a.Key, a.Val)
			}
			if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("%s: %s=%q", where, a.Key, a.Val)
			}
		}
	})
}

// TestStoredTextNeverRuns writes script into every field a user can write,
// then renders every page as each kind of user and checks that nothing of it
// runs and that it is shown as text.
func TestStoredTextNeverRuns(t *testing.T) {
	t.Parallel()
	for _, payload := range xssPayloads {
		t.Run(payload, func(t *testing.T) {
			a := newApp(t)
			admin, _ := a.staff(mediation.RoleAdmin, "admin")
			mediator, _ := a.staff(mediation.RoleMediator, "wang")
			admin.mustJSON("POST", "/api/v1/users", map[string]string{"username": "li.jianguo", "display_name": "李" + payload,
				"role": "mediator", "password": "a-long-password"}, http.StatusCreated, nil)
			var cs idOnly
			mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "T" + payload, "category": "noise",
				"community": "dongfeng", "source": "referred_police", "summary": "S" + payload}, http.StatusCreated, &cs)
			casePath := "/cases/" + cs.ID
			var pa, pb partyCreated
			mediator.mustJSON("POST", "/api/v1"+casePath+"/parties", map[string]string{"name": "A" + payload, "kind": "person",
				"side": "applicant", "address": "D" + payload, "represents": "R" + payload}, http.StatusCreated, &pa)
			mediator.mustJSON("POST", "/api/v1"+casePath+"/parties", map[string]string{"name": "B" + payload, "kind": "household",
				"side": "respondent"}, http.StatusCreated, &pb)
			partyA, partyB := a.party(pa.Invitation.Token), a.party(pb.Invitation.Token)
			var sub idOnly
			partyA.mustJSON("POST", "/api/v1"+casePath+"/submissions", map[string]string{"kind": "position", "body": "P" + payload}, http.StatusCreated, &sub)
			partyA.mustJSON("POST", "/api/v1"+casePath+"/submissions/"+sub.ID+"/release", nil, http.StatusOK, nil)
			partyB.mustJSON("POST", "/api/v1"+casePath+"/submissions", map[string]string{"kind": "proposal", "body": "Q" + payload}, http.StatusCreated, nil)
			mediator.mustJSON("POST", "/api/v1"+casePath+"/transitions", map[string]string{"to": "withdrawn", "reason": "W" + payload}, http.StatusOK, nil)

			pages := []struct {
				who  *client
				path string
			}{
				{mediator, "/cases"}, {mediator, casePath}, {mediator, casePath + "/parties/new"},
				{admin, "/cases"}, {admin, casePath}, {admin, "/admin/users"},
				{partyA, casePath}, {partyA, casePath + "/submissions/" + sub.ID + "/release"}, {partyB, casePath},
			}
			for _, p := range pages {
				status, body := p.who.do("GET", p.path, nil)
				if status != http.StatusOK {
					t.Fatalf("GET %s: %d", p.path, status)
				}
				scriptFree(t, p.path, body)
			}
			// The mediator's page shows what was written, as text.
			_, body := mediator.do("GET", casePath, nil)
			doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(body))
			text := doc.Find("main").Text()
			for _, prefix := range []string{"T", "S", "A", "D", "R", "B", "P", "Q"} {
				if !strings.Contains(text, prefix+payload) {
					t.Errorf("the case page does not show %q as text", prefix+payload)
				}
			}
			// A form that fails keeps what was typed, still as text.
			failed := sendForm(t, mediator, "/cases/new", map[string]string{"title": payload, "category": "bad"})
			failed.wantStatus(t, http.StatusUnprocessableEntity)
			scriptFree(t, "/cases/new (failed)", failed.raw)
			// The invitation slip names the party.
			issued := sendForm(t, mediator, casePath+"/parties/"+pa.ID+"/invitation", map[string]string{"confirm": "yes"})
			issued.wantStatus(t, http.StatusSeeOther)
			slip := openPage(t, mediator, issued.header.Get("Location"))
			slip.wantStatus(t, http.StatusOK)
			scriptFree(t, "invitation", slip.raw)
		})
	}
}
