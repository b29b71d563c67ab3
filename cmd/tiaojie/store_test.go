package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// The server runs on a store in etcd (--store etcd --etcd-endpoints), a
// second server beside it on the same store, and check and backup work on
// it while they run, taking --store and the endpoints from the environment
// as well as from flags.
func TestServerOnEtcd(t *testing.T) {
	member := etcdtest.New(t)
	endpoints := strings.Join(member.Endpoints, ",")
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的开机口令-2026")
	first, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: endpoints, InsecureCookies: true})
	second, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: endpoints, InsecureCookies: true})
	for _, m := range []*Main{first, second} {
		base := "http://" + m.Addr()
		for _, path := range []string{"/healthz", "/readyz"} {
			resp, err := http.Get(base + path)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %v %v", path, resp, err)
			}
			resp.Body.Close()
		}
		// One admin, created by the first server, signs in on both.
		status, body := post(t, newHTTPClient(), base+"/api/v1/login", map[string]string{"username": "admin", "password": "管理员的开机口令-2026"})
		if status != http.StatusOK || body["user"].(map[string]any)["role"] != "admin" {
			t.Fatalf("login on %s: %d %v", base, status, body)
		}
	}

	var out bytes.Buffer
	if err := checkCommand(&out, []string{"--store", "etcd", "--etcd-endpoints", endpoints}); err != nil {
		t.Fatalf("check on etcd: %v", err)
	}
	if !strings.Contains(out.String(), "ok: etcd "+endpoints) {
		t.Errorf("check on etcd said %q", out.String())
	}

	t.Setenv("TIAOJIE_STORE", "etcd")
	t.Setenv("TIAOJIE_ETCD_ENDPOINTS", endpoints)
	file := filepath.Join(t.TempDir(), "copy.db")
	out.Reset()
	if err := backupCommand(context.Background(), &out, []string{file}); err != nil {
		t.Fatalf("backup of etcd: %v", err)
	}
	if !strings.Contains(out.String(), "verified") {
		t.Errorf("backup said %q", out.String())
	}
	// The copy is a bbolt file of the same records, checked as any other.
	head, err := store.VerifyBackup(file)
	if err != nil {
		t.Fatalf("the copy: %v", err)
	}
	if live, err := first.DB.AuditHead(); err != nil || live.Seq < head.Seq || head.Seq == 0 {
		t.Errorf("the copy's audit head %v, the store's %v (%v)", head, live, err)
	}
	t.Setenv("TIAOJIE_STORE", "bbolt")
	out.Reset()
	if err := checkCommand(&out, []string{"--db", file}); err != nil {
		t.Fatalf("check of the copy: %v", err)
	}
}

func TestStoreFlagRefusals(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Store: "etcd"}, "--store etcd needs --etcd-endpoints"},
		{Config{Store: "etcd", EtcdEndpoints: " , "}, "--store etcd needs --etcd-endpoints"},
		{Config{Store: "sqlite", DB: "x.db"}, `--store "sqlite": it is bbolt or etcd`},
	} {
		if db, err := tc.cfg.openStore(store.Options{}); err == nil {
			db.Close()
			t.Errorf("%+v opened", tc.cfg)
		} else if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want it to say %q", tc.cfg, err, tc.want)
		}
	}
}

// A server on etcd needs the URL the others reach it at; bbolt takes none;
// and the URL must be one.
func TestAdvertiseRefusals(t *testing.T) {
	base := Config{DB: "t.db", IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, LogFormat: "json", Zone: "Asia/Shanghai"}
	for _, tc := range []struct {
		store, advertise, want string
	}{
		{"etcd", "", "--store etcd needs --advertise"},
		{"bbolt", "http://10.0.0.11:8080", "--advertise is for --store etcd"},
		{"etcd", "10.0.0.11:8080", `--advertise "10.0.0.11:8080"`},
		{"etcd", "ftp://10.0.0.11", `--advertise "ftp://10.0.0.11"`},
		{"etcd", "http://10.0.0.11:8080/tiaojie", `--advertise "http://10.0.0.11:8080/tiaojie"`},
	} {
		cfg := base
		cfg.Store, cfg.EtcdEndpoints, cfg.Advertise = tc.store, "http://127.0.0.1:2379", tc.advertise
		err := cfg.validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--store %s --advertise %q: %v, want it to say %q", tc.store, tc.advertise, err, tc.want)
		}
	}
	cfg := base
	cfg.Store, cfg.EtcdEndpoints, cfg.Advertise = "etcd", "http://127.0.0.1:2379", "https://10.0.0.11:8443"
	if err := cfg.validate(); err != nil {
		t.Errorf("a good --advertise refused: %v", err)
	}
}
