package mediation

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// SampleLedger is a year of register history, the twelve months before
// now's, as a neighbourhood's disputes are: about forty cases a month, most
// of them closed (never within now's month), spread over the categories and
// communities (parking and noise often, developers rarely). It is the same
// for the same now: the demo brings it in so that the street office's page
// has tables to show, and the load harness so that the office's statistics
// it reads are a year's.
func SampleLedger(places *Places, now time.Time) []LedgerEntry {
	zone := now.Location()
	r := rand.New(rand.NewPCG(2026, 12))
	weights := map[Category]int{CategoryParking: 9, CategoryNoise: 8,
		CategoryPets: 6, CategoryLeakRenovation: 6, CategoryPropertyManagement: 5,
		CategoryNeighbour: 4, CategoryDeveloperOwner: 2, CategoryOther: 2}
	var bag []Category
	for _, c := range Categories {
		for range weights[c] {
			bag = append(bag, c)
		}
	}
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高")
	name := func() string {
		return string(surnames[r.IntN(len(surnames))]) + "某" + fmt.Sprint(r.IntN(90)+10)
	}
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone)
	first := month.AddDate(-1, 0, 0)
	var entries []LedgerEntry
	for m := 0; m < 12; m++ {
		start := first.AddDate(0, m, 0)
		days := start.AddDate(0, 1, 0).Sub(start).Hours() / 24
		for range 30 + r.IntN(20) {
			acc := start.AddDate(0, 0, r.IntN(int(days)))
			e := LedgerEntry{AcceptedOn: acc, Category: bag[r.IntN(len(bag))],
				Community: places.Communities[r.IntN(len(places.Communities))].Code,
				Source:    Sources[min(r.IntN(8), len(Sources)-1)],
				Sessions:  1 + r.IntN(4), Applicant: name(), Respondent: name(), Summary: "登记簿补录的历史案件"}
			closed := acc.AddDate(0, 0, 3+r.IntN(40))
			if closed.Before(month) && r.IntN(10) < 9 {
				e.ClosedOn = &closed
				e.Outcome = []Status{StatusAgreement, StatusAgreement, StatusAgreement,
					StatusNoAgreement, StatusWithdrawn}[r.IntN(5)]
			}
			entries = append(entries, e)
		}
	}
	return entries
}
