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
