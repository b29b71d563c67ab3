package auth

import (
	"sync"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

func TestSlotsFromTheBudget(t *testing.T) {
	for _, c := range []struct {
		budget int64
		mem    uint32
		want   int
	}{{128 << 20, 64 * 1024, 2}, {400 << 20, 64 * 1024, 6}, {1 << 20, 64 * 1024, 1}, {8 << 20, 8 * 1024, 1}} {
		if got := slotsFor(c.budget, c.mem); got != c.want {
			t.Errorf("slotsFor(%d, %d KiB) = %d, want %d", c.budget, c.mem, got, c.want)
		}
	}
}

// Hashes beyond the cap wait their turn, and give up with EUNAVAILABLE when
// it does not come in time: never more run at once than the budget holds.
func TestHashesWaitForASlotThenGiveUp(t *testing.T) {
	s := &Service{Params: Params{Time: 1, Memory: 8 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32},
		HashBudget: 8 << 20, HashWait: 50 * time.Millisecond}
	if n := s.HashSlots(); n != 1 {
		t.Fatalf("%d slots, want 1", n)
	}
	var mu sync.Mutex
	running, most := 0, 0
	release := make(chan struct{})
	started := make(chan struct{})
	go s.hashing(func() {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		close(started)
		<-release
		mu.Lock()
		running--
		mu.Unlock()
	})
	<-started
	if err := s.hashing(func() { t.Error("ran beside a running hash") }); mediation.ErrorCode(err) != mediation.EUNAVAILABLE {
		t.Errorf("a hash beyond the cap: %v, want EUNAVAILABLE", err)
	}
	done := make(chan error)
	go func() { done <- s.hashing(func() {}) }()
	time.Sleep(10 * time.Millisecond)
	close(release)
	if err := <-done; err != nil {
		t.Errorf("a hash that waited less than HashWait: %v", err)
	}
	if most != 1 {
		t.Errorf("%d hashes ran at once", most)
	}
}
