package web

import (
	"bytes"
	"crypto/rand"
	"sync"
	"time"

	"tiaojie/internal/mediation"
)

// inviteShownFor is how long a new invitation's token waits in memory for
// its page: the redirect after the form follows at once.
const inviteShownFor = 10 * time.Minute

// pendingInvites keeps a new invitation's token in memory, under a random
// ID that the redirect after the form carries, until the invitation page has
// shown it once to the mediator who made it. A reload finds it shown and
// offers a new link instead; switching the page's language shows it once
// more. Nothing of it is stored: after a restart the page offers a new link.
type pendingInvites struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*pendingInvite
}

type pendingInvite struct {
	token string
	party mediation.ID
	login []byte
	until time.Time
	shown bool
}

func newPendingInvites(now func() time.Time) *pendingInvites {
	return &pendingInvites{now: now, m: map[string]*pendingInvite{}}
}

// put keeps the token of the party's new invitation for the login that made
// it, and returns the ID its page is to be asked with.
func (p *pendingInvites) put(token string, party mediation.ID, login []byte) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for id, pi := range p.m {
		if now.After(pi.until) {
			delete(p.m, id)
		}
	}
	id := rand.Text()
	p.m[id] = &pendingInvite{token: token, party: party, login: bytes.Clone(login), until: now.Add(inviteShownFor)}
	return id
}

// take returns the token kept under id for this party and login if it has
// not been shown yet, marking it shown.
func (p *pendingInvites) take(id string, party mediation.ID, login []byte) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pi, ok := p.m[id]
	if !ok || pi.shown || pi.party != party || len(login) == 0 || !bytes.Equal(pi.login, login) || p.now().After(pi.until) {
		return "", false
	}
	pi.shown = true
	return pi.token, true
}

// rearm lets the page show the token once more (a change of language), for
// the login that made it, while it is kept.
func (p *pendingInvites) rearm(id string, login []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pi, ok := p.m[id]; ok && len(login) > 0 && bytes.Equal(pi.login, login) && !p.now().After(pi.until) {
		pi.shown = false
	}
}
