package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// seedHistory brings a year of register history (补录) into the demo, the
// twelve months before this one, so that the street office's page has
// tables to show to a newcomer: about forty cases a month, most of them
// closed, spread over the categories and communities as a neighbourhood's
// disputes are (parking and noise often, developers rarely).
func seedHistory(db *store.DB, places *mediation.Places, out io.Writer) error {
	zone, err := db.StatsZone()
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2026, 12))
	weights := map[mediation.Category]int{mediation.CategoryParking: 9, mediation.CategoryNoise: 8,
		mediation.CategoryPets: 6, mediation.CategoryLeakRenovation: 6, mediation.CategoryPropertyManagement: 5,
		mediation.CategoryNeighbour: 4, mediation.CategoryDeveloperOwner: 2, mediation.CategoryOther: 2}
	var bag []mediation.Category
	for _, c := range mediation.Categories {
		for range weights[c] {
			bag = append(bag, c)
		}
	}
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高")
	name := func() string {
		return string(surnames[r.IntN(len(surnames))]) + string([]rune("某")) + fmt.Sprint(r.IntN(90)+10)
	}
	now := time.Now().In(zone)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone).AddDate(-1, 0, 0)
	var entries []mediation.LedgerEntry
	for m := 0; m < 12; m++ {
		start := first.AddDate(0, m, 0)
		days := start.AddDate(0, 1, 0).Sub(start).Hours() / 24
		for range 30 + r.IntN(20) {
			acc := start.AddDate(0, 0, r.IntN(int(days)))
			e := mediation.LedgerEntry{AcceptedOn: acc, Category: bag[r.IntN(len(bag))],
				Community: places.Communities[r.IntN(len(places.Communities))].Code,
				Source:    mediation.Sources[min(r.IntN(8), len(mediation.Sources)-1)],
				Sessions:  1 + r.IntN(4), Applicant: name(), Respondent: name(), Summary: "登记簿补录的历史案件"}
			closed := acc.AddDate(0, 0, 3+r.IntN(40))
			if closed.Before(time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone)) && r.IntN(10) < 9 {
				e.ClosedOn = &closed
				e.Outcome = []mediation.Status{mediation.StatusAgreement, mediation.StatusAgreement, mediation.StatusAgreement,
					mediation.StatusNoAgreement, mediation.StatusWithdrawn}[r.IntN(5)]
			}
			entries = append(entries, e)
		}
	}
	p, err := importLedger(db, "", places, entries)
	if err != nil {
		return fmt.Errorf("demo: history: %w", err)
	}
	fmt.Fprintf(out, "A year of register history: %d cases from %s (the street office's page shows their tables).\n", p.Stored, first.Format("2006-01"))
	return nil
}
