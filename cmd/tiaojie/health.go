package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthCommand asks the server on --addr whether it is ready, for a
// container's HEALTHCHECK: the image has no shell and no curl. It exits
// non-zero unless GET /readyz answers 200 within five seconds.
func healthCommand(ctx context.Context, args []string) error {
	var cfg Config
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	cfg.bindServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	url, err := readyURL(cfg.Addr, cfg.TLSCert != "")
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		// It asks its own server on this machine: the name in the
		// certificate is not the loopback address.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s answered %s", url, resp.Status)
	}
	return nil
}

// readyURL is where the server listening on addr answers /readyz; a server
// listening on every interface is asked on the loopback one.
func readyURL(addr string, https bool) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/readyz", nil
}
