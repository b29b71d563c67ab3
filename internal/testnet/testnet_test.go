package testnet

import (
	"net"
	"strconv"
	"testing"
)

// Each address is on loopback, below the ephemeral range, free to listen
// on, and handed out once.
func TestFreeAddr(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		addr, err := FreeAddr()
		if err != nil {
			t.Fatal(err)
		}
		host, port, _ := net.SplitHostPort(addr)
		if p, _ := strconv.Atoi(port); host != "127.0.0.1" || p < lowest || p >= ephemeralStart() {
			t.Fatalf("%s: not a loopback port in [%d, %d)", addr, lowest, ephemeralStart())
		}
		if seen[addr] {
			t.Fatalf("%s handed out twice", addr)
		}
		seen[addr] = true
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		l.Close()
	}
}
