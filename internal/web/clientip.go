package web

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// Prefixes is a list of address ranges, written comma-separated as CIDRs
// ("10.0.0.0/8,fd00::/8"); a bare address stands for itself alone.
type Prefixes []netip.Prefix

// ParsePrefixes reads a comma-separated list of CIDRs or addresses. A range
// of every address (/0) is refused: trusting it would let any client name
// its own address.
func ParsePrefixes(s string) (Prefixes, error) {
	var out Prefixes
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		var p netip.Prefix
		if a, err := netip.ParseAddr(f); err == nil {
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		} else if p, err = netip.ParsePrefix(f); err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range such as 10.0.0.0/8", f)
		}
		if p.Bits() == 0 {
			return nil, fmt.Errorf("%q would trust every address, so any client could choose its own; name the proxies' addresses", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (ps Prefixes) String() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// Set makes *Prefixes a flag.Value.
func (ps *Prefixes) Set(s string) error {
	v, err := ParsePrefixes(s)
	if err != nil {
		return err
	}
	*ps = v
	return nil
}

// ipExtractor is how c.RealIP() finds the client's address. With no trusted
// proxies it is the peer of the connection and no header is believed. With
// trusted proxies, X-Forwarded-For is read from the right, skipping the
// trusted proxies' own entries, and the first address that is not one of
// them is the client's: what a client writes to the left of that is ignored.
// Echo's own defaults also trust every loopback, link-local and private
// address, which would let anyone on the LAN choose an address; they are
// turned off so that only the configured ranges are trusted.
func ipExtractor(trusted Prefixes) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		addr := p.Addr()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: addr.AsSlice(), Mask: net.CIDRMask(p.Bits(), addr.BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// scheme is how the client reached the server: https when the connection is
// TLS, or when a trusted proxy (and only a trusted proxy) says the client
// used it in X-Forwarded-Proto.
func (s *Server) scheme(c echo.Context) string {
	r := c.Request()
	if r.TLS != nil {
		return "https"
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil && r.Header.Get(echo.HeaderXForwardedProto) == "https" {
		for _, p := range s.trusted {
			if p.Contains(ap.Addr().Unmap()) {
				return "https"
			}
		}
	}
	return "http"
}
