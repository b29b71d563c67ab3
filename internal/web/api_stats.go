package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/internal/stats"
)

// Statistics for the street office: the tables of a completed period, as
// JSON and one table at a time as CSV.

func (s *Server) apiStats(c echo.Context) error {
	r, err := s.cw.Statistics(principal(c), c.QueryParam("period"))
	if err != nil {
		return err
	}
	return ok(c, r)
}

// apiStatsCSV answers GET /stats/{table}.csv: UTF-8 with a byte-order mark,
// so that spreadsheet programs read the Chinese right.
func (s *Server) apiStatsCSV(c echo.Context) error {
	r, err := s.cw.Statistics(principal(c), c.QueryParam("period"))
	if err != nil {
		return err
	}
	id, isCSV := strings.CutSuffix(c.Param("file"), ".csv")
	var table *stats.Table
	for i := range r.Tables {
		if r.Tables[i].ID == id {
			table = &r.Tables[i]
		}
	}
	if !isCSV || table == nil {
		return mediation.NotFound()
	}
	body := statsCSV(r, table)
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, id, r.Period))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}

// measures are a table's figure columns, by its measure.
func measures(t *stats.Table) []string {
	switch t.Measure {
	case "rate":
		return []string{"n", "rate"}
	case "days":
		return []string{"n", "median", "p90"}
	case "sessions":
		return []string{"n", "mean", "median"}
	case "share":
		return []string{"n", "share"}
	}
	return []string{"count"}
}

// figure is one figure of a cell as text, "" when it has none.
func figure(cell stats.Cell, m string) string {
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	cnt := func(n *int64) string {
		if n == nil {
			return ""
		}
		return strconv.FormatInt(*n, 10)
	}
	switch m {
	case "count":
		return cnt(cell.Count)
	case "n":
		return cnt(cell.N)
	case "rate":
		return num(cell.Rate)
	case "median":
		return num(cell.Median)
	case "p90":
		return num(cell.P90)
	case "mean":
		return num(cell.Mean)
	case "share":
		return num(cell.Share)
	}
	return ""
}

// statsCSV writes the table: period, k, its dims (empty for a total), its
// figures (empty where suppressed) and whether the cell is suppressed.
func statsCSV(r stats.Report, t *stats.Table) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	ms := measures(t)
	head := append([]string{"period", "k"}, t.Dims...)
	w.Write(append(append(head, ms...), "suppressed"))
	for _, cell := range t.Cells {
		row := []string{r.Period, strconv.Itoa(r.K)}
		for _, d := range t.Dims {
			row = append(row, cell.Dim(d))
		}
		for _, m := range ms {
			row = append(row, figure(cell, m))
		}
		w.Write(append(row, strconv.FormatBool(cell.Suppressed)))
	}
	w.Flush()
	return b.Bytes()
}
