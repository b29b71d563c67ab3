package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
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

// crashServer runs the real binary and kills it.
type crashServer struct {
	t   *testing.T
	bin string
	db  string
	// store are the flags that name the store: --db, or --store etcd and
	// its endpoints.
	store []string
	// serving are serve's own flags besides (--advertise on etcd).
	serving []string
	cmd     *exec.Cmd
	base    atomic.Value // string: http://127.0.0.1:port of the running process
	up      chan struct{}
	mu      sync.Mutex
}

func (s *crashServer) start() {
	s.t.Helper()
	args := append(append(append([]string{"serve"}, s.store...), s.serving...), "--addr", "127.0.0.1:0", "--insecure-cookies",
		"--log-format", "text")
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), "TIAOJIE_ADMIN_PASSWORD=crash-test-admin-password")
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "tiaojie is listening on "); ok {
			s.base.Store(addr)
			break
		}
	}
	go io.Copy(io.Discard, out)
	if s.base.Load() == nil {
		s.t.Fatal("the server did not say where it listens")
	}
	s.mu.Lock()
	s.cmd = cmd
	close(s.up)
	s.mu.Unlock()
}

// kill ends the process with SIGKILL, at whatever it was doing.
func (s *crashServer) kill() {
	s.mu.Lock()
	s.up = make(chan struct{})
	cmd := s.cmd
	s.mu.Unlock()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// waitUp blocks until a server is running.
func (s *crashServer) waitUp() string {
	s.mu.Lock()
	up := s.up
	s.mu.Unlock()
	<-up
	return s.base.Load().(string)
}

// op is one write a client wants done exactly once.
type op struct {
	client  *http.Client
	path    string // after the base URL
	key     string // Idempotency-Key
	body    map[string]string
	marker  string // unique text that identifies the record it makes
	kind    string // "case", "party", "submission", "transition"
	id      string // the record's ID once acknowledged
	retries int
}

// do sends the op until it is acknowledged, through crashes, with the same key
// every time.
func (s *crashServer) do(o *op) error {
	b, _ := json.Marshal(o.body)
	for attempt := 0; attempt < 200; attempt++ {
		base := s.waitUp()
		req, _ := http.NewRequest("POST", base+o.path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", o.key)
		resp, err := o.client.Do(req)
		if err != nil {
			o.retries++
			time.Sleep(20 * time.Millisecond)
			continue
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			o.retries++
			continue
		}
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %d %s", o.kind, o.marker, resp.StatusCode, raw)
		}
		var v struct {
			ID string `json:"id"`
		}
		json.Unmarshal(raw, &v)
		o.id = v.ID
		return nil
	}
	return fmt.Errorf("%s %s: never acknowledged", o.kind, o.marker)
}

func newJarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func (s *crashServer) mustPost(c *http.Client, path string, body any, out any) {
	s.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := c.Post(s.waitUp()+path, "application/json", bytes.NewReader(b))
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		s.t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
	}
	if out != nil {
		json.Unmarshal(raw, out)
	}
}

// TestCrashRecovery kills the real server with SIGKILL at random moments while
// many clients write, restarts it, and checks that every acknowledged write is
// there exactly once with its index entries and audit entry, that retries with
// the same Idempotency-Key never made a duplicate, and that the file and its
// audit chain are sound.
//
// It runs on a bbolt file and on a store in etcd (an embedded member of the
// test's, which the kills do not touch).
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds the binary and kills it a dozen times")
	}
	for _, backend := range []string{"bbolt", "etcd"} {
		t.Run(backend, func(t *testing.T) { crashRecovery(t, backend) })
	}
}

