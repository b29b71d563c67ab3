package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"tiaojie/internal/store"
)

// auditCommand handles the audit chain:
//
//	tiaojie audit head [--db FILE]
//
// prints the current head as SEQ:HASH, after verifying the whole chain, for an
// operator to hand to the street office; `tiaojie check --since-head SEQ:HASH`
// later proves the log has only grown since. It reads the file, so the server
// must be stopped, or it reads a backup: `tiaojie audit head --db backup.db`.
func auditCommand(out io.Writer, args []string) error {
	if len(args) == 0 || args[0] != "head" {
		return errors.New("usage: tiaojie audit head [--db FILE]  (server stopped, or FILE a backup)")
	}
	var cfg Config
	fs := flag.NewFlagSet("audit head", flag.ContinueOnError)
	cfg.bindFlags(fs)
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is the answer
	} else if err != nil {
		return err
	}
	db, err := cfg.openOffline("audit head")
	if err != nil {
		return err
	}
	defer db.Close()
	head, err := db.VerifyAudit(nil)
	if err != nil {
		return fmt.Errorf("the audit chain of %s does not verify, so it has no head to hand over: %w", cfg.storeName(), err)
	}
	if head.Seq == 0 {
		return fmt.Errorf("the audit log of %s is empty", cfg.storeName())
	}
	fmt.Fprintln(out, formatHead(head))
	return nil
}

// formatHead writes a head the way operators pass it on: SEQ:HASH.
func formatHead(h store.Head) string { return strconv.FormatUint(h.Seq, 10) + ":" + h.Hash }

var headPattern = regexp.MustCompile(`^([1-9][0-9]*):([0-9a-f]{64})$`)

// parseHead reads a head written by formatHead.
func parseHead(s string) (store.Head, error) {
	m := headPattern.FindStringSubmatch(s)
	if m == nil {
		return store.Head{}, fmt.Errorf("%q is not a head: want SEQ:HASH as printed by `tiaojie audit head`, e.g. 1042:%s", s, "9f86d081…")
	}
	seq, err := strconv.ParseUint(m[1], 10, 64)
	if err != nil {
		return store.Head{}, fmt.Errorf("%q: sequence number: %w", s, err)
	}
	return store.Head{Seq: seq, Hash: m[2]}, nil
}
