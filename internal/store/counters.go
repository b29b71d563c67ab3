package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"tiaojie/internal/mediation"
)

// The statistics counters (statistics for the street office): one bucket,
// keyed family, month and the family's dimensions, each a word, joined by
// zero bytes; the value is the count, 8 bytes big-endian. A counter at zero is
// deleted. commit keeps them with the records they count, so that reading a
// month's tables reads a bounded number of keys and never a case.
var bucketCounters = []byte("stats_counters")

// metaStatsZone names the time zone the counters date cases in: a case's
// month is that of its acceptance and closing days in this zone.
var metaStatsZone = []byte("stats_zone")

// defaultZone dates the counters when Options names no zone.
const defaultZone = "Asia/Shanghai"

var zones sync.Map // zone name → *time.Location

func loadZone(name string) (*time.Location, error) {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location), nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("store: statistics zone %q: %w", name, err)
	}
	zones.Store(name, z)
	return z, nil
}

// statsZone is the zone the file's counters are dated in.
func statsZone(tx Tx) (*time.Location, error) {
	name := defaultZone
	if v := tx.Bucket(bucketMeta).Get(metaStatsZone); v != nil {
		name = string(v)
	}
	return loadZone(name)
}

func counterKey(c mediation.Counter) []byte {
	parts := []string{string(c.Family), c.Month, string(c.Category)}
	switch c.Family {
	case mediation.CountOpened:
		parts = append(parts, c.Community, string(c.Source))
	case mediation.CountClosed:
		parts = append(parts, c.Community, string(c.Source), string(c.Outcome))
	case mediation.CountDays, mediation.CountSessions:
		parts = append(parts, fmt.Sprintf("%05d", c.Value))
	case mediation.CountTerms:
		parts = append(parts, c.Performance)
	}
	return []byte(strings.Join(parts, "\x00"))
}

func parseCounterKey(k []byte) (mediation.Counter, error) {
	p := strings.Split(string(k), "\x00")
	if len(p) < 3 {
		return mediation.Counter{}, badCounterKey(k)
	}
	c := mediation.Counter{Family: mediation.CounterFamily(p[0]), Month: p[1], Category: mediation.Category(p[2])}
	want := 0
	switch c.Family {
	case mediation.CountOpened:
		want = 5
	case mediation.CountClosed:
		want = 6
	case mediation.CountDays, mediation.CountSessions, mediation.CountTerms:
		want = 4
	}
	if want == 0 || len(p) != want {
		return mediation.Counter{}, badCounterKey(k)
	}
	switch c.Family {
	case mediation.CountOpened:
		c.Community, c.Source = p[3], mediation.Source(p[4])
	case mediation.CountClosed:
		c.Community, c.Source, c.Outcome = p[3], mediation.Source(p[4]), mediation.Status(p[5])
	case mediation.CountDays, mediation.CountSessions:
		n, err := strconv.Atoi(p[3])
		if err != nil {
			return mediation.Counter{}, badCounterKey(k)
		}
		c.Value = n
	case mediation.CountTerms:
		c.Performance = p[3]
	}
	return c, nil
}

func badCounterKey(k []byte) error {
	return fmt.Errorf("store: statistics counter %q is not laid out as its family's", strings.ReplaceAll(string(k), "\x00", "|"))
}

// countersOf is what one case contributes to the counters: it is opened in
// the month of its acceptance and, once closed, closed in the month of its
// closing with its outcome, days to close and sessions held (the held
// session records and the sessions its register entry brought in).
func countersOf(c *mediation.Case, held int, zone *time.Location) []mediation.Counter {
	accepted := c.OpenedAt.In(zone)
	out := []mediation.Counter{{Family: mediation.CountOpened, Month: accepted.Format("2006-01"),
		Category: c.Category, Community: c.Community, Source: c.Source, N: 1}}
	if c.Status != mediation.StatusClosed || c.ClosedAt == nil {
		return out
	}
	closed := c.ClosedAt.In(zone)
	month := closed.Format("2006-01")
	out = append(out,
		mediation.Counter{Family: mediation.CountClosed, Month: month, Category: c.Category,
			Community: c.Community, Source: c.Source, Outcome: c.Outcome, N: 1},
		mediation.Counter{Family: mediation.CountDays, Month: month, Category: c.Category,
			Value: daysBetween(accepted, closed), N: 1},
		mediation.Counter{Family: mediation.CountSessions, Month: month, Category: c.Category,
			Value: held + c.RegisterSessions, N: 1})
	return out
}

