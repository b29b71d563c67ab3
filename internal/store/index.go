package store

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tiaojie/internal/mediation"
)

// A kind of record: the bucket that holds its records by key, how a record is
// encoded, and the indexes derived from it (filled in by declare).
type kind struct {
	bucket []byte
	// name is how a report names one record ("case 3").
	name func(key []byte, r any) string
	// own is the key a record belongs under, when it says so itself (its ID);
	// tiaojie check reports a record stored under another. nil: not checked.
	own     func(r any) []byte
	encode  func(r any) ([]byte, error)
	decode  func(v []byte) (any, error)
	indexes []*index
	// memos are the in-memory copies of the kind's records, for a kind
	// read on every request (memo.go); empty for the others.
	memos memos
	// memoized says the kind keeps one.
	memoized bool
	// observe, when set, is told of every record stored (r; nil: deleted)
	// in place of old (nil: none), inside the transaction (activity.go).
	observe func(tx Tx, old, r any)
	// appends says that a new record's key goes after every stored one
	// (an ID or sequence number taken from the bucket) and that records
	// are seldom stored again, so that its pages are filled whole.
	appends bool
}

// records is a kind whose records are *T.
type records[T any] struct{ *kind }

// observed makes commit tell fn of every record of the kind it stores.
func (rs records[T]) observed(fn func(tx Tx, old, r any)) records[T] {
	rs.observe = fn
	return rs
}

// appended says that the kind's new records go after all its others, and
// that its records are seldom stored again: a submission is stored again
// only when it is released, an audit entry never. bbolt then fills the
// kind's pages whole instead of splitting them at half, which halves the
// pages the records take and those a commit of many new ones writes.
func (rs records[T]) appended() records[T] {
	rs.appends = true
	return rs
}

// kinds lists every kind of record, in declaration order.
var kinds []*kind

// jsonRecords declares a kind of record stored with the codec (JSON).
func jsonRecords[T any](bucket string, name func(key []byte, r *T) string, own func(r *T) []byte) records[T] {
	k := &kind{bucket: []byte(bucket), encode: encode,
		decode: func(v []byte) (any, error) {
			var r T
			if err := decode(v, &r); err != nil {
				return nil, err
			}
			return &r, nil
		}}
	if name != nil {
		k.name = func(key []byte, r any) string { return name(key, r.(*T)) }
	}
	if own != nil {
		k.own = func(r any) []byte { return own(r.(*T)) }
	}
	kinds = append(kinds, k)
	return records[T]{k}
}

// idRecords declares a kind of record that is an ID, stored big-endian.
func idRecords(bucket string) records[mediation.ID] {
	k := &kind{bucket: []byte(bucket),
		encode: func(r any) ([]byte, error) { return idKey(*r.(*mediation.ID)), nil },
		decode: func(v []byte) (any, error) {
			if len(v) != 8 {
				return nil, fmt.Errorf("store: decode an ID: %d bytes, want 8", len(v))
			}
			id := mediation.ID(btoi(v))
			return &id, nil
		}}
	kinds = append(kinds, k)
	return records[mediation.ID]{k}
}

// get decodes the record at key, or returns ENOTFOUND. The record is a copy:
// it stays valid after the transaction.
func (rs records[T]) get(tx Tx, key []byte) (*T, error) {
	v := tx.Bucket(rs.bucket).Get(key)
	if v == nil {
		return nil, mediation.NotFound()
	}
	r, err := rs.decode(v)
	if err != nil {
		return nil, err
	}
	return r.(*T), nil
}

// An entry is one key of an index bucket, and its value (nil for none).
type entry struct{ key, value []byte }

// An index is a bucket of entries derived from one kind of record, so that
// the records can be found by something other than their key. Each index is
// declared once, with declare; the writers (commit), the deletes and
// CheckIndexes all work from the declaration.
type index struct {
	bucket []byte
	of     *kind
	// key is the layout of an entry's key, part by part.
	key []part
	// value is what an entry's value holds; nil: entries have none. When
	// points is inValue, the value is the key of the record the entry
	// derives from; otherwise it carries a field of that record (a
	// submission's author), by which a read selects entries without
	// loading their records.
	value *part
	// points says which part is the key of the record the entry derives
	// from: an index into key, or inValue for the value.
	points int
	// entries are the entries of the record r stored at key.
	entries func(key []byte, r any) []entry
	// what names the record in a report of its missing entry; nil: of.name.
	what func(key []byte, r any) string
	// absent says, in a report, what a record without an entry here is.
	absent string
}

// inValue is index.points for an index whose value is the record's key.
const inValue = -1

// indexes lists every index, in declaration order: the order in which
// tiaojie check reports.
var indexes []*index

// indexOf is the declaration of an index of the records of type T.
type indexOf[T any] struct {
	bucket  string
	key     []part
	value   *part
	points  int
	entries func(key []byte, r *T) []entry
	what    func(key []byte, r *T) string
	absent  string
}

