package web_test

import (
	"bytes"
	"encoding/json"
	"testing"
)

// statsMatrix is the table's rows for the street office's statistics: the
// office and the admin read them, no one else.
func statsMatrix() map[string][]mxRow {
	csvName := func(t *testing.T, w *mxWorld) {
		w.extra["csvSource"] = "opened_by_source.csv"
		w.extra["csvNone"] = "dragons.csv"
	}
	return map[string][]mxRow{
		"GET /api/v1/stats": {{name: "the last completed month",
			want: statuses{401, 200, 200, 403, 403, 403, 403, 403},
			check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
				var r struct {
					Period string            `json:"period"`
					K      int               `json:"k"`
					Tables []json.RawMessage `json:"tables"`
				}
				mxDecode(t, raw, &r)
				if r.K != 5 || len(r.Period) != 7 || len(r.Tables) != 8 {
					t.Errorf("stats: %s", raw)
				}
			}}},
		"GET /api/v1/stats/:file": {
			{name: "a table as CSV", setup: csvName, at: map[string]string{"file": "csvSource"},
				want: statuses{401, 200, 200, 403, 403, 403, 403, 403},
				check: func(t *testing.T, w *mxWorld, p mxWho, raw []byte) {
					if !bytes.HasPrefix(raw, []byte("\ufeffperiod,k,source,count,suppressed\n")) {
						t.Errorf("csv: %q", raw)
					}
				}},
			{name: "no such table", setup: csvName, at: map[string]string{"file": "csvNone"},
				want: statuses{401, 404, 404, 403, 403, 403, 403, 403}},
		},
	}
}
