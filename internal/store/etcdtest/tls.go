package etcdtest

import (
	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"
)

// TLSFiles are the PEM files of a member serving its clients over TLS.
type TLSFiles struct {
	// Cert and Key are the member's certificate and key; CA is the
	// authority whose certificates it takes from clients.
	Cert, Key, CA string
}

// StartTLS starts a member with its data in dir that serves its clients
// over TLS only (https:// endpoints) and takes only clients with a
// certificate signed by f.CA, and waits until it serves.
func StartTLS(dir string, f TLSFiles) (*Server, error) {
	return start(dir, "https", func(cfg *embed.Config) {
		cfg.ClientTLSInfo = transport.TLSInfo{CertFile: f.Cert, KeyFile: f.Key, TrustedCAFile: f.CA, ClientCertAuth: true}
	})
}
