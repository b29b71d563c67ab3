package casework_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// deps lists every package pkg links, as the go tool sees it.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// The rooms of the house and which way their arrows point: the HTTP face
// reaches the store and the authorizer only through the operations, the
// operations know nothing of HTTP, and the domain knows nothing of either.
func TestLayout(t *testing.T) {
	for _, tc := range []struct {
		pkg       string
		forbidden []string
	}{
		{"tiaojie/internal/web", []string{"go.etcd.io/bbolt", "github.com/casbin/", "tiaojie/internal/store",
			"tiaojie/internal/authz", "tiaojie/internal/auth", "tiaojie/internal/casework"}},
		{"tiaojie/internal/casework", []string{"github.com/labstack/echo", "tiaojie/internal/web"}},
		{"tiaojie/internal/mediation", []string{"github.com/labstack/echo", "go.etcd.io/bbolt", "github.com/casbin/"}},
		{"tiaojie/internal/store", []string{"github.com/labstack/echo", "github.com/casbin/", "tiaojie/internal/authz"}},
		{"tiaojie/internal/ratelimit", []string{"github.com/labstack/echo", "net/http"}},
		// The pure rooms reach the domain alone. (The iCalendar library links
		// net/http for a fetch schedule never makes.)
		{"tiaojie/internal/clock", []string{"github.com/labstack/echo", "go.etcd.io/bbolt", "github.com/casbin/", "net/http",
			"tiaojie/internal/store", "tiaojie/internal/authz", "tiaojie/internal/auth", "tiaojie/internal/casework", "tiaojie/internal/web",
			"tiaojie/internal/schedule"}},
		{"tiaojie/internal/schedule", []string{"github.com/labstack/echo", "go.etcd.io/bbolt", "github.com/casbin/",
			"tiaojie/internal/store", "tiaojie/internal/authz", "tiaojie/internal/auth", "tiaojie/internal/casework", "tiaojie/internal/web",
			"tiaojie/internal/clock"}},
		// Attachments: the decoder of uploads is a pure room too.
		{"tiaojie/internal/evidence", []string{"github.com/labstack/echo", "go.etcd.io/bbolt", "github.com/casbin/", "net/http",
			"tiaojie/internal/store", "tiaojie/internal/authz", "tiaojie/internal/auth", "tiaojie/internal/casework", "tiaojie/internal/web"}},
	} {
		for _, d := range deps(t, tc.pkg) {
			for _, f := range tc.forbidden {
				if d == f || strings.HasPrefix(d, f+"/") || strings.HasSuffix(f, "/") && strings.HasPrefix(d, f) {
					t.Errorf("%s links %s", tc.pkg, d)
				}
			}
		}
	}
}

// Every file of the HTTP face is small enough to read in one sitting.
func TestWebFilesAreShort(t *testing.T) {
	files, err := filepath.Glob("../web/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no files of internal/web: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for sc := bufio.NewScanner(bytes.NewReader(b)); sc.Scan(); {
			n++
		}
		if n > 400 {
			t.Errorf("%s has %d lines, more than 400", filepath.Base(f), n)
		}
	}
}
