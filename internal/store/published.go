package store

import (
	"bytes"
	"encoding/binary"

	"tiaojie/internal/mediation"
)

// A month's statistics, once published, never change: the first time a
// completed month's counters are read for the street office they are copied
// here, and every table of that month, or of a quarter or year holding it,
// is built from the copy from then on. An edit of an old case (a new
// category, a reopening) goes on changing the live counters, which
// tiaojie check verifies against the cases, but no table already shown:
// reading a month before and after the edit shows nothing of it.
var bucketPublished = []byte("stats_published")

// publishedMonth marks a month as frozen; publishedCounter is one of its
// counters as it was then.
func publishedMonth(month string) []byte { return []byte("M\x00" + month) }
func publishedCounter(month string, key []byte) []byte {
	return append([]byte("C\x00"+month+"\x00"), key...)
}

// PublishedCounters returns the counters of the given months, each as it
// was when the month was first published, freezing now those not published
// yet. The caller passes completed months only: a running month is never
// published.
func (db *DB) PublishedCounters(months []string) ([]mediation.Counter, error) {
	var out []mediation.Counter
	read := func(tx Tx) (err error) { out, err = frozenCounters(tx, months); return }
	frozen := true
	if err := db.view(func(tx Tx) error {
		for _, m := range months {
			if tx.Bucket(bucketPublished).Get(publishedMonth(m)) == nil {
				frozen = false
				return nil
			}
		}
		return read(tx)
	}); err != nil || frozen {
		return out, err
	}
	// Some month is published now: freeze it and read, in one transaction.
	err := db.backend.Update(func(tx Tx) error {
		if err := freeze(tx, months); err != nil {
			return err
		}
		return read(tx)
	})
	return out, err
}

// freeze copies the live counters of each month not frozen yet.
func freeze(tx Tx, months []string) error {
	b := tx.Bucket(bucketPublished)
	for _, m := range months {
		if b.Get(publishedMonth(m)) != nil {
			continue
		}
		live, err := liveCounters(tx, []string{m})
		if err != nil {
			return err
		}
		for _, c := range live {
			if err := b.Put(publishedCounter(m, counterKey(c)), binary.BigEndian.AppendUint64(nil, uint64(c.N))); err != nil {
				return err
			}
		}
		if err := b.Put(publishedMonth(m), []byte{1}); err != nil {
			return err
		}
	}
	return nil
}

// frozenCounters reads the frozen counters of the months.
func frozenCounters(tx Tx, months []string) ([]mediation.Counter, error) {
	var out []mediation.Counter
	cur := tx.Bucket(bucketPublished).Cursor()
	for _, m := range months {
		prefix := publishedCounter(m, nil)
		for k, v := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			c, err := parseCounterKey(k[len(prefix):])
			if err != nil {
				return nil, err
			}
			c.N = int64(binary.BigEndian.Uint64(v))
			out = append(out, c)
		}
	}
	return out, nil
}
