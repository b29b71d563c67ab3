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

// limitMemory sets defaultMemoryLimit unless GOMEMLIMIT was given (which
// the runtime has already applied).
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
