package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"tiaojie/internal/mediation"
	"tiaojie/templates"
)

// A formCase is a form sent with something to mend.
type formCase struct {
	name   string
	who    func(w *pageWorld) *client
	path   string // where the form posts, and the page's form's action
	form   map[string]string
	status int
	page   templates.Page
	field  string            // the field whose message must stand next to it
	kept   map[string]string // what the form must show again as typed
}

// formValue is what a form shows in its field name.
func formValue(form *goquery.Selection, name string) string {
	f := form.Find(`[name="` + name + `"]`)
	switch goquery.NodeName(f.First()) {
	case "textarea":
		return f.First().Text()
	case "select":
		return f.First().Find("option[selected]").AttrOr("value", "")
	case "input":
		if t := f.First().AttrOr("type", ""); t == "radio" || t == "checkbox" {
			return f.Filter("[checked]").AttrOr("value", "")
		}
		return f.First().AttrOr("value", "")
	}
	return "(no field " + name + ")"
}

// TestPageFormsBadInput: a form with something to mend is answered with the
// same form (422, or 409 for a conflict), as typed, the message next to the
// field, and nothing written.
func TestPageFormsBadInput(t *testing.T) {
	t.Parallel()
	w := newPageWorld(t)
	// A case whose page shows no submission, so that showing its form again
	// reads (and audits) none.
	var cs idOnly
	w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "空卷宗", "category": "other",
		"community": "qingnian-lu", "source": "party_application"}, http.StatusCreated, &cs)
	var c1 partyCreated
	caseC := cs.ID
	w.mediator.mustJSON("POST", "/api/v1/cases/"+caseC+"/parties", map[string]string{"name": "郑一",
		"kind": "person", "side": "applicant"}, http.StatusCreated, &c1)
	w.mediator.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/mediators", map[string]string{"user_id": w.otherUser.ID.String()},
		http.StatusOK, nil)
	// A withdrawn case with a party: it takes no more submissions.
	w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "已撤回的案件", "category": "pets",
		"community": "xinhua", "source": "party_application"}, http.StatusCreated, &cs)
	withdrawn := cs.ID
	var d1 partyCreated
	w.mediator.mustJSON("POST", "/api/v1/cases/"+withdrawn+"/parties", map[string]string{"name": "冯二",
		"kind": "person", "side": "applicant"}, http.StatusCreated, &d1)
	d1c := w.app.party(d1.Invitation.Token)
	w.mediator.mustJSON("POST", "/api/v1/cases/"+withdrawn+"/transitions", map[string]string{"to": "withdrawn",
		"reason": "申请人撤回申请"}, http.StatusOK, nil)
	office, err := w.app.DB.UserByName("office")
	if err != nil {
		t.Fatal(err)
	}
	officeID := office.ID.String()
	long := strings.Repeat("长", 20001)
	mediator := func(w *pageWorld) *client { return w.mediator }
	for _, c := range []formCase{
		{name: "case without title", who: mediator, path: "/cases/new", page: templates.PageCaseNew,
			form: map[string]string{"title": "", "category": "noise", "community": "dongfeng",
				"source": "referred_police", "summary": "楼上每晚十一点后跳绳"},
			status: 422, field: "title",
			kept: map[string]string{"title": "", "category": "noise", "community": "dongfeng",
				"source": "referred_police", "summary": "楼上每晚十一点后跳绳"}},
		{name: "party with a 21-digit phone", who: mediator, path: "/cases/" + w.caseA + "/parties/new",
			page: templates.PagePartyNew,
			form: map[string]string{"name": "何新", "kind": "household", "side": "third_party",
				"phone": "123456789012345678901", "address": "5号楼101", "represents": "业主委员会"},
			status: 422, field: "phone",
			kept: map[string]string{"name": "何新", "kind": "household", "side": "third_party",
				"phone": "123456789012345678901", "address": "5号楼101", "represents": "业主委员会"}},
		{name: "party's empty submission", who: func(w *pageWorld) *client { return w.b2 },
			path: "/cases/" + w.caseB + "/submissions", page: templates.PageMyCase,
			form: map[string]string{"kind": "evidence", "body": ""}, status: 422, field: "body",
			kept: map[string]string{"kind": "evidence", "body": ""}},
		{name: "party's overlong submission", who: func(w *pageWorld) *client { return w.b2 },
			path: "/cases/" + w.caseB + "/submissions", page: templates.PageMyCase,
			form: map[string]string{"kind": "proposal", "body": long}, status: 422, field: "body",
			kept: map[string]string{"kind": "proposal", "body": long}},
		{name: "empty submission entered for a party", who: mediator, path: "/cases/" + caseC + "/submissions",
			page: templates.PageCase, form: map[string]string{"party_id": c1.ID, "kind": "interests", "body": ""},
			status: 422, field: "body", kept: map[string]string{"party_id": c1.ID, "kind": "interests", "body": ""}},
		{name: "account with a bad username", who: func(w *pageWorld) *client { return w.admin },
			path: "/admin/users", page: templates.PageUsers,
			form: map[string]string{"username": "Zhou Min", "display_name": "周敏", "role": "office",
				"phone": "13512345678", "password": "一个足够长的口令"},
			status: 422, field: "username",
			kept: map[string]string{"username": "Zhou Min", "display_name": "周敏", "role": "office",
				"phone": "13512345678", "password": ""}},
		{name: "assigning an office account", who: mediator,
			path: "/cases/" + caseC + "/mediators", page: templates.PageCase,
			form: map[string]string{"user_id": officeID}, status: 422, field: "user_id",
			kept: map[string]string{}},
		{name: "submission to a withdrawn case", who: func(*pageWorld) *client { return d1c },
			path: "/cases/" + withdrawn + "/submissions", page: templates.PageMyCase,
			form: map[string]string{"kind": "position", "body": "还想补充一句"}, status: 409},
		{name: "illegal transition", who: mediator, path: "/cases/" + caseC + "/transitions",
			page: templates.PageCase, form: map[string]string{"to": "closed", "reason": "双方和解"}, status: 409,
			kept: map[string]string{"reason": "双方和解"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl := c.who(w)
			before := boltFingerprint(t, w.app)
			s := sendForm(t, cl, c.path, c.form)
			if after := boltFingerprint(t, w.app); after != before {
				t.Errorf("%s: answered %d, but the database changed", s.where, s.status)
			}
			s.wantStatus(t, c.status)
			if s.doc == nil || s.doc.Find(pageMarks[c.page]).Length() == 0 {
				t.Fatalf("%s: not the %s page again", s.where, c.page)
			}
			checkLabels(t, s)
			checkCSRFFields(t, cl, s)
			if c.field == "" {
				if msg := squashSpace(s.doc.Find("main .form-error").Text()); msg == "" {
					t.Errorf("%s: %d without a message: %s", s.where, s.status, s.main())
				}
				if len(c.kept) == 0 {
					return
				}
			}
			form := s.doc.Find(`main form[action="` + c.path + `"]`)
			if form.Length() != 1 {
				t.Fatalf("%s: %d forms posting to %s", s.where, form.Length(), c.path)
			}
			for name, want := range c.kept {
				if got := formValue(form, name); got != want {
					t.Errorf("%s: field %s shows %.60q, want %.60q as typed", s.where, name, got, want)
				}
			}
			if c.field == "" {
				return
			}
			field := form.Find(`[name="` + c.field + `"]`)
			if t := field.First().AttrOr("type", ""); t == "radio" {
				field = field.First().Closest("fieldset")
			}
			next := field.First().Next()
			if !next.HasClass("field-error") && form.Find(`input:not([type="hidden"]), select, textarea`).Length() == 1 {
				next = form.Next() // a form of one field may say it right below
			}
			if !next.HasClass("field-error") || squashSpace(next.Text()) == "" {
				where := "nowhere"
				if fe := s.doc.Find("main .field-error"); fe.Length() > 0 {
					where = "after <" + goquery.NodeName(fe.First().Prev()) + " class=" +
						strings.TrimSpace(fe.First().Prev().AttrOr("class", "")) + ">"
				}
				t.Errorf("%s: no message next to field %s; the field errors %q stand %s", s.where, c.field,
					squashSpace(s.doc.Find("main .field-error").Text()), where)
			}
		})
	}
}

