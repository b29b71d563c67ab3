package mediation_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// The sample history is a register a mediator could have brought in: written
// out as a register's CSV, it reads back the same, every case accepted in
// the twelve months before now's and none closed within now's month.
func TestSampleLedgerIsARegister(t *testing.T) {
	zone := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, zone)
	places := mediation.DefaultPlaces()
	entries := mediation.SampleLedger(places, now)
	if len(entries) < 12*30 {
		t.Fatalf("%d cases, want at least 30 a month", len(entries))
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(mediation.LedgerHeader)
	closed := 0
	for _, e := range entries {
		c := ""
		if e.ClosedOn != nil {
			c = e.ClosedOn.Format(time.DateOnly)
			closed++
		}
		w.Write([]string{e.AcceptedOn.Format(time.DateOnly), c, string(e.Category), e.Community, string(e.Source),
			string(e.Outcome), fmt.Sprint(e.Sessions), e.Applicant, e.Respondent, e.Summary})
	}
	w.Flush()
	back, err := mediation.ParseLedger(&b, places, zone, now)
	if err != nil {
		t.Fatal(err)
	}
	first, month := time.Date(2025, 12, 1, 0, 0, 0, 0, zone), time.Date(2026, 12, 1, 0, 0, 0, 0, zone)
	for i, e := range back {
		want := entries[i]
		if (e.ClosedOn == nil) != (want.ClosedOn == nil) || e.ClosedOn != nil && !e.ClosedOn.Equal(*want.ClosedOn) {
			t.Fatalf("line %d: closed on %v, want %v", e.Line, e.ClosedOn, want.ClosedOn)
		}
		got := e
		got.Line, got.ClosedOn, want.ClosedOn = 0, nil, nil
		if got != want {
			t.Fatalf("line %d: read back %+v, want %+v", e.Line, got, want)
		}
		if e.AcceptedOn.Before(first) || !e.AcceptedOn.Before(month) {
			t.Fatalf("line %d: accepted on %s, outside the twelve months before %s", e.Line, e.AcceptedOn, month)
		}
		if e.ClosedOn != nil && !e.ClosedOn.Before(month) {
			t.Fatalf("line %d: closed on %s, within now's month", e.Line, e.ClosedOn)
		}
	}
	if len(back) != len(entries) || closed < len(entries)/2 {
		t.Fatalf("%d read back of %d, %d closed", len(back), len(entries), closed)
	}
	again := mediation.SampleLedger(places, now)
	if len(again) != len(entries) || again[len(again)-1].Applicant != entries[len(entries)-1].Applicant ||
		!again[len(again)-1].AcceptedOn.Equal(entries[len(entries)-1].AcceptedOn) {
		t.Fatal("a second sample for the same now differs")
	}
}
