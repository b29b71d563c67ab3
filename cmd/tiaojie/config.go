package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/ratelimit"
	"tiaojie/internal/web"
)

// defaultInvitationTTL is how long an unused invitation works: a month, the
// statutory term of a mediation.
const defaultInvitationTTL = 30 * 24 * time.Hour

// Config is everything the program is configured with, by flags or by the
// TIAOJIE_* environment variables that give the flags their defaults.
type Config struct {
	Addr            string
	DB              string
	InsecureCookies bool
	PlacesFile      string
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// InvitationTTL is how long an invitation link works until first used;
	// zero is defaultInvitationTTL.
	InvitationTTL time.Duration
	LogFormat     string
	Demo          bool
	// Zone is the time zone the pages show times in.
	Zone string
	// TLSCert and TLSKey, both or neither, make the server speak HTTPS itself.
	TLSCert, TLSKey string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client; with none the client is the connection's peer.
	TrustedProxies web.Prefixes
	// Limits are the rate limits on sign-in and invitation redemption; a zero
	// Rate is the default.
	Limits web.Limits
	// Pprof is the loopback address of the profiler; empty: none.
	Pprof string
	// envErrs are TIAOJIE_* variables that could not be read.
	envErrs []error

	// Statistics for the street office: counts from 1 to StatsK−1 are
	// withheld from its tables.
	StatsK int
	// CaseQuotaMiB is the most MiB of attachments one case may hold.
	CaseQuotaMiB int64

	// The store on etcd: Store is bbolt or etcd, EtcdEndpoints the
	// cluster's client URLs, comma-separated.
	Store, EtcdEndpoints string

	// Advertise is the URL the other tiaojie processes on the etcd store
	// reach this one at: it campaigns to be the store's writer with it
	// (forward.go). Serving only.
	Advertise string

	// Blobs is the directory of the attachments' files; empty: in the
	// store (blobs.go).
	Blobs string
	// TLS to etcd: a client certificate and key, and the cluster's CA
	// (etcd_tls.go).
	EtcdCert, EtcdKey, EtcdCA string
}

// bindFlags defines the flags every subcommand shares, defaulting from env.
func (c *Config) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", env("TIAOJIE_DB", "./tiaojie.db"), "database file (env TIAOJIE_DB)")
	fs.StringVar(&c.PlacesFile, "places", env("TIAOJIE_PLACES", ""),
		"JSON file of communities and rooms, {\"communities\":[{code,name,street}],\"rooms\":[...]} (env TIAOJIE_PLACES; default: a built-in sample)")
	// The store on etcd.
	c.bindStoreFlags(fs)
	// Attachments outside the store, and TLS to etcd.
	c.bindBlobFlags(fs)
	c.bindEtcdTLSFlags(fs)
}

