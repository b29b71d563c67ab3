package stats_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain bounds the property tests to 8 checks each unless -rapid.checks
// says otherwise: each check builds and attacks a year of tables, and CI
// should take seconds.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
	if !set {
		flag.Set("rapid.checks", "8")
	}
	os.Exit(m.Run())
}
