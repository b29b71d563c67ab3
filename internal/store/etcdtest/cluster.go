package etcdtest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// A Cluster is a real etcd cluster of several members on loopback, each an
// embedded etcd server in a process of its own: the test binary run again
// (see init), so that killing a member is a SIGKILL, not a graceful stop that
// hands the leadership on first. Heartbeat 10 ms, election 100 ms, fsync on.
type Cluster struct {
	Members []*Member
	// Endpoints are the members' client URLs, in the order of Members.
	Endpoints []string
	// Started is how long the cluster took from the first process started
	// to every member serving.
	Started time.Duration

	cli *clientv3.Client
}

// A Member is one member's process.
type Member struct {
	Name     string
	Dir      string
	Endpoint string
	spec     []byte
	log      string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// memberEnv carries a member's spec to the process that runs it.
const memberEnv = "TIAOJIE_ETCDTEST_MEMBER"

// memberReady is the line a member's process prints when it serves.
const memberReady = "etcdtest: member ready"

// memberSpec is what a member's process needs to know.
type memberSpec struct {
	Name, Dir, Client, Peer, Initial, Token string
}

// A test binary that imports this package and is started with memberEnv set
// runs that member instead of its tests, until it is killed.
func init() {
	if spec := os.Getenv(memberEnv); spec != "" {
		os.Exit(runMember(spec))
	}
}

func runMember(raw string) int {
	var s memberSpec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		fmt.Fprintln(os.Stderr, "etcdtest:", err)
		return 2
	}
	client, err1 := url.Parse(s.Client)
	peer, err2 := url.Parse(s.Peer)
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, "etcdtest:", err)
		return 2
	}
	cfg := embed.NewConfig()
	cfg.Name, cfg.Dir = s.Name, s.Dir
	cfg.LogLevel = "error"
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.InitialCluster, cfg.InitialClusterToken = s.Initial, s.Token
	cfg.TickMs, cfg.ElectionMs = 10, 100
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcdtest: start:", err)
		return 1
	}
	select {
	case <-e.Server.ReadyNotify():
		fmt.Println(memberReady)
	case err := <-e.Err():
		fmt.Fprintln(os.Stderr, "etcdtest:", err)
		return 1
	}
	err = <-e.Err()
	fmt.Fprintln(os.Stderr, "etcdtest:", err)
	return 1
}

// StartCluster starts a cluster of n members with their data under dir and
// waits until every member serves.
func StartCluster(dir string, n int) (*Cluster, error) {
	c := &Cluster{}
	var initial []string
	clients := make([]string, n)
	for i := range n {
		client, err := freeURL()
		if err != nil {
			return nil, err
		}
		peer, err := freeURL()
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("m%d", i)
		clients[i] = client.String()
		initial = append(initial, name+"="+peer.String())
		m := &Member{Name: name, Dir: filepath.Join(dir, name), Endpoint: client.String(),
			log: filepath.Join(dir, name+".log")}
		m.spec, _ = json.Marshal(memberSpec{Name: name, Dir: m.Dir, Client: client.String(), Peer: peer.String()})
		c.Members = append(c.Members, m)
	}
	token := filepath.Base(dir)
	for _, m := range c.Members {
		var s memberSpec
		json.Unmarshal(m.spec, &s)
		s.Initial, s.Token = strings.Join(initial, ","), token
		m.spec, _ = json.Marshal(s)
	}
	c.Endpoints = clients
	start := time.Now()
	errs := make(chan error, n)
	for _, m := range c.Members {
		go func() { errs <- m.start() }()
	}
	var err error
	for range n {
		err = errors.Join(err, <-errs)
	}
	if err != nil {
		c.Stop()
		return nil, err
	}
	c.Started = time.Since(start)
	c.cli, err = clientv3.New(clientv3.Config{Endpoints: c.Endpoints, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// NewCluster starts a cluster of n members in tb.TempDir(), killed at cleanup.
func NewCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	c, err := StartCluster(tb.TempDir(), n)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Stop)
	return c
}

// start runs the member's process and waits until it says it serves.
func (m *Member) start() error {
	log, err := os.OpenFile(m.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), memberEnv+"="+string(m.spec))
	cmd.Stderr = log
	cmd.SysProcAttr = dieWithParent()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("etcdtest: member %s: %w", m.Name, err)
	}
	ready := make(chan bool, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if lines.Text() == memberReady {
				ready <- true
				for lines.Scan() {
				}
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if ok {
			m.mu.Lock()
			m.cmd = cmd
			m.mu.Unlock()
			return nil
		}
	case <-time.After(60 * time.Second):
	}
	cmd.Process.Kill()
	cmd.Wait()
	tail, _ := os.ReadFile(m.log)
	return fmt.Errorf("etcdtest: member %s did not start: %s", m.Name, tail[max(0, len(tail)-2000):])
}

// Kill ends member i's process with SIGKILL, at whatever it was doing.
func (c *Cluster) Kill(i int) {
	m := c.Members[i]
	m.mu.Lock()
	cmd := m.cmd
	m.cmd = nil
	m.mu.Unlock()
	if cmd != nil {
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// Restart starts member i again on its data, and waits until it serves: it
// has rejoined the cluster and applied what it missed up to its rejoining.
func (c *Cluster) Restart(i int) error { return c.Members[i].start() }

// Running says whether member i's process runs.
func (c *Cluster) Running(i int) bool {
	m := c.Members[i]
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cmd != nil
}

// Stop kills every member.
func (c *Cluster) Stop() {
	if c.cli != nil {
		c.cli.Close()
	}
	for i := range c.Members {
		c.Kill(i)
	}
}

// Leader is the index of the member that leads, asked of the running
// members until one says it is the leader or ctx ends.
func (c *Cluster) Leader(ctx context.Context) (int, error) {
	for {
		for i, m := range c.Members {
			if !c.Running(i) {
				continue
			}
			sctx, cancel := context.WithTimeout(ctx, time.Second)
			st, err := c.cli.Status(sctx, m.Endpoint)
			cancel()
			if err == nil && st.Leader != 0 && st.Leader == st.Header.MemberId {
				return i, nil
			}
		}
		select {
		case <-ctx.Done():
			return -1, fmt.Errorf("etcdtest: no member leads: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Client is a client of the whole cluster's, closed with it.
func (c *Cluster) Client() *clientv3.Client { return c.cli }

// MemberClient is a client of member i's alone, closed at tb's cleanup.
func (c *Cluster) MemberClient(tb testing.TB, i int) *clientv3.Client {
	tb.Helper()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{c.Members[i].Endpoint},
		DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cli.Close() })
	return cli
}

// Pause stops member i's process (SIGSTOP) without ending it: to the others
// it is gone, and what it was answering waits, until Resume.
func (c *Cluster) Pause(i int) { c.signal(i, syscall.SIGSTOP) }

// Resume lets member i's paused process run on (SIGCONT).
func (c *Cluster) Resume(i int) { c.signal(i, syscall.SIGCONT) }

func (c *Cluster) signal(i int, sig os.Signal) {
	m := c.Members[i]
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil {
		m.cmd.Process.Signal(sig)
	}
}
