//go:build linux

package clustertest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// TestTwoServersOnACluster runs two tiaojie processes on one 3-member etcd
// cluster, as two machines behind a load balancer: what one writes the other
// serves, a sign-in ended through one ends on the other (in milliseconds), and
// 16 clients writing through both while the cluster's leader is killed and
// restarted (twice), then paused, lose nothing and duplicate nothing.
func TestTwoServersOnACluster(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds the binary, runs a 3-member cluster, kills its leader twice and pauses it once")
	}
	dir := t.TempDir()
	built := make(chan string, 1)
	go func() { built <- buildTiaojieQuiet(dir) }()
	cluster := etcdtest.NewCluster(t, 3)
	t.Logf("the 3-member cluster started in %s", cluster.Started.Round(time.Millisecond))
	bin := <-built
	if bin == "" {
		bin = buildTiaojie(t, dir) // fails with the build's output
	}
	storeFlags := []string{"--store", "etcd", "--etcd-endpoints", strings.Join(cluster.Endpoints, ",")}
	api := func(s *server, path string) string { return s.base + "/api/v1" + path }

	// The first server makes the admin at its first start; the admin makes
	// a mediator through it before the second starts, so that the
	// writers below need nothing of either server but its own.
	a := startServer(t, bin, "a", storeFlags)
	admin := newPerson()
	admin.must(t, "POST", api(a, "/login"), map[string]string{"username": "admin", "password": adminPassword}, nil)
	admin.must(t, "POST", api(a, "/users"), map[string]string{"username": "wang.fang", "display_name": "王芳",
		"role": "mediator", "password": "mediator-password-1"}, nil)
	b := startServer(t, bin, "b", storeFlags)
	servers := []*server{a, b}

	// The mediator signed in through each, and a case made through each.
	type caseOn struct {
		mediator *person
		id       string
	}
	cases := make([]caseOn, 2)
	for i, s := range servers {
		cases[i].mediator = newPerson()
		cases[i].mediator.must(t, "POST", api(s, "/login"), map[string]string{"username": "wang.fang", "password": "mediator-password-1"}, nil)
		var cs struct {
			ID string `json:"id"`
		}
		cases[i].mediator.must(t, "POST", api(s, "/cases"), map[string]string{"title": "经 " + s.name + " 立的案件",
			"category": "noise", "community": "dongfeng", "source": "party_application"}, &cs)
		cases[i].id = cs.ID
	}

	// addParty adds a party to the case made through servers[on], through
	// that server, and signs it in through in.
	type party struct {
		*person
		id, token string
	}
	addParty := func(t *testing.T, on int, in *server, name, side string) party {
		t.Helper()
		var p struct {
			ID         string `json:"id"`
			Invitation struct {
				Token string `json:"token"`
			} `json:"invitation"`
		}
		cases[on].mediator.must(t, "POST", api(servers[on], "/cases/"+cases[on].id+"/parties"),
			map[string]string{"name": name, "kind": "person", "side": side}, &p)
		pp := party{person: newPerson(), id: p.ID, token: p.Invitation.Token}
		pp.must(t, "POST", api(in, "/access"), map[string]string{"token": p.Invitation.Token, "pin": "246810"}, nil)
		return pp
	}

	t.Run("a case made through one is read through the other", func(t *testing.T) {
		var read struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		cases[1].mediator.must(t, "GET", api(b, "/cases/"+cases[0].id), nil, &read)
		if read.ID != cases[0].id || read.Title != "经 a 立的案件" {
			t.Fatalf("the case made through a, read through b: %+v", read)
		}
	})

	t.Run("a staff account made through one signs in through the other", func(t *testing.T) {
		admin.must(t, "POST", api(a, "/users"), map[string]string{"username": "li.na", "display_name": "李娜",
			"role": "mediator", "password": "mediator-password-2"}, nil)
		there := newPerson()
		there.must(t, "POST", api(b, "/login"), map[string]string{"username": "li.na", "password": "mediator-password-2"}, nil)
		var me struct {
			User struct {
				Username string `json:"username"`
			} `json:"user"`
		}
		there.must(t, "GET", api(b, "/me"), nil, &me)
		if me.User.Username != "li.na" {
			t.Fatalf("signed in through b as %+v", me)
		}
	})

	t.Run("a party signed in through one is served by the other", func(t *testing.T) {
		p := addParty(t, 0, a, "赵明", "applicant")
		var read struct {
			ID string `json:"id"`
		}
		p.must(t, "GET", api(b, "/cases/"+cases[0].id), nil, &read)
		var sub struct {
			ID string `json:"id"`
		}
		p.must(t, "POST", api(b, "/cases/"+cases[0].id+"/submissions"), map[string]string{"kind": "position", "body": "经 b 提交"}, &sub)
		var got struct {
			Body string `json:"body"`
		}
		p.must(t, "GET", api(a, "/cases/"+cases[0].id+"/submissions/"+sub.ID), nil, &got)
		if read.ID != cases[0].id || got.Body != "经 b 提交" {
			t.Fatalf("the party through b read case %q, through a its submission %q", read.ID, got.Body)
		}
	})

	t.Run("a re-issued invitation through one ends the old sign-in on the other", func(t *testing.T) {
		// A party of the case made through a signs in through a and is
		// served there; the mediator re-issues its invitation through b.
		p := addParty(t, 0, a, "钱红", "respondent")
		caseURL := api(a, "/cases/"+cases[0].id)
		if status := p.status(t, caseURL); status != http.StatusOK {
			t.Fatalf("the party's sign-in through a: %d", status)
		}
		var inv struct {
			Token string `json:"token"`
		}
		cases[1].mediator.must(t, "POST", api(b, "/cases/"+cases[0].id+"/parties/"+p.id+"/invitation"), nil, &inv)
		reissued := time.Now()
		if status := p.status(t, api(b, "/cases/"+cases[0].id)); status != http.StatusUnauthorized {
			t.Errorf("the old sign-in through b, which re-issued the invitation: %d, want 401", status)
		}
		status := p.status(t, caseURL)
		// The time it takes is logged (milliseconds on a quiet machine);
		// the test fails past five seconds, which a starved machine may need.
		for status != http.StatusUnauthorized && time.Since(reissued) < 5*time.Second {
			time.Sleep(10 * time.Millisecond)
			status = p.status(t, caseURL)
		}
		if status != http.StatusUnauthorized {
			t.Errorf("the old sign-in through a still answers %d five seconds after the invitation was re-issued through b", status)
		} else {
			t.Logf("the old sign-in ended on a %s after the re-issue through b", time.Since(reissued).Round(time.Millisecond))
		}
		// The new link signs the party in through a, with the PIN set at
		// the first entry; the old one no longer does.
		again := newPerson()
		again.must(t, "POST", api(a, "/access"), map[string]string{"token": inv.Token, "pin": "246810"}, nil)
		if status := again.status(t, caseURL); status != http.StatusOK {
			t.Errorf("the new sign-in through a: %d", status)
		}
		if _, err := newPerson().send("POST", api(a, "/access"), map[string]string{"token": p.token, "pin": "246810"}, "", nil); err == nil {
			t.Errorf("the old link still signs in through a")
		}
	})

	t.Run("a follower's writes are committed by the leader and read back through the follower at once", func(t *testing.T) {
		leader, follower := leaderAndFollower(t, servers, 5*time.Second)
		leaderCommits := leader.metric(t, "tiaojie_etcd_leader_commits_total")
		followerCommits := follower.metric(t, "tiaojie_etcd_leader_commits_total")
		forwarded := follower.metric(t, "tiaojie_forwarded_requests_total")
		const rounds = 8
		for i := range rounds {
			// An account made through the follower signs in through it, and
			// the sign-in, made by the leader, is served by the follower at
			// once; so is the case it opens, and the grant that lets it read it.
			name := fmt.Sprintf("follower.%d", i)
			admin.must(t, "POST", api(follower, "/users"), map[string]string{"username": name, "display_name": "经 " + name,
				"role": "mediator", "password": "mediator-password-3"}, nil)
			p := newPerson()
			p.must(t, "POST", api(follower, "/login"), map[string]string{"username": name, "password": "mediator-password-3"}, nil)
			if status := p.status(t, api(follower, "/me")); status != http.StatusOK {
				t.Fatalf("round %d: the sign-in made through the follower, at once through it: %d", i, status)
			}
			var cs struct {
				ID string `json:"id"`
			}
			p.must(t, "POST", api(follower, "/cases"), map[string]string{"title": "经 " + name + " 立的案件",
				"category": "noise", "community": "dongfeng", "source": "party_application"}, &cs)
			if status := p.status(t, api(follower, "/cases/"+cs.ID)); status != http.StatusOK {
				t.Fatalf("round %d: the case made through the follower, at once through it: %d", i, status)
			}
		}
		if got := leader.metric(t, "tiaojie_etcd_leader_commits_total") - leaderCommits; got < 3*rounds {
			t.Errorf("the leader made %v commits as the writer for %d writes sent to the follower", got, 3*rounds)
		}
		if got := follower.metric(t, "tiaojie_etcd_leader_commits_total") - followerCommits; got != 0 {
			t.Errorf("the follower made %v commits as the writer", got)
		}
		if got := follower.metric(t, "tiaojie_forwarded_requests_total") - forwarded; got < 3*rounds {
			t.Errorf("the follower forwarded %v requests, want at least %d", got, 3*rounds)
		}
	})

	t.Run("a new invitation's link made through the follower's form shows once on its page there", func(t *testing.T) {
		_, follower := leaderAndFollower(t, servers, 5*time.Second)
		desk := cases[0].mediator
		newParty := follower.base + "/cases/" + cases[0].id + "/parties/new"
		resp, err := desk.c.Get(newParty)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		u, _ := url.Parse(follower.base)
		csrf := ""
		for _, c := range desk.c.Jar.Cookies(u) {
			if c.Name == "csrf" {
				csrf = c.Value
			}
		}
		if csrf == "" {
			t.Fatal("the form's page set no csrf cookie")
		}
		form := url.Values{"csrf": {csrf}, "name": {"孙丽"}, "kind": {"person"}, "side": {"applicant"}, "phone": {"010-62345678"}}
		resp, err = desk.c.PostForm(newParty, form)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		at := resp.Request.URL
		link := follower.base + "/a/"
		if resp.StatusCode != http.StatusOK || !strings.HasSuffix(at.Path, "/invitation") || at.Query().Get("i") == "" {
			t.Fatalf("the form through the follower led to %d %s", resp.StatusCode, at)
		}
		if !strings.Contains(string(page), link) {
			t.Fatalf("the invitation page through the follower shows no link %s...", link)
		}
		resp, err = desk.c.Get(at.String())
		if err != nil {
			t.Fatal(err)
		}
		page, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || strings.Contains(string(page), link) {
			t.Fatalf("the page asked again through the follower: %d, the link shown again: %v", resp.StatusCode, strings.Contains(string(page), link))
		}
	})

	t.Run("the leading tiaojie process killed, the other leads and writes go on", func(t *testing.T) {
		leader, follower := leaderAndFollower(t, servers, 5*time.Second)
		var writers []party
		for i := range 4 {
			writers = append(writers, addParty(t, i%2, follower, fmt.Sprintf("接管者%d", i), "third_party"))
		}
		takeover(t, cluster, leader, follower, []string{cases[0].id, cases[1].id}, false, "k", func(w int) (*person, *server, string) {
			return writers[w%4].person, follower, cases[w%2].id
		})
		leader.launch(t)
		if _, f := leaderAndFollower(t, servers, 10*time.Second); f != leader {
			t.Fatalf("the restarted process took the lead back from %s", follower.name)
		}
	})

	t.Run("the leading tiaojie process paused past its lease: the other leads, and its late commits are refused", func(t *testing.T) {
		leader, follower := leaderAndFollower(t, servers, 5*time.Second)
		var writers []party
		for i := range 4 {
			writers = append(writers, addParty(t, i%2, follower, fmt.Sprintf("暂停者%d", i), "third_party"))
		}
		through := []*server{leader, follower}
		takeover(t, cluster, leader, follower, []string{cases[0].id, cases[1].id}, true, "p", func(w int) (*person, *server, string) {
			return writers[w%4].person, through[w%2], cases[w%2].id
		})
		if leader.metric(t, "tiaojie_etcd_leader") != 0 {
			t.Errorf("the paused process %s leads again beside %s", leader.name, follower.name)
		}
	})

	t.Run("16 writers through both while the leader is killed and restarted, then paused", func(t *testing.T) {
		// Two parties of each server's case, signed in through that
		// server; four writers each, writing through that server.
		var writers []party
		for i := range 4 {
			writers = append(writers, addParty(t, i%2, servers[i%2], fmt.Sprintf("写者%d", i), "third_party"))
		}
		leaderKill(t, bin, cluster, servers, []string{cases[0].id, cases[1].id}, func(w int) (*person, *server, string) {
			return writers[w%4].person, servers[w%2], cases[w%2].id
		})
	})
}

