package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"tiaojie/internal/mediation"
)

// One elected writer. Every mutation appends to the one audit chain, so two
// processes that both commit to one etcd store conflict on its head at
// nearly every commit, and each then runs smaller groups: two processes
// wrote less than one. A serving process on etcd therefore campaigns in an
// election (concurrency.Election, under the store's prefix) with the URL it
// is reached at as its value, on a session (a lease) of a few seconds kept
// alive while the process runs. The leader commits the requests; the others
// forward theirs to it (cmd/tiaojie), so the chain has one writer and the
// group commit runs at one process's pace.
//
// Fencing. A transaction that starts while its process leads compares, in
// its commit's Txn, the create revision of the election key it won with: a
// leader whose session expired (a stall, a partition) and whose key is
// gone or another's can never commit, even a Txn sent before it lost. Such
// a commit is answered ErrNotLeader, never run again. A transaction that
// starts while its process does not lead commits as the commands do, with
// its compares alone (the read audits of the pages a follower serves, the
// counters rebuilt at Open): those are serializable anyway, and rare.
//
// The commands that open the store (import ledger, check, backup, user) do
// not campaign, and commit with their compares alone.

// ErrNotLeader is a commit begun while this process led and refused by etcd
// because it no longer does (its election key expired or was taken): it did
// not apply. It is answered 503; the client sends again, and the request
// then goes to the new leader.
var ErrNotLeader = &mediation.Error{Code: mediation.EUNAVAILABLE, Message: "error.not_leader"}

// defaultSessionTTL is the life of the election's lease: a leader that
// dies is replaced within about this long.
const defaultSessionTTL = 2 * time.Second

// fence is an election won: the key and its create revision.
type fence struct {
	key string
	rev int64
}

// electionPrefix is where the candidates' keys are.
func (b *etcdBackend) electionPrefix() string { return b.prefix + "election" }

// campaign runs the process's candidacy until ctx ends: a session, a
// campaign on it, leadership while the session lasts, and again.
func (b *etcdBackend) campaign(ctx context.Context, value string, ttl time.Duration) {
	defer close(b.campaigned)
	secs := max(int((ttl+time.Second-1)/time.Second), 1)
	b.endStale(ctx, value)
	for pause := 50 * time.Millisecond; ctx.Err() == nil; pause = min(2*pause, time.Second) {
		s, err := concurrency.NewSession(b.cli, concurrency.WithTTL(secs), concurrency.WithContext(ctx))
		if err != nil {
			sleep(ctx, pause)
			continue
		}
		e := concurrency.NewElection(s, b.electionPrefix())
		if err := e.Campaign(ctx, value); err != nil {
			s.Close()
			sleep(ctx, pause)
			continue
		}
		select {
		case <-s.Done():
			// The session ended while the campaign waited: the key it
			// would lead with is gone.
			s.Close()
			continue
		default:
		}
		pause = 50 * time.Millisecond
		f := &fence{key: e.Key(), rev: e.Rev()}
		b.lead.Store(f)
		b.setLeader(value)
		select {
		case <-s.Done():
		case <-ctx.Done():
		case <-b.lost:
		}
		b.lead.CompareAndSwap(f, nil)
		// Hand over at once when closing, rather than after the lease.
		rctx, cancel := context.WithTimeout(context.Background(), time.Second)
		e.Resign(rctx)
		cancel()
		s.Close()
	}
}

