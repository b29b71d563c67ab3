package casework

import (
	"context"

	"tiaojie/internal/authz"
)

// Follow keeps the grants current with the membership changes that other
// processes commit to the store (a party removed, a mediator taken off a
// case, an account deactivated through another server), until ctx ends:
// see authz.Follow. Errors go to report. On a store that only this process
// writes (bbolt) it returns at once.
func (s *Service) Follow(ctx context.Context, report func(error)) {
	authz.Follow(ctx, s.db, s.authz, membershipGuard{s}, report)
}

// membershipGuard holds off the service's membership changes while a
// rebuilt set of grants is put in place, and counts those that finished.
type membershipGuard struct{ s *Service }

func (g membershipGuard) Lock()           { g.s.membership.Lock() }
func (g membershipGuard) Unlock()         { g.s.membership.Unlock() }
func (g membershipGuard) Changes() uint64 { return g.s.changed.Load() }

// WaitCurrent waits until this process has every change committed at or
// before store revision rev, by any process: its memos of the sign-ins and
// accounts, and its grants (see store.DB.WaitWatches). A server that
// forwarded a write to the store's elected writer waits so before it
// answers, so that the client's next request, served here, sees the write.
// On a store that only this process writes it returns at once.
func (s *Service) WaitCurrent(ctx context.Context, rev int64) error {
	return s.db.WaitWatches(ctx, rev, s.authz.Applied)
}
