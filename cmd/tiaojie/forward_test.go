package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/ratelimit"
	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
	"tiaojie/internal/web"
)

// A request that names a client address in the peers' headers is believed
// only with the peers' secret from the store: without it, every attempt
// counts against the connection's own address, and the limit on it holds;
// with it, each attempt counts against the address named.
func TestPeerAddressNeedsTheSecret(t *testing.T) {
	member := etcdtest.New(t)
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的开机口令-2026")
	limits := web.DefaultLimits
	limits.LoginAddress = ratelimit.Rate{Burst: 3, Per: time.Hour}
	m, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: strings.Join(member.Endpoints, ","), InsecureCookies: true, Limits: limits})
	within(t, "the server leads", m.DB.Leading)
	secret, err := m.DB.PeerSecret()
	if err != nil || len(secret) < 32 {
		t.Fatalf("the peers' secret: %q, %v", secret, err)
	}
	attempt := func(n int, proof string) int {
		t.Helper()
		b, _ := json.Marshal(map[string]string{"username": fmt.Sprintf("nobody-%d-%t", n, proof == secret), "password": "wrong-password"})
		req, _ := http.NewRequest("POST", "http://"+m.Addr()+"/api/v1/login", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(peerSecretHeader, proof)
		req.Header.Set(peerAddrHeader, fmt.Sprintf("203.0.113.%d:4000", n+1))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get(revisionHeader) != "" && proof != secret {
			t.Errorf("a request without the secret was answered as a peer's")
		}
		return resp.StatusCode
	}
	for n := range 6 {
		if status := attempt(n, secret); status != http.StatusUnauthorized {
			t.Fatalf("attempt %d as a peer, from an address of its own: %d, want 401", n, status)
		}
	}
	statuses := []int{}
	for n := range 5 {
		statuses = append(statuses, attempt(n, "a-guessed-secret"))
	}
	if statuses[len(statuses)-1] != http.StatusTooManyRequests {
		t.Fatalf("attempts naming other addresses without the secret: %v, want the last refused (429)", statuses)
	}
}

// A follower whose leader cannot be reached answers a write 503 in the
// client's language, and nothing of it is stored; what only reads it
// serves itself.
func TestFollowerWithUnreachableLeader(t *testing.T) {
	member := etcdtest.New(t)
	endpoints := strings.Join(member.Endpoints, ",")
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的开机口令-2026")
	// The leader advertises a URL where nothing listens.
	leader, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: endpoints, InsecureCookies: true, Advertise: "http://127.0.0.1:1"})
	within(t, "the first server leads", leader.DB.Leading)
	follower, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: endpoints, InsecureCookies: true})
	if follower.DB.Leading() || follower.DB.Leader() != "http://127.0.0.1:1" {
		t.Fatalf("the second server leads: %v, sees %q", follower.DB.Leading(), follower.DB.Leader())
	}
	b, _ := json.Marshal(map[string]string{"username": "admin", "password": "管理员的开机口令-2026"})
	req, _ := http.NewRequest("POST", "http://"+follower.Addr()+"/api/v1/login", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || body.Error.Code != "unavailable" ||
		!strings.Contains(body.Error.Message, "cannot be reached") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a sign-in through the follower: %d %+v, Retry-After %q", resp.StatusCode, body.Error, resp.Header.Get("Retry-After"))
	}
	stored := 0
	if _, err := follower.DB.DeleteExpiredLogins(func(*store.Login) bool { stored++; return false }); err != nil || stored != 0 {
		t.Errorf("%d sign-ins stored (%v), want none", stored, err)
	}
	resp, err = http.Get("http://" + follower.Addr() + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a read through the follower: %v %v", resp, err)
	}
	resp.Body.Close()
}
