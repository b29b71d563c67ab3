// Package testnet hands tests loopback addresses to listen on later: for a
// server started in another process, or stopped and started again at the
// same address, which cannot be given a listener of the test's.
package testnet

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
)

var (
	mu     sync.Mutex
	handed = map[int]bool{}
)

// lowest is the lowest port FreeAddr hands out.
const lowest = 10000

// FreeAddr is a loopback address ("127.0.0.1:PORT") whose port is free now
// and has not been handed out before by this process. The port lies below
// the kernel's range of ephemeral ports, from which it picks the port of a
// listener on port 0 and of every outgoing connection: a port taken from
// that range and let go (as asking for port 0 and closing does) was taken
// again by another process's connection before its server bound it, now
// and then, and the test failed on "address already in use".
func FreeAddr() (string, error) {
	highest := ephemeralStart() - 1
	if highest-lowest < 1000 {
		return anyFree() // an unusual range: the kernel's choice
	}
	for range 1000 {
		port := lowest + rand.IntN(highest-lowest+1)
		mu.Lock()
		taken := handed[port]
		handed[port] = true
		mu.Unlock()
		if taken {
			continue
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue // another's
		}
		addr := l.Addr().String()
		l.Close()
		return addr, nil
	}
	return "", errors.New("testnet: no free port below the ephemeral range")
}

// ephemeralStart is where the kernel's ephemeral ports begin.
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if low, err := strconv.Atoi(strings.Fields(string(b) + " x")[0]); err == nil {
			return low
		}
	}
	return 32768 // Linux's default; other systems start higher
}

func anyFree() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("testnet: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
