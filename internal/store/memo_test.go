package store

import (
	"errors"
	"testing"
	"time"
)

// The memo of logins follows every committed write of a login, whichever
// mutation makes it, and never shows one that was rolled back; a database
// opened again reads it back from the file.
func TestLoginMemo(t *testing.T) {
	onEachBackend(t, func(t *testing.T, open func() *DB) {
		db := open()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		l := &Login{ID: []byte("0123456789abcdef"), SecretHash: []byte("h"), UserID: 7, CreatedAt: now, LastSeen: now}
		if err := db.CreateLogin(l, nil); err != nil {
			t.Fatal(err)
		}
		l.UserID = 8 // the caller's record is its own; the memo keeps what was stored
		got, err := db.Login(l.ID)
		if err != nil || got.UserID != 7 {
			t.Fatalf("after create: %+v, %v", got, err)
		}
		if err := db.TouchLogin(l.ID, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Login(l.ID); err != nil || !got.LastSeen.Equal(now.Add(time.Hour)) {
			t.Fatalf("after touch: %+v, %v", got, err)
		}

		rolledBack := &Login{ID: []byte("fedcba9876543210"), SecretHash: []byte("h"), UserID: 9, CreatedAt: now, LastSeen: now}
		refused := errors.New("refused")
		err = db.update(func(tx Tx) error {
			var ch change
			loginRecords.put(&ch, rolledBack.ID, rolledBack)
			if err := commit(tx, &ch); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatalf("the refused mutation: %v", err)
		}
		if _, err := db.Login(rolledBack.ID); err == nil {
			t.Fatal("the memo shows a login whose transaction rolled back")
		}

		if err := db.DeleteLogin(l.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Login(l.ID); err == nil {
			t.Fatal("the memo still shows a deleted login")
		}
		if err := db.CreateLogin(l, nil); err != nil {
			t.Fatal(err)
		}
		db.Close()
		again := open()
		if got, err := again.Login(l.ID); err != nil || got.UserID != 8 {
			t.Fatalf("after reopening: %+v, %v", got, err)
		}
	})
}
