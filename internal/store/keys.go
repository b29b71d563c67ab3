package store

import (
	"encoding/binary"
	"time"

	"tiaojie/internal/mediation"
)

// The meta bucket holds the schema version and the audit chain's head. Every
// other bucket holds one kind of record or one index (layout.go).
var bucketMeta = []byte("meta")

// Keys in the meta bucket.
var (
	metaSchema    = []byte("schema_version")
	metaAuditHead = []byte("audit_head")
)

// allBuckets is every bucket of the layout: meta, the records', the indexes'.
// prepare creates them at Open.
func allBuckets() [][]byte {
	out := [][]byte{bucketMeta}
	for _, k := range kinds {
		out = append(out, k.bucket)
	}
	for _, ix := range indexes {
		out = append(out, ix.bucket)
	}
	// Statistics for the street office: the counters.
	out = append(out, bucketCounters, bucketPublished)
	return out
}

// itob encodes an ID big-endian, so that keys sort in numeric order.
func itob(id uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, id)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// idKey is the key of a record stored by its ID.
func idKey(id mediation.ID) []byte { return itob(uint64(id)) }

// pair is the key of a two-ID index entry: the owner's ID, then the member's.
func pair(owner, member mediation.ID) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(owner))
	binary.BigEndian.PutUint64(b[8:], uint64(member))
	return b
}

// under is the key of an index entry that files the record at key under
// owner's ID: the ID, then the record's key.
func under(owner mediation.ID, key []byte) []byte {
	return append(itob(uint64(owner)), key...)
}

// statusKey is the key of a cases_by_status entry: the status, a zero byte,
// the case's key.
func statusKey(s mediation.Status, key []byte) []byte {
	return append(append([]byte(s), 0), key...)
}

// timeKey is a moment as an index key part: big-endian Unix seconds, so that
// entries under one prefix sort by time.
func timeKey(t time.Time) []byte { return itob(uint64(t.Unix())) }

// at is the key of an index entry that files the record at key under
// owner's ID at time t: the ID, the time, then the record's key.
func at(owner mediation.ID, t time.Time, key []byte) []byte {
	return append(append(itob(uint64(owner)), timeKey(t)...), key...)
}

// roomKey is the key of a sessions_by_room entry: the room, a zero byte, the
// start, the session's key.
func roomKey(room string, t time.Time, key []byte) []byte {
	return append(append(append([]byte(room), 0), timeKey(t)...), key...)
}
