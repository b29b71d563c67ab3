package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/ratelimit"
	"tiaojie/internal/web"
)

// writeSelfSigned writes a self-signed certificate for 127.0.0.1 and its key
// to dir, and returns their paths and a pool that trusts the certificate.
func writeSelfSigned(t *testing.T, dir, name string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "tiaojie test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的开机口令-2026")
	certFile, keyFile, pool := writeSelfSigned(t, t.TempDir(), "server")
	// Secure cookies (no --insecure-cookies): the __Host- session cookie
	// must work over HTTPS.
	m, _ := runConfigured(t, Config{TLSCert: certFile, TLSKey: keyFile})
	base := "https://" + m.Addr()

	c := newHTTPClient()
	c.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS GET /healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Fatalf("GET /healthz: %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Fatalf("Strict-Transport-Security = %q", hsts)
	}

	if status, body := post(t, c, base+"/api/v1/login", map[string]string{"username": "admin", "password": "管理员的开机口令-2026"}); status != http.StatusOK {
		t.Fatalf("login over HTTPS: %d %v", status, body)
	}
	resp, err = c.Get(base + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/me with the Secure session cookie: %d", resp.StatusCode)
	}

	// Plain HTTP to the HTTPS port gets no answer from the application.
	resp, err = http.Get("http://" + m.Addr() + "/healthz")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP answered 200 on the HTTPS port")
		}
	}
}

func TestTLSConfigValidation(t *testing.T) {
	dir := t.TempDir()
	certA, keyA, _ := writeSelfSigned(t, dir, "a")
	_, keyB, _ := writeSelfSigned(t, dir, "b")
	valid := Config{DB: "t.db", IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, LogFormat: "json"}
	for _, tc := range []struct {
		name       string
		cert, key  string
		wantSubstr string
	}{
		{"Neither", "", "", ""},
		{"Both", certA, keyA, ""},
		{"CertWithoutKey", certA, "", "--tls-cert and --tls-key go together"},
		{"KeyWithoutCert", "", keyA, "--tls-cert and --tls-key go together"},
		{"MissingFiles", filepath.Join(dir, "none.crt"), filepath.Join(dir, "none.key"), "--tls-cert"},
		{"KeyOfAnotherCertificate", certA, keyB, "--tls-cert"},
		{"KeyAsCertificate", keyA, keyA, "--tls-cert"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			cfg.TLSCert, cfg.TLSKey = tc.cert, tc.key
			err := cfg.validate()
			switch {
			case tc.wantSubstr == "" && err != nil:
				t.Fatalf("validate: %v", err)
			case tc.wantSubstr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantSubstr)):
				t.Fatalf("validate: %v, want an error naming %q", err, tc.wantSubstr)
			}
		})
	}
}

// TestServeFlags checks that `tiaojie serve --help` lists every flag with
// its environment variable, and that the security flags read their
// environment and refuse what they cannot use.
func TestServeFlags(t *testing.T) {
	t.Run("HelpListsEveryFlagWithItsEnvironmentVariable", func(t *testing.T) {
		var c Config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.bindServeFlags(fs)
		var help bytes.Buffer
		fs.SetOutput(&help)
		fs.PrintDefaults()
		n := 0
		fs.VisitAll(func(f *flag.Flag) {
			n++
			if !strings.Contains(help.String(), "-"+f.Name) {
				t.Errorf("--help does not list --%s", f.Name)
			}
			if f.Name != "demo" && !strings.Contains(f.Usage, "env TIAOJIE_") {
				t.Errorf("--%s names no TIAOJIE_ variable: %q", f.Name, f.Usage)
			}
		})
		for _, want := range []string{"-tls-cert", "-tls-key", "-trusted-proxies", "-rate-login-account N/PERIOD",
			"(default 5/15m)", "(default 10/1m)", "TIAOJIE_RATE_ACCESS_TOKEN", "TIAOJIE_TRUSTED_PROXIES"} {
			if !strings.Contains(help.String(), want) {
				t.Errorf("--help lacks %q:\n%s", want, help.String())
			}
		}
		if err := serve(context.Background(), []string{"--help"}); err != nil {
			t.Errorf("serve --help: %v", err)
		}
	})

	t.Run("FromEnvironment", func(t *testing.T) {
		t.Setenv("TIAOJIE_TRUSTED_PROXIES", "10.0.0.5, fd00::/8")
		t.Setenv("TIAOJIE_RATE_LOGIN_ACCOUNT", "3/1h")
		t.Setenv("TIAOJIE_RATE_ACCESS_ADDRESS", "off")
		var c Config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.bindServeFlags(fs)
		if err := fs.Parse([]string{"--rate-login-address", "20/2m"}); err != nil {
			t.Fatal(err)
		}
		if got := c.TrustedProxies.String(); got != "10.0.0.5/32,fd00::/8" {
			t.Errorf("trusted proxies %q", got)
		}
		want := web.Limits{LoginAccount: ratelimit.Rate{Burst: 3, Per: time.Hour}, LoginAddress: ratelimit.Rate{Burst: 20, Per: 2 * time.Minute},
			AccessToken: web.DefaultLimits.AccessToken, AccessAddress: ratelimit.Rate{Off: true}, LoginDevice: web.DefaultLimits.LoginDevice}
		if c.Limits != want {
			t.Errorf("limits %+v, want %+v", c.Limits, want)
		}
	})

	t.Run("BadEnvironmentReportedAtStart", func(t *testing.T) {
		t.Setenv("TIAOJIE_TRUSTED_PROXIES", "0.0.0.0/0")
		t.Setenv("TIAOJIE_RATE_LOGIN_ACCOUNT", "many")
		t.Setenv("TIAOJIE_TLS_CERT", "server.crt")
		// Were it to start anyway, it would stop at once, on a file of its own.
		t.Setenv("TIAOJIE_DB", filepath.Join(t.TempDir(), "t.db"))
		t.Setenv("TIAOJIE_ADDR", "127.0.0.1:0")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := serve(ctx, nil)
		if err == nil {
			t.Fatal("serve started with a bad configuration")
		}
		for _, want := range []string{"TIAOJIE_TRUSTED_PROXIES", "TIAOJIE_RATE_LOGIN_ACCOUNT", "--tls-cert and --tls-key go together"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %s", err, want)
			}
		}
	})

	t.Run("BadFlagRefused", func(t *testing.T) {
		for _, args := range [][]string{{"--trusted-proxies", "::/0"}, {"--rate-access-token", "5/"}, {"--trusted-proxies", "proxy.lan"}} {
			var c Config
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(&bytes.Buffer{})
			c.bindServeFlags(fs)
			if err := fs.Parse(args); err == nil {
				t.Errorf("%v accepted", args)
			}
		}
	})
}
