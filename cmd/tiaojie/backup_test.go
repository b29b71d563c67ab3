package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"tiaojie/internal/store"
)

// verifiedCopy checks that path is a verified copy holding the account
// username, and returns its head as SEQ:HASH.
func verifiedCopy(t *testing.T, path, username string) string {
	t.Helper()
	head, err := store.VerifyBackup(path)
	if err != nil {
		t.Fatalf("the copy at %s does not verify: %v", path, err)
	}
	db, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.UserByName(username); err != nil {
		t.Errorf("the copy has no account %s: %v", username, err)
	}
	return formatHead(head)
}

var backupDone = regexp.MustCompile(`^backup written to (\S+) \(\d+ bytes\) and verified: pages, indexes, audit chain to entry \d+\naudit head (\d+:[0-9a-f]{64})\n$`)

func TestBackupCommandOffline(t *testing.T) {
	path := fillDB(t)
	dir := t.TempDir()
	ctx := context.Background()

	t.Run("FileAfterFlags", func(t *testing.T) {
		file := filepath.Join(dir, "a.db")
		var out bytes.Buffer
		if err := backupCommand(ctx, &out, []string{"--db", path, file}); err != nil {
			t.Fatal(err)
		}
		m := backupDone.FindStringSubmatch(out.String())
		if m == nil || m[1] != file {
			t.Fatalf("output %q", out.String())
		}
		if head := verifiedCopy(t, file, "wang"); head != m[2] || head != auditHead(t, path) {
			t.Errorf("printed head %s, copy's %s, database's %s", m[2], head, auditHead(t, path))
		}
	})
	t.Run("FileBeforeFlags", func(t *testing.T) {
		file := filepath.Join(dir, "b.db")
		if err := backupCommand(ctx, &bytes.Buffer{}, []string{file, "--db", path}); err != nil {
			t.Fatal(err)
		}
		verifiedCopy(t, file, "wang")
	})
	t.Run("ReplacesAnOlderBackup", func(t *testing.T) {
		file := filepath.Join(dir, "a.db")
		addCase(t, path, "漏水")
		if err := backupCommand(ctx, &bytes.Buffer{}, []string{"--db", path, file}); err != nil {
			t.Fatal(err)
		}
		if verifiedCopy(t, file, "wang") != auditHead(t, path) {
			t.Error("the new backup does not hold the new case")
		}
	})
	t.Run("ErrOntoTheDatabase", func(t *testing.T) {
		err := backupCommand(ctx, &bytes.Buffer{}, []string{"--db", path, path})
		if err == nil || !strings.Contains(err.Error(), "the database itself") {
			t.Errorf("backup onto the database: %v", err)
		}
	})
	t.Run("ErrOntoAnotherFile", func(t *testing.T) {
		notes := filepath.Join(dir, "notes.txt")
		os.WriteFile(notes, []byte("调解笔录"), 0o600)
		err := backupCommand(ctx, &bytes.Buffer{}, []string{"--db", path, notes})
		if err == nil || !strings.Contains(err.Error(), "not a tiaojie database") {
			t.Errorf("backup onto a text file: %v", err)
		}
		if b, _ := os.ReadFile(notes); string(b) != "调解笔录" {
			t.Error("the text file was replaced")
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"--db", path}, {"a.db", "b.db"}} {
			if err := backupCommand(ctx, &bytes.Buffer{}, args); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Errorf("backup %q: %v", args, err)
			}
		}
	})
}