// buildTiaojieQuiet builds the binary, or says "" when it cannot.
func buildTiaojieQuiet(dir string) string {
	bin := dir + "/tiaojie"
	if err := exec.Command("go", "build", "-o", bin, "tiaojie/cmd/tiaojie").Run(); err != nil {
		return ""
	}
	return bin
}

// An ack is one acknowledged write.
type ack struct {
	marker, id string
	at         time.Time
	retries    int
	// replayed: the answer was the first send's record, made though its
	// client had no answer (Idempotent-Replayed).
	replayed bool
}

// load is writers creating submissions one after another, each write
// retried with its Idempotency-Key until acknowledged, and what they were
// answered.
type load struct {
	t    *testing.T
	mu   sync.Mutex
	acks []ack
	sent atomic.Int64
	stop chan struct{}
	wg   sync.WaitGroup
	errs chan error
}

// startLoad starts n writers; write makes writer w's write number i.
func startLoad(t *testing.T, n int, write func(w, i int, sent *atomic.Int64) (ack, error)) *load {
	l := &load{t: t, stop: make(chan struct{}), errs: make(chan error, n)}
	for w := range n {
		l.wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				a, err := write(w, i, &l.sent)
				if err != nil {
					l.errs <- err
					return
				}
				l.mu.Lock()
				l.acks = append(l.acks, a)
				l.mu.Unlock()
			}
		})
	}
	return l
}

