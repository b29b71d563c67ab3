package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestProfilerOnLoopbackOnly: --pprof takes loopback addresses only, serves
// the profiles there, and the server's own address never answers them.
func TestProfilerOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:6060", "192.168.1.5:6060", ":6060", "[::]:6060", "example.com:6060", "6060"} {
		c := Config{DB: "x.db", IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, LogFormat: "json", Zone: "Asia/Shanghai", Pprof: addr}
		if err := c.validate(); err == nil || !strings.Contains(err.Error(), "--pprof") {
			t.Errorf("--pprof %s: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060"} {
		c := Config{DB: "x.db", IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour, LogFormat: "json", Zone: "Asia/Shanghai", Pprof: addr}
		if err := c.validate(); err != nil {
			t.Errorf("--pprof %s: %v", addr, err)
		}
	}

	// A free loopback port for the profiler.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	m, _ := runConfigured(t, Config{InsecureCookies: true, Pprof: addr})
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("http://" + addr + "/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("the profiler: %d %.200s", code, body)
	}
	if code, _ := get("http://" + m.Addr() + "/debug/pprof/goroutine?debug=1"); code != http.StatusNotFound {
		t.Errorf("the server's own address answers the profiler: %d", code)
	}
}