// endStale revokes the lease of a candidate with this process's own URL:
// an earlier run of this process, killed before its lease ran out. Each
// process advertises its own URL, so no other process holds it; a process
// restarted thus leads again at once instead of after the old lease.
func (b *etcdBackend) endStale(ctx context.Context, value string) {
	rctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	resp, err := b.cli.Get(rctx, b.electionPrefix()+"/", clientv3.WithPrefix())
	if err != nil {
		return // campaigned for all the same; the old lease runs out
	}
	for _, kv := range resp.Kvs {
		if string(kv.Value) == value && kv.Lease != 0 {
			b.cli.Revoke(rctx, clientv3.LeaseID(kv.Lease))
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// observe keeps leaderURL the value of the election's first candidate
// (the leader), until ctx ends.
func (b *etcdBackend) observe(ctx context.Context) {
	defer close(b.observed)
	pfx := b.electionPrefix() + "/"
	for ctx.Err() == nil {
		rctx, cancel := context.WithTimeout(ctx, b.timeout)
		resp, err := b.cli.Get(rctx, pfx, append(clientv3.WithFirstCreate(), clientv3.WithPrefix())...)
		cancel()
		if err != nil {
			sleep(ctx, 100*time.Millisecond)
			continue
		}
		leader := ""
		if len(resp.Kvs) > 0 {
			leader = string(resp.Kvs[0].Value)
		}
		b.setLeader(leader)
		// The watch starts at the revision read, not after it: etcd tells
		// a stream's watches how far they are (WaitWatches) only when none
		// starts past the store's revision.
		wctx, stop := context.WithCancel(clientv3.WithRequireLeader(ctx))
		wc := b.cli.Watch(wctx, pfx, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision))
	watch:
		for wr := range wc {
			if wr.Err() != nil {
				break
			}
			for _, ev := range wr.Events {
				if ev.Kv.ModRevision > resp.Header.Revision {
					break watch
				}
			}
		}
		stop()
	}
}

// setLeader records the leader's value, waking LeaderChanged's waiters
// when it changed.
func (b *etcdBackend) setLeader(v string) {
	if old := b.leaderURL.Swap(&v); old == nil || *old != v {
		b.leaderMoved.wake()
	}
}

// LeaderChanged is a channel closed when the leader this process sees
// next changes (nil, never closed, when it does not campaign). A follower
// takes it before it forwards a request, and gives up the request when
// the lead moves meanwhile: a leader paused or cut off holds it, and the
// new leader is where the client's next try goes.
func (db *DB) LeaderChanged() <-chan struct{} {
	b, ok := db.backend.(*etcdBackend)
	if !ok || b.campaigned == nil {
		return nil
	}
	return b.leaderMoved.wait()
}

// Campaigning says whether this process stands in the election (a server on
// etcd with an advertised URL).
func (db *DB) Campaigning() bool {
	b, ok := db.backend.(*etcdBackend)
	return ok && b.campaigned != nil
}

// Leading says whether this process is the elected writer now. A process
// that does not campaign never leads.
func (db *DB) Leading() bool {
	b, ok := db.backend.(*etcdBackend)
	return ok && b.lead.Load() != nil
}

// Leader is the advertised URL of the elected writer, as this process last
// saw it; "" while there is none (or this process does not campaign).
func (db *DB) Leader() string {
	b, ok := db.backend.(*etcdBackend)
	if !ok {
		return ""
	}
	if p := b.leaderURL.Load(); p != nil {
		return *p
	}
	return ""
}

// CommittedRevision is the latest revision this process committed a write
// transaction at (0 before the first, and on bbolt): a follower that waits
// for its watches to reach it sees what this process wrote.
func (db *DB) CommittedRevision() int64 {
	if b, ok := db.backend.(*etcdBackend); ok {
		return b.committedRev.Load()
	}
	return 0
}

// WatchedRevision is the latest revision this process committed a change
// at that other processes keep in memory by their watches: a sign-in, an
// account, a case's mediators or parties, a recusal (0 before the first,
// and on bbolt). A follower that waits for its watches to reach it before
// it relays the leader's answer has every such change the leader had made
// by then, the client's own included; a write that changed none of them
// (a submission, an attachment) leaves it where it was, and the wait is
// then over at once: the follower reads everything else from etcd itself.
func (db *DB) WatchedRevision() int64 {
	if b, ok := db.backend.(*etcdBackend); ok {
		return b.watchedRev.Load()
	}
	return 0
}

// watchedBuckets are the buckets that the memos' watches and the
// membership's (WatchMembership) follow.
func watchedBuckets() [][]byte {
	var out [][]byte
	for _, k := range kinds {
		if k.memoized {
			out = append(out, k.bucket)
		}
	}
	return append(out, membershipBuckets()...)
}

// peerSecretKey holds the secret that the store's processes prove to one
// another that a forwarded request comes from one of them.
func (b *etcdBackend) peerSecretKey() string { return b.prefix + "peer-secret" }

// PeerSecret is a secret that every process of the store reads from it:
// made by the first to ask, kept in etcd under the store's prefix (outside
// every bucket, so neither in the backups' files nor in the audit), never
// logged. A request forwarded by a follower carries it, so that the leader
// believes the client's address the follower names. On bbolt, with no other
// process, it is "".
func (db *DB) PeerSecret() (string, error) {
	b, ok := db.backend.(*etcdBackend)
	if !ok {
		return "", nil
	}
	ctx, cancel := b.ctx()
	defer cancel()
	k := b.peerSecretKey()
	resp, err := b.cli.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
		Then(clientv3.OpPut(k, rand.Text()+rand.Text()), clientv3.OpGet(k)).Else(clientv3.OpGet(k)).Commit()
	if err != nil {
		return "", fmt.Errorf("store: etcd: the peers' secret: %w", err)
	}
	get := resp.Responses[len(resp.Responses)-1].GetResponseRange()
	if get == nil || len(get.Kvs) == 0 || len(get.Kvs[0].Value) == 0 {
		return "", errors.New("store: etcd: the peers' secret is empty")
	}
	return string(get.Kvs[0].Value), nil
}

// WaitLeader waits until this process knows the elected writer (it may be
// itself, but not an earlier run of itself), or ctx ends; a server waits so before it serves, so that its
// first writes have somewhere to go. It answers at once when the process
// does not campaign.
func (db *DB) WaitLeader(ctx context.Context) error {
	if !db.Campaigning() {
		return nil
	}
	b := db.backend.(*etcdBackend)
	for l := db.Leader(); l == "" || l == b.advertise && !db.Leading(); l = db.Leader() {
		select {
		case <-ctx.Done():
			return errors.New("store: etcd: no elected writer yet")
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}
