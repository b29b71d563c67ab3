package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"

	"tiaojie/internal/evidence/evidencetest"
)

// mxFile is a row's body that is a file upload: multipart/form-data with the
// field "file" (and, on a page, the form's CSRF field).
type mxFile struct {
	name string
	data []byte
}

func (f mxFile) multipart(t testing.TB, fields url.Values) (io.Reader, string) {
	m := map[string]string{}
	for k := range fields {
		m[k] = fields.Get(k)
	}
	return multipartFile(t, f.name, "image/jpeg", f.data, m)
}

// mxSendUpload posts the file as a page's form does.
func mxSendUpload(t *testing.T, c *client, path string, f mxFile, form url.Values) (int, http.Header, []byte) {
	t.Helper()
	body, ct := f.multipart(t, form)
	resp, raw := c.send(t, http.MethodPost, path, body, ct)
	return resp.StatusCode, resp.Header, raw
}

// mxAttachmentType is the type a served attachment must have: a photo is
// always a JPEG (re-encoded), a document a PDF.
func mxAttachmentType(raw []byte) string {
	if bytes.HasPrefix(raw, []byte("%PDF-")) {
		return "application/pdf"
	}
	return "image/jpeg"
}

var mxPhoto = mxFile{name: "photo.jpg", data: evidencetest.PNG(evidencetest.Picture(24, 16, false))}

// addAttachments attaches, through the API, a photo to A1's, A2's and B1's
// submissions (by their authors), and a PDF to a submission of A1's that it
// released, recorded as attA1, attA2, attB1 and attA1r (of subA1r).
func (w *mxWorld) addAttachments(t *testing.T) {
	t.Helper()
	var sub idOnly
	w.a1.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/submissions", map[string]string{"kind": "evidence",
		"body": "照片为证。"}, http.StatusCreated, &sub)
	w.a1.mustJSON("POST", "/api/v1/cases/"+w.caseA+"/submissions/"+sub.ID+"/release", nil, http.StatusOK, nil)
	w.extra["subA1r"] = sub.ID
	for _, a := range []struct {
		sym, cs, sub string
		by           *client
		file         []byte
	}{
		{"attA1", w.caseA, w.subA1, w.a1, mxPhoto.data},
		{"attA2", w.caseA, w.subA2, w.a2, mxPhoto.data},
		{"attB1", w.caseB, w.subB1, w.b1, mxPhoto.data},
		{"attA1r", w.caseA, sub.ID, w.a1, evidencetest.PDF()},
	} {
		w.extra[a.sym] = mustAttach(t, a.by, a.cs, a.sub, "x.jpg", a.file).ID
	}
}

// attachmentMatrix is the table's rows for the attachment routes, API and
// pages. An attachment is read as its submission is; attaching is the
// author's or a mediator's of the case.
func attachmentMatrix() map[string][]mxRow {
	setup := func(t *testing.T, w *mxWorld) { w.addAttachments(t) }
	upload := fixedBody(mxPhoto)
	at := func(cs, sub string) map[string]string { return map[string]string{"case": cs, "submission": sub} }
	file := func(cs, sub, att string) map[string]string {
		return map[string]string{"case": cs, "submission": sub, "attachment": att}
	}
	const api = "/api/v1/cases/:case/submissions/:submission/attachments"
	const page = "/cases/:case/submissions/:submission/attachments"
	// want: anonymous, admin, office, assigned mediator (of A),
	// unassigned mediator (of B only), A1, A2, B1.
	reads := func(path string) []mxRow {
		rows := []mxRow{
			{name: "A1's in A", at: file("A", "subA1", "attA1"), setup: setup,
				want: statuses{401, 403, 403, 200, 404, 200, 404, 404}},
			{name: "A2's in A", at: file("A", "subA2", "attA2"), want: statuses{401, 403, 403, 200, 404, 404, 200, 404}},
			{name: "A1's released in A", at: file("A", "subA1r", "attA1r"), want: statuses{401, 403, 403, 200, 404, 200, 200, 404}},
			{name: "B1's in B", at: file("B", "subB1", "attB1"), want: statuses{401, 403, 403, 404, 200, 404, 404, 200}},
			{name: "A2's under A1's submission", at: file("A", "subA1", "attA2"), want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
			{name: "B1's under case A", at: file("A", "subB1", "attB1"), want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
		}
		if path == page {
			// The anonymous are sent to sign in, as on every page GET.
			for i := range rows {
				rows[i].want[pAnon] = http.StatusSeeOther
			}
		}
		return rows
	}
	lists := []mxRow{
		{name: "A1's in A", at: at("A", "subA1"), setup: setup, want: statuses{401, 403, 403, 200, 404, 200, 404, 404},
			check: attachmentListCheck("attA1")},
		{name: "A1's released in A", at: at("A", "subA1r"), want: statuses{401, 403, 403, 200, 404, 200, 200, 404},
			check: attachmentListCheck("attA1r")},
		{name: "B1's in B", at: at("B", "subB1"), want: statuses{401, 403, 403, 404, 200, 404, 404, 200},
			check: attachmentListCheck("attB1")},
		{name: "B1's under case A", at: at("A", "subB1"), want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
	}
	// Each principal may attach two photos at most per row's submission
	// (the mediator and the author): far from the ten a submission holds.
	posts := []mxRow{
		{name: "A1's in A", at: at("A", "subA1"), body: upload, want: statuses{401, 403, 403, 201, 404, 201, 404, 404}},
		{name: "A2's in A", at: at("A", "subA2"), body: upload, want: statuses{401, 403, 403, 201, 404, 404, 201, 404}},
		{name: "B1's in B", at: at("B", "subB1"), body: upload, want: statuses{401, 403, 403, 404, 201, 404, 404, 201}},
		{name: "B1's under case A", at: at("A", "subB1"), body: upload, want: statuses{401, 403, 403, 404, 404, 404, 404, 404}},
	}
	var pagePosts []mxRow
	for _, r := range posts {
		for i, s := range r.want {
			if s == http.StatusCreated {
				r.want[i] = http.StatusSeeOther
			}
		}
		r.location = mxToCase(r.at["case"])
		pagePosts = append(pagePosts, r)
	}
	pagePosts = append(pagePosts, mxRow{name: "without CSRF token", at: at("A", "subA1"), body: upload, noCSRF: true,
		want: allStatus(403), errorGroup: "csrf"})
	return map[string][]mxRow{
		"POST " + api:                  posts,
		"GET " + api:                   lists,
		"GET " + api + "/:attachment":  reads(api),
		"POST " + page:                 pagePosts,
		"GET " + page + "/:attachment": reads(page),
	}
}

func attachmentListCheck(sym string) func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
	return func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
		w.sameIDs(t, mxItems(t, raw), sym)
	}
}
