package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

var shanghaiZone = func() *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return z
}()

type statsAnswer struct {
	Period string `json:"period"`
	K      int    `json:"k"`
	Tables []struct {
		ID    string                   `json:"id"`
		Dims  []string                 `json:"dims"`
		Cells []map[string]json.Number `json:"-"`
		Raw   []map[string]any         `json:"cells"`
	} `json:"tables"`
}

// statsWorld is October 2026 in a street: seven parking disputes in
// 和平里, two of them closed with an agreement, and two pet disputes in
// 东风 (too few to show), every one with named parties and a summary; the
// clock then stands in November.
type statsWorld struct {
	app             *testApp
	office, admin   *client
	mediator, party *client
	secrets         []string
	now             time.Time
	// opened and closed are cases of October 2026 still open, and closed.
	opened, closed []string
}

func newStatsWorld(t *testing.T) *statsWorld {
	a := newApp(t)
	w := &statsWorld{app: a}
	// Sign in at the real time (the cookie jar keeps to it), then turn the
	// store's clock back to October.
	w.office, _ = a.staff("office", "office")
	w.admin, _ = a.staff("admin", "admin")
	w.mediator, _ = a.staff("mediator", "wang")
	// A party of a case opened today, with a submission.
	var today idOnly
	w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "秘密今日", "category": "parking",
		"community": "xinhua", "source": "party_application"}, http.StatusCreated, &today)
	var p partyCreated
	w.mediator.mustJSON("POST", "/api/v1/cases/"+today.ID+"/parties", map[string]string{"name": "秘密甲",
		"kind": "person", "side": "applicant"}, http.StatusCreated, &p)
	w.party = a.party(p.Invitation.Token)
	w.party.mustJSON("POST", "/api/v1/cases/"+today.ID+"/submissions", map[string]string{"kind": "position",
		"body": "秘密陈述：车位是我的"}, http.StatusCreated, nil)
	w.secrets = append(w.secrets, "秘密今日", "秘密甲", "秘密陈述：车位是我的")
	clock := time.Date(2026, 10, 5, 10, 0, 0, 0, shanghaiZone)
	a.DB.Now = func() time.Time { return clock }
	open := func(i int, cat, com string, closeIt bool) {
		title, summary := fmt.Sprintf("秘密标题%d", i), fmt.Sprintf("秘密经过%d：楼上漏水", i)
		var cs idOnly
		w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": title, "category": cat,
			"community": com, "source": "party_application", "summary": summary}, http.StatusCreated, &cs)
		var p partyCreated
		var parties []string
		for _, side := range []string{"applicant", "respondent"} {
			name := fmt.Sprintf("当事人%d%s", i, side[:1])
			w.mediator.mustJSON("POST", "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": name,
				"kind": "person", "side": side, "phone": fmt.Sprintf("1380013%04d", i*2+len(side)%2), "address": "秘密地址" + name},
				http.StatusCreated, &p)
			parties = append(parties, p.ID)
			w.secrets = append(w.secrets, name, "秘密地址"+name)
		}
		w.secrets = append(w.secrets, title, summary)
		if !closeIt {
			w.opened = append(w.opened, cs.ID)
		}
		if closeIt {
			w.closed = append(w.closed, cs.ID)
			closeWithAgreement(t, w.mediator, cs.ID, parties, clock)
			w.secrets = append(w.secrets, "秘密条款：移车", "秘密笔录：双方同意移车。")
		}
		clock = clock.Add(24 * time.Hour)
	}
	for i := range 7 {
		open(i, "parking", "heping-li", i < 2)
	}
	open(7, "pets", "dongfeng", false)
	open(8, "pets", "dongfeng", false)
	clock = time.Date(2026, 11, 15, 10, 0, 0, 0, shanghaiZone)
	w.now = clock
	return w
}

func cellOf(t *testing.T, raw []byte, table string, dims map[string]string) map[string]any {
	t.Helper()
	var r statsAnswer
	mustUnmarshal(t, raw, &r)
	for _, tb := range r.Tables {
		if tb.ID != table {
			continue
		}
	cells:
		for _, c := range tb.Raw {
			for _, d := range tb.Dims {
				got, has := c[d]
				want, wants := dims[d]
				if has != wants || (has && got != want) {
					continue cells
				}
			}
			return c
		}
	}
	t.Fatalf("no cell %v in %s", dims, table)
	return nil
}

