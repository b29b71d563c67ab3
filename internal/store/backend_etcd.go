package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"tiaojie/internal/mediation"
)

// The etcd backend: the store in an etcd cluster (raft over bbolt), shared by
// every tiaojie process that opens it.
//
// Keys. Under the store's prefix, a bucket's key is "k/", the bucket's name,
// a zero byte, then the key; a bucket's existence is the key "b/" and its
// name, its sequence the key "s/" and its name (eight bytes big-endian). No
// bucket name holds a zero byte, so one bucket's keys are one key range.
// The keys "c/" and a random word are commit tokens (settle), outside every
// bucket, each gone with its lease within tokenTTL.
//
// Reads. A transaction reads at one revision, the store's revision at its
// first read (snapshot isolation): every Get, cursor and ForEach sees the
// store as it was then, and a write transaction's own writes on top.
//
// Writes. A write transaction buffers its puts and deletes and, when its
// function returns, commits them in one etcd Txn whose compares are the
// mod-revision of every key it read with Get (create-revision 0 for a key
// read as absent): the Txn applies only if none of them changed since the
// revision read at, else the function runs again on a fresh revision. The
// keys a cursor walks over are not compared: etcd's range compares miss
// deletions, and they are not needed, because every mutation appends to the
// one audit chain, reading and writing its head (meta/audit_head). Any two
// write transactions that run concurrently therefore read the same head and
// both write it, so the second to commit fails its compare and runs again
// from the first's writes: write transactions are serializable, the
// double-booking check's scans of the session indexes included. A write
// transaction that audits nothing (the sweeps of expired logins and keys)
// deletes only what its scan found, which another transaction deleting too
// leaves deleted.
//
// The elected writer. A transaction begun while its process leads the
// store's election also compares the election key it won with, so that it
// applies only while that process still leads (election.go).
//
// Lost answers. A commit whose answer is lost is settled (settle): it is
// answered as committed if it applied, and run again if it did not, never
// both.
//
// Limits. etcd refuses a Txn of more than --max-txn-ops operations (128 by
// default, compares and writes counted apart) or a request over
// --max-request-bytes (1.5 MiB by default): Limits says a little less, and
// group commit (group.go) puts as many mutations in one Txn as fit.
type etcdBackend struct {
	cli       *clientv3.Client
	endpoints []string
	prefix    string
	timeout   time.Duration
	limits    Limits
	// buckets are the buckets known to exist: buckets are made at Open
	// and deleted only by an upgrade, so a transaction reads the markers
	// only of a bucket not known yet.
	buckets sync.Map // string → struct{}
	readTx  atomic.Int64
	openTx  atomic.Int64
	// conflicts counts the commits that failed their compares.
	conflicts atomic.Int64
	// figures are what the commits cost, for the benchmarks.
	figures etcdFigures
	// tokens is the lease of the commit tokens (see settle).
	tokens tokenLeases
	// txnHook, set by tests only, carries out each Txn in place of a
	// plain call: to lose its answer, or to hold it back.
	txnHook func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error)
	// settleFor, when not zero, is settle's time in place of settleFor's
	// (tests).
	settleFor time.Duration

	// The election (election.go), when the process campaigns: lead is the
	// election won while it lasts, leaderURL the leader's value as last
	// seen; stopElection ends the campaign and the observation, which
	// close campaigned and observed when done.
	advertise    string
	lead         atomic.Pointer[fence]
	leaderURL    atomic.Pointer[string]
	stopElection context.CancelFunc
	campaigned   chan struct{}
	observed     chan struct{}
	// life ends at Close: the context progress is asked for the watches
	// with (their stream's, so it must outlive each request).
	life    context.Context
	endLife context.CancelFunc
	// progressAsked is when WaitWatches last asked for the watches'
	// progress (unix nanoseconds).
	progressAsked atomic.Int64
	// leaderMoved wakes LeaderChanged's waiters.
	leaderMoved notifier
	// moved wakes WaitWatches when a watch has come further.
	moved notifier
	// lost tells the campaign that a commit found the election key gone.
	lost chan struct{}
	// committedRev is the latest revision a commit applied at;
	// watchedRev the latest of a commit that wrote to a watched bucket.
	committedRev, watchedRev atomic.Int64
	// watched are the key ranges of the buckets that other processes
	// watch (the memos', the membership's): set at open, read only.
	watched []string
	// fencedCommits counts the commits made as the leader, fenced by its
	// election key; notLeader those that etcd refused for that key.
	fencedCommits, notLeader atomic.Int64

	closeOnce sync.Once
	closeErr  error
}

// EtcdOptions say where the store is in etcd.
type EtcdOptions struct {
	Endpoints []string
	// Prefix is the prefix of every key of the store, so that one cluster
	// can hold several (tests) or other data; "tiaojie/" when empty.
	Prefix string
	// Timeout bounds each request to etcd; 10 s when zero.
	Timeout time.Duration
	// MaxTxnOps and MaxRequestBytes are the cluster's --max-txn-ops and
	// --max-request-bytes, when not etcd's defaults (128, 1.5 MiB).
	MaxTxnOps, MaxRequestBytes int
	// TLS, when not nil, is the client's TLS configuration (the cluster's
	// CA, and a client certificate for a cluster that asks for one).
	TLS *tls.Config
	// Advertise, when not empty, is the URL this process is reached at by
	// the others: it campaigns to be the store's elected writer with it
	// (election.go). Only a serving process campaigns.
	Advertise string
	// SessionTTL is the life of the election's lease, in whole seconds:
	// how long a dead leader keeps the lead; 2 s when zero.
	SessionTTL time.Duration
}