// declare makes the declared index one of the kind's: commit keeps it, the
// deletes clear it and CheckIndexes checks it, from this declaration alone.
func declare[T any](of records[T], d indexOf[T]) *index {
	ix := &index{bucket: []byte(d.bucket), of: of.kind, key: d.key, value: d.value, points: d.points,
		entries: func(key []byte, r any) []entry { return d.entries(key, r.(*T)) }, absent: d.absent}
	if d.what != nil {
		ix.what = func(key []byte, r any) string { return d.what(key, r.(*T)) }
	}
	for i, p := range d.key {
		if p.size == 0 && !p.zeroEnded && i != len(d.key)-1 {
			panic("store: index " + d.bucket + ": a part of variable length must end with a zero byte or come last")
		}
	}
	if d.points == inValue && d.value == nil || d.points >= len(d.key) {
		panic("store: index " + d.bucket + ": it must point at its record by a key part or by its value")
	}
	of.indexes = append(of.indexes, ix)
	indexes = append(indexes, ix)
	return ix
}

// A part is one field of an index entry's key, or its value.
type part struct {
	name string
	// size is the part's length in bytes; 0 for a variable length.
	size int
	// zeroEnded: a part of variable length ends with a zero byte.
	zeroEnded bool
	// relation says, in a report, how a record relates to the part's value
	// ("has status"); only for the parts that are not the record's key.
	relation string
	show     func(b []byte) string
	// described is the layout a report gives, when not the size's.
	described string
}

// carries says whether the index's value is a field of the record, not the
// record's key.
func (ix *index) carries() bool { return ix.value != nil && ix.points != inValue }

// holds is the part an index's value holds.
func holds(p part) *part { return &p }

// idPart is a big-endian ID, shown as "case 3".
func idPart(name, relation string) part {
	return part{name: name, size: 8, relation: relation, show: func(b []byte) string {
		if len(b) != 8 {
			return fmt.Sprintf("%s [%x]", name, b)
		}
		return name + " " + strconv.FormatUint(btoi(b), 10)
	}}
}

// wordPart is a word of a fixed vocabulary (a status) ending with a zero
// byte, shown bare.
func wordPart(name, relation string) part {
	return part{name: name, zeroEnded: true, relation: relation, show: func(b []byte) string { return string(b) }}
}

// textPart is free text, the rest of the key, shown quoted.
func textPart(name, relation string) part {
	return part{name: name, relation: relation, show: func(b []byte) string { return strconv.Quote(string(b)) }}
}

// hashPart is the rest of the key or the value, random bytes (a token hash, a
// login ID), shown by its first bytes.
func hashPart(name, relation string) part {
	return part{name: name, relation: relation, show: func(b []byte) string { return name + " " + hashPrefix(b) }}
}

// timePart is a moment, big-endian Unix seconds, shown in UTC: keys under
// one prefix sort by it.
func timePart(name, relation string) part {
	return part{name: name, size: 8, relation: relation, described: name + " (8 bytes, Unix seconds)",
		show: func(b []byte) string {
			if len(b) != 8 {
				return fmt.Sprintf("%s [%x]", name, b)
			}
			return name + " " + time.Unix(int64(btoi(b)), 0).UTC().Format(time.RFC3339)
		}}
}

func (p part) layout() string {
	switch {
	case p.described != "":
		return p.described
	case p.size == 8:
		return p.name + " ID (8 bytes)"
	case p.zeroEnded:
		return p.name + " and a zero byte"
	}
	return p.name + " (the rest)"
}

// fits reports whether b can be the part when it is all there is.
func (p part) fits(b []byte) bool {
	if p.size > 0 {
		return len(b) == p.size
	}
	return len(b) > 0 && (!p.zeroEnded || bytes.IndexByte(b, 0) == len(b)-1)
}

// split cuts an entry's key into its parts; ok is false when the key is not
// laid out as the index says.
func (ix *index) split(k []byte) (parts [][]byte, ok bool) {
	for i, p := range ix.key {
		var n, skip int
		switch {
		case p.size > 0:
			n = p.size
		case p.zeroEnded:
			n, skip = bytes.IndexByte(k, 0), 1
		case i == len(ix.key)-1:
			n = len(k)
		}
		if n <= 0 || n+skip > len(k) {
			return nil, false
		}
		parts = append(parts, k[:n])
		k = k[n+skip:]
	}
	return parts, len(k) == 0
}

// showKey is an entry's key as a report shows it: "case 1, party 2".
func (ix *index) showKey(k []byte) string {
	parts, ok := ix.split(k)
	if !ok {
		return fmt.Sprintf("%x", k)
	}
	shown := make([]string, len(parts))
	for i, p := range parts {
		shown[i] = ix.key[i].show(p)
	}
	return strings.Join(shown, ", ")
}

// layout describes the key of an entry, for a report of one that is not.
func (ix *index) layout() string {
	ls := make([]string, len(ix.key))
	for i, p := range ix.key {
		ls[i] = p.layout()
	}
	return strings.Join(ls, ", then ")
}
