package web_test

import (
	"net/http"

	"tiaojie/internal/mediation"
)

// statsBadInputs are the bad periods asked of the street office's tables:
// text that is no period names the field; a period not yet completed is
// not found.
func statsBadInputs() []badInputCase {
	var rows []badInputCase
	for name, period := range map[string]string{"PeriodWord": "dragons", "PeriodMonth13": "2026-13",
		"PeriodQuarter5": "2026-Q5", "PeriodShortYear": "26-10", "PeriodDay": "2026-10-01"} {
		for what, path := range map[string]string{"": "/api/v1/stats?period=", "CSV": "/api/v1/stats/opened_by_source.csv?period="} {
			rows = append(rows, badInputCase{name: "Stats" + what + name, as: "admin", method: "GET", path: path + period,
				wantStatus: http.StatusUnprocessableEntity, wantCode: mediation.EINVALID, wantField: "period"})
		}
	}
	return append(rows, badInputCase{name: "StatsPeriodNotCompleted", as: "admin", method: "GET",
		path: "/api/v1/stats?period=9999", wantStatus: http.StatusNotFound, wantCode: mediation.ENOTFOUND})
}