// OpenEtcd opens the database in the etcd cluster at o.Endpoints, creating
// its buckets and upgrading its schema as Open does a file.
func OpenEtcd(o EtcdOptions, opt Options) (*DB, error) {
	b, err := openEtcd(o)
	if err != nil {
		return nil, err
	}
	return OpenBackend(b, opt)
}

func openEtcd(o EtcdOptions) (*etcdBackend, error) {
	if len(o.Endpoints) == 0 {
		return nil, errors.New("store: etcd: no endpoints")
	}
	if o.Prefix == "" {
		o.Prefix = "tiaojie/"
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxTxnOps == 0 {
		o.MaxTxnOps = 128
	}
	if o.MaxRequestBytes == 0 {
		o.MaxRequestBytes = 3 << 19 // 1.5 MiB
	}
	// Keep-alive pings find a member that holds its connections open but
	// no longer answers (a stopped process, a stalled disk or machine):
	// after 10 s without a frame from it and 2 s without an answer to the
	// ping, its connection is closed and the client's requests go to the
	// others, instead of each one sent there waiting for its timeout. 10 s
	// is the least gRPC pings at; etcd's servers accept pings every 5 s
	// (--grpc-keepalive-min-time).
	cli, err := clientv3.New(clientv3.Config{Endpoints: o.Endpoints, DialTimeout: o.Timeout, Logger: zap.NewNop(),
		DialKeepAliveTime: 10 * time.Second, DialKeepAliveTimeout: 2 * time.Second, TLS: o.TLS})
	if err != nil {
		return nil, fmt.Errorf("store: etcd %s: %w", strings.Join(o.Endpoints, ","), err)
	}
	b := &etcdBackend{cli: cli, endpoints: o.Endpoints, prefix: o.Prefix, timeout: o.Timeout,
		// A margin for what a request carries besides keys and values,
		// and one compare and one put for the commit's token (settle).
		limits: Limits{Ops: o.MaxTxnOps - 1, Bytes: o.MaxRequestBytes - 64<<10}}
	ctx, cancel := b.ctx()
	defer cancel()
	if _, err := cli.Get(ctx, b.prefix+"b/", clientv3.WithCountOnly()); err != nil {
		cli.Close()
		return nil, fmt.Errorf("store: etcd %s: %w", strings.Join(o.Endpoints, ","), err)
	}
	b.life, b.endLife = context.WithCancel(clientv3.WithRequireLeader(context.Background()))
	if o.Advertise != "" {
		ectx, stop := context.WithCancel(context.Background())
		b.stopElection, b.campaigned, b.observed = stop, make(chan struct{}), make(chan struct{})
		b.lost, b.advertise = make(chan struct{}, 1), o.Advertise
		go b.campaign(ectx, o.Advertise, cmp.Or(o.SessionTTL, defaultSessionTTL))
		go b.observe(ectx)
	}
	return b, nil
}

func (b *etcdBackend) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), b.timeout)
}

func (b *etcdBackend) recordKey(bucket, key []byte) string {
	return b.prefix + "k/" + string(bucket) + "\x00" + string(key)
}
func (b *etcdBackend) bucketStart(bucket []byte) string {
	return b.prefix + "k/" + string(bucket) + "\x00"
}
func (b *etcdBackend) bucketEnd(bucket []byte) string {
	return b.prefix + "k/" + string(bucket) + "\x01"
}
func (b *etcdBackend) markerKey(bucket []byte) string   { return b.prefix + "b/" + string(bucket) }
func (b *etcdBackend) sequenceKey(bucket []byte) string { return b.prefix + "s/" + string(bucket) }

func (b *etcdBackend) View(fn func(Tx) error) error {
	b.readTx.Add(1)
	b.openTx.Add(1)
	defer b.openTx.Add(-1)
	tx := &etcdTx{be: b}
	err := fn(tx)
	if tx.err != nil {
		return tx.err
	}
	return err
}

// maxConflicts is how often Update runs its function again on a conflict
// before it gives up.
const maxConflicts = 100

// errConflict is a commit whose compares failed, or a read at a revision
// compacted away: the transaction runs again.
var errConflict = errors.New("store: etcd: the transaction conflicted with another")

// maxUnapplied is how often Update runs its function again after a commit
// that failed without applying (settled below) before it gives up.
const maxUnapplied = 3

// errUnapplied is a commit that failed, for a reason that may pass (a
// timeout, a lost connection, a leader election), and is known not to have
// applied: the transaction runs again.
var errUnapplied = errors.New("store: etcd: the commit failed and did not apply")

