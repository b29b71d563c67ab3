package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"tiaojie/internal/store"
)

// checkCommand verifies the database file while no server runs on it: its
// pages (Tx.Check), every index against its records, and the audit chain,
// which with --since-head SEQ:HASH must pass through a head handed over
// earlier. It prints one line when all is well, and otherwise fails naming
// every problem.
func checkCommand(out io.Writer, args []string) error {
	var cfg Config
	var sinceFlag string
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	cfg.bindFlags(fs)
	fs.StringVar(&sinceFlag, "since-head", "", "prove the audit log has only grown since this head, as printed by `tiaojie audit head` (SEQ:HASH)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is the answer
	} else if err != nil {
		return err
	}
	var since *store.Head
	if sinceFlag != "" {
		h, err := parseHead(sinceFlag)
		if err != nil {
			return fmt.Errorf("--since-head: %w", err)
		}
		since = &h
	}
	db, err := cfg.openOffline("check")
	if err != nil {
		return err
	}
	defer db.Close()
	head, err := db.Verify(since)
	if err = cfg.blobHint(err); err != nil {
		return fmt.Errorf("check of %s failed:\n%s", cfg.storeName(), indent(err))
	}
	fmt.Fprintf(out, "ok: %s: pages consistent; every index agrees with its records; audit chain verified to entry %d\n", cfg.storeName(), head.Seq)
	if since != nil {
		fmt.Fprintf(out, "ok: the audit log has only grown since %s\n", formatHead(*since))
	}
	fmt.Fprintf(out, "audit head %s\n", formatHead(head))
	// etcd's history: compacted by the cluster, or it only grows.
	if h, err := db.History(); err == nil && h.NeverCompacted() {
		fmt.Fprintf(out, "warning: etcd has kept all %d revisions of the store: run it with --auto-compaction-mode=periodic --auto-compaction-retention=1h, or its database grows until its quota stops every write\n", h.Revision)
	}
	return nil
}

// openOffline opens the database read-only for a maintenance command. A
// running server holds the file; the message says what to do instead. A
// store on etcd is shared: it opens beside the running servers.
func (c *Config) openOffline(command string) (*store.DB, error) {
	if c.onEtcd() {
		return c.openStore(store.Options{})
	}
	path := c.DB
	blobs, err := c.readBlobs()
	if err != nil {
		return nil, err
	}
	db, err := store.OpenReadOnly(path)
	if err == nil && blobs != nil {
		db.UseBlobs(blobs)
	}
	if errors.Is(err, store.ErrInUse) {
		return nil, fmt.Errorf("%s is in use by a running tiaojie server, so %s cannot open it.\n"+
			"Either stop the server, or take a verified copy through it and use that:\n"+
			"  tiaojie backup --server http://ADDR --username admin copy.db\n"+
			"  tiaojie %s --db copy.db", path, command, command)
	}
	return db, err
}

// indent puts each line of err on its own indented line.
func indent(err error) string {
	return "  " + strings.ReplaceAll(err.Error(), "\n", "\n  ")
}
