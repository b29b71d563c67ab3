package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTermExtension extends case A's mediation term with both sides'
// consent: the clock then gives the term two months from acceptance, the
// case page and the trail say so, and the term cannot be extended twice.
func TestTermExtension(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	path := "/api/v1/cases/" + s.caseA
	term := func() string {
		t.Helper()
		var ds struct {
			Items []struct {
				Kind  string `json:"kind"`
				DueOn string `json:"due_on"`
			} `json:"items"`
		}
		s.mediator.mustJSON("GET", path+"/deadlines", nil, http.StatusOK, &ds)
		for _, d := range ds.Items {
			if d.Kind == "term" {
				return d.DueOn
			}
		}
		t.Fatalf("no term among %+v", ds.Items)
		return ""
	}
	var opened struct {
		OpenedAt time.Time `json:"opened_at"`
	}
	s.mediator.mustJSON("GET", path, nil, http.StatusOK, &opened)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	accepted := opened.OpenedAt.In(shanghai)
	monthOn := func(months int) string {
		// The same day months later, or the month's last day when it has none.
		d := time.Date(accepted.Year(), accepted.Month()+time.Month(months), 1, 0, 0, 0, 0, shanghai)
		last := d.AddDate(0, 1, -1).Day()
		return time.Date(d.Year(), d.Month(), min(accepted.Day(), last), 0, 0, 0, 0, shanghai).Format(time.DateOnly)
	}
	if got := term(); got != monthOn(1) {
		t.Fatalf("term before the extension: %s, want %s", got, monthOn(1))
	}

	body := map[string]any{"reason": "双方同意再调解一个月。", "consented_by": []string{s.partyA2, s.partyA1}}
	// A party cannot extend it, nor the mediator of another case.
	s.a1.mustJSON("POST", path+"/extension", body, http.StatusForbidden, nil)
	s.other.mustJSON("POST", path+"/extension", body, http.StatusNotFound, nil)

	var cs struct {
		Extension struct {
			Reason      string    `json:"reason"`
			ConsentedBy []string  `json:"consented_by"`
			RecordedBy  string    `json:"recorded_by"`
			RecordedAt  time.Time `json:"recorded_at"`
		} `json:"extension"`
	}
	s.mediator.mustJSON("POST", path+"/extension", body, http.StatusOK, &cs)
	if e := cs.Extension; e.Reason != "双方同意再调解一个月。" || len(e.ConsentedBy) != 2 ||
		e.RecordedBy != s.mediatorUser.ID.String() || e.RecordedAt.IsZero() {
		t.Errorf("the extension: %+v", e)
	}
	if got := term(); got != monthOn(2) {
		t.Errorf("term after the extension: %s, want %s", got, monthOn(2))
	}
	code, raw := s.mediator.do("POST", path+"/extension", body)
	if code != http.StatusConflict || !strings.Contains(string(raw), `"conflict"`) {
		t.Errorf("a second extension: %d %s", code, raw)
	}

	var trail struct {
		Items []struct {
			Action string            `json:"action"`
			Detail map[string]string `json:"detail"`
		} `json:"items"`
	}
	s.mediator.mustJSON("GET", path+"/audit?limit=200", nil, http.StatusOK, &trail)
	found := 0
	for _, e := range trail.Items {
		if e.Action == "case.extend" {
			found++
			if e.Detail["reason"] != "双方同意再调解一个月。" || !strings.Contains(e.Detail["consented_by"], "party:"+s.partyA1) {
				t.Errorf("the extension's audit entry: %+v", e.Detail)
			}
		}
	}
	if found != 1 {
		t.Errorf("%d audit entries of the extension, want 1", found)
	}

	page := openPage(t, s.mediator, "/cases/"+s.caseA)
	if got := page.doc.Find("#extension").Text(); !strings.Contains(got, "调解期限已于") || !strings.Contains(got, "双方同意再调解一个月") {
		t.Errorf("the case page on the extension: %q", got)
	}
	if page.doc.Find(`form[action$="/extension"]`).Length() != 0 {
		t.Error("the case page still offers to extend the term")
	}
}
