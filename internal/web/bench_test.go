package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// The request path in process, without the network: each benchmark answers
// one kind of request through the real server on a real bbolt file, as its
// reader. The load command (cmd/tiaojie-load) measures the same over HTTP
// against a ceiling; these find where the time goes (-cpuprofile).

// benchScene is a case with five parties, fifty submissions, and the cookies
// of its mediator and first party.
type benchScene struct {
	app                       *testApp
	caseID                    string
	mediatorCookie, partyCook string
}

func newBenchScene(b *testing.B) *benchScene {
	b.Helper()
	s := newScene(b)
	bs := &benchScene{app: s.app, caseID: s.caseA}
	for i := range 3 {
		var p partyCreated
		s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/parties", map[string]string{"name": fmt.Sprint("第三人", i),
			"kind": "person", "side": "third_party"}, http.StatusCreated, &p)
	}
	for i := range 48 {
		c := s.a1
		if i%2 == 1 {
			c = s.a2
		}
		c.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
			"body": strings.Repeat("车位是我买的，有合同。", 8)}, http.StatusCreated, nil)
	}
	bs.mediatorCookie, bs.partyCook = cookieOf(b, s.mediator), cookieOf(b, s.a1)
	return bs
}

// cookieOf is the Cookie header the client sends to the test server.
func cookieOf(b testing.TB, c *client) string {
	b.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.HTTP.URL+"/", nil)
	var parts []string
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// run answers the request b.N times, in parallel, and checks the status.
func (bs *benchScene) run(b *testing.B, method, path, cookie string, want int) {
	b.Helper()
	srv := bs.app.Server
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(method, path, nil)
			req.Header.Set("Cookie", cookie)
			req.Header.Set("Accept-Encoding", "gzip") // as browsers and the load harness ask
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != want {
				b.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
				return
			}
		}
	})
}

func BenchmarkPartyListsOwnSubmissions(b *testing.B) {
	bs := newBenchScene(b)
	bs.run(b, http.MethodGet, "/api/v1/cases/"+bs.caseID+"/submissions", bs.partyCook, http.StatusOK)
}

func BenchmarkMediatorCaseJSON(b *testing.B) {
	bs := newBenchScene(b)
	bs.run(b, http.MethodGet, "/api/v1/cases/"+bs.caseID, bs.mediatorCookie, http.StatusOK)
}

func BenchmarkMediatorCasePage(b *testing.B) {
	bs := newBenchScene(b)
	bs.run(b, http.MethodGet, "/cases/"+bs.caseID, bs.mediatorCookie, http.StatusOK)
}

func BenchmarkMediatorCaseList(b *testing.B) {
	bs := newBenchScene(b)
	bs.run(b, http.MethodGet, "/api/v1/cases", bs.mediatorCookie, http.StatusOK)
}

func BenchmarkPartyCreatesSubmission(b *testing.B) {
	bs := newBenchScene(b)
	srv := bs.app.Server
	body := `{"kind":"position","body":"` + strings.Repeat("车位是我买的，有合同。", 8) + `"}`
	b.ReportAllocs()
	b.SetParallelism(32) // many writers share each commit, as on a server
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/v1/cases/"+bs.caseID+"/submissions", strings.NewReader(body))
			req.Header.Set("Cookie", bs.partyCook)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusCreated {
				b.Errorf("create: %d %s", rec.Code, rec.Body.String())
				return
			}
		}
	})
}

// BenchmarkMediatorCaseListPage lists the newest 50 of 300 cases, each with
// a party and ten submissions, on the mediator's start page.
func BenchmarkMediatorCaseListPage(b *testing.B) {
	s := newScene(b)
	for i := range 300 {
		var cs idOnly
		s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": fmt.Sprint("纠纷 ", i), "category": "parking",
			"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)
		var p partyCreated
		s.mediator.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": fmt.Sprint("业主", i),
			"kind": "person", "side": "applicant"}, http.StatusCreated, &p)
		caseID, _ := mediation.ParseID(cs.ID)
		partyID, _ := mediation.ParseID(p.ID)
		for range 10 {
			sub, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionPosition,
				Body: strings.Repeat("车位是我买的，有合同。", 8)}, caseID, partyID, 0, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			if err := s.app.DB.CreateSubmission(sub, mediation.PartySubject(partyID)); err != nil {
				b.Fatal(err)
			}
		}
	}
	bs := &benchScene{app: s.app, mediatorCookie: cookieOf(b, s.mediator)}
	bs.run(b, http.MethodGet, "/cases", bs.mediatorCookie, http.StatusOK)
}

// BenchmarkMediatorCasePageAfterViews opens the case page fresh and after
// 3,000 views: a page must not slow down with use.
func BenchmarkMediatorCasePageAfterViews(b *testing.B) {
	bs := newBenchScene(b)
	path := "/cases/" + bs.caseID
	view := func() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", bs.mediatorCookie)
		bs.app.Server.ServeHTTP(httptest.NewRecorder(), req)
	}
	b.Run("fresh", func(b *testing.B) { bs.run(b, http.MethodGet, path, bs.mediatorCookie, http.StatusOK) })
	for range 3000 {
		view()
	}
	bs.app.DB.FlushReads()
	b.Run("after3000views", func(b *testing.B) { bs.run(b, http.MethodGet, path, bs.mediatorCookie, http.StatusOK) })
}
