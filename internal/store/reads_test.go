package store_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// A Reader answers what the database's own reads answer, in one
// transaction, with bytes that stay valid after it ends.
func TestReaderAnswersAsTheDB(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		c := createCase(t, db, w.mediator, "楼上漏水", mediation.CategoryLeakRenovation)
		zhang := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "")
		li := createParty(t, db, c, w.mediator, "李四", mediation.SideRespondent, "")
		var subs []*mediation.Submission
		for i := range 6 {
			subs = append(subs, createSubmission(t, db, c.ID, zhang.ID, fmt.Sprintf("张三的第 %d 份意见", i+1)),
				createSubmission(t, db, c.ID, li.ID, fmt.Sprintf("李四的第 %d 份意见", i+1)))
		}
		if _, err := db.ReleaseSubmission(subs[3].ID, mediation.PartySubject(li.ID)); err != nil {
			t.Fatal(err)
		}
		// What each filter selects, by the definition: every submission of
		// the case, the author's own, the released ones, or both.
		selects := func(f store.SubmissionFilter, s *mediation.Submission) bool {
			switch {
			case s.CaseID != f.Case:
				return false
			case f.Author == 0 && !f.Released:
				return true
			}
			return f.Author != 0 && s.PartyID == f.Author || f.Released && s.Released
		}
		filters := []store.SubmissionFilter{{Case: c.ID}, {Case: c.ID, Author: zhang.ID}, {Case: c.ID, Released: true},
			{Case: c.ID, Author: zhang.ID, Released: true}, {Case: c.ID + 100}}
		for _, f := range filters {
			for _, lim := range []int{0, 1, 3, 50} {
				for _, cursor := range []mediation.ID{0, subs[2].ID} {
					f.Limit, f.Cursor = lim, cursor
					var want []mediation.ID
					for _, s := range subs {
						s, err := db.Submission(s.ID)
						if err != nil {
							t.Fatal(err)
						}
						if s.ID > cursor && selects(f, s) {
							want = append(want, s.ID)
						}
					}
					wantNext := mediation.ID(0)
					if n := max(lim, 1); len(want) > n {
						want, wantNext = want[:n], want[n-1]
					}
					var raws [][]byte
					var ids []mediation.ID
					var next mediation.ID
					if err := db.Read(func(r *store.Reader) (err error) {
						raws, ids, next, err = r.SubmissionsJSON(f)
						return err
					}); err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(ids, want) || next != wantNext || len(raws) != len(ids) {
						t.Fatalf("%+v: Reader %v next %d, want %v next %d", f, ids, next, want, wantNext)
					}
					// Read after the transaction ended: copies, each its own,
					// of the stored record.
					for i, raw := range raws {
						var got mediation.Submission
						if err := json.Unmarshal(raw, &got); err != nil {
							t.Fatal(err)
						}
						stored, err := db.Submission(ids[i])
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(&got, stored) {
							t.Fatalf("%+v: item %d is %+v, stored %+v", f, i, got, stored)
						}
					}
					if len(raws) > 1 {
						before := bytes.Clone(raws[1])
						raws[0] = append(raws[0], "xx"...)
						if !bytes.Equal(raws[1], before) {
							t.Fatalf("%+v: appending to one item changed the next", f)
						}
					}
				}
			}
		}
		if err := db.Read(func(r *store.Reader) error {
			if !r.CaseExists(c.ID) || r.CaseExists(c.ID+100) || r.CaseExists(0) {
				t.Errorf("CaseExists: %v for the case, %v for an absent one, %v for none",
					r.CaseExists(c.ID), r.CaseExists(c.ID+100), r.CaseExists(0))
			}
			got, err := r.Case(c.ID)
			if err != nil || got.Title != c.Title {
				t.Errorf("Case = %+v, %v", got, err)
			}
			if _, err := r.Case(c.ID + 100); mediation.ErrorCode(err) != mediation.ENOTFOUND {
				t.Errorf("an absent case: %v", err)
			}
			s, err := r.Submission(subs[3].ID)
			if err != nil || !s.Released || s.Body != subs[3].Body {
				t.Errorf("Submission = %+v, %v", s, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}
