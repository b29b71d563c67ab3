package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"tiaojie/internal/mediation"
	"tiaojie/internal/stats"
	"tiaojie/templates"
)

// The street office's page: the tables of a completed period, a chooser of
// periods and two charts drawn on the server as SVG.

// statsView is what templates/pages/office.html shows.
type statsView struct {
	Period  string
	K       int
	Max     int // k − 1: the largest count withheld
	Periods []string
	Tables  []statsTableView
	Bars    []statsBar
	BarsH   int // the bar chart's height
	Line    statsLine
	None    bool // no completed period has any table yet
}

type statsTableView struct {
	ID       string
	Heads    []string // translation keys of the columns
	Rows     []statsRow
	Download string
}

type statsRow struct {
	Labels     []statsLabel
	Figures    []string
	Suppressed bool
	Total      bool
}

// statsLabel is a code's label: a translation key, or text (a community's
// configured name).
type statsLabel struct {
	Key, Text string
}

// statsBar is one category's bar of cases opened in the period.
type statsBar struct {
	Label      statsLabel
	Y, W       int
	ValueX     int // where the count is written, after the bar
	Count      string
	Suppressed bool
}

// statsLine is the line of cases opened per month of the period's year.
type statsLine struct {
	Points  string // SVG polyline points
	Marks   []statsMark
	Width   int
	Missing bool // some month withheld: the line skips it
}

type statsMark struct {
	X, Y  int
	TopY  int // where the count is written, above the dot
	Month string
	Count string
}

func (s *Server) statsPage(c echo.Context) error {
	p := principal(c)
	if err := s.cw.Require(p, mediation.AbilityReadStats); err != nil {
		return err
	}
	r, err := s.cw.Statistics(p, c.QueryParam("period"))
	if err != nil {
		return err
	}
	months, err := s.cw.StatsMonths(p, r.Period)
	if err != nil {
		return err
	}
	v := statsView{Period: r.Period, K: r.K, Max: r.K - 1, Periods: s.cw.StatsPeriods()}
	for i := range r.Tables {
		v.Tables = append(v.Tables, s.tableView(r, &r.Tables[i]))
	}
	v.Bars = categoryBars(r)
	v.BarsH = 40 * max(len(v.Bars), 1)
	v.Line = monthLine(months)
	return s.render(c, http.StatusOK, templates.PageOffice, v, nil)
}

func (s *Server) label(dim, code string) statsLabel {
	switch {
	case code == "":
		return statsLabel{Key: "office.total"}
	case dim == "community":
		return statsLabel{Text: s.communityName(code)}
	case dim == "outcome":
		return statsLabel{Key: "status." + code}
	}
	return statsLabel{Key: dim + "." + code}
}

func (s *Server) tableView(r stats.Report, t *stats.Table) statsTableView {
	tv := statsTableView{ID: t.ID, Download: fmt.Sprintf("/api/v1/stats/%s.csv?period=%s", t.ID, r.Period)}
	for _, d := range t.Dims {
		tv.Heads = append(tv.Heads, "office.dim."+d)
	}
	ms := measures(t)
	for _, m := range ms {
		tv.Heads = append(tv.Heads, "office.col."+m)
	}
	for _, cell := range t.Cells {
		row := statsRow{Suppressed: cell.Suppressed, Total: len(cell.Dims) < len(t.Dims)}
		for _, d := range t.Dims {
			row.Labels = append(row.Labels, s.label(d, cell.Dim(d)))
		}
		for _, m := range ms {
			row.Figures = append(row.Figures, figure(cell, m))
		}
		tv.Rows = append(tv.Rows, row)
	}
	return tv
}

// categoryBars are the bars of cases opened by category (the category
// totals of opened_by_category_community), scaled to the largest.
func categoryBars(r stats.Report) []statsBar {
	var cells []stats.Cell
	for _, t := range r.Tables {
		if t.ID == stats.OpenedByCategoryCommunity {
			for _, c := range t.Cells {
				if c.Dim("category") != "" && c.Dim("community") == "" {
					cells = append(cells, c)
				}
			}
		}
	}
	most := int64(1)
	for _, c := range cells {
		if c.Count != nil && *c.Count > most {
			most = *c.Count
		}
	}
	var out []statsBar
	for i, c := range cells {
		b := statsBar{Label: statsLabel{Key: "category." + c.Dim("category")}, Y: i * 40, Suppressed: c.Suppressed}
		if c.Count != nil {
			b.W = int(*c.Count * 280 / most)
			b.Count = fmt.Sprint(*c.Count)
		}
		b.ValueX = b.W + 4
		out = append(out, b)
	}
	return out
}

// monthLine is the line of cases opened per month (the grand total of each
// month's opened tables), withheld months left out.
func monthLine(months []stats.Report) statsLine {
	l := statsLine{Width: 40 + 28*max(len(months)-1, 1)}
	totals := make([]*int64, len(months))
	most := int64(1)
	for i, r := range months {
		for _, t := range r.Tables {
			if t.ID == stats.OpenedBySource {
				for _, c := range t.Cells {
					if len(c.Dims) == 0 && c.Count != nil {
						totals[i] = c.Count
						most = max(most, *c.Count)
					}
				}
			}
		}
	}
	for i, n := range totals {
		m := statsMark{X: 20 + 28*i, Month: strings.TrimPrefix(months[i].Period[5:], "0")}
		if n == nil {
			l.Missing = true
			m.Y = 110
			m.Count = "—"
		} else {
			m.Y = 110 - int(*n*90/most)
			m.Count = fmt.Sprint(*n)
			l.Points += fmt.Sprintf("%d,%d ", m.X, m.Y)
		}
		m.TopY = m.Y - 6
		l.Marks = append(l.Marks, m)
	}
	return l
}