// bindServeFlags defines the server's own flags.
func (c *Config) bindServeFlags(fs *flag.FlagSet) {
	c.bindFlags(fs)
	fs.StringVar(&c.Addr, "addr", env("TIAOJIE_ADDR", "127.0.0.1:8080"), "address to listen on (env TIAOJIE_ADDR)")
	fs.BoolVar(&c.InsecureCookies, "insecure-cookies", c.envBool("TIAOJIE_INSECURE_COOKIES"),
		"send login cookies without Secure, for plain HTTP on a LAN (env TIAOJIE_INSECURE_COOKIES)")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", c.envDuration("TIAOJIE_IDLE_TIMEOUT", 30*time.Minute),
		"end a sign-in unused this long (env TIAOJIE_IDLE_TIMEOUT)")
	fs.DurationVar(&c.AbsoluteTimeout, "absolute-timeout", c.envDuration("TIAOJIE_ABSOLUTE_TIMEOUT", 12*time.Hour),
		"end a sign-in this long after it began (env TIAOJIE_ABSOLUTE_TIMEOUT)")
	fs.DurationVar(&c.InvitationTTL, "invitation-ttl", c.envDuration("TIAOJIE_INVITATION_TTL", defaultInvitationTTL),
		"an invitation link not used this long after it was issued stops working (env TIAOJIE_INVITATION_TTL)")
	fs.StringVar(&c.LogFormat, "log-format", env("TIAOJIE_LOG_FORMAT", "json"), "log format: json or text (env TIAOJIE_LOG_FORMAT)")
	fs.StringVar(&c.Pprof, "pprof", env("TIAOJIE_PPROF", ""),
		"serve net/http/pprof on this loopback `address` (e.g. 127.0.0.1:6060); empty: off (env TIAOJIE_PPROF)")
	fs.StringVar(&c.Zone, "zone", env("TIAOJIE_ZONE", "Asia/Shanghai"), "time zone the pages show times in (env TIAOJIE_ZONE)")
	fs.BoolVar(&c.Demo, "demo", false, "fill an empty database with a sample before serving")
	// Statistics for the street office.
	fs.IntVar(&c.StatsK, "stats-k", c.envInt("TIAOJIE_STATS_K", 5),
		"the street office's tables withhold counts from 1 to this less one, and rates over fewer cases; at least 3 (env TIAOJIE_STATS_K)")
	fs.StringVar(&c.TLSCert, "tls-cert", env("TIAOJIE_TLS_CERT", ""),
		"PEM certificate (chain) file: serve HTTPS, with HSTS; needs --tls-key (env TIAOJIE_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", env("TIAOJIE_TLS_KEY", ""),
		"PEM private key file of --tls-cert (env TIAOJIE_TLS_KEY)")
	c.TrustedProxies = c.envPrefixes("TIAOJIE_TRUSTED_PROXIES")
	fs.Var(&c.TrustedProxies, "trusted-proxies",
		"comma-separated `CIDRs` of reverse proxies whose X-Forwarded-For is believed; empty: the client is the connection's peer (env TIAOJIE_TRUSTED_PROXIES)")
	rates := []struct {
		rate       *ratelimit.Rate
		name, help string
		def        ratelimit.Rate
	}{
		{&c.Limits.LoginAccount, "rate-login-account", "failed sign-ins per account name", web.DefaultLimits.LoginAccount},
		{&c.Limits.LoginAddress, "rate-login-address", "failed sign-ins per client address (IPv6: per /64)", web.DefaultLimits.LoginAddress},
		{&c.Limits.AccessToken, "rate-access-token", "failed invitation redemptions per token", web.DefaultLimits.AccessToken},
		{&c.Limits.AccessAddress, "rate-access-address", "failed invitation redemptions per client address (IPv6: per /64)", web.DefaultLimits.AccessAddress},
		{&c.Limits.LoginDevice, "rate-login-device", "failed sign-ins from a browser that signed in as the account before (its device cookie)", web.DefaultLimits.LoginDevice},
	}
	for _, r := range rates {
		envName := "TIAOJIE_" + strings.ToUpper(strings.ReplaceAll(r.name, "-", "_"))
		*r.rate = c.envRate(envName, r.def)
		fs.Var(r.rate, r.name, r.help+": `N/PERIOD` allows N at once, refilled at N per PERIOD; or off (env "+envName+")")
	}
	c.bindAttachmentFlags(fs)
	fs.StringVar(&c.Advertise, "advertise", env("TIAOJIE_ADVERTISE", ""),
		"with --store etcd: the `URL` the other tiaojie processes reach this one at, e.g. http://10.0.0.11:8080; the elected one writes, the others forward their writes to it (env TIAOJIE_ADVERTISE)")
}

