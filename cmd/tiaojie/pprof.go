package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// The profiler (net/http/pprof) is off unless --pprof names an address, and
// that address must be the machine's own loopback: profiles show what the
// server holds in memory, so they are never served to the network, and never
// on the address the pages and the API answer on.

// loopbackAddr checks that addr is host:port on a loopback address.
func loopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--pprof %q: the profiler listens on a loopback address only, such as 127.0.0.1:6060", addr)
	}
	return nil
}

// profilerMux serves the profiles under /debug/pprof/.
func profilerMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// What the block and mutex profiles sample while the profiler is on: cheap
// enough to leave on under load, fine enough to show where requests wait.
const (
	profileBlockNs       = 10_000
	profileMutexFraction = 10
)

// listenProfiler binds the --pprof address, if one is configured.
func (m *Main) listenProfiler() error {
	if m.Config.Pprof == "" {
		return nil
	}
	l, err := net.Listen("tcp", m.Config.Pprof)
	if err != nil {
		return fmt.Errorf("--pprof: %w", err)
	}
	m.profiler = l
	// The block and mutex profiles record nothing unless asked to: with the
	// profiler on, a blocking event of about profileBlockNs or more is
	// sampled, and one contended lock in profileMutexFraction.
	runtime.SetBlockProfileRate(profileBlockNs)
	runtime.SetMutexProfileFraction(profileMutexFraction)
	m.Log.Warn("profiler listening", "addr", l.Addr().String())
	return nil
}

// serveProfiler answers the profiler's requests until ctx ends.
func (m *Main) serveProfiler(ctx context.Context) {
	if m.profiler == nil {
		return
	}
	// The CPU profile and the trace take their time, up to the seconds asked.
	srv := &http.Server{Handler: profilerMux(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 5 * time.Minute}
	go func() {
		if err := srv.Serve(m.profiler); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("profiler", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
}