func crashRecovery(t *testing.T, backend string) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "tiaojie")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := &crashServer{t: t, bin: bin, db: filepath.Join(dir, "crash.db"), up: make(chan struct{})}
	s.store = []string{"--db", s.db}
	open := func() (*store.DB, error) { return store.Open(s.db, store.Options{}) }
	if backend == "etcd" {
		member := etcdtest.New(t)
		// Alone on the store, the server leads (at once after each
		// restart: it ends its killed run's lease) and never forwards.
		s.store = []string{"--store", "etcd", "--etcd-endpoints", strings.Join(member.Endpoints, ",")}
		s.serving = []string{"--advertise", "http://127.0.0.1:1"}
		open = func() (*store.DB, error) {
			return store.OpenEtcd(store.EtcdOptions{Endpoints: member.Endpoints}, store.Options{})
		}
	}
	s.start()
	t.Cleanup(func() {
		s.mu.Lock()
		cmd := s.cmd
		s.mu.Unlock()
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	})

	// The cast: a mediator with a case and two parties.
	admin, mediator := newJarClient(), newJarClient()
	s.mustPost(admin, "/api/v1/login", map[string]string{"username": "admin", "password": "crash-test-admin-password"}, nil)
	s.mustPost(admin, "/api/v1/users", map[string]string{"username": "wang.fang", "display_name": "王芳",
		"role": "mediator", "password": "mediator-password-1"}, nil)
	s.mustPost(mediator, "/api/v1/login", map[string]string{"username": "wang.fang", "password": "mediator-password-1"}, nil)
	var cs struct{ ID string }
	s.mustPost(mediator, "/api/v1/cases", map[string]string{"title": "基础案件", "category": "noise",
		"community": "dongfeng", "source": "party_application"}, &cs)
	parties := make([]*http.Client, 2)
	for i := range parties {
		var p struct {
			Invitation struct{ Token string }
		}
		s.mustPost(mediator, "/api/v1/cases/"+cs.ID+"/parties", map[string]string{"name": fmt.Sprintf("当事人%d", i),
			"kind": "person", "side": []string{"applicant", "respondent"}[i]}, &p)
		parties[i] = newJarClient()
		s.mustPost(parties[i], "/api/v1/access", map[string]string{"token": p.Invitation.Token, "pin": "246810"}, nil)
	}

	// Eight writers, each a sequence of writes of every kind.
	const writers, perWriter = 8, 14
	var mu sync.Mutex
	var done []*op
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range perWriter {
				marker := fmt.Sprintf("w%d-n%d", w, n)
				o := &op{key: "key-" + marker, marker: marker}
				switch {
				case w < 2: // cases, each moved on once made
					o.client, o.kind, o.path = mediator, "case", "/api/v1/cases"
					o.body = map[string]string{"title": "案件 " + marker, "category": "parking",
						"community": "heping-li", "source": "committee_initiative"}
				case w < 4:
					o.client, o.kind, o.path = mediator, "party", "/api/v1/cases/"+cs.ID+"/parties"
					o.body = map[string]string{"name": "人 " + marker, "kind": "household", "side": "third_party"}
				default:
					o.client, o.kind, o.path = parties[w%2], "submission", "/api/v1/cases/"+cs.ID+"/submissions"
					o.body = map[string]string{"kind": "position", "body": "材料 " + marker}
				}
				if err := s.do(o); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				done = append(done, o)
				mu.Unlock()
				if o.kind == "case" {
					move := &op{client: mediator, kind: "transition", marker: marker, key: "move-" + marker,
						path: "/api/v1/cases/" + o.id + "/transitions", body: map[string]string{"to": "mediating"}}
					if err := s.do(move); err != nil {
						errs <- err
						return
					}
					mu.Lock()
					done = append(done, move)
					mu.Unlock()
				}
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()

	// Kill and restart at random moments while they write.
	crashes := 0
	for running := true; running; {
		select {
		case <-finished:
			running = false
		case <-time.After(time.Duration(80+rand.IntN(320)) * time.Millisecond):
			s.kill()
			crashes++
			s.start()
		}
	}
	for crashes < 10 { // at least ten, even on a fast machine
		s.kill()
		crashes++
		s.start()
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	retried := 0
	for _, o := range done {
		retried += o.retries
	}
	t.Logf("%d crashes, %d acknowledged writes, %d retried sends", crashes, len(done), retried)

	// Verify on the file itself, with the server stopped.
	s.kill()
	if out, err := exec.Command(bin, append([]string{"check"}, s.store...)...).CombinedOutput(); err != nil {
		t.Fatalf("tiaojie check: %v\n%s", err, out)
	}
	db, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	caseID, _ := mediation.ParseID(cs.ID)
	cases, _, err := db.Cases(store.CaseFilter{All: true, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	partyList, err := db.Parties(caseID)
	if err != nil {
		t.Fatal(err)
	}
	subs, _, err := db.Submissions(store.SubmissionFilter{Case: caseID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	count := func(o *op) (n int, status mediation.Status) {
		switch o.kind {
		case "case", "transition":
			for _, c := range cases {
				if c.Title == "案件 "+o.marker {
					n, status = n+1, c.Status
				}
			}
		case "party":
			for _, p := range partyList {
				if p.Name == "人 "+o.marker {
					n++
				}
			}
		case "submission":
			for _, sub := range subs {
				if sub.Body == "材料 "+o.marker {
					n++
				}
			}
		}
		return n, status
	}
	for _, o := range done {
		n, status := count(o)
		if n != 1 {
			t.Errorf("%s %s: %d records, want exactly 1", o.kind, o.marker, n)
		}
		if o.kind == "transition" && status != mediation.StatusMediating {
			t.Errorf("case %s: status %s after its acknowledged move", o.marker, status)
		}
	}
	// Every record has its audit entry in its case's trail.
	for _, c := range cases {
		trail, _, err := db.CaseAudit(c.ID, 0, 10000)
		if err != nil {
			t.Fatal(err)
		}
		objects := map[string]int{}
		for _, e := range trail {
			objects[e.Action+" "+e.Object]++
		}
		if objects[mediation.AuditCaseCreate+" case:"+c.ID.String()] != 1 {
			t.Errorf("case %s: %d creation entries", c.ID, objects[mediation.AuditCaseCreate+" case:"+c.ID.String()])
		}
		if c.ID == caseID {
			for _, p := range partyList {
				if objects[mediation.AuditPartyCreate+" party:"+p.ID.String()] != 1 {
					t.Errorf("party %s: no single creation entry", p.ID)
				}
			}
			for _, sub := range subs {
				if objects[mediation.AuditSubmissionCreate+" submission:"+sub.ID.String()] != 1 {
					t.Errorf("submission %s: no single creation entry", sub.ID)
				}
			}
		}
	}
}