func (l *load) acked() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.acks) }

// waitAcks waits until n more writes are acknowledged, for up to limit.
func (l *load) waitAcks(n int, limit time.Duration) {
	l.t.Helper()
	want, until := l.acked()+n, time.Now().Add(limit)
	for l.acked() < want && time.Now().Before(until) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := l.acked(); got < want {
		l.t.Errorf("%d writes acknowledged, %d wanted within %s", got, want, limit)
	}
}

// end stops the writers, fails the test with their errors, and returns
// every acknowledged write in the order of its acknowledgement.
func (l *load) end() []ack {
	close(l.stop)
	l.wg.Wait()
	close(l.errs)
	for err := range l.errs {
		l.t.Error(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	acks := slices.Clone(l.acks)
	slices.SortFunc(acks, func(x, y ack) int { return x.at.Compare(y.at) })
	return acks
}

// stopped is how long no write was acknowledged once a fault began at from:
// the longest gap between two acknowledgements (in time order) that ends
// after from and, unless until is zero, begins before until; where that
// gap began, relative to from; and when the first acknowledgement after
// from came (-1 if none did).
func stopped(acks []ack, from, until time.Time) (longest, began, first time.Duration) {
	first = -1
	for j, a := range acks {
		if first < 0 && a.at.After(from) {
			first = a.at.Sub(from)
		}
		if j > 0 && a.at.After(from) && (until.IsZero() || acks[j-1].at.Before(until)) && a.at.Sub(acks[j-1].at) > longest {
			longest, began = a.at.Sub(acks[j-1].at), acks[j-1].at.Sub(from)
		}
	}
	return longest, began, first
}

// storedMarkers are the submissions of the cases whose body begins with
// prefix, by the marker that follows it: a write stored once has one ID.
func storedMarkers(t *testing.T, db *store.DB, caseIDs []string, prefix string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	for _, caseID := range caseIDs {
		id, _ := mediation.ParseID(caseID)
		for cursor := mediation.ID(0); ; {
			subs, next, err := db.Submissions(store.SubmissionFilter{Case: id, Cursor: cursor, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range subs {
				if marker, ok := strings.CutPrefix(s.Body, prefix); ok {
					found[marker] = append(found[marker], s.ID.String())
				}
			}
			if next == 0 {
				break
			}
			cursor = next
		}
	}
	return found
}

// leaderKill runs 16 writers, each creating submissions one after another
// through its server (who(w)), each retried with its Idempotency-Key until
// acknowledged; meanwhile it kills the cluster's leader, lets the other two
// carry on, restarts it, and lets them carry on again (twice, then with the
// leader paused instead of killed). Then it stops the
// servers and checks that every acknowledged write is there exactly once, with
// one audit entry, that nothing else is, and that `tiaojie check` passes.
func leaderKill(t *testing.T, bin string, cluster *etcdtest.Cluster, servers []*server, caseIDs []string,
	who func(w int) (*person, *server, string)) {
	l := startLoad(t, 16, func(w, n int, sent *atomic.Int64) (ack, error) {
		p, s, caseID := who(w)
		return write(p, s.base+"/api/v1/cases/"+caseID+"/submissions", fmt.Sprintf("w%02d-n%03d", w, n), sent)
	})
	acked, waitAcks := l.acked, l.waitAcks

	// Three rounds: the leader killed (SIGKILL), the two others left to
	// carry on, the killed member restarted; twice, and then the leader
	// paused (SIGSTOP) instead, so that what it was answering waits until
	// it runs on (SIGCONT), deposed: the commits it held fail back to
	// their servers, or were committed by the new leader all the same,
	// and the clients send them again.
	type round struct {
		paused            bool
		leader, next      int
		killed, restarted time.Time
		during            int
		rejoined          time.Duration
	}
	var rounds []round
	leader := func() (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return cluster.Leader(ctx)
	}
	waitAcks(24, 30*time.Second)
	for i := range 3 {
		r := round{paused: i == 2}
		var err error
		if r.leader, err = leader(); err != nil {
			t.Fatal(err)
		}
		before := acked()
		r.killed = time.Now()
		if r.paused {
			cluster.Pause(r.leader)
		} else {
			cluster.Kill(r.leader)
		}
		waitAcks(24, 30*time.Second)
		r.during = acked() - before
		if r.next, err = leader(); err != nil {
			t.Fatal(err)
		}
		r.restarted = time.Now()
		if r.paused {
			cluster.Resume(r.leader)
		} else if err := cluster.Restart(r.leader); err != nil {
			t.Fatal(err)
		}
		r.rejoined = time.Since(r.restarted)
		rounds = append(rounds, r)
		waitAcks(24, 30*time.Second)
	}
	acks := l.end()

	// How long no write was acknowledged once the leader died: the longest
	// gap between two acknowledgements from just before the kill to the
	// restart, and the first acknowledgement after the kill.
	retries, replayed := 0, 0
	for _, a := range acks {
		retries += a.retries
		if a.replayed {
			replayed++
		}
	}
	for i, r := range rounds {
		longest, from, first := stopped(acks, r.killed, r.restarted)
		if r.paused {
			t.Logf("round %d: member %d (the leader) paused, member %d led next, %d writes acknowledged before it ran on; "+
				"writes stopped for %s (the longest time without an acknowledgement, from pause%+dms on), the first came %s after the pause",
				i+1, r.leader, r.next, r.during, longest.Round(time.Millisecond), from.Milliseconds(), first.Round(time.Millisecond))
			continue
		}
		t.Logf("round %d: member %d (the leader) killed, member %d led next, %d writes acknowledged before the restart; "+
			"writes stopped for %s (the longest time without an acknowledgement, from kill%+dms on), the first came %s after the kill; "+
			"the restarted member served %s after its start",
			i+1, r.leader, r.next, r.during, longest.Round(time.Millisecond), from.Milliseconds(),
			first.Round(time.Millisecond), r.rejoined.Round(time.Millisecond))
	}
	t.Logf("%d writes acknowledged, %d sends, %d of them retries; %d writes answered by a replay (made by an earlier send whose client had no answer)",
		len(acks), l.sent.Load(), retries, replayed)

	for _, s := range servers {
		s.stop(t)
	}
	endpoints := strings.Join(cluster.Endpoints, ",")
	if out, err := exec.Command(bin, "check", "--store", "etcd", "--etcd-endpoints", endpoints).CombinedOutput(); err != nil {
		t.Fatalf("tiaojie check: %v\n%s", err, out)
	} else {
		t.Logf("tiaojie check: %s", strings.TrimSpace(string(out)))
	}

	db, err := store.OpenEtcd(store.EtcdOptions{Endpoints: cluster.Endpoints}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found := storedMarkers(t, db, caseIDs, "集群 ") // marker → submission IDs
	created := map[string]int{}                   // "submission:ID" → creation entries
	for _, caseID := range caseIDs {
		id, _ := mediation.ParseID(caseID)
		for cursor := uint64(0); ; {
			trail, next, err := db.CaseAudit(id, cursor, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range trail {
				if e.Action == mediation.AuditSubmissionCreate {
					created[e.Object]++
				}
			}
			if next == 0 || len(trail) == 0 {
				break
			}
			cursor = next
		}
	}
	for _, a := range acks {
		ids := found[a.marker]
		if len(ids) != 1 || ids[0] != a.id {
			t.Errorf("write %s, acknowledged as submission %s: found as %v", a.marker, a.id, ids)
		}
		if n := created["submission:"+a.id]; n != 1 {
			t.Errorf("submission %s (%s): %d creation entries in the case's trail", a.id, a.marker, n)
		}
		delete(found, a.marker)
	}
	for marker, ids := range found {
		t.Errorf("write %s was never acknowledged, yet stored as %v", marker, ids)
	}
}

// write creates one submission, sending it again with the same
// Idempotency-Key after a failure (no answer, or a 5xx) until it is
// acknowledged or a minute has gone.
func write(p *person, url, marker string, sent *atomic.Int64) (ack, error) {
	return writeAs(p, url, "集群 ", marker, sent, false)
}

// writeAs is write, with the submission's body prefix + marker; strict, it
// takes no failure but 503 (unavailable) and no answer.
func writeAs(p *person, url, prefix, marker string, sent *atomic.Int64, strict bool) (ack, error) {
	body := map[string]string{"kind": "position", "body": prefix + marker}
	var last error
	for retries, until := 0, time.Now().Add(time.Minute); time.Now().Before(until); retries++ {
		var out struct {
			ID string `json:"id"`
		}
		sent.Add(1)
		status, header, err := p.sendFor("POST", url, body, "cluster-"+marker, &out)
		if err == nil {
			return ack{marker: marker, id: out.ID, at: time.Now(), retries: retries,
				replayed: header.Get("Idempotent-Replayed") == "true"}, nil
		}
		if status != 0 && (status < 500 || strict && status != http.StatusServiceUnavailable) {
			return ack{}, fmt.Errorf("write %s: %w", marker, err)
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return ack{}, fmt.Errorf("write %s: not acknowledged within a minute: %v", marker, last)
}

// leaderAndFollower waits until exactly one of the two servers says it is
// the store's elected writer, and returns it and the other.
func leaderAndFollower(t *testing.T, servers []*server, within time.Duration) (leader, follower *server) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		a, b := servers[0].metric(t, "tiaojie_etcd_leader"), servers[1].metric(t, "tiaojie_etcd_leader")
		switch {
		case a == 1 && b == 0:
			return servers[0], servers[1]
		case a == 0 && b == 1:
			return servers[1], servers[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no single elected writer after %s: %s says %v, %s %v", within, servers[0].name, a, servers[1].name, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// takeover runs 8 writers (through the servers who says), and while they
// write kills the leading tiaojie process (SIGKILL), or, when paused, stops
// it (SIGSTOP) until the other leads and lets it run on, deposed; it logs
// how long no write was acknowledged, fails past a generous bound, and
// unless every acknowledged write is stored exactly once. Each marker
// starts with tag.
func takeover(t *testing.T, cluster *etcdtest.Cluster, leader, follower *server, caseIDs []string, paused bool, tag string,
	who func(w int) (*person, *server, string)) {
	l := startLoad(t, 8, func(w, n int, sent *atomic.Int64) (ack, error) {
		p, through, caseID := who(w)
		return writeAs(p, through.base+"/api/v1/cases/"+caseID+"/submissions", "接管 ", fmt.Sprintf("%s%02d-n%03d", tag, w, n), sent, true)
	})
	waitAcks := l.waitAcks
	waitAcks(24, 30*time.Second)
	killed := time.Now()
	if paused {
		leader.cmd.Process.Signal(syscall.SIGSTOP)
		for deadline := time.Now().Add(20 * time.Second); follower.metric(t, "tiaojie_etcd_leader") != 1; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				leader.cmd.Process.Signal(syscall.SIGCONT)
				t.Fatalf("%s did not take the lead from the paused %s", follower.name, leader.name)
			}
		}
		t.Logf("%s led %s after %s was paused", follower.name, time.Since(killed).Round(time.Millisecond), leader.name)
		waitAcks(16, 30*time.Second)
		leader.cmd.Process.Signal(syscall.SIGCONT)
	} else {
		leader.kill()
	}
	waitAcks(24, 30*time.Second)
	mine := l.end()
	if follower.metric(t, "tiaojie_etcd_leader") != 1 {
		t.Errorf("the surviving process %s does not lead", follower.name)
	}
	longest, _, first := stopped(mine, killed, time.Time{})
	how := "killed"
	if paused {
		how = fmt.Sprintf("paused (%v of its late commits refused)", leader.metric(t, "tiaojie_etcd_not_leader_total"))
	}
	t.Logf("the leading process %s %s: writes stopped for %s (the longest time without an acknowledgement), "+
		"the first came %s after; %d writes acknowledged, %d sends", leader.name, how,
		longest.Round(time.Millisecond), first.Round(time.Millisecond), len(mine), l.sent.Load())
	// The session's life is 2 s; a starved machine may take several more.
	if longest > 15*time.Second {
		t.Errorf("writes stopped for %s when the leading process died", longest)
	}

	db, err := store.OpenEtcd(store.EtcdOptions{Endpoints: cluster.Endpoints}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found := storedMarkers(t, db, caseIDs, "接管 ")
	for _, a := range mine {
		if ids := found[a.marker]; len(ids) != 1 || ids[0] != a.id {
			t.Errorf("write %s, acknowledged as submission %s: found as %v", a.marker, a.id, ids)
		}
	}
}
