package store_test

import (
	"slices"
	"testing"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// TestMutationsKeepIndexesAndAudit runs every kind of mutation in turn and
// checks after each one that the indexes agree with the records and that the
// case's audit trail grew by the expected action.
func TestMutationsKeepIndexesAndAudit(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		m := mediation.UserSubject(w.mediator.ID)
		var want []string
		step := func(name string, action ...string) {
			t.Helper()
			want = append(want, action...)
			checkIndexes(t, db)
			if t.Failed() {
				t.Fatalf("after %s", name)
			}
		}

		c := createCase(t, db, w.mediator, "楼上漏水", mediation.CategoryLeakRenovation)
		other := createCase(t, db, w.mediator2, "广场舞噪音", mediation.CategoryNoise)
		if c.ID == 0 || c.Reference != mediation.CaseReference(c.ID, testTime) {
			t.Fatalf("CreateCase set ID %d, reference %q", c.ID, c.Reference)
		}
		step("CreateCase", mediation.AuditCaseCreate)

		applicant := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "13800138000")
		step("CreateParty applicant", mediation.AuditPartyCreate, mediation.AuditInvitationCreate)
		respondent := createParty(t, db, c, w.mediator, "李四", mediation.SideRespondent, "")
		step("CreateParty respondent", mediation.AuditPartyCreate, mediation.AuditInvitationCreate)
		createParty(t, db, other, w.mediator2, "王五", mediation.SideApplicant, "")
		step("CreateParty in another case")

		s1 := createSubmission(t, db, c.ID, applicant.ID, "我家天花板每天滴水。")
		step("CreateSubmission", mediation.AuditSubmissionCreate)
		s2 := createSubmission(t, db, c.ID, respondent.ID, "我家没有漏水。")
		step("CreateSubmission by the respondent", mediation.AuditSubmissionCreate)
		fix := newSubmission(t, c.ID, applicant.ID, "更正：每天滴水两次。")
		fix.Supersedes = s1.ID
		fix.EnteredBy = w.mediator.ID
		if err := db.CreateSubmission(fix, m); err != nil {
			t.Fatal(err)
		}
		step("CreateSubmission superseding", mediation.AuditSubmissionCreate)

		rel, err := db.ReleaseSubmission(s2.ID, mediation.PartySubject(respondent.ID))
		if err != nil || !rel.Released || rel.ReleasedAt == nil {
			t.Fatalf("ReleaseSubmission = %+v, %v", rel, err)
		}
		step("ReleaseSubmission", mediation.AuditSubmissionRelease)
		if again, err := db.ReleaseSubmission(s2.ID, mediation.PartySubject(respondent.ID)); err != nil || !again.ReleasedAt.Equal(*rel.ReleasedAt) {
			t.Fatalf("second ReleaseSubmission = %+v, %v", again, err)
		}
		step("ReleaseSubmission again (no change)")

		title := "楼上卫生间漏水"
		updated, err := db.UpdateCase(c.ID, m, func(cs *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
			if err := cs.Apply(mediation.CasePatch{Title: &title}, mediation.DefaultPlaces(), testTime); err != nil {
				return store.CaseChange{}, err
			}
			return store.CaseChange{Action: mediation.AuditCaseUpdate, Detail: map[string]string{"fields": "title"}}, nil
		})
		if err != nil || updated.Title != title {
			t.Fatalf("UpdateCase = %+v, %v", updated, err)
		}
		step("UpdateCase", mediation.AuditCaseUpdate)
		if _, err := db.UpdateCase(c.ID, m, func(*mediation.Case, mediation.CaseFile) (store.CaseChange, error) {
			return store.CaseChange{}, nil
		}); err != nil {
			t.Fatal(err)
		}
		step("UpdateCase without an action (no change)")

		var file mediation.CaseFile
		db.UpdateCase(c.ID, m, func(_ *mediation.Case, f mediation.CaseFile) (store.CaseChange, error) {
			file = f
			return store.CaseChange{}, nil
		})
		if len(file.Parties) != 2 || file.Parties[0].Side != mediation.SideApplicant || file.Parties[1].Side != mediation.SideRespondent {
			t.Errorf("UpdateCase passed case file %+v, want one applicant and one respondent", file)
		}

		transition(t, db, c.ID, mediation.StatusMediating, "")
		step("TransitionCase to mediating", mediation.AuditCaseTransition)

		a, err := db.AssignMediator(c.ID, w.mediator2.ID, m)
		if err != nil || !slices.Equal(a.Mediators, []mediation.ID{w.mediator.ID, w.mediator2.ID}) {
			t.Fatalf("AssignMediator = %+v, %v", a, err)
		}
		step("AssignMediator", mediation.AuditMediatorAssign)
		if _, err := db.AssignMediator(c.ID, w.mediator2.ID, m); err != nil {
			t.Fatal(err)
		}
		step("AssignMediator again (no change)")

		r, err := db.RemoveMediator(c.ID, w.mediator.ID, "u:3", "当事人申请回避")
		if err != nil || !slices.Equal(r.Mediators, []mediation.ID{w.mediator2.ID}) {
			t.Fatalf("RemoveMediator = %+v, %v", r, err)
		}
		step("RemoveMediator", mediation.AuditMediatorRemove)

		if err := db.IssueInvitation(newInvitation("second-token", w.mediator2.ID), "u:2"); err == nil {
			t.Fatal("IssueInvitation without a party succeeded")
		}
		inv := newInvitation("second-token", w.mediator2.ID)
		inv.PartyID = applicant.ID
		if err := db.IssueInvitation(inv, mediation.UserSubject(w.mediator2.ID)); err != nil {
			t.Fatal(err)
		}
		step("IssueInvitation", mediation.AuditInvitationCreate)

		// Withdrawn: a closing that needs the registration alone.
		transition(t, db, c.ID, mediation.StatusWithdrawn, "申请人撤回")
		step("TransitionCase to withdrawn", mediation.AuditCaseTransition)
		closed := transition(t, db, c.ID, mediation.StatusClosed, "")
		if closed.ClosedAt == nil {
			t.Error("closed case has no ClosedAt")
		}
		step("TransitionCase to closed", mediation.AuditCaseTransition)
		transition(t, db, c.ID, mediation.StatusMediating, "当事人反悔，重新调解")
		step("TransitionCase reopening", mediation.AuditCaseTransition)

		// Status agreement comes only with an agreement in effect: signed by
		// every party and a mediator, the case moves in the same transaction.
		if _, err := db.TransitionCase(c.ID, m, mediation.Transition{To: mediation.StatusAgreement}); mediation.ErrorCode(err) != mediation.ECONFLICT {
			t.Fatalf("TransitionCase to agreement without one = %v, want ECONFLICT", err)
		}
		cs, err := db.Case(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		ag := signedAgreement(t, db, cs, w.mediator2, applicant, respondent)
		step("Agreement drafted, proposed and signed by all", mediation.AuditAgreementCreate, "agreement.test",
			"agreement.test", "agreement.test", "agreement.test", mediation.AuditAgreementEffect, mediation.AuditCaseTransition)
		if err := db.CreateVisit(&mediation.Visit{CaseID: c.ID, AgreementID: ag.ID, PartyID: applicant.ID, VisitedOn: "2026-03-20",
			Terms: []mediation.VisitTerm{{TermIndex: 0, Performance: mediation.Performed}}, Satisfaction: 5, CreatedAt: testTime}, m); err != nil {
			t.Fatal(err)
		}
		step("CreateVisit", mediation.AuditVisitCreate)

		wantActions(t, db, c.ID, want...)
		wantActions(t, db, other.ID, mediation.AuditCaseCreate, mediation.AuditPartyCreate, mediation.AuditInvitationCreate)

		entries, _, err := db.CaseAudit(c.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range entries {
			if e.CaseID != c.ID || e.Seq == 0 || (i > 0 && e.Seq <= entries[i-1].Seq) {
				t.Errorf("audit entry %d = %+v: wrong case or out of order", i, e)
			}
		}
		// The reopening, before the agreement's entries.
		var last mediation.AuditEntry
		for _, e := range entries {
			if e.Action == mediation.AuditCaseTransition && e.Detail["from"] == "closed" {
				last = e
			}
		}
		if last.Detail["from"] != "closed" || last.Detail["to"] != "mediating" || last.Detail["reason"] != "当事人反悔，重新调解" {
			t.Errorf("transition audit detail = %v", last.Detail)
		}
		// Paging through the audit trail gives the same entries.
		var paged []mediation.AuditEntry
		for cursor := uint64(0); ; {
			page, next, err := db.CaseAudit(c.ID, cursor, 4)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, page...)
			if next == 0 {
				break
			}
			cursor = next
		}
		if len(paged) != len(entries) {
			t.Errorf("paged audit has %d entries, want %d", len(paged), len(entries))
		}
	})
}

