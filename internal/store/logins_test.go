package store_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

func createLogin(t *testing.T, db *store.DB, id string, user, party, caseID mediation.ID, lastSeen time.Time) *store.Login {
	t.Helper()
	s := &store.Login{ID: []byte(id), SecretHash: tokenHash("secret-" + id), UserID: user,
		PartyID: party, CaseID: caseID, CreatedAt: testTime, LastSeen: lastSeen}
	if err := db.CreateLogin(s, nil); err != nil {
		t.Fatalf("CreateLogin(%s): %v", id, err)
	}
	return s
}

func loginExists(t *testing.T, db *store.DB, id string) bool {
	t.Helper()
	_, err := db.Login([]byte(id))
	switch mediation.ErrorCode(err) {
	case "":
		return true
	case mediation.ENOTFOUND:
		return false
	}
	t.Fatalf("Login(%s): %v", id, err)
	return false
}

func TestLogins(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		c := createCase(t, db, w.mediator, "狗叫", mediation.CategoryPets)
		p := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "")
		q := createParty(t, db, c, w.mediator, "李四", mediation.SideRespondent, "")

		t.Run("CreateWithAudit", func(t *testing.T) {
			before, _ := db.AuditHead()
			s := &store.Login{ID: []byte("party-login"), SecretHash: tokenHash("secret"), PartyID: p.ID,
				CaseID: c.ID, CreatedAt: testTime, LastSeen: testTime}
			err := db.CreateLogin(s, &mediation.AuditEntry{CaseID: c.ID, At: testTime, Actor: mediation.PartySubject(p.ID),
				Action: mediation.AuditAccess, Object: "party:" + p.ID.String()})
			if err != nil {
				t.Fatal(err)
			}
			after, _ := db.AuditHead()
			if after.Seq != before.Seq+1 {
				t.Errorf("audit head went from %d to %d, want one entry", before.Seq, after.Seq)
			}
			if a := actions(t, db, c.ID); a[len(a)-1] != mediation.AuditAccess {
				t.Errorf("last case audit action = %q, want %q", a[len(a)-1], mediation.AuditAccess)
			}
			got, err := db.Login(s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.ID, s.ID) || !bytes.Equal(got.SecretHash, s.SecretHash) || got.PartyID != p.ID ||
				got.CaseID != c.ID || got.UserID != 0 || !got.CreatedAt.Equal(testTime) || !got.LastSeen.Equal(testTime) {
				t.Errorf("Login = %+v, want %+v", got, s)
			}
		})

		t.Run("CreateWithoutAudit", func(t *testing.T) {
			before, _ := db.AuditHead()
			createLogin(t, db, "staff-login", w.mediator.ID, 0, 0, testTime)
			if after, _ := db.AuditHead(); after != before {
				t.Errorf("a login without an audit entry moved the audit head from %+v to %+v", before, after)
			}
			got, err := db.Login([]byte("staff-login"))
			if err != nil || got.UserID != w.mediator.ID || got.PartyID != 0 {
				t.Errorf("Login = %+v, %v", got, err)
			}
		})

		t.Run("Touch", func(t *testing.T) {
			later := testTime.Add(17 * time.Minute)
			if err := db.TouchLogin([]byte("staff-login"), later); err != nil {
				t.Fatal(err)
			}
			got, err := db.Login([]byte("staff-login"))
			if err != nil || !got.LastSeen.Equal(later) || !got.CreatedAt.Equal(testTime) {
				t.Errorf("Login after Touch = %+v, %v; want LastSeen %v", got, err, later)
			}
			before := fingerprint(t, db)
			if err := db.TouchLogin([]byte("no-such-login"), later); err != nil {
				t.Errorf("TouchLogin of an ended login: %v", err)
			}
			sameFingerprint(t, before, fingerprint(t, db))
		})

		t.Run("Delete", func(t *testing.T) {
			if err := db.DeleteLogin([]byte("party-login")); err != nil {
				t.Fatal(err)
			}
			if loginExists(t, db, "party-login") {
				t.Error("deleted login still found")
			}
			if keys := bucketKeys(t, db, "logins_by_party"); len(keys) != 0 {
				t.Errorf("logins_by_party still holds %q", keys)
			}
			if err := db.DeleteLogin([]byte("party-login")); err != nil {
				t.Errorf("deleting a deleted login: %v", err)
			}
		})

		t.Run("DeleteExpired", func(t *testing.T) {
			cutoff := testTime.Add(time.Hour)
			createLogin(t, db, "old-party", 0, p.ID, c.ID, testTime)
			createLogin(t, db, "new-party", 0, q.ID, c.ID, cutoff.Add(time.Minute))
			createLogin(t, db, "old-staff", w.mediator2.ID, 0, 0, testTime.Add(time.Minute))
			createLogin(t, db, "new-staff", w.mediator2.ID, 0, 0, cutoff.Add(time.Second))
			// staff-login was touched to testTime+17m: expired too.
			n, err := db.DeleteExpiredLogins(func(s *store.Login) bool { return s.LastSeen.Before(cutoff) })
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 {
				t.Errorf("DeleteExpiredLogins = %d, want 3", n)
			}
			for id, want := range map[string]bool{"old-party": false, "old-staff": false, "staff-login": false,
				"new-party": true, "new-staff": true} {
				if got := loginExists(t, db, id); got != want {
					t.Errorf("login %s exists = %v, want %v", id, got, want)
				}
			}
			want := []string{string(key8(q.ID)) + "new-party"}
			if got := bucketKeys(t, db, "logins_by_party"); !slices.Equal(got, want) {
				t.Errorf("logins_by_party = %q, want %q", got, want)
			}
			if n, err := db.DeleteExpiredLogins(func(*store.Login) bool { return false }); n != 0 || err != nil {
				t.Errorf("DeleteExpiredLogins(none) = %d, %v", n, err)
			}
		})
	})
}