// daysBetween counts the calendar days from the day of a to the day of b.
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return max(int(db.Sub(da).Hours()/24), 0)
}

// statsDelta is what a change does to the statistics counters: the
// difference, for every case the change touches (writes it or one of its
// sessions), between what the case contributes after the change and before,
// and the counts the change adds itself (terms found at return visits).
type statsDelta struct {
	cases map[mediation.ID][]mediation.Counter // contributions before the writes
	add   map[string]int64
}

// TermsFound adds n agreement terms found at a return visit on visitedOn
// (YYYY-MM-DD) with the given performance (performed, partly,
// not_performed) to the change's delta, under the case's category: the
// return-visit writer calls it on the change it commits.
func (d *statsDelta) TermsFound(c *mediation.Case, visitedOn, performance string, n int64) {
	if len(visitedOn) < 7 {
		return
	}
	d.count(mediation.Counter{Family: mediation.CountTerms, Month: visitedOn[:7], Category: c.Category,
		Performance: performance}, n)
}

func (d *statsDelta) count(c mediation.Counter, n int64) {
	if d.add == nil {
		d.add = map[string]int64{}
	}
	d.add[string(counterKey(c))] += n
}

// touched lists the cases whose contribution the writes may change.
func touched(tx Tx, writes []write) ([]mediation.ID, error) {
	var ids []mediation.ID
	for _, w := range writes {
		switch w.of {
		case caseRecords.kind:
			ids = append(ids, mediation.ID(btoi(w.key)))
		case sessionRecords.kind:
			if s, ok := w.record.(*mediation.Session); ok && s != nil {
				ids = append(ids, s.CaseID)
			}
			if old, err := sessionRecords.get(tx, w.key); err == nil {
				ids = append(ids, old.CaseID)
			} else if mediation.ErrorCode(err) != mediation.ENOTFOUND {
				return nil, err
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// contribution is what the stored case id contributes now (nothing when
// there is no such case).
func contribution(tx Tx, id mediation.ID, zone *time.Location) ([]mediation.Counter, error) {
	c, err := getCase(tx, id)
	if mediation.ErrorCode(err) == mediation.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	held, err := heldSessions(tx, id)
	if err != nil {
		return nil, err
	}
	return countersOf(c, held, zone), nil
}

// heldSessions counts the held sessions of a case, through sessions_by_case.
func heldSessions(tx Tx, caseID mediation.ID) (int, error) {
	n := 0
	prefix := idKey(caseID)
	cur := tx.Bucket(sessionsByCase.bucket).Cursor()
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		s, err := sessionRecords.get(tx, k[len(k)-8:])
		if err != nil {
			return 0, err
		}
		if s.Status == mediation.SessionHeld {
			n++
		}
	}
	return n, nil
}

// before records the contributions of the cases the writes touch, as they
// stand before the writes.
func (d *statsDelta) before(tx Tx, writes []write) error {
	ids, err := touched(tx, writes)
	if err != nil || len(ids) == 0 {
		return err
	}
	zone, err := statsZone(tx)
	if err != nil {
		return err
	}
	d.cases = make(map[mediation.ID][]mediation.Counter, len(ids))
	for _, id := range ids {
		if d.cases[id], err = contribution(tx, id, zone); err != nil {
			return err
		}
	}
	return nil
}

// apply adds the delta to the stored counters, after the writes: each
// touched case's contribution now, less what it was before, and the counts
// added.
func (d *statsDelta) apply(tx Tx) error {
	sum := maps.Clone(d.add)
	if sum == nil {
		sum = map[string]int64{}
	}
	if len(d.cases) > 0 {
		zone, err := statsZone(tx)
		if err != nil {
			return err
		}
		for id, was := range d.cases {
			is, err := contribution(tx, id, zone)
			if err != nil {
				return err
			}
			for _, c := range was {
				sum[string(counterKey(c))] -= c.N
			}
			for _, c := range is {
				sum[string(counterKey(c))] += c.N
			}
		}
	}
	b := tx.Bucket(bucketCounters)
	for _, k := range slices.Sorted(maps.Keys(sum)) {
		if sum[k] == 0 {
			continue
		}
		if err := setCounter(b, k, counterOf(b, k)+sum[k]); err != nil {
			return err
		}
	}
	return nil
}

// counterOf is counter k's value in b, 0 when it has none.
func counterOf(b Bucket, k string) int64 {
	if v := b.Get([]byte(k)); len(v) == 8 {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

// setCounter sets counter k to n: a counter at zero is not kept, and none
// may fall below it.
func setCounter(b Bucket, k string, n int64) error {
	switch {
	case n < 0:
		return fmt.Errorf("store: statistics counter %q would fall below zero", strings.ReplaceAll(k, "\x00", "|"))
	case n == 0:
		return b.Delete([]byte(k))
	default:
		return b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(n)))
	}
}

// rebuildCounters computes every counter from the records: the cases and
// their held sessions. (The terms found at return visits are added by the
// records of visits, where they are kept.)
func rebuildCounters(tx Tx, zone *time.Location) (map[string]int64, error) {
	held := map[mediation.ID]int{}
	err := tx.Bucket(sessionRecords.bucket).ForEach(func(k, v []byte) error {
		r, err := sessionRecords.decode(v)
		if err != nil {
			return fmt.Errorf("store: session [%x]: %w", k, err)
		}
		if s := r.(*mediation.Session); s.Status == mediation.SessionHeld {
			held[s.CaseID]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	err = tx.Bucket(caseRecords.bucket).ForEach(func(k, v []byte) error {
		r, err := caseRecords.decode(v)
		if err != nil {
			return fmt.Errorf("store: case [%x]: %w", k, err)
		}
		c := r.(*mediation.Case)
		for _, n := range countersOf(c, held[c.ID], zone) {
			out[string(counterKey(n))] += n.N
		}
		return nil
	})
	return out, err
}

// storedCounters reads every counter of the bucket.
func storedCounters(tx Tx) (map[string]int64, error) {
	out := map[string]int64{}
	err := tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("store: statistics counter %q holds %d bytes, not 8", strings.ReplaceAll(string(k), "\x00", "|"), len(v))
		}
		out[string(k)] = int64(binary.BigEndian.Uint64(v))
		return nil
	})
	return out, err
}

// buildCounters replaces every counter of the family kept from cases by a
// rebuild dated in zone, and records the zone.
func buildCounters(tx Tx, zone *time.Location) error {
	want, err := rebuildCounters(tx, zone)
	if err != nil {
		return err
	}
	b := tx.Bucket(bucketCounters)
	var stale [][]byte
	b.ForEach(func(k, _ []byte) error {
		if !bytes.HasPrefix(k, []byte(string(mediation.CountTerms)+"\x00")) {
			stale = append(stale, bytes.Clone(k))
		}
		return nil
	})
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if err := b.Put([]byte(k), binary.BigEndian.AppendUint64(nil, uint64(want[k]))); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(metaStatsZone, []byte(zone.String()))
}

// CheckCounters verifies the statistics counters against a rebuild from the
// cases and their sessions, in the zone they are dated in. It returns every
// counter that differs, joined.
func (db *DB) CheckCounters() error {
	var errs []error
	err := db.view(func(tx Tx) error {
		zone, err := statsZone(tx)
		if err != nil {
			return err
		}
		want, err := rebuildCounters(tx, zone)
		if err != nil {
			return err
		}
		got, err := storedCounters(tx)
		if err != nil {
			return err
		}
		for _, k := range slices.Sorted(maps.Keys(got)) {
			if _, err := parseCounterKey([]byte(k)); err != nil {
				errs = append(errs, err)
				continue
			}
			if strings.HasPrefix(k, string(mediation.CountTerms)+"\x00") {
				continue // kept from return visits, checked below
			}
			if got[k] != want[k] {
				errs = append(errs, fmt.Errorf("statistics counter %s is %d, the cases make it %d", strings.ReplaceAll(k, "\x00", "|"), got[k], want[k]))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if _, ok := got[k]; !ok {
				errs = append(errs, fmt.Errorf("statistics counter %s is missing, the cases make it %d", strings.ReplaceAll(k, "\x00", "|"), want[k]))
			}
		}
		errs = append(errs, checkTermCounters(tx, got)...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: check statistics counters: %w", err)
	}
	return errors.Join(errs...)
}

// Counters returns the statistics counters of the given months (YYYY-MM),
// reading only their keys: never a case.
func (db *DB) Counters(months []string) ([]mediation.Counter, error) {
	var out []mediation.Counter
	err := db.view(func(tx Tx) (err error) { out, err = liveCounters(tx, months); return })
	return out, err
}

// liveCounters reads the live counters of the given months in tx.
func liveCounters(tx Tx, months []string) ([]mediation.Counter, error) {
	var out []mediation.Counter
	cur := tx.Bucket(bucketCounters).Cursor()
	for _, f := range []mediation.CounterFamily{mediation.CountOpened, mediation.CountClosed,
		mediation.CountDays, mediation.CountSessions, mediation.CountTerms} {
		for _, m := range months {
			prefix := []byte(string(f) + "\x00" + m + "\x00")
			for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
				c, err := parseCounterKey(k)
				if err != nil {
					return nil, err
				}
				c.N = int64(binary.BigEndian.Uint64(v))
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// StatsZone is the time zone the counters date cases in.
func (db *DB) StatsZone() (*time.Location, error) {
	var z *time.Location
	err := db.view(func(tx Tx) (err error) { z, err = statsZone(tx); return })
	return z, err
}

// checkTermCounters verifies the terms found at return visits, per month of
// the visit and finding, against the visits themselves. The category they
// are counted under is the case's when the visit was recorded, which a
// later reclassification does not move, so the check sums over categories.
func checkTermCounters(tx Tx, got map[string]int64) []error {
	kept := map[string]int64{}
	for k, n := range got {
		if !strings.HasPrefix(k, string(mediation.CountTerms)+"\x00") {
			continue
		}
		c, err := parseCounterKey([]byte(k))
		if err != nil {
			continue // reported with the others
		}
		kept[c.Month+" "+c.Performance] += n
	}
	found := map[string]int64{}
	err := tx.Bucket(visitRecords.bucket).ForEach(func(k, v []byte) error {
		r, err := visitRecords.decode(v)
		if err != nil {
			return err
		}
		visit := r.(*mediation.Visit)
		if len(visit.VisitedOn) < 7 {
			return nil
		}
		for _, t := range visit.Terms {
			found[visit.VisitedOn[:7]+" "+string(t.Performance)]++
		}
		return nil
	})
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(found)) {
		if kept[k] != found[k] {
			errs = append(errs, fmt.Errorf("statistics: %d terms found %s at return visits, the counters hold %d", found[k], k, kept[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(kept)) {
		if _, ok := found[k]; !ok && kept[k] != 0 {
			errs = append(errs, fmt.Errorf("statistics: the counters hold %d terms found %s at return visits, the visits none", kept[k], k))
		}
	}
	return errs
}