// TestFailedMutationChangesNothing checks that a mutation that fails leaves
// the file byte for byte as it was.
func TestFailedMutationChangesNothing(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		m := mediation.UserSubject(w.mediator.ID)
		open := createCase(t, db, w.mediator, "车位纠纷", mediation.CategoryParking)
		p1 := createParty(t, db, open, w.mediator, "张三", mediation.SideApplicant, "13800138000")
		p2 := createParty(t, db, open, w.mediator, "李四", mediation.SideRespondent, "13800138001")
		s1 := createSubmission(t, db, open.ID, p1.ID, "车位是我买的。")
		closed := createCase(t, db, w.mediator, "宠物扰民", mediation.CategoryPets)
		pc1 := createParty(t, db, closed, w.mediator, "王五", mediation.SideApplicant, "")
		createParty(t, db, closed, w.mediator, "赵六", mediation.SideRespondent, "")
		transition(t, db, closed.ID, mediation.StatusWithdrawn, "申请人撤回")
		transition(t, db, closed.ID, mediation.StatusClosed, "")
		withdrawn := createCase(t, db, w.mediator, "装修噪音", mediation.CategoryNoise)
		pw := createParty(t, db, withdrawn, w.mediator, "孙七", mediation.SideApplicant, "")
		transition(t, db, withdrawn.ID, mediation.StatusWithdrawn, "申请人撤回")
		// A mediator who is the same person as a party of the open case.
		zhang := createUser(t, db, "zhangsan", "张三", mediation.RoleMediator, "")

		for _, tc := range []struct {
			name   string
			code   string
			field  string
			mutate func(t *testing.T) error
		}{
			{"UpdateCaseDomainError", mediation.EINVALID, "community", func(t *testing.T) error {
				title, unknown := "新标题", "no-such-community"
				_, err := db.UpdateCase(open.ID, m, func(c *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
					if err := c.Apply(mediation.CasePatch{Title: &title, Community: &unknown}, mediation.DefaultPlaces(), testTime); err != nil {
						return store.CaseChange{}, err
					}
					return store.CaseChange{Action: mediation.AuditCaseUpdate}, nil
				})
				return err
			}},
			{"UpdateCaseChangedThenFailed", mediation.ECONFLICT, "", func(t *testing.T) error {
				_, err := db.UpdateCase(open.ID, m, func(c *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
					c.Title = "改了一半"
					c.Status = mediation.StatusClosed
					c.Mediators = append(c.Mediators, w.mediator2.ID)
					return store.CaseChange{Action: mediation.AuditCaseUpdate}, mediation.Errorf(mediation.ECONFLICT, "error.test")
				})
				return err
			}},
			{"UpdateCaseNotFound", mediation.ENOTFOUND, "", func(t *testing.T) error {
				_, err := db.UpdateCase(9999, m, func(*mediation.Case, mediation.CaseFile) (store.CaseChange, error) {
					return store.CaseChange{Action: mediation.AuditCaseUpdate}, nil
				})
				return err
			}},
			{"TransitionIllegal", mediation.ECONFLICT, "", func(t *testing.T) error {
				_, err := db.TransitionCase(open.ID, m, mediation.Transition{To: mediation.StatusClosed})
				return err
			}},
			{"TransitionWithoutReason", mediation.EINVALID, "reason", func(t *testing.T) error {
				_, err := db.TransitionCase(open.ID, m, mediation.Transition{To: mediation.StatusWithdrawn})
				return err
			}},
			{"AssignMediatorConflictOfInterest", mediation.ECONFLICT, "", func(t *testing.T) error {
				_, err := db.AssignMediator(open.ID, zhang.ID, m)
				return err
			}},
			{"AssignMediatorNotAMediator", mediation.EINVALID, "user_id", func(t *testing.T) error {
				_, err := db.AssignMediator(open.ID, w.office.ID, m)
				return err
			}},
			{"AssignMediatorUnknownUser", mediation.EINVALID, "user_id", func(t *testing.T) error {
				_, err := db.AssignMediator(open.ID, 9999, m)
				return err
			}},
			{"CreatePartyConflictOfInterestByName", mediation.ECONFLICT, "", func(t *testing.T) error {
				p := newParty(t, open.ID, w.mediator.ID, "王调解", mediation.SideThirdParty, "")
				return db.CreateParty(p, newInvitation("conflict-name", w.mediator.ID), m)
			}},
			{"CreatePartyConflictOfInterestByPhone", mediation.ECONFLICT, "", func(t *testing.T) error {
				p := newParty(t, open.ID, w.mediator.ID, "王先生", mediation.SideThirdParty, "+86 139 0000 0001")
				return db.CreateParty(p, newInvitation("conflict-phone", w.mediator.ID), m)
			}},
			{"CreatePartyNoCase", mediation.ENOTFOUND, "", func(t *testing.T) error {
				p := newParty(t, 9999, w.mediator.ID, "王先生", mediation.SideThirdParty, "")
				return db.CreateParty(p, newInvitation("no-case", w.mediator.ID), m)
			}},
			{"RemoveLastMediator", mediation.ECONFLICT, "", func(t *testing.T) error {
				_, err := db.RemoveMediator(open.ID, w.mediator.ID, m, "回避")
				return err
			}},
			{"RemoveUnassignedMediator", mediation.ENOTFOUND, "", func(t *testing.T) error {
				_, err := db.RemoveMediator(open.ID, w.mediator2.ID, m, "回避")
				return err
			}},
			{"SubmissionInClosedCase", mediation.ECONFLICT, "", func(t *testing.T) error {
				return db.CreateSubmission(newSubmission(t, closed.ID, pc1.ID, "还有话说。"), "p:1")
			}},
			{"SubmissionInWithdrawnCase", mediation.ECONFLICT, "", func(t *testing.T) error {
				return db.CreateSubmission(newSubmission(t, withdrawn.ID, pw.ID, "还有话说。"), "p:1")
			}},
			{"SupersedesAnotherPartysSubmission", mediation.EINVALID, "supersedes", func(t *testing.T) error {
				s := newSubmission(t, open.ID, p2.ID, "改一下对方的说法。")
				s.Supersedes = s1.ID
				return db.CreateSubmission(s, mediation.PartySubject(p2.ID))
			}},
			{"SupersedesUnknownSubmission", mediation.EINVALID, "supersedes", func(t *testing.T) error {
				s := newSubmission(t, open.ID, p1.ID, "更正。")
				s.Supersedes = 9999
				return db.CreateSubmission(s, mediation.PartySubject(p1.ID))
			}},
			{"AuthorOfAnotherCase", mediation.EINVALID, "party_id", func(t *testing.T) error {
				return db.CreateSubmission(newSubmission(t, open.ID, pc1.ID, "我不是这个案子的。"), mediation.PartySubject(pc1.ID))
			}},
			{"AuthorUnknown", mediation.EINVALID, "party_id", func(t *testing.T) error {
				return db.CreateSubmission(newSubmission(t, open.ID, 9999, "我是谁？"), "p:9999")
			}},
			{"ReleaseUnknownSubmission", mediation.ENOTFOUND, "", func(t *testing.T) error {
				_, err := db.ReleaseSubmission(9999, "p:1")
				return err
			}},
			{"IssueInvitationUnknownParty", mediation.ENOTFOUND, "", func(t *testing.T) error {
				inv := newInvitation("nobody", w.mediator.ID)
				inv.PartyID = 9999
				return db.IssueInvitation(inv, m)
			}},
			{"CreateCaseByNonMediator", mediation.EINVALID, "user_id", func(t *testing.T) error {
				return db.CreateCase(newCase(t, w.office.ID, "统计员开案", mediation.CategoryOther), "u:3")
			}},
			{"CreateUserTaken", mediation.ECONFLICT, "username", func(t *testing.T) error {
				u, _ := mediation.NewUser(&mediation.UserInput{Username: "wang", DisplayName: "另一个王",
					Role: mediation.RoleMediator, Password: "long enough"}, testTime)
				return db.CreateUser(u, "system")
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := fingerprint(t, db)
				err := tc.mutate(t)
				e := wantCode(t, err, tc.code)
				if tc.field != "" {
					if _, ok := e.Fields[tc.field]; !ok {
						t.Errorf("error fields = %v, want one for %q", e.Fields, tc.field)
					}
				}
				sameFingerprint(t, before, fingerprint(t, db))
			})
		}
		checkIndexes(t, db)
	})
}

