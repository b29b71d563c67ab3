package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// TLS to etcd: the cluster's CA (--etcd-ca) and a client certificate
// (--etcd-cert with --etcd-key) for a cluster run with --client-cert-auth.

// bindEtcdTLSFlags defines --etcd-cert, --etcd-key and --etcd-ca.
func (c *Config) bindEtcdTLSFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.EtcdCert, "etcd-cert", env("TIAOJIE_ETCD_CERT", ""),
		"PEM client certificate `file` to present to etcd; needs --etcd-key (env TIAOJIE_ETCD_CERT)")
	fs.StringVar(&c.EtcdKey, "etcd-key", env("TIAOJIE_ETCD_KEY", ""),
		"PEM private key `file` of --etcd-cert (env TIAOJIE_ETCD_KEY)")
	fs.StringVar(&c.EtcdCA, "etcd-ca", env("TIAOJIE_ETCD_CA", ""),
		"PEM `file` of the CA that signed the etcd members' certificates; empty: the system's roots (env TIAOJIE_ETCD_CA)")
}

// etcdTLS is the client's TLS configuration for endpoints: nil for plain
// http:// endpoints without TLS flags. It refuses half a configuration (a
// certificate without its key, or a key without its certificate), TLS
// flags beside an http:// endpoint, and files that do not load.
func (c *Config) etcdTLS(endpoints []string) (*tls.Config, error) {
	flags := c.EtcdCert != "" || c.EtcdKey != "" || c.EtcdCA != ""
	var plain, secure []string
	for _, e := range endpoints {
		if strings.HasPrefix(e, "https://") {
			secure = append(secure, e)
		} else {
			plain = append(plain, e)
		}
	}
	switch {
	case (c.EtcdCert == "") != (c.EtcdKey == ""):
		return nil, errors.New("--etcd-cert and --etcd-key go together (env TIAOJIE_ETCD_CERT, TIAOJIE_ETCD_KEY): give both, to present a client certificate to etcd, or neither")
	case flags && len(plain) > 0:
		return nil, fmt.Errorf("--etcd-endpoints %s: not https://, but --etcd-cert, --etcd-key or --etcd-ca is given: name the endpoints https://", strings.Join(plain, ","))
	case len(secure) > 0 && len(plain) > 0:
		return nil, fmt.Errorf("--etcd-endpoints mixes https:// and plain endpoints (%s): all or none speak TLS", strings.Join(plain, ","))
	case !flags && len(secure) == 0:
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.EtcdCert != "" {
		cert, err := tls.LoadX509KeyPair(c.EtcdCert, c.EtcdKey)
		if err != nil {
			return nil, fmt.Errorf("--etcd-cert %s with --etcd-key %s: %w", c.EtcdCert, c.EtcdKey, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if c.EtcdCA != "" {
		pem, err := os.ReadFile(c.EtcdCA)
		if err != nil {
			return nil, fmt.Errorf("--etcd-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--etcd-ca %s: no PEM certificate in it", c.EtcdCA)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// explainTLS adds to a failure to reach etcd over TLS what a TLS handshake
// with its first endpoint answers (an unknown authority, a certificate the
// member refuses): the etcd client says only that its deadline passed.
func explainTLS(err error, endpoints []string, cfg *tls.Config) error {
	if err == nil || cfg == nil || len(endpoints) == 0 {
		return err
	}
	u, perr := url.Parse(endpoints[0])
	if perr != nil {
		return err
	}
	c := cfg.Clone()
	c.NextProtos = []string{"h2"}
	conn, derr := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", u.Host, c)
	if derr == nil {
		// A member that refuses the client's certificate says so after
		// the handshake (TLS 1.3): read its first answer.
		conn.SetReadDeadline(time.Now().Add(time.Second))
		_, derr = conn.Read(make([]byte, 1))
		conn.Close()
		if ne, ok := derr.(net.Error); derr == nil || ok && ne.Timeout() {
			return err
		}
	}
	return fmt.Errorf("%w (TLS to %s: %v)", err, endpoints[0], derr)
}
