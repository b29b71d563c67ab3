package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
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
	cookie := cookieOf(t, s.mediator)
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

// TestRepeatedAnswersCompressedOnce: a party's list asked for again, as it
// was, is sent from the compressed form kept of it (counted on /metrics);
// once the party submits again, the list it is sent has the new submission.
// An answer too long to hold whole is compressed as it is written, and
// decompresses to the answer sent without compression.
func TestRepeatedAnswersCompressedOnce(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	list := "/api/v1/cases/" + s.caseA + "/submissions"
	submit := func(c *client, body string) {
		c.mustJSON("POST", list, map[string]string{"kind": "position", "party_id": s.partyA1, "body": body},
			http.StatusCreated, nil)
	}
	for range 4 {
		submit(s.a1, strings.Repeat("楼上漏水已经三个月，物业说要等维修基金。", 5))
	}
	kept := func() float64 {
		families, _ := scrape(t, s.app)
		n, _ := value(t, families, "tiaojie_gzip_answers_total", map[string]string{"from": "kept"})
		return n
	}
	before := kept()
	var first []byte
	var shown struct {
		Items []struct {
			Body string `json:"body"`
		} `json:"items"`
	}
	for i := range 3 { // kept the second time it is compressed, sent from it the third
		status, raw := s.a1.do("GET", list, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", list, status, raw)
		}
		if i == 0 {
			first = raw
			if err := json.Unmarshal(raw, &shown); err != nil {
				t.Fatal(err)
			}
		} else if !bytes.Equal(raw, first) {
			t.Fatalf("answer %d differs from the first:\n%s\n%s", i+1, raw, first)
		}
	}
	if n := kept() - before; n < 1 {
		t.Errorf("the list sent three times was compressed each time (%v sent from the kept form)", n)
	}
	submit(s.a1, "补充：维修师傅周三上门。")
	var page struct {
		Items []struct {
			Body string `json:"body"`
		} `json:"items"`
	}
	s.a1.mustJSON("GET", list, nil, http.StatusOK, &page)
	if n := len(page.Items); n != len(shown.Items)+1 || page.Items[n-1].Body != "补充：维修师傅周三上门。" {
		t.Errorf("after one more submission the party lists %d (before: %d), the last %q", n, len(shown.Items),
			page.Items[n-1].Body)
	}

	for range 3 { // 56 KB each: past the largest answer kept
		submit(s.mediator, strings.Repeat("调解员记录：双方同意分摊维修费用。", 1100))
	}
	plain := httptest.NewRecorder()
	cookie := cookieOf(t, s.mediator)
	for _, gz := range []bool{false, true} {
		r := httptest.NewRequest(http.MethodGet, list, nil)
		r.Header.Set("Cookie", cookie)
		rec := plain
		if gz {
			r.Header.Set("Accept-Encoding", "gzip")
			rec = httptest.NewRecorder()
		}
		s.app.Server.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", list, rec.Code)
		}
		if !gz {
			continue
		}
		if enc := rec.Header().Get("Content-Encoding"); enc != "gzip" || plain.Body.Len() < 128<<10 {
			t.Fatalf("a %d-byte answer: Content-Encoding %q", plain.Body.Len(), enc)
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain.Body.Bytes()) {
			t.Errorf("the long answer decompresses to %d bytes that differ from the %d sent uncompressed", len(got), plain.Body.Len())
		}
	}
}
