package casework_test

import (
	"path/filepath"
	"sync"
	"testing"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// world is the operations on a real bbolt file in t.TempDir() with the shipped
// policies; at cleanup the file's pages and audit chain are checked.
type world struct {
	t     testing.TB
	db    *store.DB
	cw    *casework.Service
	admin mediation.Principal
}

func newWorld(t testing.TB) *world {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "tiaojie.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.FlushReads()
		if _, err := db.Verify(nil); err != nil {
			t.Errorf("verify: %v", err)
		}
		db.Close()
	})
	svc := &auth.Service{DB: db, Params: auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32},
		IdleTimeout: 30 * 60e9, AbsoluteTimeout: 12 * 3600e9}
	admin, err := svc.CreateUser(&mediation.UserInput{Username: "admin", DisplayName: "管理员",
		Role: mediation.RoleAdmin, Password: "admin-password"}, "system")
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.Load(db)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, db: db, cw: casework.New(casework.Config{DB: db, Authz: az, Auth: svc, Places: mediation.DefaultPlaces()}),
		admin: mediation.Principal{UserID: admin.ID, Role: admin.Role}}
}

func as(p mediation.Principal) *mediation.Request { return &mediation.Request{Principal: p} }

// mediator makes a mediator account through the admin.
func (w *world) mediator(username string) mediation.Principal {
	w.t.Helper()
	u, err := w.cw.CreateUser(as(w.admin), mediation.Given(mediation.UserInput{Username: username,
		DisplayName: "调解员 " + username, Role: mediation.RoleMediator, Password: "password-" + username}))
	if err != nil {
		w.t.Fatal(err)
	}
	return mediation.Principal{UserID: u.ID, Role: u.Role}
}

// dispute opens a case as m with an applicant and a respondent, and returns
// the case and the applicant.
func (w *world) dispute(m mediation.Principal) (*mediation.Case, *mediation.Party) {
	w.t.Helper()
	v, err := w.cw.CreateCase(as(m), mediation.Given(mediation.CaseInput{Title: "车位纠纷",
		Category: mediation.CategoryParking, Community: "dongfeng", Source: mediation.SourcePartyApplication}))
	if err != nil {
		w.t.Fatal(err)
	}
	applicant, _, err := w.cw.AddParty(as(m), v.Record.ID, mediation.Given(mediation.PartyInput{Name: "赵明",
		Kind: mediation.PartyPerson, Side: mediation.SideApplicant}))
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := w.cw.AddParty(as(m), v.Record.ID, mediation.Given(mediation.PartyInput{Name: "钱丽",
		Kind: mediation.PartyPerson, Side: mediation.SideRespondent})); err != nil {
		w.t.Fatal(err)
	}
	return v.Record, applicant
}

// A mediator removed from a case cannot write to it once the removal has
// committed: every submission it entered stands in the audit chain before the
// removal, and after the removal returns it is answered as a stranger.
func TestRemovalIsNeverOutrunByAStaleGrant(t *testing.T) {
	for round := range 20 {
		w := newWorld(t)
		a, b := w.mediator("a.mediator"), w.mediator("b.mediator")
		cs, applicant := w.dispute(a)
		if _, err := w.cw.AssignMediator(as(a), cs.ID, mediation.Given(mediation.Assignment{UserID: b.UserID})); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		halt := sync.OnceFunc(func() { close(stop); wg.Wait() })
		for range 8 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					_, err := w.cw.Submit(as(b), cs.ID, mediation.Given(mediation.SubmissionInput{PartyID: applicant.ID,
						Kind: mediation.SubmissionPosition, Body: "电话里讲的情况"}))
					if code := mediation.ErrorCode(err); code != "" && code != mediation.ENOTFOUND {
						t.Errorf("submit: %v", err)
						return
					}
				}
			})
		}
		// b steps aside (a mediator takes only itself off: policies/policy.csv).
		_, err := w.cw.RemoveMediator(as(b), cs.ID, b.UserID, mediation.Given(mediation.Removal{Reason: "回避"}))
		_, after := w.cw.Submit(as(b), cs.ID, mediation.Given(mediation.SubmissionInput{PartyID: applicant.ID,
			Kind: mediation.SubmissionPosition, Body: "移除之后"}))
		halt()
		if err != nil {
			t.Fatal(err)
		}
		if mediation.ErrorCode(after) != mediation.ENOTFOUND {
			t.Fatalf("round %d: a removed mediator's submission after the removal returned: %v", round, after)
		}

		entries, _, err := w.db.CaseAudit(cs.ID, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		removedAt := uint64(0)
		for _, e := range entries {
			switch {
			case e.Action == mediation.AuditMediatorRemove:
				removedAt = e.Seq
			case e.Action == mediation.AuditSubmissionCreate && e.Actor == b.Subject() && removedAt != 0:
				t.Fatalf("round %d: entry %d: the removed mediator's submission committed after its removal (entry %d)",
					round, e.Seq, removedAt)
			}
		}
		if removedAt == 0 {
			t.Fatalf("round %d: no removal in the trail", round)
		}
	}
}

// Operations read their input only after their decision: a stranger is
// answered as for an absent case whatever it sends, and the input is not read.
func TestInputIsReadAfterTheDecision(t *testing.T) {
	w := newWorld(t)
	a, stranger := w.mediator("a.mediator"), w.mediator("stranger")
	cs, _ := w.dispute(a)
	read := false
	in := func(any) error { read = true; return mediation.Invalid("body", "validation.required", "") }
	_, err := w.cw.Submit(as(stranger), cs.ID, in)
	if mediation.ErrorCode(err) != mediation.ENOTFOUND || read {
		t.Fatalf("stranger's submit: %v (input read: %v), want not found and unread", err, read)
	}
	_, err = w.cw.Submit(as(mediation.Principal{}), cs.ID, in)
	if mediation.ErrorCode(err) != mediation.EUNAUTHORIZED || read {
		t.Fatalf("anonymous submit: %v (input read: %v), want unauthorized and unread", err, read)
	}
	_, err = w.cw.Submit(as(a), cs.ID, in)
	if mediation.ErrorCode(err) != mediation.EINVALID || !read {
		t.Fatalf("mediator's submit: %v (input read: %v), want the input's own error", err, read)
	}
}

// A replayed keyed call answers what the first one made and says so.
func TestReplayedCallIsMarked(t *testing.T) {
	w := newWorld(t)
	a := w.mediator("a.mediator")
	in := mediation.Given(mediation.CaseInput{Title: "噪音", Category: mediation.CategoryNoise,
		Community: "dongfeng", Source: mediation.SourcePartyApplication})
	first := &mediation.Request{Principal: a, Key: []byte("scope-key"), Body: []byte("body-hash")}
	v1, err := w.cw.CreateCase(first, in)
	if err != nil || first.Replayed {
		t.Fatalf("first call: %v, replayed %v", err, first.Replayed)
	}
	again := &mediation.Request{Principal: a, Key: []byte("scope-key"), Body: []byte("body-hash")}
	v2, err := w.cw.CreateCase(again, in)
	if err != nil || !again.Replayed || v2.Record.ID != v1.Record.ID || v2.Level != mediation.LevelFull {
		t.Fatalf("retry: %v, replayed %v, case %v (level %q), want case %v in full", err, again.Replayed,
			v2.Record.ID, v2.Level, v1.Record.ID)
	}
}
