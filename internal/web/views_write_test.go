package web_test

import (
	"net/http"
	"testing"
	"time"
)

// A page viewed again, with nothing changed since, commits nothing while it
// is answered: not the mediator's "seen" mark again, nor anything else.
// (Its reads are put on record, as every read of a submission is, by the
// read log's flush, a link for all the reads of a flush, not by the view.)
// Were a view to commit, each would wait for the disk. A view after a
// change commits again, which shows the count can see a commit.
func TestAViewAgainCommitsNothing(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	// The clock stands still, so that no sign-in falls due for its
	// once-a-minute last-seen in the middle of the views, however slowly
	// the test runs: whatever is due is written by the first round.
	frozen := time.Now()
	s.app.now = func() time.Time { return frozen }
	s.app.restart()
	s.a1.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
		"body": "车位是我买的，有合同。"}, http.StatusCreated, nil)
	views := []struct {
		who  *client
		path string
	}{
		{s.mediator, "/cases/" + s.caseA},
		{s.mediator, "/cases"},
		{s.mediator, "/api/v1/cases/" + s.caseA},
		{s.mediator, "/api/v1/cases/" + s.caseA + "/submissions"},
		{s.a1, "/cases/" + s.caseA},
		{s.a1, "/api/v1/cases/" + s.caseA + "/submissions"},
	}
	view := func() {
		t.Helper()
		for _, v := range views {
			if status, _ := v.who.do("GET", v.path, nil); status != http.StatusOK {
				t.Fatalf("GET %s: %d", v.path, status)
			}
		}
	}
	commits := func() int64 { return s.app.DB.GroupFigures().Transactions }
	view()
	before := commits()
	for range 3 {
		view()
	}
	if after := commits(); after != before {
		t.Errorf("three more rounds of views with nothing changed committed %d times", after-before)
	}
	s.a2.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/submissions", map[string]string{"kind": "position",
		"body": "车位是小区公共的。"}, http.StatusCreated, nil)
	created := commits()
	view()
	if commits() == created {
		t.Error("the views after a new submission committed nothing: the mediator's seen mark was not moved")
	}
}
