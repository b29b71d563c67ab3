package clock

import (
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

func d(s string) Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return Date{t.Year(), t.Month(), t.Day()}
}

func dp(s string) *Date { x := d(s); return &x }

func only(t *testing.T, ds []mediation.Deadline, kind mediation.DeadlineKind) []mediation.Deadline {
	t.Helper()
	var out []mediation.Deadline
	for _, x := range ds {
		if x.Kind == kind {
			out = append(out, x)
		}
	}
	return out
}

func TestTerm(t *testing.T) {
	for _, tc := range []struct {
		name, accepted, today string
		extended              bool
		ended                 string
		due                   string
		want                  mediation.DeadlineStatus
	}{
		{"OpenOnTheLastDay", "2026-03-15", "2026-04-15", false, "", "2026-04-15", mediation.DeadlineOpen},
		{"OverdueTheDayAfter", "2026-03-15", "2026-04-16", false, "", "2026-04-15", mediation.DeadlineOverdue},
		{"OpenOnTheDayOfAcceptance", "2026-03-15", "2026-03-15", false, "", "2026-04-15", mediation.DeadlineOpen},
		{"January31ToFebruary28", "2026-01-31", "2026-02-28", false, "", "2026-02-28", mediation.DeadlineOpen},
		{"January31ToFebruary28DayAfter", "2026-01-31", "2026-03-01", false, "", "2026-02-28", mediation.DeadlineOverdue},
		{"January31ToFebruary29InALeapYear", "2028-01-31", "2028-02-29", false, "", "2028-02-29", mediation.DeadlineOpen},
		{"January30ToFebruary28", "2026-01-30", "2026-02-01", false, "", "2026-02-28", mediation.DeadlineOpen},
		{"March31ToApril30", "2026-03-31", "2026-05-01", false, "", "2026-04-30", mediation.DeadlineOverdue},
		{"DecemberToJanuary", "2026-12-31", "2027-01-31", false, "", "2027-01-31", mediation.DeadlineOpen},
		{"ExtendedOneMonth", "2026-01-31", "2026-03-31", true, "", "2026-03-31", mediation.DeadlineOpen},
		{"ExtendedDayAfter", "2026-01-31", "2026-04-01", true, "", "2026-03-31", mediation.DeadlineOverdue},
		{"EndedOnTheLastDayIsMet", "2026-03-15", "2026-06-01", false, "2026-04-15", "2026-04-15", mediation.DeadlineMet},
		{"EndedTheDayAfterStaysOverdue", "2026-03-15", "2026-06-01", false, "2026-04-16", "2026-04-15", mediation.DeadlineOverdue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Facts{CaseID: 1, Accepted: d(tc.accepted), Extended: tc.extended}
			if tc.ended != "" {
				f.Ended = dp(tc.ended)
			}
			got := only(t, Deadlines(f, d(tc.today)), mediation.DeadlineTerm)
			if len(got) != 1 || got[0].DueOn != tc.due || got[0].Status != tc.want {
				t.Errorf("term %+v, want due %s %s", got, tc.due, tc.want)
			}
		})
	}
}

func TestAgreementDeadlines(t *testing.T) {
	f := Facts{CaseID: 7, Accepted: d("2026-01-05"), Ended: dp("2026-01-20"), Effective: dp("2026-01-20"),
		Terms: []Term{{Deadline: d("2026-02-10")}, {Deadline: d("2026-01-31"), Performed: true, Visited: true}}}
	at := func(today string) map[string]mediation.DeadlineStatus {
		out := map[string]mediation.DeadlineStatus{}
		for _, x := range Deadlines(f, d(today)) {
			key := string(x.Kind) + "@" + x.DueOn
			out[key] = x.Status
		}
		return out
	}
	// 30 days from 20 January is 19 February; return visits 7 days after
	// each performance deadline.
	got := at("2026-02-19")
	want := map[string]mediation.DeadlineStatus{
		"term@2026-02-05":                  mediation.DeadlineMet,
		"judicial_confirmation@2026-02-19": mediation.DeadlineOpen,
		"performance@2026-02-10":           mediation.DeadlineOverdue,
		"return_visit@2026-02-17":          mediation.DeadlineOverdue,
		"performance@2026-01-31":           mediation.DeadlineMet,
		"return_visit@2026-02-07":          mediation.DeadlineMet,
	}
	if len(got) != len(want) {
		t.Fatalf("deadlines %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	if at("2026-02-20")["judicial_confirmation@2026-02-19"] != mediation.DeadlineOverdue {
		t.Error("judicial confirmation is not overdue the day after its 30th day")
	}
	if at("2026-02-10")["performance@2026-02-10"] != mediation.DeadlineOpen {
		t.Error("a performance deadline is not open on its day")
	}
	ds := Deadlines(f, d("2026-02-01"))
	for i := 1; i < len(ds); i++ {
		if ds[i].DueOn < ds[i-1].DueOn {
			t.Errorf("not earliest first: %v", ds)
		}
	}
}

func TestFactsOfUseTheZone(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// 20:00 UTC on 31 January is 04:00 on 1 February in Shanghai.
	c := &mediation.Case{ID: 3, Status: mediation.StatusMediating, OpenedAt: time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC)}
	f := FactsOf(c, zone)
	if f.Accepted != d("2026-02-01") || f.Ended != nil {
		t.Errorf("facts %+v", f)
	}
	if got := Deadlines(f, d("2026-02-01"))[0].DueOn; got != "2026-03-01" {
		t.Errorf("term due %s, want 2026-03-01", got)
	}
	closed := time.Date(2026, 2, 20, 1, 0, 0, 0, time.UTC)
	c.Status, c.ClosedAt = mediation.StatusClosed, &closed
	if f := FactsOf(c, zone); f.Ended == nil || *f.Ended != d("2026-02-20") {
		t.Errorf("closed case facts %+v", f)
	}
}

func TestDueWithin(t *testing.T) {
	x := mediation.Deadline{DueOn: "2026-04-07", Status: mediation.DeadlineOpen}
	if !DueWithin(d("2026-04-01"), 6)(x) || DueWithin(d("2026-03-31"), 6)(x) {
		t.Error("due within a week")
	}
	x.Status = mediation.DeadlineOverdue
	if DueWithin(d("2026-04-07"), 6)(x) {
		t.Error("an overdue deadline is not due")
	}
}
