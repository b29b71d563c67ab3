package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"tiaojie/internal/store/etcdtest"
)

// electionTTL is the tests' session: a dead leader is replaced within it.
const electionTTL = time.Second

// openCandidates opens n databases on one new etcd store, each
// campaigning with the URL "http://candidate-i".
func openCandidates(t *testing.T, n int) []*DB {
	t.Helper()
	eo := EtcdOptions{Endpoints: etcdtest.Shared(t).Endpoints, Prefix: fmt.Sprintf("internal/%d/", internalPrefixes.Add(1)),
		SessionTTL: electionTTL}
	var dbs []*DB
	for i := range n {
		o := eo
		o.Advertise = fmt.Sprintf("http://candidate-%d", i)
		db, err := OpenEtcd(o, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	return dbs
}

// leaderOf waits until exactly one of dbs leads and every one names it, and
// returns its index.
func leaderOf(t *testing.T, dbs []*DB, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		leading, at := 0, -1
		for i, db := range dbs {
			if db.Leading() {
				leading, at = leading+1, i
			}
		}
		agreed := leading == 1
		for _, db := range dbs {
			agreed = agreed && db.Leader() == dbs[at].backend.(*etcdBackend).advertise
		}
		if agreed {
			return at
		}
		if time.Now().After(deadline) {
			t.Fatalf("no single leader that all name after %v: %d leading", within, leading)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// putIn writes key in bucket "elected" through db's backend.
func putIn(db *DB, key string) error {
	return db.backend.Update(func(tx Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("elected"))
		if err != nil {
			return err
		}
		return b.Put([]byte(key), []byte("v"))
	})
}

func present(t *testing.T, db *DB, key string) bool {
	t.Helper()
	var there bool
	err := db.backend.View(func(tx Tx) error {
		if b := tx.Bucket([]byte("elected")); b != nil {
			there = b.Get([]byte(key)) != nil
		}
		return tx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return there
}

// One of the candidates leads, all name it, its commits are fenced by its
// election key, a follower's are not; when the leader closes, the other
// leads at once (the leader resigns); a leader whose lease goes (as etcd
// ends it when it expires) campaigns again on a new session.
func TestElectionOneLeader(t *testing.T) {
	dbs := openCandidates(t, 2)
	l := leaderOf(t, dbs, 5*time.Second)
	leader, follower := dbs[l], dbs[1-l]
	before := leader.backend.(*etcdBackend).fencedCommits.Load()
	if err := putIn(leader, "by-leader"); err != nil {
		t.Fatal(err)
	}
	if err := putIn(follower, "by-follower"); err != nil {
		t.Fatal(err)
	}
	if got := leader.backend.(*etcdBackend).fencedCommits.Load() - before; got != 1 {
		t.Errorf("the leader made %d fenced commits, want 1", got)
	}
	if got := follower.backend.(*etcdBackend).fencedCommits.Load(); got != 0 {
		t.Errorf("the follower made %d fenced commits, want 0", got)
	}
	if leader.CommittedRevision() == 0 || follower.CommittedRevision() == 0 {
		t.Errorf("committed revisions %d, %d", leader.CommittedRevision(), follower.CommittedRevision())
	}

	// The leader closes and resigns.
	start := time.Now()
	leader.Close()
	rest := []*DB{follower}
	if leaderOf(t, rest, 3*time.Second) != 0 {
		t.Fatal("the follower did not take the lead")
	}
	t.Logf("the lead moved %v after the leader closed", time.Since(start).Round(time.Millisecond))

	// The new leader's lease is revoked, as etcd does when it expires.
	b := follower.backend.(*etcdBackend)
	f := revokeLead(t, b)
	// It campaigns again on a new session and, alone, leads again.
	deadline := time.Now().Add(3 * time.Second)
	for g := b.lead.Load(); g == nil || g == f; g = b.lead.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the process did not lead again on a new session")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := putIn(follower, "after-revoke"); err != nil {
		t.Fatal(err)
	}
}

// revokeLead revokes the lease of b's election key, as etcd does when it
// expires, and returns the lead it ended.
func revokeLead(t *testing.T, b *etcdBackend) *fence {
	t.Helper()
	f := b.lead.Load()
	if f == nil {
		t.Fatal("the process leads but has no election key")
	}
	ctx, cancel := b.ctx()
	defer cancel()
	resp, err := b.cli.Get(ctx, f.key)
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("the election key: %v, %v", resp, err)
	}
	if _, err := b.cli.Revoke(ctx, clientv3.LeaseID(resp.Kvs[0].Lease)); err != nil {
		t.Fatal(err)
	}
	return f
}

// A commit begun as the leader and carried out after the process lost the
// lead (its Txn held back while its lease is revoked and the other process
// takes over) is refused by the compare of its election key: ErrNotLeader,
// not run again, nothing applied; the new leader commits.
func TestDeposedLeaderCannotCommit(t *testing.T) {
	dbs := openCandidates(t, 2)
	l := leaderOf(t, dbs, 5*time.Second)
	leader, other := dbs[l], dbs[1-l]
	if err := putIn(leader, "warm"); err != nil { // the bucket exists
		t.Fatal(err)
	}
	b := leader.backend.(*etcdBackend)
	held, release := make(chan struct{}), make(chan struct{})
	sends := 0
	leader.FaultEtcdTxns(func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error) {
		if sends++; sends == 1 {
			close(held)
			<-release
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return send(ctx)
	}, time.Second)
	done := make(chan error, 1)
	go func() { done <- putIn(leader, "late") }()
	<-held
	// The leader's lease goes (a stall past its life), the other leads.
	revokeLead(t, b)
	deadline := time.Now().Add(5 * time.Second)
	for !other.Leading() {
		if time.Now().After(deadline) {
			t.Fatal("the other process did not take the lead")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	err := <-done
	if !errors.Is(err, ErrNotLeader) {
		t.Fatalf("the deposed leader's commit: %v, want ErrNotLeader", err)
	}
	if sends != 1 {
		t.Errorf("the refused commit was sent %d times, want once", sends)
	}
	if present(t, other, "late") {
		t.Fatal("the deposed leader's late commit applied")
	}
	if got := b.notLeader.Load(); got != 1 {
		t.Errorf("%d commits counted as refused, want 1", got)
	}
	leader.FaultEtcdTxns(nil, 0)
	if err := putIn(other, "new-leader"); err != nil {
		t.Fatal(err)
	}
}

// A follower's WaitWatches returns once its memos have every change the
// leader committed (a sign-in, with the follower's watch lagging), and
// returns soon for a revision that changed nothing the memos hold (the
// progress etcd reports), and ErrWaitTimeout when the context ends first.
// The writer's watched revision moves with a sign-in, not with a write to
// a bucket no process watches.
func TestWaitWatches(t *testing.T) {
	dbs := openCandidates(t, 2)
	writer, follower := dbs[0], dbs[1]
	eventLag.Store(int64(200 * time.Millisecond))
	t.Cleanup(func() { eventLag.Store(0) })
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	id := []byte("waited-login")
	if err := writer.CreateLogin(&Login{ID: id, SecretHash: []byte("h"), UserID: 7, CreatedAt: at, LastSeen: at}, nil); err != nil {
		t.Fatal(err)
	}
	rev := writer.CommittedRevision()
	if got := writer.WatchedRevision(); got != rev {
		t.Errorf("after a sign-in the writer's watched revision is %d, its commit's %d", got, rev)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := follower.WaitWatches(ctx, rev, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := follower.Login(id); err != nil {
		t.Fatalf("after WaitWatches the follower does not know the sign-in: %v", err)
	}
	eventLag.Store(0)

	// A write to no memo's bucket: the watched revision stays.
	if err := putIn(writer, "no-memo"); err != nil {
		t.Fatal(err)
	}
	if writer.WatchedRevision() != rev || writer.CommittedRevision() <= rev {
		t.Errorf("after a write no process watches: watched revision %d (was %d), committed %d",
			writer.WatchedRevision(), rev, writer.CommittedRevision())
	}
	start := time.Now()
	if err := follower.WaitWatches(ctx, writer.CommittedRevision(), nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waiting for a revision no memo changed took %v", d)
	}
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if err := follower.WaitWatches(short, writer.CommittedRevision()+1000, nil); !errors.Is(err, ErrWaitTimeout) {
		t.Fatalf("waiting for a revision not reached: %v, want ErrWaitTimeout", err)
	}
}
