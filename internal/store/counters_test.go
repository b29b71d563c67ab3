package store_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

var shanghai = func() *time.Location {
	z, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return z
}()

// modelCase is what the test knows of a case from the answers of the store.
type modelCase struct {
	c    mediation.Case
	held map[mediation.ID]bool // session → held
}

// modelCounters derives the counters from the model alone, as the office's
// tables define them: a case opened in the month (Asia/Shanghai) of its
// acceptance; a closed case in the month of its close, with its outcome, its
// calendar days from acceptance to close and its held sessions.
func modelCounters(cases map[mediation.ID]*modelCase) map[string]int64 {
	out := map[string]int64{}
	for _, m := range cases {
		c := m.c
		a := c.OpenedAt.In(shanghai)
		out[fmt.Sprintf("opened %s %s %s %s", a.Format("2006-01"), c.Category, c.Community, c.Source)]++
		if c.Status != mediation.StatusClosed {
			continue
		}
		z := c.ClosedAt.In(shanghai)
		month := z.Format("2006-01")
		days := int(time.Date(z.Year(), z.Month(), z.Day(), 0, 0, 0, 0, time.UTC).Sub(
			time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
		held := 0
		for _, h := range m.held {
			if h {
				held++
			}
		}
		out[fmt.Sprintf("closed %s %s %s %s %s", month, c.Category, c.Community, c.Source, c.Outcome)]++
		out[fmt.Sprintf("days %s %s %d", month, c.Category, days)]++
		out[fmt.Sprintf("sessions %s %s %d", month, c.Category, held)]++
	}
	return out
}

func storedCounters(t *rapid.T, db *store.DB, months []string) map[string]int64 {
	cs, err := db.Counters(months)
	if err != nil {
		t.Fatalf("Counters: %v", err)
	}
	out := map[string]int64{}
	for _, c := range cs {
		var k string
		switch c.Family {
		case mediation.CountOpened:
			k = fmt.Sprintf("opened %s %s %s %s", c.Month, c.Category, c.Community, c.Source)
		case mediation.CountClosed:
			k = fmt.Sprintf("closed %s %s %s %s %s", c.Month, c.Category, c.Community, c.Source, c.Outcome)
		case mediation.CountDays:
			k = fmt.Sprintf("days %s %s %d", c.Month, c.Category, c.Value)
		case mediation.CountSessions:
			k = fmt.Sprintf("sessions %s %s %d", c.Month, c.Category, c.Value)
		}
		out[k] += c.N
	}
	return out
}

// The counters kept by every mutation equal, after any sequence of
// operations, both the counters a model derives from what the operations
// answered and the store's own rebuild from the cases (CheckCounters).
func TestCountersFollowEveryOperation(t *testing.T) {
	places := mediation.DefaultPlaces()
	iteration := 0
	rapid.Check(t, func(rt *rapid.T) {
		iteration++
		path := filepath.Join(memoryDir(t), fmt.Sprintf("counters-%d.db", iteration))
		db, err := store.Open(path, store.Options{})
		if err != nil {
			rt.Fatal(err)
		}
		defer db.Close()
		now := time.Date(2025, 12, 31, 15, 0, 0, 0, time.UTC) // midnight in Shanghai
		db.Now = func() time.Time { return now }
		m := createUser(t, db, "wang", "王调解", mediation.RoleMediator, "13900000001")
		actor := mediation.UserSubject(m.ID)
		cases := map[mediation.ID]*modelCase{}
		var ids []mediation.ID
		pick := func(rt *rapid.T) *modelCase {
			return cases[rapid.SampledFrom(ids).Draw(rt, "case")]
		}
		rt.Repeat(map[string]func(*rapid.T){
			"time passes": func(rt *rapid.T) {
				now = now.Add(time.Duration(rapid.IntRange(1, 24*40).Draw(rt, "hours")) * time.Hour)
			},
			"open a case": func(rt *rapid.T) {
				c, err := mediation.NewCase(mediation.CaseInput{Title: "案件",
					Category:  rapid.SampledFrom(mediation.Categories).Draw(rt, "category"),
					Community: rapid.SampledFrom(places.Communities).Draw(rt, "community").Code,
					Source:    rapid.SampledFrom(mediation.Sources).Draw(rt, "source")}, places, m.ID, now)
				if err != nil {
					rt.Fatal(err)
				}
				if err := db.CreateCase(c, actor); err != nil {
					rt.Fatal(err)
				}
				for _, side := range []mediation.Side{mediation.SideApplicant, mediation.SideRespondent} {
					p, err := mediation.NewParty(mediation.PartyInput{Name: "某某", Kind: mediation.PartyPerson, Side: side}, c.ID, m.ID, now)
					if err != nil {
						rt.Fatal(err)
					}
					inv := &mediation.Invitation{TokenHash: tokenHash(fmt.Sprintf("%d-%s", c.ID, side)), CreatedBy: m.ID, CreatedAt: now}
					if err := db.CreateParty(p, inv, actor); err != nil {
						rt.Fatal(err)
					}
				}
				cases[c.ID] = &modelCase{c: *c, held: map[mediation.ID]bool{}}
				ids = append(ids, c.ID)
			},
			"move a case": func(rt *rapid.T) {
				if len(ids) == 0 {
					rt.Skip("no case")
				}
				mc := pick(rt)
				next := mediation.NextStatuses(mc.c.Status)
				to := rapid.SampledFrom(next).Draw(rt, "to")
				if to == mediation.StatusAgreement {
					// Status agreement comes with an agreement in effect.
					mc.c = *recordOralAgreement(rt, db, &mc.c, m.ID, actor, now)
					return
				}
				if to == mediation.StatusClosed {
					completeFile(rt, db, mc, m.ID, actor, now)
				}
				c, err := db.TransitionCase(mc.c.ID, actor, mediation.Transition{To: to, Reason: "理由"})
				if err != nil {
					rt.Fatalf("TransitionCase %s → %s: %v", mc.c.Status, to, err)
				}
				mc.c = *c
			},
			"reclassify a case": func(rt *rapid.T) {
				if len(ids) == 0 {
					rt.Skip("no case")
				}
				mc := pick(rt)
				cat := rapid.SampledFrom(mediation.Categories).Draw(rt, "category")
				com := rapid.SampledFrom(places.Communities).Draw(rt, "community").Code
				c, err := db.UpdateCase(mc.c.ID, actor, func(c *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
					return store.CaseChange{Action: mediation.AuditCaseUpdate}, c.Apply(mediation.CasePatch{Category: &cat, Community: &com}, places, now)
				})
				if err != nil {
					rt.Fatal(err)
				}
				mc.c = *c
			},
			"hold a session": func(rt *rapid.T) {
				if len(ids) == 0 {
					rt.Skip("no case")
				}
				mc := pick(rt)
				start := now.Add(-time.Duration(rapid.IntRange(1, 500).Draw(rt, "ago")) * time.Hour)
				s := &mediation.Session{CaseID: mc.c.ID, Kind: mediation.SessionJoint, StartsAt: start,
					EndsAt: start.Add(time.Hour), Location: "院子", MediatorIDs: []mediation.ID{m.ID},
					Status:    rapid.SampledFrom([]mediation.SessionStatus{mediation.SessionHeld, mediation.SessionScheduled}).Draw(rt, "status"),
					CreatedBy: m.ID, CreatedAt: now, UpdatedAt: now}
				var booked *mediation.Booked
				switch err := db.CreateSession(s, actor); {
				case err == nil:
					mc.held[s.ID] = s.Status == mediation.SessionHeld
				case mediation.ErrorCode(err) == mediation.ECONFLICT, errors.As(err, &booked): // closed, or double booked
				default:
					rt.Fatal(err)
				}
			},
			"change a session": func(rt *rapid.T) {
				if len(ids) == 0 {
					rt.Skip("no case")
				}
				mc := pick(rt)
				if len(mc.held) == 0 {
					rt.Skip("no session")
				}
				id := rapid.SampledFrom(slices.Sorted(maps.Keys(mc.held))).Draw(rt, "session")
				to := rapid.SampledFrom(mediation.SessionStatuses).Draw(rt, "status")
				s, err := db.UpdateSession(id, actor, func(s *mediation.Session) (bool, error) {
					s.Status, s.UpdatedAt = to, now
					return false, nil
				})
				switch mediation.ErrorCode(err) {
				case "":
					mc.held[id] = s.Status == mediation.SessionHeld
				case mediation.ECONFLICT:
				default:
					rt.Fatal(err)
				}
			},
			"": func(rt *rapid.T) {
				var months []string
				for d := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC); !d.After(now.AddDate(0, 1, 0)); d = d.AddDate(0, 1, 0) {
					months = append(months, d.Format("2006-01"))
				}
				got, want := storedCounters(rt, db, months), modelCounters(cases)
				if !maps.Equal(got, want) {
					rt.Fatalf("counters\n got %v\nwant %v", got, want)
				}
				if err := db.CheckCounters(); err != nil {
					rt.Fatalf("CheckCounters: %v", err)
				}
			},
		})
	})
}

// memoryDir is a temporary directory in memory where the system has one
// (/dev/shm): the property tests commit hundreds of transactions, and what
// they test is the counters, not the disk's flushes.
func memoryDir(t *testing.T) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		dir, err := os.MkdirTemp("/dev/shm", "tiaojie-test-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

// recordOralAgreement records an oral agreement on the mediating case, which
// moves it to status agreement, and returns the case as it is then.
func recordOralAgreement(rt *rapid.T, db *store.DB, c *mediation.Case, by mediation.ID, actor string, now time.Time) *mediation.Case {
	parties, err := db.Parties(c.ID)
	if err != nil {
		rt.Fatal(err)
	}
	a, err := mediation.NewAgreement(mediation.AgreementInput{Oral: true, Terms: []mediation.AgreementTerm{{
		ObligorPartyID: parties[0].ID, Text: "移车。", Manner: "自行", Deadline: now.AddDate(0, 0, 10).Format(time.DateOnly)}}},
		c, parties, by, now, now)
	if err != nil {
		rt.Fatal(err)
	}
	if err := db.CreateAgreement(a, actor); err != nil {
		rt.Fatal(err)
	}
	moved, err := db.Case(c.ID)
	if err != nil {
		rt.Fatal(err)
	}
	return moved
}

// fileSessions makes each session completeFile holds start at its own hour,
// before any the actions hold.
var fileSessions int

// completeFile makes the case's file complete for closing from its status:
// a summary; for a mediation that ran, each party's notice and identity, a
// held session with its record, and for no agreement the reason and the
// remedies explained.
func completeFile(rt *rapid.T, db *store.DB, mc *modelCase, by mediation.ID, actor string, now time.Time) {
	summary := "双方争用车位。"
	c, err := db.UpdateCase(mc.c.ID, actor, func(c *mediation.Case, _ mediation.CaseFile) (store.CaseChange, error) {
		return store.CaseChange{Action: mediation.AuditCaseUpdate}, c.Apply(mediation.CasePatch{Summary: &summary}, mediation.DefaultPlaces(), now)
	})
	if err != nil {
		rt.Fatal(err)
	}
	mc.c = *c
	if c.Status == mediation.StatusWithdrawn {
		return
	}
	if _, err := db.UpdateDossier(c.ID, actor, func(_ *mediation.Case, parties []mediation.Party, d *mediation.Dossier) (store.FileChange, error) {
		d.Notices, d.Identities = map[mediation.ID]mediation.Mark{}, map[mediation.ID]mediation.Mark{}
		for _, p := range parties {
			d.Notices[p.ID] = mediation.Mark{At: now, By: actor, Way: "mediator"}
			d.Identities[p.ID] = mediation.Mark{At: now, By: actor, Way: "mediator", Note: "居民身份证"}
		}
		d.NoAgreement = &mediation.NoAgreementNote{Reason: "双方分歧太大。", RemediesExplained: true, At: now, By: actor}
		return store.FileChange{Action: mediation.AuditNoticeRecord, Object: "case:" + c.ID.String()}, nil
	}); err != nil {
		rt.Fatal(err)
	}
	// The mediator is in every session: the first free hour, going back
	// from well before any the actions hold.
	var s *mediation.Session
	for hours := 1000 + 2*fileSessions; ; hours += 2 {
		start := now.Add(-time.Duration(hours) * time.Hour)
		s = &mediation.Session{CaseID: c.ID, Kind: mediation.SessionJoint, StartsAt: start, EndsAt: start.Add(time.Hour),
			Location: "调解室", MediatorIDs: []mediation.ID{by}, Status: mediation.SessionHeld, CreatedBy: by, CreatedAt: now, UpdatedAt: now}
		var booked *mediation.Booked
		err := db.CreateSession(s, actor)
		if err == nil {
			break
		}
		if !errors.As(err, &booked) {
			rt.Fatal(err)
		}
	}
	fileSessions++
	mc.held[s.ID] = true
	parties, err := db.Parties(c.ID)
	if err != nil {
		rt.Fatal(err)
	}
	attendance := map[string]bool{}
	for _, p := range parties {
		attendance[p.ID.String()] = true
	}
	if _, err := db.WriteRecord(&mediation.SessionRecord{SessionID: s.ID, CaseID: c.ID, Attendance: attendance,
		Notes: "双方陈述了意见。", UpdatedBy: by, UpdatedAt: now}, actor); err != nil {
		rt.Fatal(err)
	}
}
