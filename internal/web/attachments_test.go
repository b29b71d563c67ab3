package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"strings"
	"testing"

	"tiaojie/internal/evidence/evidencetest"
	"tiaojie/internal/mediation"
)

// attachmentJSON is an attachment as the API answers it.
type attachmentJSON struct {
	ID          string `json:"id"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	EnteredBy   string `json:"entered_by"`
	PartyID     string `json:"party_id"`
}

// multipartFile is a multipart/form-data body with the field "file", sent
// under the given name and declared type (both of which the server ignores),
// and the text fields given.
func multipartFile(t testing.TB, name, declared string, data []byte, fields map[string]string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", declared)
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return &b, mw.FormDataContentType()
}

// attach uploads a file to the API as c and returns the status and answer.
func attach(t testing.TB, c *client, caseID, sub, name string, data []byte) (int, []byte) {
	t.Helper()
	body, ct := multipartFile(t, name, "image/jpeg", data, nil)
	resp, raw := c.send(t, http.MethodPost, "/api/v1/cases/"+caseID+"/submissions/"+sub+"/attachments", body, ct)
	return resp.StatusCode, raw
}

func mustAttach(t testing.TB, c *client, caseID, sub, name string, data []byte) attachmentJSON {
	t.Helper()
	status, raw := attach(t, c, caseID, sub, name, data)
	if status != http.StatusCreated {
		t.Fatalf("attach %s: %d %s", name, status, raw)
	}
	var a attachmentJSON
	mustUnmarshal(t, raw, &a)
	return a
}

func attachmentPath(caseID, sub, id string) string {
	return "/api/v1/cases/" + caseID + "/submissions/" + sub + "/attachments/" + id
}

// fetchFile fetches an attachment's file as c.
func fetchFile(t testing.TB, c *client, path string) (*http.Response, []byte) {
	t.Helper()
	return c.send(t, http.MethodGet, path, nil, "")
}

func TestAttachedPhotoKeepsOnlyItsPixels(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	pic := evidencetest.Picture(800, 600, false)
	sent := evidencetest.PhonePhoto(pic, 95, 1)
	a := mustAttach(t, s.a1, s.caseA, s.subA1, "IMG_20261130_081500.jpg", sent)
	if a.ContentType != "image/jpeg" || a.Width != 800 || a.Height != 600 || a.ID == "" || a.EnteredBy != "" || a.PartyID != s.partyA1 {
		t.Fatalf("answer %+v", a)
	}

	resp, got := fetchFile(t, s.mediator, attachmentPath(s.caseA, s.subA1, a.ID))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %d %s", resp.StatusCode, got)
	}
	h := resp.Header
	if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("headers %v", h)
	}
	sum := sha256.Sum256(got)
	if hex.EncodeToString(sum[:]) != a.SHA256 || int64(len(got)) != a.Size {
		t.Errorf("served %d bytes with SHA-256 %x; the answer said %d, %s", len(got), sum, a.Size, a.SHA256)
	}
	for _, hidden := range []string{"Exif", evidencetest.Model, evidencetest.DateTime, evidencetest.Appended, "#!/bin/sh"} {
		if bytes.Contains(got, []byte(hidden)) {
			t.Errorf("the served photo holds %q", hidden)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if e := pixelError(pic, img); e > 3 {
		t.Errorf("mean error %.2f against the sent pixels", e)
	}

	resp, prev := fetchFile(t, s.mediator, attachmentPath(s.caseA, s.subA1, a.ID)+"?preview=1")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(prev)); err != nil || cfg.Width != 320 || cfg.Height != 240 {
		t.Errorf("preview %+v, %v", cfg, err)
	}

	// Nothing of it is anywhere in the file, the backup's source.
	s.app.DB.FlushReads()
	raw, err := os.ReadFile(s.app.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, hidden := range []string{evidencetest.Model, evidencetest.DateTime, evidencetest.Appended} {
		if bytes.Contains(raw, []byte(hidden)) {
			t.Errorf("the database file holds %q", hidden)
		}
	}
	if _, err := s.app.DB.Verify(nil); err != nil {
		t.Errorf("tiaojie check: %v", err)
	}
}

// pixelError is the mean absolute difference of two images' channels.
func pixelError(a, b image.Image) float64 {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 255
	}
	var sum, n float64
	for y := 0; y < a.Bounds().Dy(); y++ {
		for x := 0; x < a.Bounds().Dx(); x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				sum += float64(max(d, -d))
				n++
			}
		}
	}
	return sum / n
}

func TestAttachmentIsVisibleAsItsSubmission(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	a := mustAttach(t, s.a1, s.caseA, s.subA1, "photo.png", evidencetest.PNG(evidencetest.Picture(40, 30, false)))
	file := attachmentPath(s.caseA, s.subA1, a.ID)
	list := "/api/v1/cases/" + s.caseA + "/submissions/" + s.subA1 + "/attachments"
	_, absent := s.a2.do("GET", attachmentPath(s.caseA, s.subA1, "999999"), nil)

	for name, c := range map[string]*client{"the other party": s.a2, "a party of another case": s.b1,
		"another case's mediator": s.other} {
		for _, path := range []string{file, file + "?preview=1", list} {
			status, raw := c.do("GET", path, nil)
			if status != http.StatusNotFound || !bytes.Equal(raw, absent) {
				t.Errorf("%s GET %s: %d %s, want the absent answer", name, path, status, raw)
			}
		}
	}
	var l listOf[attachmentJSON]
	s.mediator.mustJSON("GET", list, nil, http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].ID != a.ID {
		t.Errorf("the mediator's list %+v", l)
	}

	// Released with its submission.
	s.a1.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions/"+s.subA1+"/release", nil, http.StatusOK, nil)
	if resp, _ := fetchFile(t, s.a2, file); resp.StatusCode != http.StatusOK {
		t.Errorf("the other party after release: %d", resp.StatusCode)
	}
	s.a2.mustJSON("GET", list, nil, http.StatusOK, &l)
	if status, _ := s.b1.do("GET", file, nil); status != http.StatusNotFound {
		t.Errorf("a party of another case after release: %d", status)
	}

	// Nobody attaches to another party's submission, released or not.
	photo := evidencetest.PNG(evidencetest.Picture(20, 20, false))
	for _, sub := range []string{s.subA1, s.subA2} {
		c := s.a2
		if sub == s.subA2 {
			c = s.a1
		}
		if status, raw := attach(t, c, s.caseA, sub, "x.png", photo); status != http.StatusNotFound || !bytes.Equal(raw, absent) {
			t.Errorf("attach to another party's submission %s: %d %s", sub, status, raw)
		}
	}
	if status, _ := attach(t, s.other, s.caseA, s.subA1, "x.png", photo); status != http.StatusNotFound {
		t.Errorf("another case's mediator attached: %d", status)
	}
	if status, _ := attach(t, s.a1, s.caseB, s.subA1, "x.png", photo); status != http.StatusNotFound {
		t.Errorf("attached under another case's path: %d", status)
	}
	// A mediator attaches on a party's behalf, marked so.
	m := mustAttach(t, s.mediator, s.caseA, s.subA2, "scan.pdf", evidencetest.PDF())
	if m.EnteredBy != s.mediatorUser.ID.String() || m.PartyID != s.partyA2 || m.ContentType != "application/pdf" {
		t.Errorf("on behalf: %+v", m)
	}
	resp, got := fetchFile(t, s.a2, attachmentPath(s.caseA, s.subA2, m.ID))
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, evidencetest.PDF()) ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") ||
		resp.Header.Get("Content-Security-Policy") != "sandbox; default-src 'none'" ||
		resp.Header.Get("Content-Type") != "application/pdf" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the PDF: %d %v", resp.StatusCode, resp.Header)
	}
	if status, _ := s.a2.do("GET", attachmentPath(s.caseA, s.subA2, m.ID)+"?preview=1", nil); status != http.StatusNotFound {
		t.Errorf("a PDF's preview: %d", status)
	}

	// Every upload and every download is in the case's trail.
	s.app.DB.FlushReads()
	var trail listOf[struct {
		Actor  string            `json:"actor"`
		Action string            `json:"action"`
		Object string            `json:"object"`
		Detail map[string]string `json:"detail"`
	}]
	s.mediator.mustJSON("GET", "/api/v1/cases/"+s.caseA+"/audit?limit=200", nil, http.StatusOK, &trail)
	seen := map[string]bool{}
	for _, e := range trail.Items {
		seen[e.Action+" "+e.Actor+" "+e.Object] = true
	}
	for _, want := range []string{
		mediation.AuditAttachmentCreate + " p:" + s.partyA1 + " attachment:" + a.ID,
		mediation.AuditAttachmentCreate + " u:" + s.mediatorUser.ID.String() + " attachment:" + m.ID,
		mediation.AuditAttachmentRead + " p:" + s.partyA2 + " attachment:" + a.ID,
		mediation.AuditAttachmentRead + " u:" + s.mediatorUser.ID.String() + " submission:" + s.subA1,
	} {
		if !seen[want] {
			t.Errorf("the trail has no %q", want)
		}
	}
}

func TestAttachmentRefused(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	check := func(name string, c *client, caseID, sub string, data []byte, status int, code, key string) {
		t.Helper()
		before := boltFingerprint(t, s.app)
		got, raw := attach(t, c, caseID, sub, "photo.jpg", data)
		if got != status {
			t.Errorf("%s: %d %s, want %d", name, got, raw, status)
			return
		}
		e := errorOf(t, raw)
		if e.Code != code || key != "" && e.Fields["file"] == "" {
			t.Errorf("%s: %s", name, raw)
		}
		if after := boltFingerprint(t, s.app); after != before {
			t.Errorf("%s: the database changed", name)
		}
	}
	check("a shell script named photo.jpg", s.a1, s.caseA, s.subA1, evidencetest.Script(), 422, mediation.EINVALID, "file")
	check("11 MiB", s.a1, s.caseA, s.subA1, append(evidencetest.PDF(), make([]byte, 11<<20)...), 413, mediation.ETOOLARGE, "")
	check("a 50000 × 50000 PNG", s.a1, s.caseA, s.subA1, evidencetest.HugePNGHeader(50000, 50000), 422, mediation.EINVALID, "file")

	// Ten per submission.
	pdf := evidencetest.PDF()
	for range mediation.MaxAttachments {
		mustAttach(t, s.a2, s.caseA, s.subA2, "a.pdf", pdf)
	}
	check("an eleventh", s.a2, s.caseA, s.subA2, pdf, 409, mediation.ECONFLICT, "")

	// A withdrawn case takes none.
	s.other.mustJSON("POST", "/api/v1/cases/"+s.caseB+"/transitions", map[string]string{"to": "withdrawn", "reason": "申请人撤回"},
		http.StatusOK, nil)
	check("to a withdrawn case", s.b1, s.caseB, s.subB1, pdf, 409, mediation.ECONFLICT, "")
	if _, err := s.app.DB.Verify(nil); err != nil {
		t.Errorf("tiaojie check: %v", err)
	}
}

func TestCaseQuota(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	s.app.attachmentQuota = 3 << 20 // 3 MiB
	s.app.restart()
	big := append(evidencetest.PDF(), make([]byte, 2<<20)...)
	mustAttach(t, s.a1, s.caseA, s.subA1, "a.pdf", big)
	before := boltFingerprint(t, s.app)
	status, raw := attach(t, s.a2, s.caseA, s.subA2, "b.pdf", big)
	if status != http.StatusConflict || !strings.Contains(string(raw), "3 MiB") {
		t.Fatalf("over the quota: %d %s", status, raw)
	}
	if boltFingerprint(t, s.app) != before {
		t.Error("a refused upload changed the database")
	}
	// Another case has its own.
	mustAttach(t, s.b1, s.caseB, s.subB1, "b.pdf", big)
}

// An upload sent again with its Idempotency-Key is answered from the record;
// the same key with another file is a conflict.
func TestAttachmentIdempotent(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	path := "/api/v1/cases/" + s.caseA + "/submissions/" + s.subA1 + "/attachments"
	send := func(data []byte) (int, []byte, string) {
		body, ct := multipartFile(t, "a.pdf", "application/pdf", data, nil)
		s.a1.Header.Set("Idempotency-Key", "upload-1")
		defer s.a1.Header.Del("Idempotency-Key")
		resp, raw := s.a1.send(t, http.MethodPost, path, body, ct)
		return resp.StatusCode, raw, resp.Header.Get("Idempotent-Replayed")
	}
	// Two documents that agree in their first MiB and differ after it.
	big := append(evidencetest.PDF(), make([]byte, 2<<20)...)
	other := bytes.Clone(big)
	other[len(other)-1] = '\n'
	status, first, _ := send(big)
	if status != http.StatusCreated {
		t.Fatalf("first: %d %s", status, first)
	}
	status, again, replayed := send(big)
	if status != http.StatusCreated || replayed != "true" || decodeID(t, again) != decodeID(t, first) {
		t.Errorf("again: %d %s (replayed %q)", status, again, replayed)
	}
	if status, raw, _ := send(other); status != http.StatusConflict {
		t.Errorf("the same key with another file: %d %s", status, raw)
	}
	var l listOf[attachmentJSON]
	s.a1.mustJSON("GET", path, nil, http.StatusOK, &l)
	if len(l.Items) != 1 {
		t.Errorf("%d attachments, want 1", len(l.Items))
	}
}

// A file refused on the page is said beside the form it came from, in the
// reader's language, and the page is the party's case page again.
func TestAttachmentFormRefused(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	body, ct := multipartFile(t, "photo.jpg", "image/jpeg", evidencetest.Script(), map[string]string{"csrf": mxCSRF(t, s.a1)})
	resp, raw := s.a1.send(t, http.MethodPost, "/cases/"+s.caseA+"/submissions/"+s.subA1+"/attachments", body, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", resp.StatusCode, pageMainOrRaw(raw))
	}
	doc := pageDoc(t, raw)
	msg := strings.TrimSpace(doc.Find("#submission-" + s.subA1 + " form.attach .field-error").Text())
	if !containsHan(msg) || !strings.Contains(msg, "JPEG") {
		t.Errorf("the message beside the form: %q", msg)
	}
	if doc.Find(".form-error").Length() != 0 {
		t.Errorf("the message is shown elsewhere too: %s", doc.Find(".form-error").Text())
	}
	// Without its CSRF token the form is refused before anything is read.
	body, ct = multipartFile(t, "photo.png", "image/png", evidencetest.PNG(evidencetest.Picture(4, 4, false)), nil)
	before := boltFingerprint(t, s.app)
	if resp, _ := s.a1.send(t, http.MethodPost, "/cases/"+s.caseA+"/submissions/"+s.subA1+"/attachments", body, ct); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d", resp.StatusCode)
	}
	if boltFingerprint(t, s.app) != before {
		t.Error("a form without its token changed the database")
	}
}
