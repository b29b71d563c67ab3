package main

import (
	"runtime/debug"
	"testing"
)

// The server limits its heap softly unless GOMEMLIMIT says otherwise.
func TestLimitMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	t.Setenv("GOMEMLIMIT", "")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Fatalf("without GOMEMLIMIT: limit %d, want %d", got, defaultMemoryLimit)
	}
	debug.SetMemoryLimit(1 << 40)
	t.Setenv("GOMEMLIMIT", "1TiB")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Fatalf("with GOMEMLIMIT: limit %d, want it left at %d", got, int64(1<<40))
	}
}
