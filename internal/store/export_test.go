package store

// ViewBuckets runs fn in one read transaction on whichever backend, with the
// names of every bucket of the layout and a way to read one (nil when it does
// not exist): for the tests that compare a store key by key.
func (db *DB) ViewBuckets(fn func(names []string, bucket func(name string) TestBucket) error) error {
	return db.backend.View(func(tx Tx) error {
		var names []string
		for _, n := range allBuckets() {
			names = append(names, string(n))
		}
		return fn(names, func(name string) TestBucket {
			if b := tx.Bucket([]byte(name)); b != nil {
				return b
			}
			return nil
		})
	})
}

// TestBucket is what a test reads of a bucket.
type TestBucket interface {
	Get(key []byte) []byte
	ForEach(fn func(k, v []byte) error) error
	Sequence() uint64
}

// Conflicts is how many commits on etcd failed their compares and ran
// again; 0 on bbolt.
func (db *DB) Conflicts() int64 {
	if b, ok := db.backend.(*etcdBackend); ok {
		return b.conflicts.Load()
	}
	return 0
}

// CompactForTest compacts etcd's history up to rev (what the cluster's
// auto-compaction does).
func (db *DB) CompactForTest(rev int64) error {
	b := db.backend.(*etcdBackend)
	ctx, cancel := b.ctx()
	defer cancel()
	_, err := b.cli.Compact(ctx, rev)
	return err
}
