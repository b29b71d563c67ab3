package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/auth"
	"tiaojie/internal/testnet"
)

var testParams = auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}

// MustRunMain starts the real program on a free port with a database in
// t.TempDir(); it is stopped at cleanup the way SIGTERM stops it.
func MustRunMain(t *testing.T, dbPath string, demo bool) (*Main, *bytes.Buffer) {
	t.Helper()
	return runConfigured(t, Config{DB: dbPath, InsecureCookies: true, Demo: demo})
}

// runConfigured starts the real program with cfg, on a free port and, unless
// cfg names one, a database in t.TempDir(); it is stopped at cleanup the way
// SIGTERM stops it.
func runConfigured(t *testing.T, cfg Config) (*Main, *bytes.Buffer) {
	t.Helper()
	m := NewMain()
	var out bytes.Buffer
	m.Out, m.Params = &out, testParams
	cfg.Addr = "127.0.0.1:0"
	if cfg.Store == "etcd" && cfg.Advertise == "" {
		// The others reach it at its address: one chosen now.
		cfg.Addr = freeAddr(t)
		cfg.Advertise = "http://" + cfg.Addr
	}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(t.TempDir(), "t.db")
	}
	cfg.IdleTimeout, cfg.AbsoluteTimeout, cfg.LogFormat = 30*time.Minute, 12*time.Hour, "json"
	m.Config = cfg
	if err := m.Config.validate(); err != nil {
		t.Fatal(err)
	}
	if err := m.Open(); err != nil {
		m.Close()
		t.Fatal(err)
	}
	if err := m.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m, &out
}

func post(t *testing.T, c *http.Client, url string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := c.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func newHTTPClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func TestFirstStartCreatesAdminFromEnvironment(t *testing.T) {
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的开机口令-2026")
	m, out := MustRunMain(t, filepath.Join(t.TempDir(), "t.db"), false)
	if !strings.Contains(out.String(), "TIAOJIE_ADMIN_PASSWORD") || strings.Contains(out.String(), "管理员的开机口令") {
		t.Fatalf("first-start message: %q", out.String())
	}
	base := "http://" + m.Addr()
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(base + path)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	if status, _ := post(t, newHTTPClient(), base+"/api/v1/login", map[string]string{"username": "admin", "password": "wrong-password"}); status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", status)
	}
	status, body := post(t, newHTTPClient(), base+"/api/v1/login", map[string]string{"username": "admin", "password": "管理员的开机口令-2026"})
	if status != http.StatusOK || body["user"].(map[string]any)["role"] != "admin" {
		t.Fatalf("login: %d %v", status, body)
	}
}

func TestFirstStartPrintsGeneratedPasswordOnce(t *testing.T) {
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "")
	path := filepath.Join(t.TempDir(), "t.db")
	m, out := MustRunMain(t, path, false)
	pw := regexp.MustCompile(`password\s+(\S+)`).FindStringSubmatch(out.String())
	if pw == nil {
		t.Fatalf("no password printed: %q", out.String())
	}
	status, _ := post(t, newHTTPClient(), "http://"+m.Addr()+"/api/v1/login", map[string]string{"username": "admin", "password": pw[1]})
	if status != http.StatusOK {
		t.Fatalf("login with the printed password: %d", status)
	}
}

func TestSecondServerOnTheSameFileFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	MustRunMain(t, path, false)
	m := NewMain()
	m.Out, m.Params = io.Discard, testParams
	m.Config = Config{DB: path}
	start := time.Now()
	err := m.Open()
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second open: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("second open took %s", d)
	}
}

// TestDemo fills a fresh database and signs in as each kind of user it names.
func TestDemo(t *testing.T) {
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "demo-admin-password")
	m, out := MustRunMain(t, filepath.Join(t.TempDir(), "t.db"), true)
	base := "http://" + m.Addr() + "/api/v1"
	staff := regexp.MustCompile(`(?m)^\s+(mediator|street office) \S+\s+(\S+)\s+password (\S+)$`).FindAllStringSubmatch(out.String(), -1)
	tokens := regexp.MustCompile(`(?m)\s(https?://\S+)/a/(\S+)$`).FindAllStringSubmatch(out.String(), -1)
	if !strings.Contains(out.String(), "/login and sign in") {
		t.Errorf("the demo does not say which page to open:\n%s", out)
	}
	if len(staff) != 3 || len(tokens) != 7 {
		t.Fatalf("demo printed %d staff and %d invitations:\n%s", len(staff), len(tokens), out)
	}
	for _, s := range staff {
		c := newHTTPClient()
		if status, _ := post(t, c, base+"/login", map[string]string{"username": s[2], "password": s[3]}); status != http.StatusOK {
			t.Fatalf("login %s: %d", s[2], status)
		}
		resp, err := c.Get(base + "/cases")
		if err != nil {
			t.Fatal(err)
		}
		var l struct {
			Items []map[string]any `json:"items"`
		}
		json.NewDecoder(resp.Body).Decode(&l)
		resp.Body.Close()
		switch s[1] {
		case "mediator":
			if resp.StatusCode != http.StatusOK || len(l.Items) == 0 {
				t.Fatalf("mediator %s lists %d cases (%d)", s[2], len(l.Items), resp.StatusCode)
			}
		case "street office":
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("office lists cases: %d", resp.StatusCode)
			}
			// A year of history fills the office's tables.
			resp, err := c.Get(base + "/stats")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !regexp.MustCompile(`"count":([5-9]|[1-9][0-9]+)\b`).Match(raw) {
				t.Fatalf("office's stats: %d %s", resp.StatusCode, raw)
			}
		}
	}
	for _, tok := range tokens {
		c := newHTTPClient()
		status, body := post(t, c, base+"/access", map[string]string{"token": tok[2], "pin": "246810"})
		if status != http.StatusOK || body["case"] == nil {
			t.Fatalf("access with %s: %d %v", tok[2], status, body)
		}
	}
}

func TestHealth(t *testing.T) {
	m, _ := MustRunMain(t, filepath.Join(t.TempDir(), "t.db"), false)
	if err := healthCommand(context.Background(), []string{"--addr", m.Addr()}); err != nil {
		t.Fatalf("health of a running server: %v", err)
	}
	_, port, _ := net.SplitHostPort(m.Addr())
	if err := healthCommand(context.Background(), []string{"--addr", "0.0.0.0:" + port}); err != nil {
		t.Fatalf("health on the wildcard address: %v", err)
	}
	free := freeAddr(t)
	if err := healthCommand(context.Background(), []string{"--addr", free}); err == nil {
		t.Fatal("health with no server answered ok")
	}
}

// freeAddr is a loopback address with a port free a moment ago
// (testnet.FreeAddr).
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := testnet.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}