func TestStatistics(t *testing.T) {
	t.Parallel()
	w := newStatsWorld(t)
	status, raw := w.office.do("GET", "/api/v1/stats", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/stats: %d %s", status, raw)
	}
	t.Run("TheLastCompletedMonth", func(t *testing.T) {
		var r statsAnswer
		mustUnmarshal(t, raw, &r)
		if r.Period != "2026-10" || r.K != 5 || len(r.Tables) != 8 {
			t.Fatalf("period %s k %d, %d tables", r.Period, r.K, len(r.Tables))
		}
		truth := map[[2]string]float64{{"parking", "heping-li"}: 7, {"pets", "dongfeng"}: 2, {"parking", ""}: 7,
			{"pets", ""}: 2, {"", "heping-li"}: 7, {"", "dongfeng"}: 2, {"", ""}: 9}
		for _, tb := range r.Tables {
			if tb.ID != "opened_by_category_community" {
				continue
			}
			for _, c := range tb.Raw {
				key := [2]string{fmt.Sprint(orEmpty(c["category"])), fmt.Sprint(orEmpty(c["community"]))}
				if c["suppressed"] != true && c["count"] != truth[key] {
					t.Errorf("%v: count %v, true %v", key, c["count"], truth[key])
				}
			}
		}
		if c := cellOf(t, raw, "opened_by_category_community", map[string]string{"category": "pets", "community": "dongfeng"}); c["suppressed"] != true || c["count"] != nil {
			t.Errorf("pets in dongfeng (2 cases): %v, want suppressed", c)
		}
		if c := cellOf(t, raw, "opened_by_source", map[string]string{"source": "party_application"}); c["count"] != 9.0 {
			t.Errorf("applications: %v, want 9", c)
		}
		if c := cellOf(t, raw, "closed_by_category_outcome", map[string]string{"category": "parking", "outcome": "agreement"}); c["suppressed"] != true {
			t.Errorf("2 parking agreements: %v, want suppressed", c)
		}
	})
	t.Run("RunningPeriodsAreNotFound", func(t *testing.T) {
		for _, p := range []string{"2026-11", "2026-Q4", "2026", "2027-01"} {
			if status, raw := w.office.do("GET", "/api/v1/stats?period="+p, nil); status != http.StatusNotFound {
				t.Errorf("period %s: %d %s, want 404", p, status, raw)
			}
			if status, _ := w.office.do("GET", "/api/v1/stats/opened_by_source.csv?period="+p, nil); status != http.StatusNotFound {
				t.Errorf("csv of period %s: %d, want 404", p, status)
			}
		}
	})
	t.Run("ErrBadPeriod", func(t *testing.T) {
		status, raw := w.office.do("GET", "/api/v1/stats?period=dragons", nil)
		if e := errorOf(t, raw); status != http.StatusUnprocessableEntity || e.Fields["period"] == "" {
			t.Errorf("period=dragons: %d %s, want 422 naming period", status, raw)
		}
	})
	t.Run("OthersMayNot", func(t *testing.T) {
		for name, c := range map[string]*client{"mediator": w.mediator, "party": w.party} {
			if status, _ := c.do("GET", "/api/v1/stats?period=2026-10", nil); status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, status)
			}
			if status, _ := c.do("GET", "/office?period=2026-10", nil); status != http.StatusForbidden {
				t.Errorf("%s page: %d, want 403", name, status)
			}
		}
		if status, _ := w.admin.do("GET", "/api/v1/stats?period=2026-10", nil); status != http.StatusOK {
			t.Errorf("admin: %d, want 200", status)
		}
	})
	_, page := w.office.do("GET", "/office?period=2026-10", nil)
	csvs := map[string][]byte{}
	var r statsAnswer
	mustUnmarshal(t, raw, &r)
	for _, tb := range r.Tables {
		resp, body := w.office.send(t, "GET", "/api/v1/stats/"+tb.ID+".csv?period=2026-10", nil, "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv %s: %d %s", tb.ID, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		csvs[tb.ID] = body
	}
	t.Run("NoStringOfACase", func(t *testing.T) {
		for _, s := range w.secrets {
			if bytes.Contains(raw, []byte(s)) || bytes.Contains(page, []byte(s)) {
				t.Errorf("%q is in the JSON or the page", s)
			}
			for id, body := range csvs {
				if bytes.Contains(body, []byte(s)) {
					t.Errorf("%q is in %s.csv", s, id)
				}
			}
		}
	})
	t.Run("JSONCSVAndPageAgree", func(t *testing.T) {
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		for _, tb := range r.Tables {
			body := csvs[tb.ID]
			if !bytes.HasPrefix(body, []byte("\ufeff")) {
				t.Errorf("%s.csv has no byte-order mark", tb.ID)
			}
			rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			html := doc.Find(fmt.Sprintf(`table[data-table=%q] tbody tr`, tb.ID))
			if len(rows) != len(tb.Raw)+1 || html.Length() != len(tb.Raw) {
				t.Fatalf("%s: %d cells, %d csv rows, %d page rows", tb.ID, len(tb.Raw), len(rows)-1, html.Length())
			}
			head := rows[0]
			for i, cell := range tb.Raw {
				row := rows[i+1]
				tds := html.Eq(i).Find("td")
				for j, col := range head {
					if j < 2+len(tb.Dims) {
						if j >= 2 && fmt.Sprint(orEmpty(cell[col])) != row[j] {
							t.Errorf("%s cell %d: csv %s = %q, json %v", tb.ID, i, col, row[j], cell[col])
						}
						continue
					}
					if col == "suppressed" {
						if (cell["suppressed"] == true) != (row[j] == "true") {
							t.Errorf("%s cell %d: suppressed csv %q, json %v", tb.ID, i, row[j], cell["suppressed"])
						}
						continue
					}
					want := ""
					if v, ok := cell[col]; ok {
						want = fmt.Sprint(v)
					}
					if row[j] != want {
						t.Errorf("%s cell %d: csv %s = %q, json %q", tb.ID, i, col, row[j], want)
					}
					td := strings.TrimSpace(tds.Eq(j - 2).Text())
					if cell["suppressed"] == true {
						want = "—"
					}
					if td != want {
						t.Errorf("%s cell %d: page %s = %q, json %q", tb.ID, i, col, td, want)
					}
				}
			}
		}
	})
	t.Run("ACaseOpenedTodayChangesNoPublishedPeriod", func(t *testing.T) {
		before := map[string][]byte{}
		for _, p := range []string{"2026-10", "2026-Q3", "2025", "2026-09"} {
			_, before[p] = w.office.do("GET", "/api/v1/stats?period="+p, nil)
		}
		w.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "今天", "category": "pets",
			"community": "dongfeng", "source": "party_application"}, http.StatusCreated, nil)
		for p, was := range before {
			if _, now := w.office.do("GET", "/api/v1/stats?period="+p, nil); !bytes.Equal(now, was) {
				t.Errorf("period %s changed when a case opened today", p)
			}
		}
	})
	t.Run("AnEditOfAnOldCaseChangesNoPublishedMonth", func(t *testing.T) {
		_, was := w.office.do("GET", "/api/v1/stats?period=2026-10", nil)
		_, wasCSV := w.office.do("GET", "/api/v1/stats/opened_by_category_community.csv?period=2026-10", nil)
		// October's tables were read: a case of October reclassified and
		// another reopened change the live counters, not what was shown.
		w.mediator.mustJSON("PATCH", "/api/v1/cases/"+w.opened[0], map[string]string{"category": "noise"}, http.StatusOK, nil)
		w.mediator.mustJSON("POST", "/api/v1/cases/"+w.closed[0]+"/transitions", map[string]string{"to": "mediating",
			"reason": "当事人反悔"}, http.StatusOK, nil)
		if err := w.app.DB.CheckCounters(); err != nil {
			t.Errorf("the live counters do not follow the edits: %v", err)
		}
		if _, now := w.office.do("GET", "/api/v1/stats?period=2026-10", nil); !bytes.Equal(now, was) {
			t.Errorf("October's tables changed after an edit of its cases:\n%s\n%s", was, now)
		}
		if _, now := w.office.do("GET", "/api/v1/stats/opened_by_category_community.csv?period=2026-10", nil); !bytes.Equal(now, wasCSV) {
			t.Errorf("October's CSV changed after an edit of its cases")
		}
	})
	t.Run("PageInEnglish", func(t *testing.T) {
		resp, body := w.office.send(t, "GET", "/lang?to=en&back=/office", nil, "")
		_ = resp
		_, body = w.office.do("GET", "/office?period=2026-10", nil)
		if !bytes.Contains(body, []byte("Cases opened, by source")) || !bytes.Contains(body, []byte("<svg")) {
			t.Errorf("the English page lacks its tables or charts")
		}
	})
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

