//go:build linux

package clustertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tiaojie/internal/testnet"
)

const adminPassword = "cluster-test-admin-password"

// buildTiaojie builds the tiaojie binary into dir.
func buildTiaojie(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "tiaojie")
	if out, err := exec.Command("go", "build", "-o", bin, "tiaojie/cmd/tiaojie").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// server is one tiaojie process serving on the cluster.
type server struct {
	name string
	base string // http://127.0.0.1:port
	bin  string
	args []string
	cmd  *exec.Cmd
	done chan error
}

// startServer runs `tiaojie serve` on the store flags, at an address of its
// own that it advertises to the other servers, and waits until it says
// where it listens; it is stopped with SIGTERM at cleanup at the latest.
func startServer(t *testing.T, bin, name string, storeFlags []string) *server {
	t.Helper()
	addr, err := testnet.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"serve"}, storeFlags...), "--addr", addr, "--advertise", "http://"+addr,
		"--insecure-cookies", "--log-format", "text")
	s := &server{name: name, bin: bin, args: args}
	s.launch(t)
	t.Cleanup(func() { s.stop(t) })
	return s
}

// launch starts the process (again, after kill: at the same address).
func (s *server) launch(t *testing.T) {
	t.Helper()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Env = append(os.Environ(), "TIAOJIE_ADMIN_PASSWORD="+adminPassword)
	log, err := os.Create(filepath.Join(t.TempDir(), s.name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd, s.done, s.base = cmd, make(chan error, 1), ""
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "tiaojie is listening on "); ok {
			s.base = addr
			break
		}
	}
	go io.Copy(io.Discard, out)
	done := s.done
	go func() { done <- cmd.Wait() }()
	if s.base == "" {
		cmd.Process.Kill()
		<-s.done
		s.cmd = nil
		tail, _ := os.ReadFile(log.Name())
		t.Fatalf("server %s did not say where it listens:\n%s", s.name, tail)
	}
}

// kill ends the process with SIGKILL, at whatever it was doing.
func (s *server) kill() {
	s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// metric is the value of a metric the server shows at /metrics (without
// labels), 0 when it shows none.
func (s *server) metric(t *testing.T, name string) float64 {
	t.Helper()
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				t.Fatalf("%s on %s: %q", name, s.name, v)
			}
			return f
		}
	}
	return 0
}

// stop ends the server as SIGTERM does, and waits for it.
func (s *server) stop(t *testing.T) {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("server %s: %v", s.name, err)
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		t.Errorf("server %s did not stop within 30 s of SIGTERM", s.name)
	}
	s.cmd = nil
}

// A person is one browser: its cookies go to both servers, as they do to
// one host behind a load balancer (cookies do not keep to ports).
type person struct{ c *http.Client }

func newPerson() *person {
	jar, _ := cookiejar.New(nil)
	return &person{c: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
}

// send makes one request and decodes its JSON answer into out (when given).
func (p *person) send(method, url string, body any, key string, out any) (int, error) {
	status, _, err := p.sendFor(method, url, body, key, out)
	return status, err
}

// sendFor is send, with the answer's header.
func (p *person) sendFor(method, url string, body any, key string, out any) (int, http.Header, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := p.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, resp.Header, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, resp.Header, fmt.Errorf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return resp.StatusCode, resp.Header, nil
}

// must makes a request that has to succeed.
func (p *person) must(t *testing.T, method, url string, body, out any) {
	t.Helper()
	if _, err := p.send(method, url, body, "", out); err != nil {
		t.Fatal(err)
	}
}

// status is the status of a GET.
func (p *person) status(t *testing.T, url string) int {
	t.Helper()
	status, err := p.send("GET", url, nil, "", nil)
	if status == 0 {
		t.Fatal(err)
	}
	return status
}
