package store_test

import (
	"fmt"
	"sync"
	"testing"

	"tiaojie/internal/mediation"
)

// BenchmarkMembership is one read of who belongs where, what the grants are
// rebuilt from at start and, on etcd, after every membership change another
// process (or this one) commits: on a store of 1,000 cases, each with a
// mediator and two parties.
func BenchmarkMembership(b *testing.B) {
	const cases = 1000
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			chosen.Store(b.Name(), be)
			w := newWorld(b)
			var wg sync.WaitGroup
			for g := range 16 {
				wg.Go(func() {
					for i := g; i < cases; i += 16 {
						c := createCase(b, w.db, w.mediator, fmt.Sprintf("车位 %d", i), mediation.CategoryParking)
						createParty(b, w.db, c, w.mediator, fmt.Sprintf("赵明%d", i), mediation.SideApplicant, "")
						createParty(b, w.db, c, w.mediator, fmt.Sprintf("钱丽%d", i), mediation.SideRespondent, "")
					}
				})
			}
			wg.Wait()
			b.ResetTimer()
			for b.Loop() {
				m, err := w.db.Membership()
				if err != nil {
					b.Fatal(err)
				}
				if len(m.Mediators) != cases || len(m.Parties) != 2*cases {
					b.Fatalf("%d mediators, %d parties", len(m.Mediators), len(m.Parties))
				}
			}
		})
	}
}
