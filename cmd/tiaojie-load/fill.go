package main

import (
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"tiaojie/internal/auth"
	"tiaojie/internal/authz"
	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// harnessParams are the argon2id parameters of the accounts the harness
// makes: cheap, so that signing in is not what the load measures.
var harnessParams = auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

func paramsText(p auth.Params) string {
	return fmt.Sprintf("t=%d m=%d KiB p=%d", p.Time, p.Memory, p.Threads)
}

// account is a staff account the harness signs in with.
type account struct {
	ID       mediation.ID
	Username string
	Password string
}

// invited is a party and the invitation it enters with.
type invited struct {
	Case, Party mediation.ID
	Token       string
}

// world is what the fill made and the load needs.
type world struct {
	Mediators []account
	// Office is the street office's account; Months are the completed
	// months of the register history the fill brought in, whose statistics
	// it reads (YYYY-MM).
	Office  account
	Months  []string
	History int
	// Big is the case whose page is measured: bigPartyCount parties and
	// bigSubs submissions, bigSubs/bigPartyCount by each.
	Big        mediation.ID
	BigParties []invited
	// Lister is the party whose list of its own submissions is measured:
	// it wrote listOwn of them, in a case of its own so that its reads add
	// nothing to the big case's audit trail.
	Lister invited
	// Others are the parties of the other cases.
	Others []invited
	// Cases are the IDs of every case but Big.
	Cases []mediation.ID
}

const (
	bigPartyCount = 5
	bigSubs       = 50
	listOwn       = 20
	// specialCases are the big case and the lister's case.
	specialCases = 2
)

type fillTimes struct {
	cases, submissions time.Duration
}

// fill makes a fresh database at path through the operations, as the server
// would: the admin makes the mediators, the lead mediator opens the cases and
// adds their parties, and each party writes its own submissions, from many
// goroutines at once so that the store's group commit batches them.
func fill(path string, cfg config) (*world, fillTimes, error) {
	var times fillTimes
	// Unsynced: the fill is thrown away if it fails, and its hundreds of
	// thousands of membership changes, each committed alone, would otherwise
	// wait for a flush of the disk each. The server opens the file as usual.
	db, err := store.OpenUnsynced(path, store.Options{})
	if err != nil {
		return nil, times, err
	}
	defer db.Close()
	svc := &auth.Service{DB: db, Params: harnessParams, IdleTimeout: 12 * time.Hour, AbsoluteTimeout: 24 * time.Hour}
	admin, err := svc.CreateUser(&mediation.UserInput{Username: "admin", DisplayName: "管理员",
		Role: mediation.RoleAdmin, Password: rand.Text()}, "system")
	if err != nil {
		return nil, times, err
	}
	az, err := authz.Load(db)
	if err != nil {
		return nil, times, err
	}
	cw := casework.New(casework.Config{DB: db, Authz: az, Auth: svc, Places: mediation.DefaultPlaces()})
	asAdmin := &mediation.Request{Principal: mediation.Principal{UserID: admin.ID, Role: admin.Role}}

	w := &world{}
	for i := range cfg.mediators {
		a := account{Username: fmt.Sprintf("load.m%02d", i), Password: rand.Text()}
		u, err := cw.CreateUser(asAdmin, mediation.Given(mediation.UserInput{Username: a.Username,
			DisplayName: fmt.Sprintf("调解员 %02d", i), Role: mediation.RoleMediator, Password: a.Password}))
		if err != nil {
			return nil, times, fmt.Errorf("mediator: %w", err)
		}
		a.ID = u.ID
		w.Mediators = append(w.Mediators, a)
	}
	lead := as(w.Mediators[0].ID, mediation.RoleMediator)

	// The street office, and a year of register history (补录) for its
	// statistics, brought in as an operator does (tiaojie import ledger):
	// the cases the fill opens below are all of this month, which is not
	// yet completed and has no statistics.
	w.Office = account{Username: "load.office", Password: rand.Text()}
	u, err := cw.CreateUser(asAdmin, mediation.Given(mediation.UserInput{Username: w.Office.Username,
		DisplayName: "街道办", Role: mediation.RoleOffice, Password: w.Office.Password}))
	if err != nil {
		return nil, times, fmt.Errorf("office: %w", err)
	}
	w.Office.ID = u.ID
	zone, err := db.StatsZone()
	if err != nil {
		return nil, times, err
	}
	places := mediation.DefaultPlaces()
	history := mediation.SampleLedger(places, time.Now().In(zone))
	for _, e := range history {
		if m := e.AcceptedOn.Format("2006-01"); !slices.Contains(w.Months, m) {
			w.Months = append(w.Months, m)
		}
	}
	if _, err := db.ImportLedger("", places, history, "system"); err != nil {
		return nil, times, fmt.Errorf("register history: %w", err)
	}
	w.History = len(history)

	start := time.Now()
	// The big case: five parties, fifty submissions, every mediator assigned.
	big, err := cw.CreateCase(lead, mediation.Given(caseInput(0)))
	if err != nil {
		return nil, times, fmt.Errorf("big case: %w", err)
	}
	w.Big = big.Record.ID
	for _, m := range w.Mediators[1:] {
		if _, err := cw.AssignMediator(lead, w.Big, mediation.Given(mediation.Assignment{UserID: m.ID})); err != nil {
			return nil, times, fmt.Errorf("assign %s: %w", m.Username, err)
		}
	}
	for j := range bigPartyCount {
		p, token, err := cw.AddParty(lead, w.Big, mediation.Given(partyInput(0, j)))
		if err != nil {
			return nil, times, fmt.Errorf("big case party: %w", err)
		}
		w.BigParties = append(w.BigParties, invited{Case: w.Big, Party: p.ID, Token: token})
	}
	// The lister's case, with as many parties as the others.
	lc, err := cw.CreateCase(lead, mediation.Given(caseInput(1)))
	if err != nil {
		return nil, times, fmt.Errorf("lister's case: %w", err)
	}
	for j := range cfg.partiesPer {
		p, token, err := cw.AddParty(lead, lc.Record.ID, mediation.Given(partyInput(1, j)))
		if err != nil {
			return nil, times, fmt.Errorf("lister's case party: %w", err)
		}
		if j == 0 {
			w.Lister = invited{Case: lc.Record.ID, Party: p.ID, Token: token}
		}
	}

	// The other cases and their parties, from many goroutines; each opening
	// and each new party is a change of membership, which the operations
	// carry out one at a time.
	others := max(cfg.cases-specialCases, 0)
	w.Cases = make([]mediation.ID, others)
	parties := make([][]invited, others)
	var next atomic.Int64
	errs := make(chan error, cfg.workers)
	var wg sync.WaitGroup
	for range cfg.workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= others {
					return
				}
				v, err := cw.CreateCase(lead, mediation.Given(caseInput(i+specialCases)))
				if err != nil {
					errs <- fmt.Errorf("case %d: %w", i+specialCases, err)
					return
				}
				id := v.Record.ID
				w.Cases[i] = id
				for j := range cfg.partiesPer {
					p, token, err := cw.AddParty(lead, id, mediation.Given(partyInput(i+specialCases, j)))
					if err != nil {
						errs <- fmt.Errorf("case %d party %d: %w", i+specialCases, j, err)
						return
					}
					parties[i] = append(parties[i], invited{Case: id, Party: p.ID, Token: token})
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return nil, times, err
	default:
	}
	for _, ps := range parties {
		w.Others = append(w.Others, ps...)
	}
	times.cases = time.Since(start)

	// The submissions: fifty in the big case, ten by each party, twenty by
	// the lister, the rest spread over the other cases' parties in turn.
	start = time.Now()
	type job struct {
		who invited
		n   int
	}
	var jobs []job
	for i := range bigSubs {
		jobs = append(jobs, job{w.BigParties[i%bigPartyCount], len(jobs)})
	}
	for range listOwn {
		jobs = append(jobs, job{w.Lister, len(jobs)})
	}
	rest := max(cfg.submissions-len(jobs), 0)
	if len(w.Others) == 0 {
		rest = 0
	}
	next.Store(0)
	total := int64(len(jobs) + rest)
	for range cfg.workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= total {
					return
				}
				var j job
				if int(i) < len(jobs) {
					j = jobs[i]
				} else {
					k := int(i) - len(jobs)
					j = job{w.Others[k%len(w.Others)], int(i)}
				}
				r := &mediation.Request{Principal: mediation.Principal{PartyID: j.who.Party, CaseID: j.who.Case}}
				if _, err := cw.Submit(r, j.who.Case, mediation.Given(submissionInput(j.n))); err != nil {
					select {
					case errs <- fmt.Errorf("submission %d: %w", j.n, err):
					default:
					}
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return nil, times, err
	default:
	}
	times.submissions = time.Since(start)
	db.FlushReads()
	return w, times, nil
}

func as(id mediation.ID, role mediation.Role) *mediation.Request {
	return &mediation.Request{Principal: mediation.Principal{UserID: id, Role: role}}
}

var (
	communities = []string{"heping-li", "dongfeng", "xinhua"}
	categories  = []mediation.Category{mediation.CategoryParking, mediation.CategoryPets, mediation.CategoryNoise,
		mediation.CategoryLeakRenovation, mediation.CategoryPropertyManagement, mediation.CategoryDeveloperOwner,
		mediation.CategoryNeighbour, mediation.CategoryOther}
	sides = []mediation.Side{mediation.SideApplicant, mediation.SideRespondent, mediation.SideThirdParty}
	kinds = []mediation.SubmissionKind{mediation.SubmissionPosition, mediation.SubmissionInterests,
		mediation.SubmissionProposal, mediation.SubmissionResponse, mediation.SubmissionEvidence}
)

func caseInput(i int) mediation.CaseInput {
	return mediation.CaseInput{
		Title:     fmt.Sprintf("第 %d 号纠纷：%s社区 %d 号楼", i, communities[i%len(communities)], 1+i%40),
		Category:  categories[i%len(categories)],
		Community: communities[i%len(communities)],
		Source:    mediation.SourcePartyApplication,
		Summary:   "申请人称其购买的车位被被申请人的车辆长期占用；被申请人称该车位曾由前业主口头借给他使用。",
	}
}

func partyInput(i, j int) mediation.PartyInput {
	return mediation.PartyInput{
		Name:    fmt.Sprintf("当事人 %d-%d", i, j),
		Kind:    mediation.PartyPerson,
		Side:    sides[min(j, len(sides)-1)],
		Phone:   fmt.Sprintf("138%08d", (i*7+j)%100000000),
		Address: fmt.Sprintf("%s社区 %d 号楼 %d 单元 %d", communities[i%len(communities)], 1+i%40, 1+j, 100+i%900),
	}
}

// submissionBody is about the length of what a resident writes: some 300 bytes.
const submissionBody = "车位是我 2024 年买下的，有购买合同和产权证明。对方的车一直停在里面，我每天只能停在路边，还被贴过罚单。希望对方本周内把车挪走，并赔偿停车费用。"

func submissionInput(n int) mediation.SubmissionInput {
	return mediation.SubmissionInput{Kind: kinds[n%len(kinds)], Body: fmt.Sprintf("（%d）%s", n, submissionBody)}
}