func TestCasesPagination(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		// A mediator with a smaller ID than w.mediator, and one with a larger ID,
		// so that each mediator's range of the index has neighbours on both sides.
		m3 := createUser(t, db, "sun", "孙调解", mediation.RoleMediator, "")
		cats := []mediation.Category{mediation.CategoryParking, mediation.CategoryPets, mediation.CategoryNoise}
		var mine, all []mediation.ID // in creation order
		for i := range 14 {
			by := w.mediator
			if i%3 == 2 {
				by = m3
			}
			if i%5 == 4 {
				by = w.mediator2
			}
			c := createCase(t, db, by, "案件", cats[i%len(cats)])
			all = append(all, c.ID)
			if by == w.mediator {
				mine = append(mine, c.ID)
			}
		}
		// Some cases move on, so that every status range has neighbours.
		statusOf := map[mediation.ID]mediation.Status{}
		for _, id := range all {
			statusOf[id] = mediation.StatusIntake
		}
		for i, id := range all {
			switch i % 4 {
			case 1, 2:
				transition(t, db, id, mediation.StatusMediating, "")
				statusOf[id] = mediation.StatusMediating
			case 3:
				transition(t, db, id, mediation.StatusWithdrawn, "撤回")
				statusOf[id] = mediation.StatusWithdrawn
			}
		}
		checkIndexes(t, db)

		newestFirst := func(ids []mediation.ID, keep func(mediation.ID) bool) []mediation.ID {
			out := []mediation.ID{}
			for _, id := range slices.Backward(ids) {
				if keep == nil || keep(id) {
					out = append(out, id)
				}
			}
			return out
		}
		categoryOf := func(id mediation.ID) mediation.Category {
			return cats[slices.Index(all, id)%len(cats)]
		}

		for _, tc := range []struct {
			name   string
			filter store.CaseFilter
			want   []mediation.ID
		}{
			{"Mediator", store.CaseFilter{Mediator: w.mediator.ID}, newestFirst(mine, nil)},
			{"OtherMediator", store.CaseFilter{Mediator: m3.ID}, newestFirst(all, func(id mediation.ID) bool {
				i := slices.Index(all, id)
				return i%3 == 2 && i%5 != 4
			})},
			{"MediatorWithoutCases", store.CaseFilter{Mediator: w.office.ID}, []mediation.ID{}},
			{"All", store.CaseFilter{All: true}, newestFirst(all, nil)},
			{"StatusIntake", store.CaseFilter{All: true, Status: mediation.StatusIntake},
				newestFirst(all, func(id mediation.ID) bool { return statusOf[id] == mediation.StatusIntake })},
			{"StatusMediating", store.CaseFilter{All: true, Status: mediation.StatusMediating},
				newestFirst(all, func(id mediation.ID) bool { return statusOf[id] == mediation.StatusMediating })},
			{"StatusWithdrawn", store.CaseFilter{All: true, Status: mediation.StatusWithdrawn},
				newestFirst(all, func(id mediation.ID) bool { return statusOf[id] == mediation.StatusWithdrawn })},
			{"StatusClosedEmpty", store.CaseFilter{All: true, Status: mediation.StatusClosed}, []mediation.ID{}},
			{"MediatorAndStatus", store.CaseFilter{Mediator: w.mediator.ID, Status: mediation.StatusMediating},
				newestFirst(mine, func(id mediation.ID) bool { return statusOf[id] == mediation.StatusMediating })},
			{"Category", store.CaseFilter{All: true, Category: mediation.CategoryPets},
				newestFirst(all, func(id mediation.ID) bool { return categoryOf(id) == mediation.CategoryPets })},
			{"MediatorAndCategory", store.CaseFilter{Mediator: w.mediator.ID, Category: mediation.CategoryParking},
				newestFirst(mine, func(id mediation.ID) bool { return categoryOf(id) == mediation.CategoryParking })},
			{"StatusAndCategory", store.CaseFilter{All: true, Status: mediation.StatusIntake, Category: mediation.CategoryNoise},
				newestFirst(all, func(id mediation.ID) bool {
					return statusOf[id] == mediation.StatusIntake && categoryOf(id) == mediation.CategoryNoise
				})},
			{"OneCase", store.CaseFilter{Case: all[3]}, []mediation.ID{all[3]}},
			{"OneCaseFilteredOut", store.CaseFilter{Case: all[3], Status: mediation.StatusIntake}, []mediation.ID{}},
			{"NoSelector", store.CaseFilter{}, []mediation.ID{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f := tc.filter
				f.Limit = 1 << 20
				got, next, err := db.Cases(f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(caseIDs(got), tc.want) || next != 0 {
					t.Fatalf("one page = %v (next %d), want %v (next 0)", caseIDs(got), next, tc.want)
				}
				for _, c := range got {
					if (f.Status != "" && c.Status != f.Status) || (f.Category != "" && c.Category != f.Category) ||
						(f.Mediator != 0 && !c.HasMediator(f.Mediator)) {
						t.Errorf("case %d (%s, %s, %v) does not match the filter", c.ID, c.Status, c.Category, c.Mediators)
					}
				}
				for _, limit := range []int{1, 2, 3, len(tc.want)} {
					if limit == 0 {
						continue
					}
					var paged []mediation.ID
					f := tc.filter
					f.Limit = limit
					for pages := 0; ; pages++ {
						if pages > len(tc.want)+1 {
							t.Fatalf("limit %d: no end after %d pages", limit, pages)
						}
						page, next, err := db.Cases(f)
						if err != nil {
							t.Fatal(err)
						}
						if len(page) > limit {
							t.Fatalf("limit %d: page of %d", limit, len(page))
						}
						if next != 0 && (len(page) != limit || next != page[len(page)-1].ID) {
							t.Fatalf("limit %d: page %v with next cursor %d", limit, caseIDs(page), next)
						}
						paged = append(paged, caseIDs(page)...)
						if next == 0 {
							break
						}
						f.Cursor = next
					}
					if !slices.Equal(nonNilIDs(paged), tc.want) {
						t.Errorf("limit %d: pages = %v, want %v", limit, paged, tc.want)
					}
				}
			})
		}
	})
}
