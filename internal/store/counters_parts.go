package store

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// Rebuilding the statistics counters on a backend that limits a transaction
// (etcd): a store of many cases has more counters than one transaction
// takes (128 operations), so prepareCounters leaves them to
// rebuildCountersInParts, which Open runs once prepare has committed.
//
// It takes the rebuild (meta key stats_rebuild, a token and the time, so
// that two processes starting together do not both rebuild), reads the cases
// and the counters at one revision, and then corrects the counters that
// differ, as many as fill three quarters of a transaction at a time: each to
// what the rebuild says plus whatever other writers added to it since that
// revision (its value now less its value then), so that no increment
// committed meanwhile is lost. The last transaction records the zone and
// lets go of the rebuild. Every transaction checks that the rebuild is still
// this process's. A process that stops midway (a crash) leaves the zone
// unrecorded: the next to open the store finds the rebuild's time older than
// staleRebuild, takes it and rebuilds again from the counters as they are,
// which is the same correction. Meanwhile the tables may show some counters
// rebuilt and others not; tiaojie check compares them only once the zone is
// recorded.
//
// The increments other processes add during a rebuild are dated in the zone
// the store recorded before (its writers read it), so a rebuild for a new
// zone is exact only when no server of the old zone writes meanwhile: change
// the zone with every server stopped, start one, then the others.

// metaStatsRebuild is the rebuild's holder: a token, a space, the Unix time
// of its last transaction.
var metaStatsRebuild = []byte("stats_rebuild")

// staleRebuild is how long a rebuild may go without a transaction before
// another process takes it over.
const staleRebuild = 30 * time.Second

var (
	errRebuildBusy  = errors.New("store: another process is rebuilding the statistics counters")
	errRebuildTaken = errors.New("store: another process took over the rebuild of the statistics counters")
)

// partsNeeded says whether an upgrade too large for one transaction (the
// counters' rebuild, the authors' fill) is done in parts on tx's backend.
func partsNeeded(tx Tx) bool { return tx.Backend().Limits().bound() }

func rebuildCountersInParts(b Backend, zone *time.Location) error {
	lim := b.Limits()
	if !lim.bound() {
		return nil // prepare built them
	}
	if zone == nil {
		var err error
		if zone, err = loadZone(defaultZone); err != nil {
			return err
		}
	}
	token := rand.Text()
	holding := func(v []byte) (holder string, at time.Time) {
		h, t, _ := strings.Cut(string(v), " ")
		s, _ := strconv.ParseInt(t, 10, 64)
		return h, time.Unix(s, 0)
	}
	hold := func(meta Bucket) error {
		return meta.Put(metaStatsRebuild, []byte(token+" "+strconv.FormatInt(time.Now().Unix(), 10)))
	}
	// Take the rebuild, unless it is done.
	deadline := time.Now().Add(2 * staleRebuild)
	for {
		var done bool
		err := b.Update(func(tx Tx) error {
			meta := tx.Bucket(bucketMeta)
			if v := meta.Get(metaStatsZone); v != nil && string(v) == zone.String() {
				done = true
				return tx.Err()
			}
			if v := meta.Get(metaStatsRebuild); v != nil {
				if holder, at := holding(v); holder != token && time.Since(at) < staleRebuild {
					return errRebuildBusy
				}
			}
			return hold(meta)
		})
		if done {
			return nil
		}
		if errors.Is(err, errRebuildBusy) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if err != nil {
			return fmt.Errorf("store: rebuild statistics counters: %w", err)
		}
		break
	}
	// What they should be, and what they were, at one revision.
	var want, was map[string]int64
	err := b.View(func(tx Tx) (err error) {
		if want, err = rebuildCounters(tx, zone); err != nil {
			return err
		}
		was, err = storedCounters(tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: rebuild statistics counters: %w", err)
	}
	terms := []byte(string(mediation.CountTerms) + "\x00")
	var keys []string
	for k := range maps.Keys(was) {
		if bytes.HasPrefix([]byte(k), terms) {
			delete(was, k) // kept from visits, not rebuilt
		}
	}
	for _, k := range slices.Sorted(maps.Keys(mergeKeys(want, was))) {
		if want[k] != was[k] {
			keys = append(keys, k)
		}
	}
	most := len(keys)
	for first := true; first || len(keys) > 0; first = false {
		var took int
		err := b.Update(func(tx Tx) error {
			took = 0
			meta := tx.Bucket(bucketMeta)
			if holder, _ := holding(meta.Get(metaStatsRebuild)); holder != token {
				return errRebuildTaken
			}
			counters := tx.Bucket(bucketCounters)
			for _, k := range keys[:most] {
				if err := setCounter(counters, k, want[k]+counterOf(counters, k)-was[k]); err != nil {
					return err
				}
				took++
				if lim.nearlyFull(tx) {
					break
				}
			}
			if took < len(keys) {
				return hold(meta)
			}
			if err := meta.Delete(metaStatsRebuild); err != nil {
				return err
			}
			return meta.Put(metaStatsZone, []byte(zone.String()))
		})
		if errors.Is(err, ErrTxnTooLarge) && took > 1 {
			most = took - 1
			continue
		}
		if err != nil {
			return fmt.Errorf("store: rebuild statistics counters: %w", err)
		}
		keys = keys[took:]
		most = min(most, len(keys))
	}
	return nil
}

func mergeKeys(a, b map[string]int64) map[string]int64 {
	out := maps.Clone(a)
	for k := range b {
		if _, ok := out[k]; !ok {
			out[k] = 0
		}
	}
	return out
}
