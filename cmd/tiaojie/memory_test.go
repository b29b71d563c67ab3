package main

import (
	"runtime/debug"
	"testing"
)

// The server limits its heap softly and paces its collector unless
// GOMEMLIMIT and GOGC say otherwise.
func TestLimitMemory(t *testing.T) {
	before, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(before); debug.SetGCPercent(percent) })

	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != defaultMemoryLimit {
		t.Fatalf("without GOMEMLIMIT: limit %d, want %d", got, defaultMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != defaultGCPercent {
		t.Fatalf("without GOGC: %d%%, want %d%%", got, defaultGCPercent)
	}
	debug.SetMemoryLimit(1 << 40)
	debug.SetGCPercent(150)
	t.Setenv("GOMEMLIMIT", "1TiB")
	t.Setenv("GOGC", "150")
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Fatalf("with GOMEMLIMIT: limit %d, want it left at %d", got, int64(1<<40))
	}
	if got := debug.SetGCPercent(100); got != 150 {
		t.Fatalf("with GOGC=150: %d%%, want it left at 150%%", got)
	}
}
