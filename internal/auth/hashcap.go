package auth

import (
	"sync"
	"time"

	"tiaojie/internal/mediation"
)

// DefaultHashBudget is the memory all password and PIN hashes may take at
// once: two hashes of 64 MiB. Each hash already keeps both of the server's
// cores busy, so more at once would only queue inside the CPU, and thirty
// concurrent sign-ins for unknown names once took the server to 2 GB.
const DefaultHashBudget = 128 << 20

// DefaultHashWait is how long a sign-in waits for a hashing slot before it
// is answered 503 with Retry-After.
const DefaultHashWait = 5 * time.Second

// errBusy is the answer when no hashing slot came free in time.
var errBusy = &mediation.Error{Code: mediation.EUNAVAILABLE, Message: "error.busy"}

// hashSlots is the global cap on concurrent hashes: a semaphore with a slot
// for each hash the memory budget holds.
type hashSlots struct {
	once  sync.Once
	slots chan struct{}
}

// slotsFor is how many hashes of memKiB fit in budget bytes: at least one.
func slotsFor(budget int64, memKiB uint32) int {
	per := int64(memKiB) * 1024
	if per <= 0 {
		return 1
	}
	return max(1, int(budget/per))
}

// hashing runs fn, a hash, in one of the slots, waiting for one at most
// HashWait; then it gives up with EUNAVAILABLE.
func (s *Service) hashing(fn func()) error {
	s.cap.once.Do(func() {
		budget := s.HashBudget
		if budget == 0 {
			budget = DefaultHashBudget
		}
		p := s.Params
		if p.validate() != nil {
			p = DefaultParams
		}
		s.cap.slots = make(chan struct{}, slotsFor(budget, p.Memory))
	})
	select {
	case s.cap.slots <- struct{}{}:
	default:
		wait := s.HashWait
		if wait == 0 {
			wait = DefaultHashWait
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case s.cap.slots <- struct{}{}:
		case <-t.C:
			return errBusy
		}
	}
	defer func() { <-s.cap.slots }()
	fn()
	return nil
}

// HashSlots is how many hashes may run at once.
func (s *Service) HashSlots() int {
	s.hashing(func() {})
	return cap(s.cap.slots)
}

// verify checks password against a stored hash within the cap.
func (s *Service) verify(password, encoded string) (ok bool, err error) {
	if busy := s.hashing(func() { ok, err = VerifyPassword(password, encoded) }); busy != nil {
		return false, busy
	}
	return ok, err
}

// Verify checks password against a stored hash, within the global cap on
// concurrent hashes; EUNAVAILABLE when no slot came free in time.
func (s *Service) Verify(password, encoded string) (bool, error) { return s.verify(password, encoded) }
