package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCompressedAnswers: a page and a JSON answer asked for with gzip come
// compressed, and decompress to the answer sent to a client that does not
// ask for it; an answer that fits a packet is sent as it is.
func TestCompressedAnswers(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	// Enough submissions that the list is worth compressing.
	for range 6 {
		s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
			"party_id": s.partyA1, "body": strings.Repeat("电话记录：对方同意周末把车挪走。", 4)}, http.StatusCreated, nil)
	}
	req, _ := http.NewRequest(http.MethodGet, s.app.HTTP.URL+"/", nil)
	var parts []string
	for _, ck := range s.mediator.http.Jar.Cookies(req.URL) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	cookie := strings.Join(parts, "; ")
	for _, path := range []string{"/cases/" + s.caseA, "/api/v1/cases/" + s.caseA + "/submissions"} {
		answer := func(gz bool) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Header.Set("Cookie", cookie)
			if gz {
				r.Header.Set("Accept-Encoding", "gzip")
			}
			rec := httptest.NewRecorder()
			s.app.Server.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
			}
			return rec
		}
		plain, packed := answer(false), answer(true)
		if enc := packed.Header().Get("Content-Encoding"); enc != "gzip" {
			t.Fatalf("%s asked with gzip: Content-Encoding %q", path, enc)
		}
		zr, err := gzip.NewReader(packed.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// The pages carry a fresh CSRF token per answer; compare around it.
		if len(got) == 0 || len(got) != plain.Body.Len() {
			t.Errorf("%s: decompressed %d bytes, uncompressed answer %d", path, len(got), plain.Body.Len())
		}
		if packed.Body.Len() >= len(got) {
			t.Errorf("%s: compressed %d bytes of %d", path, packed.Body.Len(), len(got))
		}
		if strings.HasPrefix(path, "/api/") && !bytes.Equal(got, plain.Body.Bytes()) {
			t.Errorf("%s: the decompressed answer differs from the uncompressed one", path)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	s.app.Server.ServeHTTP(rec, r)
	if enc := rec.Header().Get("Content-Encoding"); enc != "" || rec.Body.Len() >= 1024 || rec.Code != http.StatusOK {
		t.Errorf("/healthz (%d, %d bytes): Content-Encoding %q, want none below 1 KiB", rec.Code, rec.Body.Len(), enc)
	}
}
