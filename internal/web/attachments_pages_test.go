package web_test

import (
	"net/http"
	"strings"
	"testing"

	"tiaojie/internal/evidence/evidencetest"
)

// The case pages show each submission's attachments beside it: a photo as
// its preview, a document as a download link with its size; a party sees
// only those of the submissions it may read.
func TestCasePagesShowAttachments(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	photo := mustAttach(t, s.a1, s.caseA, s.subA1, "p.png", evidencetest.PNG(evidencetest.Picture(40, 30, false)))
	doc := mustAttach(t, s.mediator, s.caseA, s.subA2, "contract.pdf", append(evidencetest.PDF(), make([]byte, 3000)...))
	page := func(c *client) string {
		t.Helper()
		status, _, raw := mxSendPage(t, c, http.MethodGet, "/cases/"+s.caseA, nil)
		if status != http.StatusOK {
			t.Fatalf("case page: %d", status)
		}
		return string(raw)
	}
	files := "/cases/" + s.caseA + "/submissions/"
	med := pageDoc(t, []byte(page(s.mediator)))
	img := med.Find("#submission-" + s.subA1 + " .evidence img")
	if src, _ := img.Attr("src"); src != files+s.subA1+"/attachments/"+photo.ID+"?preview=1" {
		t.Errorf("the mediator's page: preview %q", src)
	}
	link := med.Find("#submission-" + s.subA2 + " .evidence a.document")
	if href, _ := link.Attr("href"); href != files+s.subA2+"/attachments/"+doc.ID || !strings.Contains(link.Text(), "3 KB") {
		t.Errorf("the mediator's page: document link %q %q", href, link.Text())
	}
	if _, ok := link.Attr("download"); !ok {
		t.Error("the document link does not download")
	}
	if med.Find("#submission-"+s.subA2+" .evidence small").Length() != 1 {
		t.Error("the document attached on A2's behalf is not marked so")
	}
	// A2 sees its document and a form to add more; nothing of A1's photo.
	a2 := page(s.a2)
	if strings.Contains(a2, "/attachments/"+photo.ID) || !strings.Contains(a2, "/attachments/"+doc.ID) {
		t.Errorf("A2's page shows the wrong attachments")
	}
	if f := pageDoc(t, []byte(a2)).Find("#submission-" + s.subA2 + " form.attach input[type=file][accept]"); f.Length() != 1 {
		t.Error("A2's page has no form to attach to its submission")
	}
}
