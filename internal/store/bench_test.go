package store_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// BenchmarkAuditRead compares the two ways a read is put on record: queued and
// group-committed (RecordRead, what every submission read does) against a
// transaction of its own (RecordNow, what a backup does). The ratio is what
// the design's "a read never waits for a disk flush" buys.
func BenchmarkAuditRead(b *testing.B) {
	for _, way := range []string{"queued", "own-transaction"} {
		b.Run(way, func(b *testing.B) {
			db := MustOpenDB(b)
			e := mediation.AuditEntry{CaseID: 1, Actor: "u:1", Action: mediation.AuditSubmissionRead, Object: "submission:1"}
			b.ResetTimer()
			for b.Loop() {
				if way == "queued" {
					db.RecordRead(e)
				} else if err := db.RecordNow(e); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			db.FlushReads()
		})
	}
}

// BenchmarkCreateSubmission writes submissions from many goroutines at once;
// the group committer lets them share commits.
func BenchmarkCreateSubmission(b *testing.B) {
	w := newWorld(b)
	c := createCase(b, w.db, w.mediator, "车位", mediation.CategoryParking)
	p := createParty(b, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s := newSubmission(b, c.ID, p.ID, fmt.Sprintf("材料 %d", n.Add(1)))
			if err := w.db.CreateSubmission(s, "p:1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRawBatch is the ceiling for BenchmarkCreateSubmission: bbolt's
// own DB.Batch, from as many goroutines, each putting one value of a stored
// submission's size under a new big-endian key and nothing else.
func BenchmarkRawBatch(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bucket := []byte("raw")
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err }); err != nil {
		b.Fatal(err)
	}
	value := bytes.Repeat([]byte("x"), 300)
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			err := db.Batch(func(tx *bolt.Tx) error {
				bk := tx.Bucket(bucket)
				n, err := bk.NextSequence()
				if err != nil {
					return err
				}
				return bk.Put(binary.BigEndian.AppendUint64(nil, n), value)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPartyPageOfALongCase reads a party's first page (its own and the
// released submissions, 50) of a case of 3,000 submissions, a tenth of them
// its own and a fifth of the others' released, from the file every time (a
// database opened read-only keeps no pages): what a party's list costs the
// first time after a commit to its case.
func BenchmarkPartyPageOfALongCase(b *testing.B) {
	path := filepath.Join(b.TempDir(), "long.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	m := createUser(b, db, "wang", "王调解", mediation.RoleMediator, "13900000001")
	c := createCase(b, db, m, "车位", mediation.CategoryParking)
	own := createParty(b, db, c, m, "赵明", mediation.SideApplicant, "13800138001")
	other := createParty(b, db, c, m, "钱亮", mediation.SideRespondent, "13800138002")
	for i := range 3000 {
		by := other.ID
		if i%10 == 0 {
			by = own.ID
		}
		s := createSubmission(b, db, c.ID, by, fmt.Sprintf("材料 %d", i))
		if by == other.ID && i%5 == 1 {
			if _, err := db.ReleaseSubmission(s.ID, mediation.PartySubject(by)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	ro, err := store.OpenReadOnly(path)
	if err != nil {
		b.Fatal(err)
	}
	defer ro.Close()
	f := store.SubmissionFilter{Case: c.ID, Author: own.ID, Released: true, Limit: 50}
	b.ReportAllocs()
	for b.Loop() {
		if _, ids, _, err := ro.SubmissionsJSON(f); err != nil || len(ids) != 50 {
			b.Fatalf("%d submissions, %v", len(ids), err)
		}
	}
}
