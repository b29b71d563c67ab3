package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

func TestSubmissions(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		c := createCase(t, db, w.mediator, "楼上漏水", mediation.CategoryLeakRenovation)
		zhang := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "")
		li := createParty(t, db, c, w.mediator, "李四", mediation.SideRespondent, "")
		wang := createParty(t, db, c, w.mediator, "王五", mediation.SideThirdParty, "")
		other := createCase(t, db, w.mediator, "车位", mediation.CategoryParking)
		stranger := createParty(t, db, other, w.mediator, "赵六", mediation.SideApplicant, "")

		// Interleave the authors, so that each party's own IDs are not contiguous.
		var z, l []*mediation.Submission
		var everyone []mediation.ID
		for i := range 5 {
			s := createSubmission(t, db, c.ID, zhang.ID, fmt.Sprintf("张三的第 %d 份意见", i+1))
			z = append(z, s)
			everyone = append(everyone, s.ID)
			s = createSubmission(t, db, c.ID, li.ID, fmt.Sprintf("李四的第 %d 份意见", i+1))
			l = append(l, s)
			everyone = append(everyone, s.ID)
			createSubmission(t, db, other.ID, stranger.ID, "别的案子")
		}
		// 李四 releases two of its submissions; 张三 releases one.
		for _, s := range []*mediation.Submission{l[1], l[3], z[4]} {
			if _, err := db.ReleaseSubmission(s.ID, mediation.PartySubject(s.PartyID)); err != nil {
				t.Fatal(err)
			}
		}
		checkIndexes(t, db)

		for _, tc := range []struct {
			name  string
			party mediation.ID
			want  []mediation.ID
		}{
			{"Mediator", 0, everyone},
			{"PartyOwnPlusReleased", zhang.ID, []mediation.ID{z[0].ID, z[1].ID, l[1].ID, z[2].ID, z[3].ID, l[3].ID, z[4].ID}},
			{"OtherPartyOwnPlusReleased", li.ID, []mediation.ID{l[0].ID, l[1].ID, l[2].ID, l[3].ID, z[4].ID, l[4].ID}},
			{"PartyWithoutSubmissionsSeesReleased", wang.ID, []mediation.ID{l[1].ID, l[3].ID, z[4].ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, next, err := db.Submissions(store.SubmissionFilter{Case: c.ID, Author: tc.party, Released: tc.party != 0, Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(subIDs(got), tc.want) || next != 0 {
					t.Fatalf("Submissions = %v (next %d), want %v", subIDs(got), next, tc.want)
				}
				for _, s := range got {
					if s.CaseID != c.ID {
						t.Errorf("submission %d of case %d listed", s.ID, s.CaseID)
					}
					if tc.party != 0 && s.PartyID != tc.party && !s.Released {
						t.Errorf("party %d was shown submission %d: another party's, unreleased", tc.party, s.ID)
					}
					if s.Body == "" {
						t.Errorf("submission %d listed without its body", s.ID)
					}
				}
				for _, limit := range []int{1, 2, 3, 4} {
					var paged []mediation.ID
					f := store.SubmissionFilter{Case: c.ID, Author: tc.party, Released: tc.party != 0, Limit: limit}
					for pages := 0; ; pages++ {
						if pages > len(tc.want)+1 {
							t.Fatalf("limit %d: no end after %d pages", limit, pages)
						}
						page, next, err := db.Submissions(f)
						if err != nil {
							t.Fatal(err)
						}
						if len(page) > limit || (next != 0 && (len(page) != limit || next != page[len(page)-1].ID)) {
							t.Fatalf("limit %d: page %v with next cursor %d", limit, subIDs(page), next)
						}
						paged = append(paged, subIDs(page)...)
						if next == 0 {
							break
						}
						f.Cursor = next
					}
					if !slices.Equal(paged, tc.want) {
						t.Errorf("limit %d: pages = %v, want %v", limit, paged, tc.want)
					}
				}
			})
		}

		t.Run("CursorInTheMiddle", func(t *testing.T) {
			got, _, err := db.Submissions(store.SubmissionFilter{Case: c.ID, Cursor: l[2].ID, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			want := everyone[slices.Index(everyone, l[2].ID)+1:]
			if !slices.Equal(subIDs(got), want) {
				t.Errorf("after %d = %v, want %v", l[2].ID, subIDs(got), want)
			}
		})

		t.Run("Stored", func(t *testing.T) {
			got, err := db.Submission(z[2].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Body != "张三的第 3 份意见" || got.PartyID != zhang.ID || got.CaseID != c.ID || got.Released ||
				got.Kind != mediation.SubmissionPosition || !got.CreatedAt.Equal(testTime) {
				t.Errorf("Submission = %+v", got)
			}
			if _, err := db.Submission(9999); mediation.ErrorCode(err) != mediation.ENOTFOUND {
				t.Errorf("Submission(9999) error = %v, want not found", err)
			}
		})

		t.Run("ReleaseAudited", func(t *testing.T) {
			entries, _, err := db.CaseAudit(c.ID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var released []string
			for _, e := range entries {
				if e.Action == mediation.AuditSubmissionRelease {
					released = append(released, e.Actor+" "+e.Object)
				}
			}
			want := []string{
				mediation.PartySubject(li.ID) + " submission:" + l[1].ID.String(),
				mediation.PartySubject(li.ID) + " submission:" + l[3].ID.String(),
				mediation.PartySubject(zhang.ID) + " submission:" + z[4].ID.String(),
			}
			if !slices.Equal(released, want) {
				t.Errorf("release audit = %q, want %q", released, want)
			}
		})
	})
}

// TestConcurrentSubmissions sends 50 submissions at once through DB.Batch:
// each must be stored exactly once under its own ID, with a sound audit chain.
func TestConcurrentSubmissions(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		c := createCase(t, db, w.mediator, "业主与物业", mediation.CategoryPropertyManagement)
		parties := []*mediation.Party{
			createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, ""),
			createParty(t, db, c, w.mediator, "物业公司", mediation.SideRespondent, ""),
		}
		const n = 50
		subs := make([]*mediation.Submission, n)
		errs := make([]error, n)
		for i := range n {
			subs[i] = newSubmission(t, c.ID, parties[i%2].ID, fmt.Sprintf("意见 #%02d", i))
		}
		var start, wg sync.WaitGroup
		start.Add(1)
		for i := range n {
			wg.Go(func() {
				start.Wait()
				errs[i] = db.CreateSubmission(subs[i], mediation.PartySubject(subs[i].PartyID))
			})
		}
		start.Done()
		wg.Wait()

		seen := map[mediation.ID]int{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("submission %d: %v", i, err)
			}
			if subs[i].ID == 0 {
				t.Fatalf("submission %d: no ID set", i)
			}
			if j, dup := seen[subs[i].ID]; dup {
				t.Fatalf("submissions %d and %d both got ID %d", j, i, subs[i].ID)
			}
			seen[subs[i].ID] = i
		}
		got, _, err := db.Submissions(store.SubmissionFilter{Case: c.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != n {
			t.Fatalf("%d submissions stored, want %d", len(got), n)
		}
		bodies := map[string]int{}
		for _, s := range got {
			i, ok := seen[s.ID]
			if !ok {
				t.Fatalf("stored submission %d was not returned to any caller", s.ID)
			}
			if s.Body != subs[i].Body || s.PartyID != subs[i].PartyID {
				t.Errorf("submission %d = %q by %d, want %q by %d", s.ID, s.Body, s.PartyID, subs[i].Body, subs[i].PartyID)
			}
			bodies[s.Body]++
		}
		for _, s := range subs {
			if bodies[s.Body] != 1 {
				t.Errorf("%q stored %d times, want once", s.Body, bodies[s.Body])
			}
		}
		var created int
		for _, a := range actions(t, db, c.ID) {
			if a == mediation.AuditSubmissionCreate {
				created++
			}
		}
		if created != n {
			t.Errorf("%d submission.create audit entries, want %d", created, n)
		}
		checkIndexes(t, db)
		if _, err := db.VerifyAudit(nil); err != nil {
			t.Errorf("VerifyAudit: %v", err)
		}
	})
}

// A party that wrote a submission (entered for it by a mediator, before it
// ever entered itself) stays on its case, and so does everything of it; a
// party of the same case that wrote nothing can be taken off.
func TestPartyWithASubmissionStays(t *testing.T) {
	db := MustOpenDB(t)
	m := createUser(t, db, "limediator", "李调解", mediation.RoleMediator, "")
	c := createCase(t, db, m, "楼上漏水", mediation.CategoryLeakRenovation)
	wrote := createParty(t, db, c, m, "赵明", mediation.SideApplicant, "")
	other := createParty(t, db, c, m, "钱芳", mediation.SideRespondent, "")
	s := newSubmission(t, c.ID, wrote.ID, "天花板发霉，要求修好防水。")
	if err := db.CreateSubmission(s, mediation.UserSubject(m.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RemoveParty(c.ID, wrote.ID, "重复", testTime, mediation.UserSubject(m.ID)); mediation.ErrorCode(err) != mediation.ECONFLICT {
		t.Fatalf("removing the party that wrote a submission: %v, want ECONFLICT", err)
	}
	if p, err := db.Party(wrote.ID); err != nil || p.Name != "赵明" {
		t.Errorf("the party after the refused removal: %+v, %v", p, err)
	}
	if _, err := db.RemoveParty(c.ID, other.ID, "重复", testTime, mediation.UserSubject(m.ID)); err != nil {
		t.Errorf("removing the party that wrote nothing: %v", err)
	}
	checkIndexes(t, db)
}
