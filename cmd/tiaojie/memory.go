package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the server's soft limit on the Go heap when
// GOMEMLIMIT does not set one. Signing in hashes with argon2id, 64 MiB a
// hash and two at a time (auth.DefaultHashBudget); each hash's memory is
// garbage once it is done, and with the collector paced by GOGC alone the
// heap grew past twice what was live before it ran, to a resident set of
// over 300 MB for some 40 MB of records. Near the limit the collector runs
// sooner instead, and the heap stays at what is live. It is soft: a server
// whose live heap is larger still runs, collecting more often.
const defaultMemoryLimit = 224 << 20

// defaultGCPercent paces the collector when GOGC does not: the heap may grow
// to three times what is live before a collection, not two, where the
// limit above allows it. A page view makes some hundreds of kilobytes of
// garbage around a live heap of tens of megabytes, and at GOGC's 100 the
// collector took a sixth of the server's processor under load; the limit
// still bounds the heap, so that what the collector is spared costs no
// memory beyond it.
const defaultGCPercent = 200

// limitMemory sets defaultMemoryLimit unless GOMEMLIMIT was given, and
// defaultGCPercent unless GOGC was (which the runtime has already applied).
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
