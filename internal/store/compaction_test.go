package store_test

import (
	"testing"

	"tiaojie/internal/store"
)

// History says whether etcd has compacted: not before, yes after a
// compaction; bbolt keeps no history.
func TestHistory(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		db := MustOpenDB(t)
		h, err := db.History()
		if err != nil {
			t.Fatal(err)
		}
		if backendOf(t).name == "bbolt" {
			if h.Kept || h.NeverCompacted() {
				t.Errorf("bbolt: %+v", h)
			}
			return
		}
		if !h.Kept || h.Revision < 1 {
			t.Errorf("etcd: %+v", h)
		}
		if err := db.CompactForTest(h.Revision); err != nil {
			t.Fatal(err)
		}
		if h, err := db.History(); err != nil || !h.Compacted || h.NeverCompacted() {
			t.Errorf("after a compaction: %+v %v", h, err)
		}
	})
}

// tiaojie check warns of a store on etcd that has never been compacted
// past 10,000 revisions, and of no other.
func TestNeverCompacted(t *testing.T) {
	for h, want := range map[store.History]bool{
		{Kept: true, Revision: 10_001}:                  true,
		{Kept: true, Revision: 10_000}:                  false,
		{Kept: true, Revision: 50_000, Compacted: true}: false,
		{Revision: 50_000}:                              false,
	} {
		if h.NeverCompacted() != want {
			t.Errorf("%+v: NeverCompacted %v", h, !want)
		}
	}
}