// ErrOutcomeUnknown is a commit whose answer was lost and whose outcome
// could not be learned afterwards either (etcd stayed out of reach): it may
// have applied. It is never run again, so it applied at most once. It is
// answered 503: the client looks before it sends again, or sends again with
// the same Idempotency-Key, which replays the answer if it applied.
var ErrOutcomeUnknown = &mediation.Error{Code: mediation.EUNAVAILABLE, Message: "error.outcome_unknown"}

func (b *etcdBackend) Update(fn func(Tx) error) error {
	unapplied := 0
	// A transaction begun as the leader commits as the leader, or not at
	// all (election.go).
	f := b.lead.Load()
	for attempt := 0; ; attempt++ {
		tx := &etcdTx{be: b, writable: true, reads: map[string]readKey{}, writes: map[string]pendingWrite{}, fence: f}
		err := b.try(tx, fn)
		if errors.Is(err, errUnapplied) {
			if unapplied++; unapplied > maxUnapplied {
				return err
			}
		} else if !errors.Is(err, errConflict) {
			return err
		}
		if attempt == maxConflicts {
			return fmt.Errorf("store: etcd: %d conflicts in a row: %w", attempt, err)
		}
		// Let the other writer finish before reading again.
		time.Sleep(time.Duration(mrand.Int64N(int64(time.Millisecond) << min(attempt, 5))))
	}
}

// try runs fn in tx and commits what it wrote.
func (b *etcdBackend) try(tx *etcdTx, fn func(Tx) error) error {
	err := fn(tx)
	if tx.err != nil {
		return tx.err
	}
	if err != nil {
		return err
	}
	if len(tx.writes) == 0 {
		tx.committedAt = tx.rev
		tx.committed()
		return nil
	}
	cmps := make([]clientv3.Cmp, 0, len(tx.reads))
	for k, r := range tx.reads {
		if r.mod == 0 {
			cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(k), "=", 0))
		} else {
			cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(k), "=", r.mod))
		}
	}
	ops := make([]clientv3.Op, 0, len(tx.writes)+1)
	for k, w := range tx.writes {
		if w.deleted {
			ops = append(ops, clientv3.OpDelete(k))
		} else {
			ops = append(ops, clientv3.OpPut(k, string(w.value)))
		}
	}
	lease, err := b.tokens.lease(b)
	if err != nil {
		return fmt.Errorf("store: etcd: commit: %w", err)
	}
	token := b.prefix + "c/" + rand.Text()
	cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(token), "=", 0))
	ops = append(ops, clientv3.OpPut(token, tokenApplied, clientv3.WithLease(lease)))
	var orElse []clientv3.Op
	if f := tx.fence; f != nil {
		cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(f.key), "=", f.rev))
		orElse = append(orElse, clientv3.OpGet(f.key, clientv3.WithKeysOnly()))
	}
	start := time.Now()
	resp, err := b.send(false, func(ctx context.Context) (*clientv3.TxnResponse, error) {
		return b.cli.Txn(ctx).If(cmps...).Then(ops...).Else(orElse...).Commit()
	})
	b.figures.commits.Add(1)
	b.figures.commitNanos.Add(int64(time.Since(start)))
	if errors.Is(err, rpctypes.ErrLeaseNotFound) {
		// etcd refused the Txn, for a lease that no longer exists.
		b.tokens.forget(lease)
		return fmt.Errorf("%w: %w", errUnapplied, err)
	}
	if err != nil {
		at, serr := b.settle(token, lease)
		switch {
		case serr != nil:
			return fmt.Errorf("%w (%w; then %w)", ErrOutcomeUnknown, err, serr)
		case at > 0:
			// The memos order what they apply by this revision.
			b.applied(tx, at)
			return nil
		case transient(err):
			return fmt.Errorf("%w: %w", errUnapplied, err)
		}
		return fmt.Errorf("store: etcd: commit: %w", err)
	}
	if !resp.Succeeded {
		if f := tx.fence; f != nil && !b.stillLeads(f, resp) {
			b.notLeader.Add(1)
			if b.lead.CompareAndSwap(f, nil) {
				select {
				case b.lost <- struct{}{}:
				default:
				}
			}
			return ErrNotLeader
		}
		b.conflicts.Add(1)
		return errConflict
	}
	b.applied(tx, resp.Header.Revision)
	return nil
}

// applied answers a commit that applied at revision at.
func (b *etcdBackend) applied(tx *etcdTx, at int64) {
	if tx.fence != nil {
		b.fencedCommits.Add(1)
	}
	raise(&b.committedRev, at)
	if b.touchesWatched(tx) {
		raise(&b.watchedRev, at)
	}
	tx.committedAt = at
	tx.committed()
}

// raise makes v at least at.
func raise(v *atomic.Int64, at int64) {
	for old := v.Load(); old < at && !v.CompareAndSwap(old, at); old = v.Load() {
	}
}

// touchesWatched says whether the transaction wrote to a bucket that other
// processes watch.
func (b *etcdBackend) touchesWatched(tx *etcdTx) bool {
	for k := range tx.writes {
		for _, start := range b.watched {
			if strings.HasPrefix(k, start) {
				return true
			}
		}
	}
	return false
}

