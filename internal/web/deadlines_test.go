package web_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// TestDeadlinesFollowTheClock opens a case on 31 January (Shanghai) and
// reads its term on the last day, 28 February, and the day after.
func TestDeadlinesFollowTheClock(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	var now atomic.Pointer[time.Time]
	set := func(s string) {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		now.Store(&tm)
	}
	set("2027-01-31 23:30")
	a.DB.Now = func() time.Time { return *now.Load() }
	// Logins end after 12 hours of the clock: sign in again at each time.
	_, password := a.user(mediation.RoleMediator, "wang")
	signIn := func() *client {
		c := a.client()
		c.mustJSON("POST", "/api/v1/login", map[string]string{"username": "wang", "password": password}, http.StatusOK, nil)
		return c
	}
	med := signIn()
	var cs idOnly
	med.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "车位纠纷", "category": "parking",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, &cs)

	read := func(path string) (kind, due, status string) {
		t.Helper()
		var ds struct {
			Items []struct {
				Kind   string `json:"kind"`
				DueOn  string `json:"due_on"`
				Status string `json:"status"`
			} `json:"items"`
		}
		signIn().mustJSON("GET", path, nil, http.StatusOK, &ds)
		if len(ds.Items) != 1 {
			t.Fatalf("%s: %+v", path, ds)
		}
		return ds.Items[0].Kind, ds.Items[0].DueOn, ds.Items[0].Status
	}
	for _, tc := range []struct{ at, status string }{
		{"2027-02-28 23:59", "open"},
		{"2027-03-01 00:00", "overdue"},
	} {
		set(tc.at)
		for _, path := range []string{"/api/v1/cases/" + cs.ID + "/deadlines", "/api/v1/deadlines"} {
			if kind, due, status := read(path); kind != "term" || due != "2027-02-28" || status != tc.status {
				t.Errorf("%s at %s: %s due %s %s, want term due 2027-02-28 %s", path, tc.at, kind, due, status, tc.status)
			}
		}
	}
	// The start page lists the overdue term and flags the case.
	c := signIn()
	resp, raw := c.send(t, "GET", "/cases", nil, "")
	page := string(raw)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `class="overdue"`) ||
		!strings.Contains(page, "应于 2027-02-28 完成") || strings.Count(page, "已逾期") < 2 {
		t.Errorf("the case list does not show the overdue term: %d\n%s", resp.StatusCode, pageMainOrRaw(raw))
	}
	// A case that ended in time met its term.
	set("2027-02-10 09:00")
	signIn().mustJSON("POST", "/api/v1/cases/"+cs.ID+"/transitions", map[string]string{"to": "withdrawn", "reason": "申请人撤回"}, http.StatusOK, nil)
	set("2027-04-01 09:00")
	if _, _, status := read("/api/v1/cases/" + cs.ID + "/deadlines"); status != "met" {
		t.Errorf("term of a case withdrawn in time: %s", status)
	}
}
