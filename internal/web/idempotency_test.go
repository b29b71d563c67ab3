package web_test

import (
	"net/http"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// keyedPost sends a POST with an Idempotency-Key.
func keyedPost(c *client, path, key string, body any) (int, []byte, string) {
	c.app.t.Helper()
	c.Header.Set("Idempotency-Key", key)
	defer c.Header.Del("Idempotency-Key")
	status, raw := c.do("POST", path, body)
	return status, raw, c.lastReplayed
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	caseA := "/api/v1/cases/" + s.caseA

	t.Run("RetryMakesNoSecondRecord", func(t *testing.T) {
		body := map[string]string{"kind": "proposal", "body": "希望对方本周内挪车。"}
		status, raw, replay := keyedPost(s.a1, caseA+"/submissions", "retry-1", body)
		if status != http.StatusCreated || replay != "" {
			t.Fatalf("first: %d %q %s", status, replay, raw)
		}
		first := decodeID(t, raw)
		status, raw, replay = keyedPost(s.a1, caseA+"/submissions", "retry-1", body)
		if status != http.StatusCreated || replay != "true" || decodeID(t, raw) != first {
			t.Fatalf("retry: %d %q %s, want the first submission %s again", status, replay, raw, first)
		}
		subs, _, err := s.app.DB.Submissions(store.SubmissionFilter{Case: mustID(t, s.caseA), Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, sub := range subs {
			if sub.Body == body["body"] {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d submissions after a retry, want 1", n)
		}
	})

	t.Run("SameKeyOtherBodyConflicts", func(t *testing.T) {
		status, _, _ := keyedPost(s.a1, caseA+"/submissions", "retry-2", map[string]string{"kind": "position", "body": "一"})
		if status != http.StatusCreated {
			t.Fatal(status)
		}
		status, raw, _ := keyedPost(s.a1, caseA+"/submissions", "retry-2", map[string]string{"kind": "position", "body": "二"})
		if status != http.StatusConflict || errorOf(t, raw).Code != "conflict" {
			t.Fatalf("reused key with another body: %d %s", status, raw)
		}
	})

	t.Run("KeysBelongToTheirPrincipal", func(t *testing.T) {
		body := map[string]string{"kind": "position", "body": "同一个键"}
		a1, _, _ := keyedPost(s.a1, caseA+"/submissions", "shared-key", body)
		a2, raw, replay := keyedPost(s.a2, caseA+"/submissions", "shared-key", body)
		if a1 != http.StatusCreated || a2 != http.StatusCreated || replay != "" {
			t.Fatalf("two parties with one key: %d %d %q %s", a1, a2, replay, raw)
		}
	})

	t.Run("ReplayedPartyHasNoToken", func(t *testing.T) {
		body := map[string]string{"name": "孙丽", "kind": "person", "side": "third_party"}
		status, raw, _ := keyedPost(s.mediator, caseA+"/parties", "party-1", body)
		if status != http.StatusCreated {
			t.Fatal(status, string(raw))
		}
		var first partyCreated
		mustUnmarshal(t, raw, &first)
		status, raw, replay := keyedPost(s.mediator, caseA+"/parties", "party-1", body)
		var again partyCreated
		mustUnmarshal(t, raw, &again)
		if status != http.StatusCreated || replay != "true" || again.ID != first.ID || again.Invitation.Token != "" {
			t.Fatalf("replayed party: %d %q %s", status, replay, raw)
		}
		parties, _ := s.app.DB.Parties(mustID(t, s.caseA))
		if len(parties) != 3 {
			t.Fatalf("%d parties after a replayed create, want 3", len(parties))
		}
		// The token of the first answer still works.
		s.app.party(first.Invitation.Token)
	})

	t.Run("BadKey", func(t *testing.T) {
		status, raw, _ := keyedPost(s.a1, caseA+"/submissions", "键", map[string]string{"kind": "position", "body": "x"})
		if status != http.StatusBadRequest || errorOf(t, raw).Fields["Idempotency-Key"] == "" {
			t.Fatalf("non-ASCII key: %d %s", status, raw)
		}
	})
}

func mustID(t *testing.T, s string) mediation.ID {
	t.Helper()
	id, ok := mediation.ParseID(s)
	if !ok {
		t.Fatalf("not an ID: %q", s)
	}
	return id
}

// TestReplayNeverRestoresARemovedMediator: a mediator removed from a case
// (recusal) gets nothing back by replaying the request that made the case,
// nor by a replayed assignment.
func TestReplayNeverRestoresARemovedMediator(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	body := map[string]string{"title": "回避测试", "category": "noise", "community": "dongfeng", "source": "party_application"}
	status, raw, _ := keyedPost(s.mediator, "/api/v1/cases", "open-1", body)
	if status != http.StatusCreated {
		t.Fatal(status, string(raw))
	}
	casePath := "/api/v1/cases/" + decodeID(t, raw)
	assign := map[string]string{"user_id": s.otherUser.ID.String()}
	if status, raw, _ := keyedPost(s.mediator, casePath+"/mediators", "assign-1", assign); status != http.StatusOK {
		t.Fatal(status, string(raw))
	}
	stepAside := func(c *client, u mediation.ID) {
		t.Helper()
		c.mustJSON("DELETE", casePath+"/mediators/"+u.String(), map[string]string{"reason": "当事人申请回避"}, http.StatusOK, nil)
	}
	stepAside(s.mediator, s.mediatorUser.ID)
	if status, _ := s.mediator.do("GET", casePath, nil); status != http.StatusNotFound {
		t.Fatalf("removed mediator reads the case: %d", status)
	}
	if status, raw, replay := keyedPost(s.mediator, "/api/v1/cases", "open-1", body); status != http.StatusCreated || replay != "true" {
		t.Fatalf("replayed creation: %d %q %s", status, replay, raw)
	}
	if status, _ := s.mediator.do("GET", casePath, nil); status != http.StatusNotFound {
		t.Fatalf("removed mediator reads the case after replaying its creation: %d", status)
	}

	// The same for an assignment replayed after a removal.
	s.other.mustJSON("POST", casePath+"/mediators", map[string]string{"user_id": s.mediatorUser.ID.String()}, http.StatusOK, nil)
	stepAside(s.other, s.otherUser.ID)
	if status, _, _ := keyedPost(s.mediator, casePath+"/mediators", "assign-1", assign); status != http.StatusOK {
		t.Fatal(status)
	}
	if status, _ := s.other.do("GET", casePath, nil); status != http.StatusNotFound {
		t.Fatalf("removed mediator reads the case after a replayed assignment: %d", status)
	}
}
