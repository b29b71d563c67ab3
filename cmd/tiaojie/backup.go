package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"golang.org/x/term"

	"tiaojie/internal/store"
)

const backupUsage = `usage: tiaojie backup [--db DB] FILE
       tiaojie backup --server URL [--username NAME] FILE

Writes a consistent copy of the database to FILE. The copy is written beside
FILE, verified (pages, every index, the audit chain) and only then renamed to
FILE, so FILE is always a verified copy.

While no server runs, it reads the database file (--db). While a server runs
it holds the file, so give --server (env TIAOJIE_SERVER): the copy is then
downloaded from GET /api/v1/admin/backup, signed in as an admin account
(--username, default admin) with the password from TIAOJIE_ADMIN_PASSWORD or
asked for on the terminal.

With --blobs DIR (env TIAOJIE_BLOBS: the attachments' files are in that
directory, not in the store) the files the copy names are copied, each
verified against its SHA-256, into the directory FILE.blobs beside it, and
the copy is verified with them; a file already there from an earlier backup
to FILE is kept, so a repeated backup copies only the new ones. Restore with
--db FILE --blobs FILE.blobs (or copy FILE.blobs's files into the blob
directory).`

// backupCommand writes a verified copy of the database to a file.
func backupCommand(ctx context.Context, out io.Writer, args []string) error {
	var cfg Config
	var server, username string
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), backupUsage); fs.PrintDefaults() }
	cfg.bindFlags(fs)
	fs.StringVar(&server, "server", env("TIAOJIE_SERVER", ""), "base URL of the running server, e.g. http://127.0.0.1:8080 (env TIAOJIE_SERVER)")
	fs.StringVar(&username, "username", "admin", "admin account to sign in as with --server")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is the answer
	} else if err != nil {
		return err
	}
	// FILE may come before the flags as well as after them.
	var file string
	if fs.NArg() > 0 {
		file = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return err
		}
	}
	if file == "" || fs.NArg() > 0 {
		return errors.New(backupUsage)
	}
	if err := checkBackupTarget(file, cfg.DB); err != nil {
		return err
	}

	var head store.Head
	var n int64
	if server != "" {
		password, err := adminPassword(username, server)
		if err != nil {
			return err
		}
		blobs, err := cfg.readBlobs()
		if err != nil {
			return err
		}
		head, n, err = downloadBackup(ctx, server, username, password, file, blobs)
		if err != nil {
			return cfg.blobHint(err)
		}
	} else if cfg.onEtcd() {
		// The store is shared: the copy is read at one revision beside
		// the running servers.
		db, err := cfg.openStore(store.Options{})
		if err != nil {
			return err
		}
		defer db.Close()
		if head, n, err = db.BackupFile(file); err != nil {
			return cfg.blobHint(err)
		}
	} else {
		db, err := store.OpenReadOnly(cfg.DB)
		if errors.Is(err, store.ErrInUse) {
			return fmt.Errorf("%s is in use by a running tiaojie server, and bbolt lets only one process open it.\n"+
				"Back it up through the server instead, as an admin (password from TIAOJIE_ADMIN_PASSWORD or asked for):\n"+
				"  tiaojie backup --server http://ADDR --username admin %s", cfg.DB, file)
		}
		if err != nil {
			return err
		}
		defer db.Close()
		blobs, err := cfg.readBlobs()
		if err != nil {
			return err
		}
		if blobs != nil {
			db.UseBlobs(blobs)
		}
		if head, n, err = db.BackupFile(file); err != nil {
			return cfg.blobHint(err)
		}
	}
	fmt.Fprintf(out, "backup written to %s (%d bytes) and verified: pages, indexes, audit chain to entry %d\n", file, n, head.Seq)
	if cfg.Blobs != "" {
		fmt.Fprintf(out, "attachments' files copied from %s to %s and verified\n", cfg.Blobs, store.BackupBlobDir(file))
	}
	fmt.Fprintf(out, "audit head %s\n", formatHead(head))
	return nil
}