// TestPageFormsRedirect: a good form is answered 303 to what it changed
// (post-redirect-get), which then shows the change.
func TestPageFormsRedirect(t *testing.T) {
	t.Parallel()
	w := newPageWorld(t)

	s := sendForm(t, w.mediator, "/cases/new", map[string]string{"title": "漏水纠纷", "category": "leak_renovation",
		"community": "heping-li", "source": "party_application", "summary": "楼上卫生间漏水"})
	casePath := s.wantRedirect(t, "/cases/")
	page := openPage(t, w.mediator, casePath)
	page.wantStatus(t, http.StatusOK)
	if !strings.Contains(page.doc.Find("main h1").Text(), "漏水纠纷") {
		t.Errorf("the new case's page: %s", page.main())
	}

	s = sendForm(t, w.mediator, casePath+"/transitions", map[string]string{"to": "mediating", "reason": "双方同意调解"})
	if loc := s.wantRedirect(t, casePath); loc != casePath {
		t.Errorf("transition goes to %s", loc)
	}
	if page := openPage(t, w.mediator, casePath); page.doc.Find("main .badge.status-mediating").Length() != 1 {
		t.Errorf("after the transition: %s", page.main())
	}

	s = sendForm(t, w.b2, "/cases/"+w.caseB+"/submissions", map[string]string{"kind": "position", "body": "我家没有噪音。"})
	loc := s.wantRedirect(t, "/cases/"+w.caseB)
	if frag := s.header.Get("Location"); !strings.Contains(frag, "#submission-") {
		t.Errorf("the submission redirects to %s, not to it", frag)
	}
	page = openPage(t, w.b2, loc)
	mine := page.doc.Find(`main section[aria-labelledby="mine-h"] article.submission`)
	if mine.Length() != 1 || !strings.Contains(mine.Text(), "我家没有噪音。") {
		t.Fatalf("B2's page after submitting: %s", page.main())
	}
	sub := strings.TrimPrefix(mine.AttrOr("id", ""), "submission-")
	if page := openPage(t, w.b1, "/cases/"+w.caseB); strings.Contains(page.main(), "我家没有噪音。") {
		t.Error("B1 reads B2's unreleased submission")
	}

	s = sendForm(t, w.b2, "/cases/"+w.caseB+"/submissions/"+sub+"/release", nil)
	s.wantRedirect(t, "/cases/"+w.caseB)
	shared := openPage(t, w.b1, "/cases/"+w.caseB).doc.Find(`main section[aria-labelledby="shared-h"]`)
	if !strings.Contains(shared.Text(), "我家没有噪音。") || !strings.Contains(shared.Text(), nameB2pg) {
		t.Errorf("B1 does not read B2's released submission: %s", squashSpace(shared.Text()))
	}

	s = sendForm(t, w.admin, "/admin/users", map[string]string{"username": "zhou.min", "display_name": "周敏",
		"role": "mediator", "password": "一个足够长的口令"})
	if loc := s.wantRedirect(t, "/admin/users"); loc != "/admin/users" {
		t.Errorf("new account goes to %s", loc)
	}
	if page := openPage(t, w.admin, "/admin/users"); !strings.Contains(page.main(), "zhou.min") {
		t.Errorf("the new account is not listed: %s", page.main())
	}

	s = sendForm(t, w.mediator, "/cases/"+w.caseA+"/mediators", map[string]string{"user_id": w.otherUser.ID.String()})
	if loc := s.wantRedirect(t, "/cases/"+w.caseA); loc != "/cases/"+w.caseA {
		t.Errorf("assigning goes to %s", loc)
	}
	if page := openPage(t, w.other, "/cases/"+w.caseA); page.status != http.StatusOK || page.doc.Find(pageMarks[templates.PageCase]).Length() != 1 {
		t.Errorf("the assigned mediator does not get case A's page: %d", page.status)
	}

	// Sign in and out with the forms.
	c := w.app.client()
	_, password := w.app.user(mediation.RoleMediator, "sun.li")
	if loc := sendForm(t, c, "/login", map[string]string{"username": "sun.li", "password": password}).wantRedirect(t, "/"); loc != "/" {
		t.Errorf("signing in goes to %s", loc)
	}
	if loc := openPage(t, c, "/").wantRedirect(t, "/cases"); loc != "/cases" {
		t.Errorf("home of a mediator is %s", loc)
	}
	if loc := sendForm(t, c, "/logout", nil).wantRedirect(t, "/login"); loc != "/login" {
		t.Errorf("signing out goes to %s", loc)
	}
	if loc := openPage(t, c, "/cases").wantRedirect(t, "/login"); loc != "/login" {
		t.Errorf("after signing out /cases goes to %s", loc)
	}
}

// TestPageLoginFailure: a failed sign-in shows the form again with the name
// as typed, never the password, and a message.
func TestPageLoginFailure(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.user(mediation.RoleMediator, "wang")
	c := a.client()
	s := sendForm(t, c, "/login", map[string]string{"username": "wang", "password": "wrong password"})
	s.wantStatus(t, http.StatusUnauthorized)
	form := s.doc.Find(`main form[action="/login"]`)
	if formValue(form, "username") != "wang" || formValue(form, "password") != "" {
		t.Errorf("the form again: username %q, password %q", formValue(form, "username"), formValue(form, "password"))
	}
	if bytes.Contains(s.raw, []byte("wrong password")) {
		t.Error("the page repeats the password")
	}
	if msg := squashSpace(s.doc.Find("main .form-error").Text()); msg != pageCatalogue(t, "zh-Hans")["error.login_failed"] {
		t.Errorf("message %q", msg)
	}
}

// paren is a text with a note in the catalogue's punctuation for the language.
func paren(cat map[string]string, text, note string) string {
	return strings.NewReplacer("{{.Text}}", text, "{{.Note}}", note).Replace(cat["punct.paren"])
}