func TestIssueInvitation(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		c := createCase(t, db, w.mediator, "狗叫", mediation.CategoryPets)
		p := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "")
		q := createParty(t, db, c, w.mediator, "李四", mediation.SideRespondent, "")

		first, err := db.Invitation(tokenHash("token-张三"))
		if err != nil || first.PartyID != p.ID || first.CaseID != c.ID || first.CreatedBy != w.mediator.ID {
			t.Fatalf("first Invitation = %+v, %v", first, err)
		}
		createLogin(t, db, "p-phone", 0, p.ID, c.ID, testTime)
		createLogin(t, db, "p-laptop", 0, p.ID, c.ID, testTime)
		createLogin(t, db, "q-phone", 0, q.ID, c.ID, testTime)
		createLogin(t, db, "staff", w.mediator.ID, 0, 0, testTime)

		inv := newInvitation("new-token", w.mediator.ID)
		inv.PartyID = p.ID
		if err := db.IssueInvitation(inv, mediation.UserSubject(w.mediator.ID)); err != nil {
			t.Fatal(err)
		}
		if inv.CaseID != c.ID {
			t.Errorf("IssueInvitation set case %d, want %d", inv.CaseID, c.ID)
		}
		if _, err := db.Invitation(tokenHash("token-张三")); mediation.ErrorCode(err) != mediation.ENOTFOUND {
			t.Errorf("old token: error = %v, want not found", err)
		}
		got, err := db.Invitation(tokenHash("new-token"))
		if err != nil || got.PartyID != p.ID || got.CaseID != c.ID {
			t.Errorf("new token: Invitation = %+v, %v", got, err)
		}
		if got, err := db.Invitation(tokenHash("token-李四")); err != nil || got.PartyID != q.ID {
			t.Errorf("the other party's token: Invitation = %+v, %v", got, err)
		}
		for id, want := range map[string]bool{"p-phone": false, "p-laptop": false, "q-phone": true, "staff": true} {
			if got := loginExists(t, db, id); got != want {
				t.Errorf("login %s exists = %v, want %v", id, got, want)
			}
		}
		if keys, want := bucketKeys(t, db, "logins_by_party"), []string{string(key8(q.ID)) + "q-phone"}; !slices.Equal(keys, want) {
			t.Errorf("logins_by_party = %q, want %q", keys, want)
		}
		if keys := bucketKeys(t, db, "invitations"); len(keys) != 2 {
			t.Errorf("%d invitations stored, want 2 (one per party)", len(keys))
		}
		entries, _, err := db.CaseAudit(c.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		last := entries[len(entries)-1]
		if last.Action != mediation.AuditInvitationCreate || last.Object != "party:"+p.ID.String() ||
			last.Actor != mediation.UserSubject(w.mediator.ID) {
			t.Errorf("last audit entry = %+v, want the new invitation", last)
		}
		checkIndexes(t, db)
	})
}
