// Package etcdtest starts an embedded single-member etcd server for tests:
// in a directory of the test's, on loopback ports chosen free. Only tests
// import it, so the etcd server is never linked into the tiaojie binary.
package etcdtest

import (
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.etcd.io/etcd/server/v3/embed"

	"tiaojie/internal/testnet"
)

// Server is one running member.
type Server struct {
	etcd      *embed.Etcd
	Endpoints []string
}

// Start starts a member with its data in dir and waits until it serves.
func Start(dir string) (*Server, error) { return start(dir, "http", nil) }

// start starts a member serving its clients on scheme, configured further
// by tune (if any), and waits until it serves.
func start(dir, scheme string, tune func(*embed.Config)) (*Server, error) {
	client, err := freeURL()
	if err != nil {
		return nil, err
	}
	client.Scheme = scheme
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
	if tune != nil {
		tune(cfg)
	}
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

// Stop stops the member.
func (s *Server) Stop() { s.etcd.Close() }

// New starts a member of the test's own, in tb.TempDir(), stopped at cleanup.
func New(tb testing.TB) *Server {
	tb.Helper()
	s, err := Start(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedDir  string
	sharedErr  error
)

// Shared is one member for every test of the package that asks, started at
// the first ask (tests keep apart by key prefix). StopShared, from TestMain,
// stops it and removes its directory.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "etcdtest-")
		if sharedErr == nil {
			shared, sharedErr = Start(sharedDir)
		}
	})
	if sharedErr != nil {
		tb.Fatal(sharedErr)
	}
	return shared
}

// StopShared stops the shared member, if one was started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
}

// freeURL is a loopback URL on a port free now (testnet.FreeAddr).
func freeURL() (*url.URL, error) {
	addr, err := testnet.FreeAddr()
	if err != nil {
		return nil, err
	}
	return &url.URL{Scheme: "http", Host: addr}, nil
}

// WALFsyncs is how many times the members of this process have synced
// their write-ahead log to disk so far, and the time it took: one raft
// round's worth of commits each, what a commit waits for at the least.
func WALFsyncs() (n uint64, took time.Duration) {
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		return 0, 0
	}
	var seconds float64
	for _, f := range families {
		if f.GetName() != "etcd_disk_wal_fsync_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			n += m.GetHistogram().GetSampleCount()
			seconds += m.GetHistogram().GetSampleSum()
		}
	}
	return n, time.Duration(seconds * float64(time.Second))
}
