package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Verify runs every check of the file: its pages (Tx.Check), every index
// against its records (CheckIndexes), the statistics counters against the
// cases (CheckCounters), the attachments' content (CheckBlobs) and the
// audit chain (VerifyAudit, through
// since when it is not nil). It returns the verified audit head and every
// problem found, joined. When the pages are damaged, the other checks are
// skipped: reading a damaged file proves nothing and may crash.
func (db *DB) Verify(since *Head) (head Head, err error) {
	defer func() {
		// bbolt panics on some kinds of damage; a check reports it instead.
		if r := recover(); r != nil {
			err = fmt.Errorf("store: reading the file failed (it is damaged): %v", r)
		}
	}()
	if err := db.checkPages(); err != nil {
		return Head{}, errors.Join(err, errors.New("indexes and audit chain not checked: the pages must be sound first"))
	}
	var errs []error
	if err := db.CheckIndexes(); err != nil {
		errs = append(errs, err)
	}
	if err := db.CheckCounters(); err != nil {
		errs = append(errs, err)
	}
	// Attachments: every blob under its own SHA-256, every record's there.
	if err := db.CheckBlobs(); err != nil {
		errs = append(errs, err)
	}
	head, err = db.VerifyAudit(since)
	if err != nil {
		errs = append(errs, fmt.Errorf("audit chain: %w", err))
	}
	return head, errors.Join(errs...)
}

// checkPages runs the backend's own check (bbolt's Tx.Check). On a read-only
// file each problem is named a page's.
func (db *DB) checkPages() error {
	err := db.backend.Check()
	if err == nil || !db.backend.ReadOnly() {
		return err
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return fmt.Errorf("pages: %w", err)
	}
	var errs []error
	for _, e := range j.Unwrap() {
		errs = append(errs, fmt.Errorf("pages: %w", e))
	}
	return errors.Join(errs...)
}

// IndexError is one disagreement between an index bucket and the records it
// indexes: an entry that points nowhere or says something its record does
// not, or a record without the entry it should have.
type IndexError struct {
	Bucket  string // the index bucket, e.g. "cases_by_status"
	Key     string // the entry's key, readable: "intake, case 3"
	Problem string
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("index %s [%s]: %s", e.Bucket, e.Key, e.Problem)
}

