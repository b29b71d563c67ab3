package casework

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"tiaojie/internal/authz"
	"tiaojie/internal/mediation"
	"tiaojie/internal/stats"
)

// Statistics for the street office.

// Statistics returns the fixed tables of a completed period (YYYY-MM,
// YYYY-Qn or YYYY; "" is the last completed month) for the office and the
// admin. Text that is no period is EINVALID (field period); a period not
// yet completed in the configured zone is ENOTFOUND, as if it did not
// exist: a running count read twice would show one new case by its
// difference. The tables are built from the counters alone, each month's as
// they were when it was first published, so that no later edit of an old
// case changes a table already shown.
func (s *Service) Statistics(p mediation.Principal, period string) (stats.Report, error) {
	if err := s.require(p, authz.ObjStats, authz.ActRead); err != nil {
		return stats.Report{}, err
	}
	if err := s.authz.Check(p, authz.ActRead, authz.GlobalObject(authz.ObjStats)); err != nil {
		return stats.Report{}, err
	}
	now := s.db.Now()
	per := stats.LastCompletedMonth(now, s.zone)
	if period != "" {
		var err error
		if per, err = stats.ParsePeriod(period); err != nil {
			return stats.Report{}, mediation.Invalid("period", "validation.period", "")
		}
	}
	if !per.Completed(now, s.zone) {
		return stats.Report{}, mediation.NotFound()
	}
	counters, err := s.db.PublishedCounters(per.Months())
	if err != nil {
		return stats.Report{}, err
	}
	return s.build(per, counters), nil
}

// reports remembers built reports by period and counters: suppression
// solves linear programs, and a completed period's counters rarely change.
type reports struct {
	mu   sync.Mutex
	byID map[string]stats.Report
}

// build builds the period's report, or answers the one built before from
// the same counters.
func (s *Service) build(per stats.Period, counters []mediation.Counter) stats.Report {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%+v|", per, s.statsConfig())
	for _, c := range counters {
		fmt.Fprintf(h, "%+v|", c)
	}
	id := hex.EncodeToString(h.Sum(nil))
	s.reports.mu.Lock()
	r, ok := s.reports.byID[id]
	s.reports.mu.Unlock()
	if ok {
		return r
	}
	r = stats.Build(s.statsConfig(), per, counters)
	s.reports.mu.Lock()
	if s.reports.byID == nil || len(s.reports.byID) >= 256 {
		s.reports.byID = map[string]stats.Report{}
	}
	s.reports.byID[id] = r
	s.reports.mu.Unlock()
	return r
}

// StatsPeriods are the completed periods the office's chooser offers.
func (s *Service) StatsPeriods() []string {
	var out []string
	for _, p := range stats.Recent(s.db.Now(), s.zone) {
		out = append(out, p.String())
	}
	return out
}

// StatsMonths are the monthly reports of the year to date of a period (for
// the line of cases per month), each one a completed month.
func (s *Service) StatsMonths(p mediation.Principal, period string) ([]stats.Report, error) {
	r, err := s.Statistics(p, period)
	if err != nil {
		return nil, err
	}
	per, _ := stats.ParsePeriod(r.Period)
	var out []stats.Report
	for _, m := range per.YearToDate() {
		mp, _ := stats.ParsePeriod(m)
		if !mp.Completed(s.db.Now(), s.zone) {
			continue
		}
		counters, err := s.db.PublishedCounters(mp.Months())
		if err != nil {
			return nil, err
		}
		out = append(out, s.build(mp, counters))
	}
	return out, nil
}

func (s *Service) statsConfig() stats.Config {
	cfg := stats.Config{K: s.statsK}
	if cfg.K == 0 {
		cfg.K = stats.DefaultK
	}
	for _, c := range s.places.Communities {
		cfg.Communities = append(cfg.Communities, c.Code)
	}
	return cfg
}
