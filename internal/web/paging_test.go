package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestShortListsPage reads the lists kept in an order other than their IDs'
// (a case's sessions and the calendar by start, the deadlines by day) two
// items at a time and checks that the pages, joined, are the whole list in
// its order, that the last page has no cursor, and that a cursor naming
// nothing of the list is refused.
func TestShortListsPage(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	// Booked out of order, so that start order is not ID order.
	for _, b := range []map[string]string{
		sessionBody("joint", "", 4, 2, "第一调解室"), sessionBody("caucus", s.partyA1, 2, 4, "第一调解室"),
		sessionBody("caucus", s.partyA2, 3, 6, "3号楼院子"), sessionBody("joint", "", 2, 1, "社区会议室"),
		sessionBody("joint", "", 5, 2, "第二调解室"),
	} {
		s.mediator.mustJSON("POST", "/api/v1/cases/"+s.caseA+"/sessions", b, http.StatusCreated, nil)
	}
	for _, title := range []string{"楼上漏水", "狗叫扰民", "装修噪音", "物业收费"} {
		s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": title, "category": "noise",
			"community": "heping-li", "source": "party_application"}, http.StatusCreated, nil)
	}
	from, _ := slot(0, 0)
	to, _ := slot(7, 0)
	for _, path := range []string{
		"/api/v1/cases/" + s.caseA + "/sessions",
		"/api/v1/calendar?from=" + url.QueryEscape(from[:10]) + "&to=" + url.QueryEscape(to[:10]),
		"/api/v1/cases/" + s.caseA + "/deadlines",
		"/api/v1/deadlines",
	} {
		t.Run(path, func(t *testing.T) {
			var whole struct {
				Items      []json.RawMessage `json:"items"`
				NextCursor string            `json:"next_cursor"`
			}
			s.mediator.mustJSON("GET", path, nil, http.StatusOK, &whole)
			if whole.NextCursor != "" {
				t.Fatalf("the whole list has a cursor: %q", whole.NextCursor)
			}
			if path != "/api/v1/cases/"+s.caseA+"/deadlines" && len(whole.Items) < 5 {
				t.Fatalf("%d items: too few to page", len(whole.Items))
			}
			sep := "?"
			if u, _ := url.Parse(path); u.RawQuery != "" {
				sep = "&"
			}
			var joined []json.RawMessage
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > len(whole.Items) {
					t.Fatal("the pages never end")
				}
				q := sep + "limit=2"
				if cursor != "" {
					q += "&cursor=" + cursor
				}
				var page struct {
					Items      []json.RawMessage `json:"items"`
					NextCursor string            `json:"next_cursor"`
				}
				s.mediator.mustJSON("GET", path+q, nil, http.StatusOK, &page)
				if len(page.Items) > 2 {
					t.Fatalf("a page of %d with limit=2", len(page.Items))
				}
				joined = append(joined, page.Items...)
				if cursor = page.NextCursor; cursor == "" {
					break
				}
			}
			if !slices.EqualFunc(joined, whole.Items, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
				t.Errorf("the pages joined:\n%s\nthe whole list:\n%s", joined, whole.Items)
			}
			code, body := s.mediator.do("GET", path+sep+"cursor=999999", nil)
			var e struct {
				Error struct {
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if json.Unmarshal(body, &e); code != http.StatusUnprocessableEntity || e.Error.Fields["cursor"] == "" {
				t.Errorf("a cursor naming nothing: %d %s", code, body)
			}
		})
	}
}
