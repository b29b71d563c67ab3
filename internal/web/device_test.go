package web_test

import (
	"net/http"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/web"
)

// The review's finding 4: anyone could keep a staff account locked out from
// one address, at no cost. Now the owner, on a browser it signed in with
// before (its device cookie), signs in while another client guesses, even
// from the same address; and refused guesses still cost the guesser's
// address.
func TestOwnerOnAKnownDeviceSignsInWhileAnotherGuesses(t *testing.T) {
	t.Parallel()
	a := newConfiguredApp(t, func(c *web.Config) {
		c.TrustedProxies, _ = web.ParsePrefixes("127.0.0.1")
	})
	_, password := a.user(mediation.RoleMediator, "wang")
	a.user(mediation.RoleMediator, "zhou")
	login := func(c *client, user, pw string) int {
		status, _ := c.do("POST", "/api/v1/login", map[string]string{"username": user, "password": pw})
		return status
	}
	owner := a.from("203.0.113.7")
	if status := login(owner, "wang", password); status != http.StatusOK {
		t.Fatalf("first sign-in: %d", status)
	}

	guesser := a.from("198.51.100.9")
	var answers []int
	for range 12 {
		answers = append(answers, login(guesser, "wang", "猜的口令"))
	}
	for i, s := range answers {
		if want := map[bool]int{true: 401, false: 429}[i < 5]; s != want {
			t.Fatalf("guesses answered %v", answers)
		}
	}
	// The owner, on its known browser, from its own address or the
	// guesser's (one office behind NAT), signs in.
	for _, addr := range []string{"203.0.113.7", "198.51.100.9"} {
		owner.Header.Set("X-Forwarded-For", addr)
		if status := login(owner, "wang", password); status != http.StatusOK {
			t.Errorf("the owner on its known browser from %s: %d", addr, status)
		}
	}
	// A browser that never signed in as wang is held to the account's limit.
	if status := login(a.from("192.0.2.1"), "wang", password); status != http.StatusTooManyRequests {
		t.Errorf("an unknown browser during the lockout: %d", status)
	}
	// The refused guesses were paid for at the guesser's address: it has
	// nothing left for another account.
	if status := login(guesser, "zhou", "猜的口令"); status != http.StatusTooManyRequests {
		t.Errorf("the guesser's address after 12 guesses: %d, want 429", status)
	}
	// A device cookie of wang's is no device cookie for zhou.
	owner.Header.Set("X-Forwarded-For", "203.0.113.7")
	if status := login(owner, "zhou", "猜的口令"); status != http.StatusUnauthorized {
		t.Errorf("the owner's browser guessing zhou: %d", status)
	}
}
