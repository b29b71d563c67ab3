package store

import (
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Compaction. etcd keeps every revision of every key until it is compacted,
// and its database grows until it reaches its quota (2 GiB by default), when
// it raises the NOSPACE alarm and takes no more writes. tiaojie does not
// compact: the cluster does, run with --auto-compaction-mode=periodic
// --auto-compaction-retention=1h (README, "The store on etcd"). A compaction
// is the cluster's, not one client's (several tiaojie processes would each
// compact the same history), and etcd's own runs on the leader whatever
// tiaojie process is up. An hour keeps every revision a transaction reads
// at: a write transaction read at a revision compacted meanwhile runs again
// (errConflict), but a read (a backup, a check, a counters rebuild) fails,
// so the retention must outlast the longest of them, a few minutes for a
// city's store.

// History is what the backend keeps of its past revisions.
type History struct {
	// Kept says the backend keeps revisions at all (etcd; bbolt keeps
	// none).
	Kept bool
	// Revision is the store's revision now.
	Revision int64
	// Compacted says some revisions have been compacted away: the first
	// revision is no longer readable.
	Compacted bool
}

// NeverCompacted says the store has kept every revision although it has
// many (more than 10,000): the cluster runs without auto-compaction, most
// likely, and its database only grows.
func (h History) NeverCompacted() bool { return h.Kept && !h.Compacted && h.Revision > 10_000 }

// History reports what the backend keeps of its past revisions.
func (db *DB) History() (History, error) {
	b, ok := db.backend.(*etcdBackend)
	if !ok {
		return History{}, nil
	}
	ctx, cancel := b.ctx()
	defer cancel()
	now, err := b.cli.Get(ctx, b.prefix+"b/", clientv3.WithCountOnly())
	if err != nil {
		return History{}, fmt.Errorf("store: etcd: %w", err)
	}
	h := History{Kept: true, Revision: now.Header.Revision}
	_, err = b.cli.Get(ctx, b.prefix+"b/", clientv3.WithCountOnly(), clientv3.WithRev(1))
	switch {
	case errors.Is(err, rpctypes.ErrCompacted):
		h.Compacted = true
	case err != nil:
		return History{}, fmt.Errorf("store: etcd: %w", err)
	}
	return h, nil
}
