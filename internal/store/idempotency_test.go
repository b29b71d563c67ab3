package store_test

import (
	"errors"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

func TestIdempotencyKey(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		key, request := []byte("key-1"), []byte("request-1")

		first := newCase(t, w.mediator.ID, "车位", mediation.CategoryParking)
		if err := w.db.CreateCase(first, "u:1", store.IdempotencyKey(key, request)); err != nil {
			t.Fatal(err)
		}

		t.Run("SameRequestIsReplayed", func(t *testing.T) {
			before := fingerprint(t, w.db)
			again := newCase(t, w.mediator.ID, "车位", mediation.CategoryParking)
			err := w.db.CreateCase(again, "u:1", store.IdempotencyKey(key, request))
			var r *store.Replayed
			if !errors.As(err, &r) || r.ID() != first.ID || r.Object != "case:"+first.ID.String() {
				t.Fatalf("replay: %v", err)
			}
			sameFingerprint(t, before, fingerprint(t, w.db))
		})

		t.Run("OtherRequestConflicts", func(t *testing.T) {
			before := fingerprint(t, w.db)
			other := newCase(t, w.mediator.ID, "噪音", mediation.CategoryNoise)
			wantCode(t, w.db.CreateCase(other, "u:1", store.IdempotencyKey(key, []byte("request-2"))), mediation.ECONFLICT)
			sameFingerprint(t, before, fingerprint(t, w.db))
		})

		t.Run("FailedMutationKeepsNoKey", func(t *testing.T) {
			s := newSubmission(t, first.ID, 999, "不存在的当事人")
			wantCode(t, w.db.CreateSubmission(s, "u:1", store.IdempotencyKey([]byte("key-2"), request)), mediation.EINVALID)
			if n, err := w.db.DeleteIdempotencyKeys(time.Now().Add(time.Hour)); err != nil || n != 1 {
				t.Fatalf("keys held: %d %v, want only the case's", n, err)
			}
		})

		t.Run("ForgottenKeyMakesANewRecord", func(t *testing.T) {
			again := newCase(t, w.mediator.ID, "车位", mediation.CategoryParking)
			if err := w.db.CreateCase(again, "u:1", store.IdempotencyKey(key, request)); err != nil || again.ID == first.ID {
				t.Fatalf("after the key was forgotten: %v, id %s", err, again.ID)
			}
		})
	})
}