func TestBackupCommandWhileServerRuns(t *testing.T) {
	t.Setenv("TIAOJIE_ADMIN_PASSWORD", "管理员的备份口令-2026")
	path := filepath.Join(t.TempDir(), "t.db")
	m, _ := MustRunMain(t, path, false)
	server := "http://" + m.Addr()
	dir := t.TempDir()
	ctx := context.Background()

	t.Run("ErrOfflineSaysWhatToDo", func(t *testing.T) {
		file := filepath.Join(dir, "offline.db")
		err := backupCommand(ctx, &bytes.Buffer{}, []string{"--db", path, file})
		if err == nil || !strings.Contains(err.Error(), "in use by a running tiaojie server") ||
			!strings.Contains(err.Error(), "tiaojie backup --server http://ADDR --username admin "+file) {
			t.Errorf("offline backup of a served file: %v", err)
		}
		if _, err := os.Stat(file); err == nil {
			t.Error("a file was written")
		}
		err = checkCommand(&bytes.Buffer{}, []string{"--db", path})
		if err == nil || !strings.Contains(err.Error(), "tiaojie check --db copy.db") {
			t.Errorf("check of a served file: %v", err)
		}
	})

	t.Run("Download", func(t *testing.T) {
		file := filepath.Join(dir, "online.db")
		var out bytes.Buffer
		if err := backupCommand(ctx, &out, []string{"--server", server, file}); err != nil {
			t.Fatal(err)
		}
		m := backupDone.FindStringSubmatch(out.String())
		if m == nil || m[1] != file {
			t.Fatalf("output %q", out.String())
		}
		if head := verifiedCopy(t, file, "admin"); head != m[2] {
			t.Errorf("printed head %s, the copy's %s", m[2], head)
		}
		// The copy is the file the server would start from.
		var check bytes.Buffer
		if err := checkCommand(&check, []string{"--db", file}); err != nil {
			t.Errorf("check of the downloaded copy: %v", err)
		}
		var head bytes.Buffer
		if err := auditCommand(&head, []string{"head", "--db", file}); err != nil || head.String() != m[2]+"\n" {
			t.Errorf("audit head of the copy: %q %v", head.String(), err)
		}
	})

	t.Run("ServerFromEnvironment", func(t *testing.T) {
		t.Setenv("TIAOJIE_SERVER", server+"/")
		file := filepath.Join(dir, "env.db")
		if err := backupCommand(ctx, &bytes.Buffer{}, []string{file}); err != nil {
			t.Fatal(err)
		}
		verifiedCopy(t, file, "admin")
	})

	t.Run("ErrWrongPassword", func(t *testing.T) {
		t.Setenv("TIAOJIE_ADMIN_PASSWORD", "not the password")
		file := filepath.Join(dir, "wrong.db")
		err := backupCommand(ctx, &bytes.Buffer{}, []string{"--server", server, file})
		if err == nil || !strings.Contains(err.Error(), "signing in to") || !strings.Contains(err.Error(), "HTTP 401") {
			t.Errorf("backup with a wrong password: %v", err)
		}
		if _, err := os.Stat(file); err == nil {
			t.Error("a file was written")
		}
	})

	t.Run("ErrNotAnAdmin", func(t *testing.T) {
		admin := newHTTPClient()
		if status, _ := post(t, admin, server+"/api/v1/login", map[string]string{"username": "admin",
			"password": "管理员的备份口令-2026"}); status != http.StatusOK {
			t.Fatalf("admin login: %d", status)
		}
		if status, body := post(t, admin, server+"/api/v1/users", map[string]string{"username": "wang.fang",
			"display_name": "王芳", "role": "mediator", "password": "调解员的口令-2026"}); status != http.StatusCreated {
			t.Fatalf("create mediator: %d %v", status, body)
		}
		t.Setenv("TIAOJIE_ADMIN_PASSWORD", "调解员的口令-2026")
		err := backupCommand(ctx, &bytes.Buffer{}, []string{"--server", server, "--username", "wang.fang",
			filepath.Join(dir, "mediator.db")})
		if err == nil || !strings.Contains(err.Error(), "wang.fang may not take backups") {
			t.Errorf("backup as a mediator: %v", err)
		}
	})

	t.Run("ErrBadServer", func(t *testing.T) {
		for _, s := range []string{"127.0.0.1:8080", "ftp://x", "http://"} {
			err := backupCommand(ctx, &bytes.Buffer{}, []string{"--server", s, filepath.Join(dir, "x.db")})
			if err == nil || !strings.Contains(err.Error(), "base URL") {
				t.Errorf("--server %q: %v", s, err)
			}
		}
	})
}