// CheckIndexes verifies every declared index against its records, in one
// read transaction: each entry must point to an existing record that yields
// exactly that entry, and each record must have exactly the entries it
// yields. It returns every problem, each an *IndexError (or an error naming
// a record that does not decode or is stored under another key than its
// own), joined.
func (db *DB) CheckIndexes() error {
	var errs []error
	err := db.view(func(tx Tx) error {
		errs = (&indexCheck{tx: tx}).run()
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: check indexes: %w", err)
	}
	return errors.Join(errs...)
}

type indexCheck struct {
	tx   Tx
	errs []error
}

func (ic *indexCheck) problem(ix *index, key string, format string, args ...any) {
	ic.errs = append(ic.errs, &IndexError{Bucket: string(ix.bucket), Key: key, Problem: fmt.Sprintf(format, args...)})
}

// indexedKinds are the kinds of record that have indexes, in the order of
// their first index.
func indexedKinds() []*kind {
	var out []*kind
	for _, ix := range indexes {
		if len(out) == 0 || out[len(out)-1] != ix.of {
			out = append(out, ix.of)
		}
	}
	return out
}

func (ic *indexCheck) run() []error {
	// Only the buckets checked here must exist.
	var names [][]byte
	for _, k := range indexedKinds() {
		names = append(names, k.bucket)
	}
	for _, ix := range indexes {
		names = append(names, ix.bucket)
	}
	for _, name := range names {
		if ic.tx.Bucket(name) == nil {
			ic.errs = append(ic.errs, fmt.Errorf("bucket %s is missing", name))
		}
	}
	if len(ic.errs) > 0 {
		return ic.errs
	}
	// Every entry agrees with its record...
	for _, ix := range indexes {
		ic.entries(ix)
	}
	// ...and every record has its entries.
	for _, k := range indexedKinds() {
		ic.records(k)
	}
	return ic.errs
}

// has reports whether b holds key. Index entries have empty values, which Get
// does not tell apart from absence everywhere; a cursor does.
func has(b Bucket, key []byte) bool {
	k, _ := b.Cursor().Seek(key)
	return bytes.Equal(k, key)
}

// record decodes the record of kind k at key; found is false when there is
// none. A record that does not decode is reported and not found.
func (ic *indexCheck) record(k *kind, key []byte) (r any, found bool) {
	v := ic.tx.Bucket(k.bucket).Get(key)
	if v == nil {
		return nil, false
	}
	r, err := k.decode(v)
	if err != nil {
		ic.errs = append(ic.errs, fmt.Errorf("record %s [%x]: %w", k.bucket, key, err))
		return nil, false
	}
	return r, true
}

// entries checks each entry of the index: laid out as declared, pointing to
// an existing record, which yields exactly this entry.
func (ic *indexCheck) entries(ix *index) {
	ic.tx.Bucket(ix.bucket).ForEach(func(k, v []byte) error {
		parts, ok := ix.split(k)
		if !ok {
			ic.problem(ix, fmt.Sprintf("%x", k), "the key (%d bytes) is not %s", len(k), ix.layout())
			return nil
		}
		key := ix.showKey(k)
		if ix.value == nil && len(v) != 0 {
			ic.problem(ix, key, "the entry carries a value (%d bytes); entries of this index have none", len(v))
		}
		if ix.value != nil && !ix.value.fits(v) {
			ic.problem(ix, key, "the value (%d bytes) is not %s", len(v), ix.value.layout())
			return nil
		}
		target, tp := v, ix.value
		if ix.points != inValue {
			target, tp = parts[ix.points], &ix.key[ix.points]
		}
		r, found := ic.record(ix.of, target)
		if !found {
			if ic.tx.Bucket(ix.of.bucket).Get(target) == nil {
				ic.problem(ix, key, "points to %s, which does not exist", tp.show(target))
			}
			return nil
		}
		es := ix.entries(target, r)
		for _, e := range es {
			if !bytes.Equal(e.key, k) {
				continue
			}
			if ix.value == nil || bytes.Equal(e.value, v) {
				return nil
			}
			if ix.carries() {
				ic.problem(ix, key, "%s %s %s, not %s", ix.of.name(target, r), ix.value.relation,
					ix.value.show(e.value), ix.value.show(v))
				return nil
			}
		}
		ic.problem(ix, key, "%s", ix.disagreement(parts, target, r, es))
		return nil
	})
}

// disagreement says how the record r at target differs from the entry with
// the key parts, when it yields the entries es instead.
func (ix *index) disagreement(parts [][]byte, target []byte, r any, es []entry) string {
	subject := ix.of.name(target, r)
	if len(es) == 0 {
		absent := ix.absent
		if absent == "" {
			absent = "yields no entry of this index"
		}
		return subject + " " + absent
	}
	for i, p := range ix.key {
		if i == ix.points {
			continue
		}
		var theirs []string
		for _, e := range es {
			eparts, ok := ix.split(e.key)
			if !ok {
				continue
			}
			if bytes.Equal(eparts[i], parts[i]) {
				theirs = nil
				break
			}
			theirs = append(theirs, p.show(eparts[i]))
		}
		if theirs != nil {
			return fmt.Sprintf("%s %s %s, not %s", subject, p.relation, strings.Join(theirs, ", "), p.show(parts[i]))
		}
	}
	shown := make([]string, len(es))
	for i, e := range es {
		shown[i] = ix.showKey(e.key)
	}
	return fmt.Sprintf("%s yields other entries here: [%s]", subject, strings.Join(shown, "], ["))
}

// records checks each record of kind k: stored under its own key, with every
// entry it yields present in each index.
func (ic *indexCheck) records(k *kind) {
	ic.tx.Bucket(k.bucket).ForEach(func(key, _ []byte) error {
		r, ok := ic.record(k, key)
		if !ok {
			return nil
		}
		if k.own != nil {
			if own := k.own(r); !bytes.Equal(own, key) {
				ic.errs = append(ic.errs, fmt.Errorf("record %s [%x]: stored under another key than its own [%x]", k.bucket, key, own))
			}
		}
		for _, ix := range k.indexes {
			b := ic.tx.Bucket(ix.bucket)
			for _, e := range ix.entries(key, r) {
				what := ix.of.name(key, r)
				if ix.what != nil {
					what = ix.what(key, r)
				}
				switch got := b.Get(e.key); {
				case ix.value == nil && !has(b, e.key), ix.value != nil && got == nil:
					ic.problem(ix, ix.showKey(e.key), "missing: %s has no entry here", what)
				case ix.value != nil && !ix.carries() && !bytes.Equal(got, e.value):
					// Where the entry points is checked above, and what
					// an entry carries.
					ic.problem(ix, ix.showKey(e.key), "names %s, not %s", ix.value.show(got), what)
				}
			}
		}
		return nil
	})
}

// hashPrefix shortens a token hash for a report: enough to find it, no more.
func hashPrefix(b []byte) string {
	if len(b) > 8 {
		b = b[:8]
	}
	return hex.EncodeToString(b) + "…"
}
