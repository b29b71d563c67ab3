package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a server the harness started.
type process struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	log  *os.File
	done chan struct{} // closed when the process has exited
	once sync.Once
}

// started are the processes the harness started, stopped on an interrupt.
var started struct {
	sync.Mutex
	ps []*process
}

func track(p *process) {
	started.Lock()
	started.ps = append(started.ps, p)
	started.Unlock()
}

// stopStarted stops every process the harness started.
func stopStarted() {
	started.Lock()
	defer started.Unlock()
	for _, p := range started.ps {
		p.stop()
	}
	started.ps = nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// buildServer builds ./cmd/tiaojie into dir.
func buildServer(dir string) (string, error) {
	bin := filepath.Join(dir, "tiaojie")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tiaojie")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/tiaojie (run the harness from the repository's root): %w", err)
	}
	return bin, nil
}

// startServer runs the real server on db and waits until /readyz answers 200,
// returning how long that took from the start of the process.
func startServer(bin, db, logPath, pprofAddr string, timeout time.Duration) (*process, time.Duration, error) {
	port, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--insecure-cookies", "--log-format", "text",
		"--rate-login-account", "off", "--rate-login-address", "off",
		"--rate-access-token", "off", "--rate-access-address", "off")
	if pprofAddr != "" {
		cmd.Args = append(cmd.Args, "--pprof", pprofAddr) // the server refuses any but a loopback address
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TIAOJIE_") {
			env = append(env, kv) // the file has its users; no TIAOJIE_* setting may change what is measured
		}
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	p := &process{cmd: cmd, base: "http://" + addr, log: logf, done: make(chan struct{})}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, 0, err
	}
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(p.done) }()
	track(p)
	client := &http.Client{Timeout: time.Second}
	deadline := began.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return nil, 0, fmt.Errorf("the server exited before it was ready (%v); its log is %s", waitErr, logPath)
		default:
		}
		res, err := client.Get(p.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p, time.Since(began), nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-p.done
	return nil, 0, fmt.Errorf("the server was not ready within %s; its log is %s", timeout, logPath)
}

// memory is what /proc says of a process's resident memory, in bytes: the
// high-water mark (VmHWM) and, now, the anonymous part (the heap and stacks)
// and the file-backed part (mostly the database's memory map).
type memory struct{ peak, anon, file int64 }

func readMemory(pid int) (memory, error) {
	var m memory
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	defer f.Close()
	fields := map[string]*int64{"VmHWM:": &m.peak, "RssAnon:": &m.anon, "RssFile:": &m.file}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, _ := strings.Cut(sc.Text(), "\t")
		dst, ok := fields[name]
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return m, fmt.Errorf("/proc status %s %q: %w", name, rest, err)
		}
		*dst = kb * 1024
	}
	if m.peak == 0 {
		return m, errors.New("no VmHWM in /proc status")
	}
	return m, sc.Err()
}

// readCPU is the processor time the process has spent so far, user and
// system, from /proc (in clock ticks of 10 ms, Linux's USER_HZ).
func readCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command, which is in parentheses and may hold
	// spaces: state is the first, utime the 12th, stime the 13th.
	_, rest, ok := strings.Cut(string(b), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %.80q", pid, b)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// stop asks the server to finish (SIGTERM) and waits for it a while.
func (p *process) stop() {
	p.once.Do(p.terminate)
}

func (p *process) terminate() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	p.log.Close()
}

// captured is one real answer, kept to be served again by the ceiling.
// Body is the answer as it came over the wire: compressed when the server
// compressed it, so that the ceiling sends the very same bytes, with the
// same Content-Encoding, and the load client decompresses both alike.
// Plain is the body decompressed, to read.
type captured struct {
	Name   string      `json:"name"`
	Method string      `json:"method"`
	Path   string      `json:"path"` // without the query
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
	Plain  []byte      `json:"-"`
}

// client is the harness's plain HTTP client for signing in and capturing.
// It asks for gzip as the load client does (Go's transport asks by itself),
// but leaves the answer as sent instead of decompressing it on the way:
// the transport that decompresses also drops Content-Encoding, and a
// ceiling serving that would answer uncompressed bytes the server never sent.
var client = &http.Client{Timeout: 30 * time.Second,
	Transport:     &http.Transport{DisableCompression: true, Proxy: http.ProxyFromEnvironment},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// send makes one request and returns its answer in full.
func send(ctx context.Context, base string, r request) (*captured, []*http.Cookie, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, base+r.Path, bytes.NewReader(r.Body))
	if err != nil {
		return nil, nil, err
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, nil, err
	}
	plain := body
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
		}
		if plain, err = io.ReadAll(zr); err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
		}
	}
	path, _, _ := strings.Cut(r.Path, "?")
	return &captured{Method: r.Method, Path: path, Status: res.StatusCode, Header: res.Header.Clone(), Body: body, Plain: plain},
		res.Cookies(), nil
}

// asBrowser is the Cookie header of a browser signed in with cookie: one that
// has also kept what its first page, home, set (the CSRF cookie, which the
// sign-in page sets before a person signs in). Without it every page the
// server answers mints a token of its own, and so is a page never sent
// before.
func asBrowser(base, cookie, home string) (string, error) {
	c, cookies, err := send(context.Background(), base, request{Method: http.MethodGet, Path: home,
		Header: http.Header{"Cookie": {cookie}}})
	if err != nil {
		return "", err
	}
	if c.Status != http.StatusOK {
		return "", fmt.Errorf("GET %s: %d %s", home, c.Status, bytes.TrimSpace(c.Plain))
	}
	for _, ck := range cookies {
		cookie += "; " + ck.Name + "=" + ck.Value
	}
	return cookie, nil
}

// signIn posts body to path and returns the Cookie header of the session it
// made.
func signIn(base, path string, body any) (string, error) {
	b, _ := json.Marshal(body)
	c, cookies, err := send(context.Background(), base, request{Method: http.MethodPost, Path: path, Body: b,
		Header: http.Header{"Content-Type": {"application/json"}}})
	if err != nil {
		return "", err
	}
	if c.Status != http.StatusOK {
		return "", fmt.Errorf("POST %s: %d %s", path, c.Status, bytes.TrimSpace(c.Plain))
	}
	var parts []string
	for _, ck := range cookies {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("POST %s set no cookie", path)
	}
	return strings.Join(parts, "; "), nil
}

// committer is what the server's committer has done so far: how many write
// transactions it ran and how long it spent in them, commit and fsync
// included (tiaojie_commit_transactions_total and
// tiaojie_commit_seconds_total on its /metrics).
func committer(base string) (commits uint64, busy time.Duration, err error) {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET /metrics: %s", res.Status)
	}
	v, err := countersIn(res.Body, "tiaojie_commit_transactions_total", "tiaojie_commit_seconds_total")
	if err != nil {
		return 0, 0, err
	}
	return uint64(v[0]), time.Duration(v[1] * float64(time.Second)), nil
}

// countersIn is the values of the unlabelled counters names, in their
// order, in the Prometheus text format read from r.
func countersIn(r io.Reader, names ...string) ([]float64, error) {
	vs := make([]float64, len(names))
	found := make([]bool, len(names))
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for i, name := range names {
			v, ok := strings.CutPrefix(line, name+" ")
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 {
				return nil, fmt.Errorf("%s: %q", name, v)
			}
			vs[i], found[i] = f, true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i, ok := range found {
		if !ok {
			return nil, fmt.Errorf("no %s", names[i])
		}
	}
	return vs, nil
}
