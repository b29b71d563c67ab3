package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/store"
	"tiaojie/internal/store/etcdtest"
)

// testCA is a certificate authority made in the test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	file string
}

func newTestCA(t *testing.T, dir, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ca := &testCA{cert: cert, key: key, file: filepath.Join(dir, name+".crt")}
	writePEM(t, ca.file, "CERTIFICATE", der)
	return ca
}

// issue writes a certificate signed by the CA for usage (a member's, for
// 127.0.0.1, or a client's) and its key, and returns their files.
func (ca *testCA) issue(t *testing.T, dir, name string, usage x509.ExtKeyUsage) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	return certFile, keyFile
}

func writePEM(t *testing.T, file, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A member that serves TLS and asks every client for a certificate of its
// CA: serve, check and backup reach it with --etcd-cert, --etcd-key and
// --etcd-ca (or their variables); without a client certificate, or with one
// of another CA, or trusting another CA, opening fails and says so.
func TestEtcdTLS(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, dir, "etcd-ca")
	memberCert, memberKey := ca.issue(t, dir, "member", x509.ExtKeyUsageServerAuth)
	clientCert, clientKey := ca.issue(t, dir, "tiaojie", x509.ExtKeyUsageClientAuth)
	rogue := newTestCA(t, dir, "rogue-ca")
	rogueCert, rogueKey := rogue.issue(t, dir, "intruder", x509.ExtKeyUsageClientAuth)

	member, err := etcdtest.StartTLS(t.TempDir(), etcdtest.TLSFiles{Cert: memberCert, Key: memberKey, CA: ca.file})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(member.Stop)
	endpoints := strings.Join(member.Endpoints, ",")
	if !strings.HasPrefix(endpoints, "https://") {
		t.Fatalf("endpoints %s", endpoints)
	}

	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的开机口令-2026")
	m, _ := runConfigured(t, Config{Store: "etcd", EtcdEndpoints: endpoints, InsecureCookies: true,
		EtcdCert: clientCert, EtcdKey: clientKey, EtcdCA: ca.file})
	status, body := post(t, newHTTPClient(), "http://"+m.Addr()+"/api/v1/login",
		map[string]string{"username": "admin", "password": "管理员的开机口令-2026"})
	if status != http.StatusOK {
		t.Fatalf("login through the server on etcd over TLS: %d %v", status, body)
	}

	// check by flags, backup by the environment.
	tlsFlags := []string{"--store", "etcd", "--etcd-endpoints", endpoints,
		"--etcd-cert", clientCert, "--etcd-key", clientKey, "--etcd-ca", ca.file}
	var out bytes.Buffer
	if err := checkCommand(&out, tlsFlags); err != nil {
		t.Fatalf("check over TLS: %v", err)
	}
	t.Setenv("TIAOJIE_STORE", "etcd")
	t.Setenv("TIAOJIE_ETCD_ENDPOINTS", endpoints)
	t.Setenv("TIAOJIE_ETCD_CERT", clientCert)
	t.Setenv("TIAOJIE_ETCD_KEY", clientKey)
	t.Setenv("TIAOJIE_ETCD_CA", ca.file)
	file := filepath.Join(t.TempDir(), "copy.db")
	if err := backupCommand(t.Context(), &out, []string{file}); err != nil {
		t.Fatalf("backup over TLS: %v", err)
	}
	if _, err := store.VerifyBackup(file); err != nil {
		t.Errorf("the copy: %v", err)
	}
	for _, v := range []string{"TIAOJIE_STORE", "TIAOJIE_ETCD_ENDPOINTS", "TIAOJIE_ETCD_CERT", "TIAOJIE_ETCD_KEY", "TIAOJIE_ETCD_CA"} {
		os.Unsetenv(v)
	}

	// Refused by the member: no client certificate, another CA's, or the
	// member not trusted.
	for name, cfg := range map[string]Config{
		"no client certificate":   {EtcdCA: ca.file},
		"another CA's client":     {EtcdCert: rogueCert, EtcdKey: rogueKey, EtcdCA: ca.file},
		"the member not trusted":  {EtcdCert: clientCert, EtcdKey: clientKey, EtcdCA: rogue.file},
		"the system's roots only": {EtcdCert: clientCert, EtcdKey: clientKey},
	} {
		cfg.Store, cfg.EtcdEndpoints = "etcd", endpoints
		start := time.Now()
		db, err := openQuickly(cfg)
		if err == nil {
			db.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if !strings.Contains(err.Error(), "TLS to "+member.Endpoints[0]) {
			t.Errorf("%s: %v, which does not say what TLS answered", name, err)
		}
		t.Logf("%s: refused in %s: %v", name, time.Since(start).Round(time.Millisecond), err)
	}
}

// openQuickly opens the store with a short timeout, for refusals.
func openQuickly(cfg Config) (*store.DB, error) {
	endpoints := strings.Split(cfg.EtcdEndpoints, ",")
	tlsConfig, err := cfg.etcdTLS(endpoints)
	if err != nil {
		return nil, err
	}
	db, err := store.OpenEtcd(store.EtcdOptions{Endpoints: endpoints, TLS: tlsConfig, Timeout: 2 * time.Second}, store.Options{})
	return db, explainTLS(err, endpoints, tlsConfig)
}

// Half a TLS configuration, or TLS beside plain endpoints, is refused before
// anything is dialled, saying what is missing.
func TestEtcdTLSRefusals(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, dir, "ca")
	cert, key := ca.issue(t, dir, "client", x509.ExtKeyUsageClientAuth)
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{EtcdEndpoints: "https://127.0.0.1:1", EtcdCert: cert}, "--etcd-cert and --etcd-key go together"},
		{Config{EtcdEndpoints: "https://127.0.0.1:1", EtcdKey: key, EtcdCA: ca.file}, "--etcd-cert and --etcd-key go together"},
		{Config{EtcdEndpoints: "http://127.0.0.1:1", EtcdCA: ca.file}, "not https://"},
		{Config{EtcdEndpoints: "https://127.0.0.1:1,http://127.0.0.1:2"}, "mixes https:// and plain"},
		{Config{EtcdEndpoints: "https://127.0.0.1:1", EtcdCert: key, EtcdKey: cert}, "--etcd-cert " + key},
		{Config{EtcdEndpoints: "https://127.0.0.1:1", EtcdCA: notPEM}, "no PEM certificate"},
		{Config{EtcdEndpoints: "https://127.0.0.1:1", EtcdCA: filepath.Join(dir, "absent.pem")}, "--etcd-ca"},
	} {
		tc.cfg.Store = "etcd"
		start := time.Now()
		db, err := tc.cfg.openStore(store.Options{})
		if err == nil {
			db.Close()
			t.Errorf("%+v opened", tc.cfg)
		} else if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want it to say %q", tc.cfg, err, tc.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%+v: refused after %s: it dialled", tc.cfg, d)
		}
	}
	// The flags and their variables are on every command that opens the store.
	for _, cmd := range []func([]string) error{
		func(a []string) error { return checkCommand(&bytes.Buffer{}, a) },
		func(a []string) error {
			return backupCommand(t.Context(), &bytes.Buffer{}, append(a, filepath.Join(dir, "b.db")))
		},
		func(a []string) error { return userCommand(append([]string{"add"}, a...)) },
		func(a []string) error { return auditCommand(&bytes.Buffer{}, append([]string{"head"}, a...)) },
	} {
		err := cmd([]string{"--store", "etcd", "--etcd-endpoints", "https://127.0.0.1:1", "--etcd-cert", cert})
		if err == nil || !strings.Contains(err.Error(), "--etcd-cert and --etcd-key go together") {
			t.Errorf("a command with half the TLS flags: %v", err)
		}
	}
}
