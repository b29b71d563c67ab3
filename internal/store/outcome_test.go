package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// A commit to etcd whose answer is lost (a timeout, a dropped connection)
// may have applied, may still apply, or never will. Each case below loses
// the answers of some of the group commits that many concurrent writers
// make, on a real etcd member, and checks that every write acknowledged is
// stored exactly once, with the ID its writer was given, and that nothing
// applied twice: the audit chain holds one entry per submission, and the
// store's checks pass (at cleanup).
func TestLostCommitAnswers(t *testing.T) {
	errLost := status.Error(codes.Unavailable, "connection lost (test)")
	type late struct {
		send func(context.Context) (*clientv3.TxnResponse, error)
	}
	for _, tc := range []struct {
		name string
		// fault carries out the nth commit (counting from 1) of the
		// run, and the settles that follow it, as the network does.
		fault func(n int64, settling bool, send func(context.Context) (*clientv3.TxnResponse, error), held *[]late) (*clientv3.TxnResponse, error)
	}{
		// The commit applied; its answer did not come back.
		{"AnswerLost", func(n int64, settling bool, send func(context.Context) (*clientv3.TxnResponse, error), _ *[]late) (*clientv3.TxnResponse, error) {
			resp, err := sendNow(send)
			if !settling && n%2 == 1 && err == nil {
				return nil, errLost
			}
			return resp, err
		}},
		// The request never reached etcd.
		{"RequestLost", func(n int64, settling bool, send func(context.Context) (*clientv3.TxnResponse, error), _ *[]late) (*clientv3.TxnResponse, error) {
			if !settling && n%2 == 1 {
				return nil, errLost
			}
			return sendNow(send)
		}},
		// The request reached etcd, which carries it out only after
		// the writer gave up on it (and after it was settled).
		{"RequestLate", func(n int64, settling bool, send func(context.Context) (*clientv3.TxnResponse, error), held *[]late) (*clientv3.TxnResponse, error) {
			if !settling && n%2 == 1 {
				*held = append(*held, late{send})
				return nil, context.DeadlineExceeded
			}
			return sendNow(send)
		}},
		// The answer is lost, and so are the answers of the first two
		// attempts to settle it.
		{"SettleLost", func(n int64, settling bool, send func(context.Context) (*clientv3.TxnResponse, error), _ *[]late) (*clientv3.TxnResponse, error) {
			resp, err := sendNow(send)
			if err == nil && (!settling && n%2 == 1 || settling && n%3 != 0) {
				return nil, errLost
			}
			return resp, err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chosen.Store(t.Name(), backends[1])
			w := newWorld(t)
			c := createCase(t, w.db, w.mediator, "车位", mediation.CategoryParking)
			p := createParty(t, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")

			var mu sync.Mutex // the hook runs in the committer; held is read after
			var commits, settles, faults atomic.Int64
			var held []late
			w.db.FaultEtcdTxns(func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error) {
				mu.Lock()
				defer mu.Unlock()
				var n int64
				if settling {
					n = settles.Add(1)
				} else {
					n = commits.Add(1)
				}
				resp, err := tc.fault(n, settling, send, &held)
				if err != nil {
					faults.Add(1)
				}
				return resp, err
			}, 0)

			const writers, each = 8, 6
			var wg sync.WaitGroup
			made := make([][]*mediation.Submission, writers)
			for i := range writers {
				wg.Go(func() {
					for j := range each {
						s := newSubmission(t, c.ID, p.ID, fmt.Sprintf("材料 %d-%d", i, j))
						if err := w.db.CreateSubmission(s, mediation.PartySubject(p.ID)); err != nil {
							t.Errorf("CreateSubmission %d-%d: %v", i, j, err)
							continue
						}
						made[i] = append(made[i], s)
					}
				})
			}
			wg.Wait()
			w.db.FaultEtcdTxns(nil, 0)
			if faults.Load() == 0 {
				t.Fatal("no answer was lost: the test tested nothing")
			}
			t.Logf("%d commits, %d lost; %d settles", commits.Load(), faults.Load(), settles.Load())

			// A request carried out late must find its commit fenced.
			for _, l := range held {
				resp, err := sendNow(l.send)
				if err != nil {
					t.Fatalf("a late commit: %v", err)
				}
				if resp.Succeeded {
					t.Error("a commit carried out after it was settled applied")
				}
			}
			if tc.name == "RequestLate" && len(held) == 0 {
				t.Fatal("no commit was held back")
			}

			stored, _, err := w.db.Submissions(store.SubmissionFilter{Case: c.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			byBody := map[string][]mediation.ID{}
			for _, s := range stored {
				byBody[s.Body] = append(byBody[s.Body], s.ID)
			}
			if len(stored) != writers*each {
				t.Errorf("%d submissions stored, want %d", len(stored), writers*each)
			}
			for _, ss := range made {
				for _, s := range ss {
					if ids := byBody[s.Body]; len(ids) != 1 || ids[0] != s.ID {
						t.Errorf("%q: acknowledged as submission %d, stored as %v", s.Body, s.ID, ids)
					}
				}
			}
			entries, _, err := w.db.CaseAudit(c.ID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			logged := map[string]int{}
			for _, e := range entries {
				if e.Action == mediation.AuditSubmissionCreate {
					logged[e.Object]++
				}
			}
			if len(logged) != writers*each {
				t.Errorf("%d submissions audited, want %d", len(logged), writers*each)
			}
			for o, n := range logged {
				if n != 1 {
					t.Errorf("%s audited %d times", o, n)
				}
			}
		})
	}
}

// A commit whose answer is lost while etcd stays out of reach is answered
// with ErrOutcomeUnknown, and is not run again: it applied once.
func TestLostCommitAnswerUnsettled(t *testing.T) {
	chosen.Store(t.Name(), backends[1])
	w := newWorld(t)
	c := createCase(t, w.db, w.mediator, "车位", mediation.CategoryParking)
	p := createParty(t, w.db, c, w.mediator, "赵明", mediation.SideApplicant, "13800138001")
	var settles atomic.Int64
	w.db.FaultEtcdTxns(func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error) {
		if settling {
			settles.Add(1)
			return nil, status.Error(codes.Unavailable, "unreachable (test)")
		}
		if _, err := sendNow(send); err != nil {
			return nil, err
		}
		return nil, status.Error(codes.Unavailable, "connection lost (test)")
	}, 200*time.Millisecond)
	s := newSubmission(t, c.ID, p.ID, "材料")
	err := w.db.CreateSubmission(s, mediation.PartySubject(p.ID))
	w.db.FaultEtcdTxns(nil, 0)
	if !errors.Is(err, store.ErrOutcomeUnknown) || mediation.ErrorCode(err) != mediation.EUNAVAILABLE {
		t.Fatalf("CreateSubmission: %v, want ErrOutcomeUnknown, answered as unavailable", err)
	}
	if settles.Load() < 2 {
		t.Errorf("settled %d times, want it asked again", settles.Load())
	}
	stored, _, err := w.db.Submissions(store.SubmissionFilter{Case: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].ID != s.ID {
		t.Errorf("stored %v, want the one submission %d", stored, s.ID)
	}
}

func sendNow(send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return send(ctx)
}

// A commit learned to have applied only after its answer was lost is put in
// the memo at its own revision: when the watch has meanwhile brought a later
// change of the record (another process ended the login), the late commit
// does not bring the login back.
func TestLostCommitAnswerKeepsTheMemoInOrder(t *testing.T) {
	w, other := onEtcdTwice(t)
	db := w.db
	var once sync.Once
	db.FaultEtcdTxns(func(settling bool, send func(context.Context) (*clientv3.TxnResponse, error)) (*clientv3.TxnResponse, error) {
		if !settling {
			if _, err := sendNow(send); err != nil {
				return nil, err
			}
			return nil, status.Error(codes.Unavailable, "connection lost (test)")
		}
		once.Do(func() {
			// Before the first process learns its commit applied, the
			// second ends the login, and the first's watch passes it.
			within(t, "the login on the second", func() bool { return loginExists(t, other, "late") })
			if err := other.DeleteLogin([]byte("late")); err != nil {
				t.Error(err)
			}
			within(t, "the end of the login through the watch", func() bool { return !loginExists(t, db, "late") })
		})
		return sendNow(send)
	}, 5*time.Second)
	createLogin(t, db, "late", w.mediator.ID, 0, 0, testTime)
	db.FaultEtcdTxns(nil, 0)
	if loginExists(t, db, "late") {
		t.Error("the login ended through the second process is back in the first's memo")
	}
}
