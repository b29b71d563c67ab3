package store

import (
	"iter"
	"slices"
	"testing"

	"tiaojie/internal/mediation"
)

// counted is ids as a sequence, counting in *read how many it gave.
func counted(read *int, ids ...mediation.ID) iter.Seq[mediation.ID] {
	return func(yield func(mediation.ID) bool) {
		for _, id := range ids {
			*read++
			if !yield(id) {
				return
			}
		}
	}
}

// merged is the union of two ascending sequences, ascending and once each,
// and reads them only as far as it is read: a party's first page of a long
// case does not walk the case.
func TestMergedIsTheUnionReadAsFarAsNeeded(t *testing.T) {
	for _, tt := range []struct{ a, b, want []mediation.ID }{
		{nil, nil, nil},
		{[]mediation.ID{1, 4, 9}, nil, []mediation.ID{1, 4, 9}},
		{nil, []mediation.ID{2, 3}, []mediation.ID{2, 3}},
		{[]mediation.ID{1, 4, 9, 12}, []mediation.ID{2, 4, 5, 12, 30}, []mediation.ID{1, 2, 4, 5, 9, 12, 30}},
		{[]mediation.ID{7}, []mediation.ID{7}, []mediation.ID{7}},
	} {
		var ra, rb int
		if got := slices.Collect(merged(counted(&ra, tt.a...), counted(&rb, tt.b...))); !slices.Equal(got, tt.want) {
			t.Errorf("merged(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	long := make([]mediation.ID, 10_000)
	for i := range long {
		long[i] = mediation.ID(2*i + 2)
	}
	var ra, rb int
	var got []mediation.ID
	for id := range merged(counted(&ra, 1, 3, 5), counted(&rb, long...)) {
		if got = append(got, id); len(got) == 4 {
			break
		}
	}
	if !slices.Equal(got, []mediation.ID{1, 2, 3, 4}) || ra > 3 || rb > 3 {
		t.Errorf("first four %v, reading %d and %d of the two: want 1 2 3 4 reading at most 3 of each", got, ra, rb)
	}
}
