package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// v1Copy copies the database written by schema version 1 (the store's
// upgrade fixture) to a new file and returns its path.
func v1Copy(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "internal", "store", "testdata", "v1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A database written by the previous release is upgraded when the server
// opens it, and then passes tiaojie check.
func TestUpgradedDatabasePassesCheck(t *testing.T) {
	path := v1Copy(t, "tiaojie.db")

	t.Run("ErrCheckBeforeUpgrade", func(t *testing.T) {
		before, _ := os.ReadFile(path)
		err := checkCommand(&bytes.Buffer{}, []string{"--db", path})
		if err == nil || !strings.Contains(err.Error(), "older schema version") || !strings.Contains(err.Error(), "upgrades it") {
			t.Errorf("check of a version 1 file: %v, want it to say that the server upgrades it", err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("check changed the version 1 file")
		}
	})

	t.Run("ServerUpgrades", func(t *testing.T) {
		m, _ := runConfigured(t, Config{DB: path, InsecureCookies: true})
		base := "http://" + m.Addr()
		c := newHTTPClient()
		status, body := post(t, c, base+"/api/v1/login", map[string]string{"username": "wang", "password": "correct horse battery"})
		if status != http.StatusOK {
			t.Fatalf("login of a user of the version 1 file: %d %v", status, body)
		}
		resp, err := c.Get(base + "/api/v1/cases")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "车位被占") {
			t.Errorf("GET /api/v1/cases: %d %s", resp.StatusCode, raw)
		}
	}) // the server stops here, as SIGTERM stops it

	t.Run("Check", func(t *testing.T) {
		var out bytes.Buffer
		if err := checkCommand(&out, []string{"--db", path}); err != nil {
			t.Fatalf("check of the upgraded file: %v", err)
		}
		if !regexp.MustCompile(`^ok: .*: pages consistent; every index agrees with its records; audit chain verified to entry [0-9]+\n`).MatchString(out.String()) {
			t.Errorf("output: %s", out.String())
		}
	})

	// A backup may replace a copy made before the upgrade: it is a tiaojie
	// database, only an older one.
	t.Run("BackupReplacesOlderCopy", func(t *testing.T) {
		old := v1Copy(t, "nightly.db")
		var out bytes.Buffer
		if err := backupCommand(context.Background(), &out, []string{"--db", path, old}); err != nil {
			t.Fatalf("backup over a version 1 copy: %v", err)
		}
		if err := checkCommand(&bytes.Buffer{}, []string{"--db", old}); err != nil {
			t.Errorf("check of the new copy: %v", err)
		}
	})
}