// stillLeads says whether a commit that failed its compares found the
// election key f as it was won (its Else read it).
func (b *etcdBackend) stillLeads(f *fence, resp *clientv3.TxnResponse) bool {
	if len(resp.Responses) == 0 {
		return false
	}
	r := resp.Responses[0].GetResponseRange()
	return r != nil && len(r.Kvs) == 1 && r.Kvs[0].CreateRevision == f.rev
}

// Commit tokens. Every commit puts a key of its own, a token made for it
// ("c/" and 128 random bits), in its Txn, on the condition that the token
// does not exist yet. When the answer to a Txn is lost (a timeout, a dropped
// connection, a leader that changed), whether it applied is unknown: it may
// have applied, it may still apply later (a request etcd took and has not
// yet carried out), or it never will. settle then learns which, and makes
// it final, with a second Txn that puts the token marked as fenced if it is
// absent, and otherwise reads it. The token present as applied means the
// commit applied: it is answered as committed. Absent, it is now fenced, so
// the commit, whose condition is the token's absence, can never apply: it
// is run again from fresh reads, and its mutations apply once. Either way
// nothing applies twice, and no mutation is answered as failed that
// applied. A token lives on a lease (tokenTTL), so tokens do not pile up,
// and long enough for any settle to read it.
const (
	tokenApplied = "applied"
	tokenFenced  = "fenced"
	// tokenTTL is a lease's life; a lease takes tokens for half of it,
	// so a token lives at least tokenTTL/2, far longer than settling
	// takes (settleFor).
	tokenTTL = 10 * time.Minute
	// settleFor is how long settle keeps asking etcd.
	settleFor = time.Minute
)

// tokenLeases hands out the lease that commit tokens are put on: one at a
// time, replaced by a new one when it is half through its life. The old
// one is not kept alive, so its tokens go with it.
type tokenLeases struct {
	mu    sync.Mutex
	id    clientv3.LeaseID
	until time.Time
}

func (l *tokenLeases) lease(b *etcdBackend) (clientv3.LeaseID, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.id != 0 && time.Now().Before(l.until) {
		return l.id, nil
	}
	ctx, cancel := b.ctx()
	defer cancel()
	granted := time.Now()
	resp, err := b.cli.Grant(ctx, int64(tokenTTL/time.Second))
	if err != nil {
		return 0, fmt.Errorf("lease for commit tokens: %w", err)
	}
	l.id, l.until = resp.ID, granted.Add(tokenTTL/2)
	return l.id, nil
}

// forget drops the lease, when etcd says it no longer exists.
func (l *tokenLeases) forget(id clientv3.LeaseID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.id == id {
		l.id = 0
	}
}

// send carries out one Txn, through the test's fault hook when it has one
// (settling says whether it is settle's).
func (b *etcdBackend) send(settling bool, txn func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error) {
	if b.txnHook != nil {
		return b.txnHook(settling, func(ctx context.Context) (*clientv3.TxnResponse, error) { return txn(ctx) })
	}
	wait := b.timeout
	if !settling {
		wait = min(wait, commitWait)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	return txn(ctx)
}

// commitWait bounds a commit's Txn, shorter than etcd's own request timeout
// (5 s and two elections): a proposal that a dying leader took is never
// answered, and its group waits only this long before settle learns that
// it did not apply, fences it and runs it again through the new leader.
const commitWait = 2 * time.Second

// settle learns whether the commit with the token applied, and fences it
// if it did not, so that it never will: it puts the token as fenced unless
// it exists, else reads it. Its own answer may be lost too; asking again
// is harmless (a token once fenced stays so), until settleFor has passed.
// It answers the revision the commit applied at (its token's), 0 if it did
// not apply.
func (b *etcdBackend) settle(token string, lease clientv3.LeaseID) (appliedAt int64, err error) {
	d := settleFor
	if b.settleFor != 0 {
		d = b.settleFor
	}
	deadline := time.Now().Add(d)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		resp, err := b.send(true, func(ctx context.Context) (*clientv3.TxnResponse, error) {
			return b.cli.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(token), "=", 0)).
				Then(clientv3.OpPut(token, tokenFenced, clientv3.WithLease(lease))).
				Else(clientv3.OpGet(token)).Commit()
		})
		if errors.Is(err, rpctypes.ErrLeaseNotFound) {
			// The lease is gone, and with it the token if it was
			// there (it cannot be: a lease lasts far longer than
			// settling). Fence on a new lease.
			b.tokens.forget(lease)
			if lease, err = b.tokens.lease(b); err == nil {
				continue
			}
		}
		if err == nil {
			if resp.Succeeded {
				return 0, nil // fenced now
			}
			kvs := resp.Responses[0].GetResponseRange().Kvs
			if len(kvs) == 1 && string(kvs[0].Value) == tokenApplied {
				return kvs[0].ModRevision, nil // the commit's revision
			}
			return 0, nil
		}
		if time.Now().After(deadline) {
			return 0, err
		}
		time.Sleep(wait)
	}
}