// closeWithAgreement takes a case from intake to closed with an agreement, as
// its mediator, at the test's clock: an oral agreement, each party's notice
// and identity, a session held the day before with its record.
func closeWithAgreement(t *testing.T, med *client, caseID string, parties []string, now time.Time) {
	t.Helper()
	path := "/api/v1/cases/" + caseID
	med.mustJSON("POST", path+"/transitions", map[string]string{"to": "mediating"}, http.StatusOK, nil)
	med.mustJSON("POST", path+"/agreements", map[string]any{"oral": true, "terms": []map[string]string{{
		"obligor_party_id": parties[1], "text": "秘密条款：移车", "manner": "自行移车",
		"deadline": now.AddDate(0, 0, 10).Format(time.DateOnly)}}}, http.StatusCreated, nil)
	attendance := map[string]bool{}
	for _, id := range parties {
		med.mustJSON("PUT", path+"/parties/"+id+"/notice", map[string]string{"note": "书面告知"}, http.StatusOK, nil)
		med.mustJSON("PUT", path+"/parties/"+id+"/identity", map[string]string{"method": "居民身份证"}, http.StatusOK, nil)
		attendance[id] = true
	}
	start := now.Add(-24 * time.Hour)
	var held idOnly
	med.mustJSON("POST", path+"/sessions", map[string]string{"kind": "joint", "status": "held", "location": "3号楼院子",
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(time.Hour).Format(time.RFC3339)}, http.StatusCreated, &held)
	med.mustJSON("PUT", path+"/sessions/"+held.ID+"/record", map[string]any{"attendance": attendance,
		"notes": "秘密笔录：双方同意移车。"}, http.StatusOK, nil)
	med.mustJSON("POST", path+"/transitions", map[string]string{"to": "closed"}, http.StatusOK, nil)
}
