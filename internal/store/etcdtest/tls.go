package etcdtest

import (
	"fmt"
	"net/url"
	"time"

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
	client, err := freeURL()
	if err != nil {
		return nil, err
	}
	client.Scheme = "https"
	peer, err := freeURL()
	if err != nil {
		return nil, err
	}
	cfg := embed.NewConfig()
	cfg.Name = "test"
	cfg.Dir = dir
	cfg.LogLevel = "fatal"
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{*client}, []url.URL{*client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{*peer}, []url.URL{*peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	cfg.TickMs, cfg.ElectionMs = 10, 100
	cfg.ClientTLSInfo = transport.TLSInfo{CertFile: f.Cert, KeyFile: f.Key, TrustedCAFile: f.CA, ClientCertAuth: true}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcdtest: start: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		e.Close()
		return nil, fmt.Errorf("etcdtest: start: %w", err)
	case <-time.After(30 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcdtest: the member was not ready within 30 s")
	}
	return &Server{etcd: e, Endpoints: []string{client.String()}}, nil
}