// transient says whether a commit's failure may pass on its own: a timeout,
// an unreachable member, a leader lost or changing.
func transient(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	for _, e := range []error{rpctypes.ErrTimeout, rpctypes.ErrTimeoutDueToLeaderFail,
		rpctypes.ErrTimeoutDueToConnectionLost, rpctypes.ErrLeaderChanged, rpctypes.ErrNoLeader,
		rpctypes.ErrStopped, rpctypes.ErrNotCapable, rpctypes.ErrTooManyRequests} {
		if errors.Is(err, e) {
			return true
		}
	}
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Canceled, codes.Aborted:
		return true
	}
	return false
}

func (b *etcdBackend) Limits() Limits { return b.limits }

// Snapshot writes the store, read at one revision, as a bbolt file of the
// same layout: the copy that `tiaojie backup` keeps, checks offline and can
// run a server on alone, whichever backend it came from.
func (b *etcdBackend) Snapshot(begin func(size int64) (io.Writer, error)) (int64, error) {
	dir, err := os.MkdirTemp("", "tiaojie-snapshot-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "copy.db")
	dst, err := openBolt(path, time.Second)
	if err != nil {
		return 0, err
	}
	err = b.View(func(src Tx) error {
		return dst.Update(func(tx Tx) error { return copyBuckets(tx, src) })
	})
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	w, err := begin(fi.Size())
	if err != nil {
		return 0, err
	}
	return io.Copy(w, f)
}

// Check asks every member for its alarms (a member out of space, or whose
// data is corrupt, raises one) and compares the hash of every member's
// keyspace at one revision.
func (b *etcdBackend) Check() error {
	ctx, cancel := b.ctx()
	defer cancel()
	alarms, err := b.cli.AlarmList(ctx)
	if err != nil {
		return fmt.Errorf("etcd: alarms: %w", err)
	}
	var errs []error
	for _, a := range alarms.Alarms {
		errs = append(errs, fmt.Errorf("etcd: member %x raised alarm %s", a.MemberID, a.Alarm))
	}
	rev := int64(0)
	hashes := map[uint32][]string{}
	for _, ep := range b.endpoints {
		h, err := b.cli.HashKV(ctx, ep, rev)
		if err != nil {
			errs = append(errs, fmt.Errorf("etcd: hash of %s: %w", ep, err))
			continue
		}
		if rev == 0 {
			rev = h.Header.Revision
		}
		hashes[h.Hash] = append(hashes[h.Hash], ep)
	}
	if len(hashes) > 1 {
		errs = append(errs, fmt.Errorf("etcd: the members' keyspaces differ at revision %d: %v", rev, hashes))
	}
	return errors.Join(errs...)
}

func (b *etcdBackend) Stats() (Stats, error) {
	ctx, cancel := b.ctx()
	defer cancel()
	st, err := b.cli.Status(ctx, b.endpoints[0])
	if err != nil {
		return Stats{}, fmt.Errorf("store: etcd: status: %w", err)
	}
	return Stats{Size: st.DbSize, ReadTx: int(b.readTx.Load()), OpenReadTx: int(b.openTx.Load())}, nil
}

// Watch sends every change to bucket's keys from revision from on (0: from
// now), keys without the bucket's prefix, until ctx ends.
func (b *etcdBackend) Watch(ctx context.Context, bucket []byte, from int64) (<-chan Event, error) {
	opts := []clientv3.OpOption{clientv3.WithRange(b.bucketEnd(bucket))}
	if from > 0 {
		opts = append(opts, clientv3.WithRev(from))
	}
	start := b.bucketStart(bucket)
	wc := b.cli.Watch(clientv3.WithRequireLeader(ctx), start, opts...)
	out := make(chan Event)
	go func() {
		defer close(out)
		for resp := range wc {
			if resp.Err() != nil {
				return
			}
			if resp.IsProgressNotify() {
				select {
				case out <- Event{Revision: resp.Header.Revision, Progress: true}:
				case <-ctx.Done():
					return
				}
				continue
			}
			for _, ev := range resp.Events {
				e := Event{Key: ev.Kv.Key[len(start):], Revision: ev.Kv.ModRevision}
				if ev.Type == clientv3.EventTypePut {
					e.Value = ev.Kv.Value
				}
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func (b *etcdBackend) ReadOnly() bool { return false }
func (b *etcdBackend) Path() string   { return "etcd:" + strings.Join(b.endpoints, ",") + "/" + b.prefix }

// Close closes the connections; a second Close is harmless, as bbolt's is.
func (b *etcdBackend) Close() error {
	b.closeOnce.Do(func() {
		if b.stopElection != nil {
			b.stopElection()
			<-b.campaigned
			<-b.observed
		}
		b.endLife()
		b.closeErr = b.cli.Close()
	})
	return b.closeErr
}

// etcdFigures count the round trips to etcd and the time they took.
type etcdFigures struct {
	reads, readNanos atomic.Int64
	// firstReads are the reads that fixed their transaction's revision
	// (linearizable), counted in reads too.
	firstReads, firstReadNanos atomic.Int64
	commits, commitNanos       atomic.Int64
}

// etcdTx is one transaction: the revision it reads at, the keys it read (for
// the commit's compares) and the writes it buffers.
type etcdTx struct {
	be       *etcdBackend
	writable bool
	rev      int64
	err      error
	reads    map[string]readKey
	writes   map[string]pendingWrite
	// version counts the writes, so that a cursor knows when to look at
	// them again.
	version  int
	bytes    int
	onCommit []func()
	// buckets are the bucket markers read at rev (when markersRead), with
	// the transaction's own creations and deletions.
	buckets     map[string]bool
	markersRead bool
	// committedAt is the revision the transaction committed at, once it
	// has (its OnCommit functions read it: memo.go).
	committedAt int64
	// fence is the election won, when the transaction began as the
	// leader: its commit compares the key (election.go).
	fence *fence
}

// readKey is a key as the transaction read it: its value, and its
// mod-revision (0 when it was absent).
type readKey struct {
	value []byte
	mod   int64
}

type pendingWrite struct {
	value   []byte
	deleted bool
}

// fail keeps the transaction's first error: it fails when it ends.
func (t *etcdTx) fail(err error) {
	if t.err == nil {
		if errors.Is(err, rpctypes.ErrCompacted) {
			err = fmt.Errorf("%w: %w", errConflict, err)
		}
		t.err = err
	}
}

func (t *etcdTx) committed() {
	for _, fn := range t.onCommit {
		fn()
	}
}

// get is an etcd range read at the transaction's revision, fixing the
// revision at the first.
//
// The first read is linearizable: it sees every transaction committed
// before it began, so a transaction sees what any process wrote before.
// The others read at that revision, which is history that no later commit
// changes, so they are serializable reads: the member answers from what it
// has applied, without first confirming with the cluster that it is
// current, and does not wait behind the commits in flight (a linearizable
// read waits until every commit that reached the log before it is
// applied, which, with two processes writing, was most of a read's time).
// A member that has not yet applied the revision answers so, and the read
// is then made linearizable.
func (t *etcdTx) get(key string, opts ...clientv3.OpOption) *clientv3.GetResponse {
	if t.err != nil {
		return nil
	}
	if t.rev > 0 {
		opts = append(opts, clientv3.WithRev(t.rev))
	}
	ctx, cancel := t.be.ctx()
	defer cancel()
	start := time.Now()
	var resp *clientv3.GetResponse
	var err error
	if t.rev > 0 {
		resp, err = t.be.cli.Get(ctx, key, append(opts, clientv3.WithSerializable())...)
		if errors.Is(err, rpctypes.ErrFutureRev) {
			resp, err = t.be.cli.Get(ctx, key, opts...)
		}
	} else {
		resp, err = t.be.cli.Get(ctx, key, opts...)
	}
	if t.rev == 0 {
		t.be.figures.firstReads.Add(1)
		t.be.figures.firstReadNanos.Add(int64(time.Since(start)))
	}
	t.be.figures.reads.Add(1)
	t.be.figures.readNanos.Add(int64(time.Since(start)))
	if err != nil {
		t.fail(fmt.Errorf("store: etcd: read: %w", err))
		return nil
	}
	if t.rev == 0 {
		t.rev = resp.Header.Revision
	}
	return resp
}

func (t *etcdTx) Revision() int64 {
	if t.rev == 0 {
		t.get(t.be.prefix+"b/", clientv3.WithCountOnly())
	}
	return t.rev
}

// CommitRevision is the revision the transaction committed at, for its
// OnCommit functions.
func (t *etcdTx) CommitRevision() int64 { return t.committedAt }

func (t *etcdTx) Writable() bool     { return t.writable }
func (t *etcdTx) OnCommit(fn func()) { t.onCommit = append(t.onCommit, fn) }
func (t *etcdTx) Backend() Backend   { return t.be }
func (t *etcdTx) Err() error         { return t.err }

func (t *etcdTx) Size() (ops, bytes int) { return max(len(t.reads), len(t.writes)), t.bytes }

// exists says whether the bucket exists in the transaction.
func (t *etcdTx) exists(name []byte) bool {
	if e, ok := t.buckets[string(name)]; ok {
		return e
	}
	if _, ok := t.be.buckets.Load(string(name)); ok {
		return true
	}
	if !t.markersRead {
		t.markersRead = true
		if t.buckets == nil {
			t.buckets = map[string]bool{}
		}
		start := t.be.prefix + "b/"
		if resp := t.get(start, clientv3.WithPrefix(), clientv3.WithKeysOnly()); resp != nil {
			for _, kv := range resp.Kvs {
				if _, own := t.buckets[string(kv.Key[len(start):])]; !own {
					t.buckets[string(kv.Key[len(start):])] = true
				}
			}
		}
	}
	return t.buckets[string(name)]
}

func (t *etcdTx) setBucket(name []byte, exists bool) {
	if t.buckets == nil {
		t.buckets = map[string]bool{}
	}
	t.buckets[string(name)] = exists
}

func (t *etcdTx) Bucket(name []byte) Bucket {
	if !t.exists(name) {
		return nil
	}
	return &etcdBucket{tx: t, name: name}
}

func (t *etcdTx) CreateBucketIfNotExists(name []byte) (Bucket, error) {
	if !t.writable {
		return nil, errors.New("store: etcd: a read transaction cannot create a bucket")
	}
	if !t.exists(name) {
		if err := t.write(t.be.markerKey(name), []byte{}, false); err != nil {
			return nil, err
		}
		t.setBucket(name, true)
		n := string(name)
		t.OnCommit(func() { t.be.buckets.Store(n, struct{}{}) })
	}
	return &etcdBucket{tx: t, name: name}, nil
}

func (t *etcdTx) DeleteBucket(name []byte) error {
	if !t.exists(name) {
		return fmt.Errorf("store: etcd: bucket %s not found", name)
	}
	b := &etcdBucket{tx: t, name: name}
	if err := b.DeleteRange(nil, nil); err != nil {
		return err
	}
	if err := t.write(t.be.sequenceKey(name), nil, true); err != nil {
		return err
	}
	if err := t.write(t.be.markerKey(name), nil, true); err != nil {
		return err
	}
	t.setBucket(name, false)
	n := string(name)
	t.OnCommit(func() { t.be.buckets.Delete(n) })
	return nil
}

// read is the value at key as the transaction sees it, nil when absent.
func (t *etcdTx) read(key string) []byte {
	if w, ok := t.writes[key]; ok {
		if w.deleted {
			return nil
		}
		return w.value
	}
	if r, ok := t.reads[key]; ok {
		return r.value
	}
	resp := t.get(key)
	if resp == nil {
		return nil
	}
	var r readKey
	if len(resp.Kvs) > 0 {
		r = readKey{value: resp.Kvs[0].Value, mod: resp.Kvs[0].ModRevision}
		if r.value == nil {
			r.value = []byte{}
		}
	}
	if t.writable {
		t.reads[key] = r
		t.bytes += len(key)
		t.limit()
	}
	return r.value
}

// write buffers a put (or a delete).
func (t *etcdTx) write(key string, value []byte, deleted bool) error {
	if !t.writable {
		return errors.New("store: etcd: a read transaction cannot write")
	}
	if t.err != nil {
		return t.err
	}
	if w, ok := t.writes[key]; ok {
		t.bytes -= len(key) + len(w.value)
	}
	t.writes[key] = pendingWrite{value: bytes.Clone(value), deleted: deleted}
	t.bytes += len(key) + len(value)
	t.version++
	return t.limit()
}

// limit fails the transaction once it is past the backend's limits.
func (t *etcdTx) limit() error {
	if ops, n := t.Size(); ops > t.be.limits.Ops || n > t.be.limits.Bytes {
		t.fail(ErrTxnTooLarge)
		return t.err
	}
	return nil
}

// etcdBucket is one bucket in a transaction.
type etcdBucket struct {
	tx   *etcdTx
	name []byte
}

func (b *etcdBucket) Get(key []byte) []byte { return b.tx.read(b.tx.be.recordKey(b.name, key)) }

func (b *etcdBucket) Put(key, value []byte) error {
	if len(key) == 0 {
		return errors.New("store: etcd: an empty key")
	}
	if value == nil {
		value = []byte{}
	}
	return b.tx.write(b.tx.be.recordKey(b.name, key), value, false)
}

func (b *etcdBucket) Delete(key []byte) error {
	return b.tx.write(b.tx.be.recordKey(b.name, key), nil, true)
}

func (b *etcdBucket) DeleteRange(from, to []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(from); k != nil && (to == nil || bytes.Compare(k, to) < 0); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	if err := b.tx.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func (b *etcdBucket) ForEach(fn func(k, v []byte) error) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return b.tx.Err()
}

func (b *etcdBucket) Sequence() uint64 {
	v := b.tx.read(b.tx.be.sequenceKey(b.name))
	if len(v) != 8 {
		return 0
	}
	return btoi(v)
}

func (b *etcdBucket) SetSequence(n uint64) error {
	return b.tx.write(b.tx.be.sequenceKey(b.name), itob(n), false)
}

// Appending is nothing on etcd, which has no pages to fill.
func (b *etcdBucket) Appending() {}

func (b *etcdBucket) NextSequence() (uint64, error) {
	n := b.Sequence() + 1
	if err := b.tx.Err(); err != nil {
		return 0, err
	}
	return n, b.SetSequence(n)
}

func (b *etcdBucket) Cursor() Cursor {
	return &etcdCursor{tx: b.tx, start: b.tx.be.bucketStart(b.name), end: b.tx.be.bucketEnd(b.name), pendingVersion: -1}
}

// etcdCursor walks a bucket's keys as the transaction sees them: the keys
// at its revision, read from etcd a page at a time, merged with its own
// writes.
type etcdCursor struct {
	tx         *etcdTx
	start, end string
	// page is the last page read: keys in the order of forward, from pageFrom
	// (included when pageIncl) to its last key, and to the bucket's end
	// when it is not full.
	page     []kv
	forward  bool
	pageFrom string
	pageIncl bool
	pageFull bool
	pageSize int
	// pending are the keys the transaction has put in the bucket, sorted,
	// as of write version pendingVersion.
	pending        []string
	pendingVersion int
	// at is the key the cursor is on, nil past either end.
	at []byte
}

type kv struct {
	key   string
	value []byte
}

const (
	firstPage = 16
	maxPage   = 1024
)

// fromEtcd is the first key after from (at it, when incl) in the direction
// forward, among the keys stored at the revision; ok false when there is
// none.
func (c *etcdCursor) fromEtcd(from string, incl, forward bool) (kv, bool) {
	if c.page != nil && c.forward == forward && c.covers(from, incl) {
		i := sort.Search(len(c.page), func(i int) bool {
			if forward {
				return c.page[i].key > from || incl && c.page[i].key == from
			}
			return c.page[i].key < from || incl && c.page[i].key == from
		})
		if i < len(c.page) {
			return c.page[i], true
		}
		if !c.pageFull {
			return kv{}, false
		}
	}
	// Read the next page from from.
	c.pageSize = min(max(c.pageSize*4, firstPage), maxPage)
	var resp *clientv3.GetResponse
	if forward {
		lo := from
		if !incl {
			lo = from + "\x00"
		}
		resp = c.tx.get(lo, clientv3.WithRange(c.end), clientv3.WithLimit(int64(c.pageSize)))
	} else {
		hi := from
		if incl {
			hi = from + "\x00"
		}
		resp = c.tx.get(c.start, clientv3.WithRange(hi), clientv3.WithLimit(int64(c.pageSize)),
			clientv3.WithSort(clientv3.SortByKey, clientv3.SortDescend))
	}
	if resp == nil {
		c.page = nil
		return kv{}, false
	}
	c.page = c.page[:0]
	for _, e := range resp.Kvs {
		c.page = append(c.page, kv{key: string(e.Key), value: e.Value})
	}
	c.forward, c.pageFrom, c.pageIncl, c.pageFull = forward, from, incl, resp.More
	if len(c.page) == 0 {
		return kv{}, false
	}
	return c.page[0], true
}

// covers says whether the page holds every stored key from from on (in its
// direction) up to its last key.
func (c *etcdCursor) covers(from string, incl bool) bool {
	var after bool // from is at or past the page's start
	if c.forward {
		after = from > c.pageFrom || from == c.pageFrom && (c.pageIncl || !incl)
	} else {
		after = from < c.pageFrom || from == c.pageFrom && (c.pageIncl || !incl)
	}
	return after
}

// fromPending is the same among the keys the transaction has put.
func (c *etcdCursor) fromPending(from string, incl, forward bool) (string, bool) {
	t := c.tx
	if !t.writable || len(t.writes) == 0 {
		return "", false
	}
	if c.pendingVersion != t.version {
		c.pending = c.pending[:0]
		for k, w := range t.writes {
			if !w.deleted && k >= c.start && k < c.end {
				c.pending = append(c.pending, k)
			}
		}
		slices.Sort(c.pending)
		c.pendingVersion = t.version
	}
	if forward {
		i, found := slices.BinarySearch(c.pending, from)
		if found && !incl {
			i++
		}
		if i < len(c.pending) {
			return c.pending[i], true
		}
		return "", false
	}
	i, found := slices.BinarySearch(c.pending, from)
	if found && incl {
		return c.pending[i], true
	}
	if i > 0 {
		return c.pending[i-1], true
	}
	return "", false
}

// land moves to the first key after from (at it, when incl) in the
// direction forward, as the transaction sees the bucket.
func (c *etcdCursor) land(from string, incl, forward bool) ([]byte, []byte) {
	// The nearest stored key that the transaction has not overwritten.
	var stored kv
	var haveStored bool
	at, atIncl := from, incl
	for {
		e, ok := c.fromEtcd(at, atIncl, forward)
		if !ok {
			break
		}
		if _, written := c.tx.writes[e.key]; !written {
			stored, haveStored = e, true
			break
		}
		at, atIncl = e.key, false
	}
	own, haveOwn := c.fromPending(from, incl, forward)
	switch {
	case haveOwn && (!haveStored || forward == (own < stored.key)):
		return []byte(own[len(c.start):]), c.tx.writes[own].value
	case haveStored:
		return []byte(stored.key[len(c.start):]), stored.value
	}
	return nil, nil
}

// moved remembers the key landed on (nil past either end).
func (c *etcdCursor) moved(k, v []byte) ([]byte, []byte) {
	c.at = k
	return k, v
}

func (c *etcdCursor) First() ([]byte, []byte) { return c.moved(c.land(c.start, true, true)) }
func (c *etcdCursor) Last() ([]byte, []byte)  { return c.moved(c.land(c.end, false, false)) }
func (c *etcdCursor) Seek(seek []byte) ([]byte, []byte) {
	return c.moved(c.land(c.start+string(seek), true, true))
}

func (c *etcdCursor) Next() ([]byte, []byte) {
	if c.at == nil {
		return nil, nil
	}
	return c.moved(c.land(c.start+string(c.at), false, true))
}

func (c *etcdCursor) Prev() ([]byte, []byte) {
	if c.at == nil {
		return nil, nil
	}
	return c.moved(c.land(c.start+string(c.at), false, false))
}
