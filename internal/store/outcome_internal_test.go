package store

import (
	"context"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"tiaojie/internal/mediation"
)

// Every commit on etcd leaves its token, and every token is on a lease
// that ends within tokenTTL, so that tokens do not pile up.
func TestCommitTokensExpire(t *testing.T) {
	db, err := internalBackends[1].place(t)()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 5
	for i := range n {
		if err := db.RecordNow(mediation.AuditEntry{Actor: "system", Action: "test", Object: "probe:" + itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	b := db.backend.(*etcdBackend)
	ctx := context.Background()
	resp, err := b.cli.Get(ctx, b.prefix+"c/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) < n {
		t.Fatalf("%d commit tokens after %d commits", len(resp.Kvs), n)
	}
	for _, kv := range resp.Kvs {
		if string(kv.Value) != tokenApplied || kv.Lease == 0 {
			t.Fatalf("token %s = %q on lease %x, want %q on a lease", kv.Key, kv.Value, kv.Lease, tokenApplied)
		}
		ttl, err := b.cli.TimeToLive(ctx, clientv3.LeaseID(kv.Lease))
		if err != nil {
			t.Fatal(err)
		}
		if ttl.TTL <= 0 || ttl.TTL > int64(tokenTTL.Seconds()) {
			t.Errorf("token %s: lease ends in %d s, want within %v", kv.Key, ttl.TTL, tokenTTL)
		}
	}
	// Half through its life, a lease takes no more tokens: the next
	// commit's is on a new one, and the old one is left to end.
	old := b.tokens.id
	b.tokens.mu.Lock()
	b.tokens.until = time.Now()
	b.tokens.mu.Unlock()
	if err := db.RecordNow(mediation.AuditEntry{Actor: "system", Action: "test", Object: "probe:last"}); err != nil {
		t.Fatal(err)
	}
	if b.tokens.id == old || b.tokens.id == 0 {
		t.Errorf("the commit after the lease's half-life took lease %x, the old one was %x", b.tokens.id, old)
	}
}

func itoa(i int) string { return mediation.ID(i).String() }