// validate reports every problem with the configuration at once.
func (c *Config) validate() error {
	errs := c.envErrs
	if c.DB == "" {
		errs = append(errs, errors.New("--db must name a file"))
	}
	if c.IdleTimeout < time.Minute {
		errs = append(errs, fmt.Errorf("--idle-timeout %s is shorter than a minute", c.IdleTimeout))
	}
	if c.AbsoluteTimeout < c.IdleTimeout {
		errs = append(errs, fmt.Errorf("--absolute-timeout %s is shorter than --idle-timeout %s", c.AbsoluteTimeout, c.IdleTimeout))
	}
	if c.InvitationTTL != 0 && c.InvitationTTL < time.Hour {
		errs = append(errs, fmt.Errorf("--invitation-ttl %s is shorter than an hour", c.InvitationTTL))
	}
	if _, err := c.location(); err != nil {
		errs = append(errs, err)
	}
	if c.StatsK != 0 && c.StatsK < 3 {
		errs = append(errs, fmt.Errorf("--stats-k %d is below 3: counts of 1 and 2 would point at households", c.StatsK))
	}
	if c.Pprof != "" {
		if err := loopbackAddr(c.Pprof); err != nil {
			errs = append(errs, err)
		}
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("--log-format %q is neither json nor text", c.LogFormat))
	}
	switch {
	case (c.TLSCert == "") != (c.TLSKey == ""):
		errs = append(errs, errors.New("--tls-cert and --tls-key go together: give both (to serve HTTPS) or neither"))
	case c.TLSCert != "":
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			errs = append(errs, fmt.Errorf("--tls-cert %s with --tls-key %s: %w", c.TLSCert, c.TLSKey, err))
		}
	}
	switch {
	case c.onEtcd() && c.Advertise == "":
		errs = append(errs, errors.New("--store etcd needs --advertise (env TIAOJIE_ADVERTISE): the URL the other tiaojie processes reach this one at, such as http://10.0.0.11:8080"))
	case c.Advertise != "" && !c.onEtcd():
		errs = append(errs, errors.New("--advertise is for --store etcd: on bbolt one process serves alone"))
	case c.Advertise != "":
		if err := checkAdvertise(c.Advertise); err != nil {
			errs = append(errs, err)
		}
	}
	if c.CaseQuotaMiB != 0 {
		if err := c.validateAttachments(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Config) logger(w io.Writer) *slog.Logger {
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// places reads the configured communities and rooms.
func (c *Config) places() (*mediation.Places, error) {
	if c.PlacesFile == "" {
		return mediation.DefaultPlaces(), nil
	}
	b, err := os.ReadFile(c.PlacesFile)
	if err != nil {
		return nil, fmt.Errorf("--places: %w", err)
	}
	var p mediation.Places
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("--places %s: %w", c.PlacesFile, err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("--places %s: %w", c.PlacesFile, err)
	}
	return &p, nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// envInt reads an integer variable, def when it is unset.
func (c *Config) envInt(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a whole number", name, v))
		return def
	}
	return n
}

func (c *Config) envBool(name string) bool {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not true or false", name, v))
	}
	return b
}

func (c *Config) envRate(name string, def ratelimit.Rate) ratelimit.Rate {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def
	}
	r, err := ratelimit.ParseRate(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s: %w", name, err))
		return def
	}
	return r
}

func (c *Config) envPrefixes(name string) web.Prefixes {
	p, err := web.ParsePrefixes(os.Getenv(name))
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s: %w", name, err))
	}
	return p
}

func (c *Config) envDuration(name string, def time.Duration) time.Duration {
	v, ok := os.LookupEnv(name)
	if !ok || v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a duration such as 30m or 12h", name, v))
		return def
	}
	return d
}

// location is the configured time zone (Asia/Shanghai when none is set).
func (c *Config) location() (*time.Location, error) {
	if c.Zone == "" {
		c.Zone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return nil, fmt.Errorf("--zone %q is not a time zone such as Asia/Shanghai", c.Zone)
	}
	return loc, nil
}

// baseURL is where a browser on this machine opens the server.
func (c *Config) baseURL() string {
	if c.TLSCert != "" {
		return "https://" + c.Addr
	}
	return "http://" + c.Addr
}