// checkBackupTarget refuses to replace the live database or a file that is
// not a tiaojie database: renaming a copy over a file a server has open would
// lose every later write.
func checkBackupTarget(file, db string) error {
	fi, err := os.Stat(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("backup to %s: %w", file, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("backup to %s: it is a directory; name a file", file)
	}
	if dbi, err := os.Stat(db); err == nil && os.SameFile(fi, dbi) {
		return fmt.Errorf("backup to %s: that is the database itself (--db); name another file", file)
	}
	old, err := store.OpenReadOnly(file)
	if errors.Is(err, store.ErrInUse) {
		return fmt.Errorf("backup to %s: a running server holds that file; name another file", file)
	}
	if errors.Is(err, store.ErrOlderSchema) {
		return nil // a copy made before an upgrade
	}
	if err != nil {
		return fmt.Errorf("backup to %s: the file exists and is not a tiaojie database, so it is left alone: %w", file, err)
	}
	return old.Close()
}

// adminPassword is the password for --server: TIAOJIE_ADMIN_PASSWORD, or
// asked for on the terminal.
func adminPassword(username, server string) (string, error) {
	if pw := os.Getenv("TIAOJIE_ADMIN_PASSWORD"); pw != "" {
		return pw, nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", errors.New("--server needs the password of " + username + ": set TIAOJIE_ADMIN_PASSWORD or run in a terminal")
	}
	fmt.Fprintf(os.Stderr, "Password of %s at %s: ", username, server)
	pw, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(pw), nil
}

// downloadBackup signs in to the server, downloads GET /api/v1/admin/backup
// into a verified copy at file, and signs out.
func downloadBackup(ctx context.Context, server, username, password, file string, blobs store.Blobs) (store.Head, int64, error) {
	base, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return store.Head{}, 0, fmt.Errorf("--server %q: want the server's base URL, e.g. http://127.0.0.1:8080", server)
	}
	if base.Scheme == "http" && !loopback(base.Hostname()) {
		fmt.Fprintf(os.Stderr, "warning: %s is plain HTTP: the password and the copy travel unencrypted\n", base.Host)
	}
	api := base.String() + "/api/v1"
	client := &http.Client{}

	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := send(ctx, client, "POST", api+"/login", bytes.NewReader(body), nil)
	if err != nil {
		return store.Head{}, 0, err
	}
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return store.Head{}, 0, fmt.Errorf("signing in to %s as %s failed: %s", base.Host, username, answerError(resp))
	}
	resp.Body.Close()
	defer func() {
		if resp, err := send(context.WithoutCancel(ctx), client, "POST", api+"/logout", nil, cookies); err == nil {
			resp.Body.Close()
		}
	}()

	resp, err = send(ctx, client, "GET", api+"/admin/backup", nil, cookies)
	if err != nil {
		return store.Head{}, 0, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusForbidden:
		return store.Head{}, 0, fmt.Errorf("%s may not take backups: only an admin account may", username)
	default:
		return store.Head{}, 0, fmt.Errorf("downloading the backup from %s failed: %s", base.Host, answerError(resp))
	}
	save := store.SaveBackup
	if blobs != nil {
		save = func(path string, write func(io.Writer) (int64, error)) (store.Head, int64, error) {
			return store.SaveBackupWithBlobs(path, write, blobs)
		}
	}
	return save(file, func(w io.Writer) (int64, error) {
		n, err := io.Copy(w, resp.Body)
		if err != nil {
			return n, fmt.Errorf("download stopped after %d bytes: %w", n, err)
		}
		if resp.ContentLength >= 0 && n != resp.ContentLength {
			return n, fmt.Errorf("download stopped after %d of %d bytes", n, resp.ContentLength)
		}
		return n, nil
	})
}

// send makes one request to the server with the login cookies.
func send(ctx context.Context, c *http.Client, method, u string, body io.Reader, cookies []*http.Cookie) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Send the login cookie back as it came: a cookie jar would not send a
	// Secure cookie over plain HTTP (a server on the loopback interface).
	for _, ck := range cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	return resp, nil
}

// answerError describes an error answer of the API.
func answerError(resp *http.Response) string {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(raw, &e) == nil && e.Error.Code != "" {
		return fmt.Sprintf("%s (%s, HTTP %d)", e.Error.Message, e.Error.Code, resp.StatusCode)
	}
	return resp.Status
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
