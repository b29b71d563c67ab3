package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// History (补录): tiaojie import ledger --db FILE.db LEDGER.csv.

// importCommand runs an import; ledger is the one kind there is.
func importCommand(out io.Writer, args []string) error {
	if len(args) == 0 || args[0] != "ledger" {
		return errors.New("usage: tiaojie import ledger --db FILE.db LEDGER.csv")
	}
	var cfg Config
	fs := flag.NewFlagSet("import ledger", flag.ContinueOnError)
	cfg.bindFlags(fs)
	fs.StringVar(&cfg.Zone, "zone", env("TIAOJIE_ZONE", "Asia/Shanghai"), "time zone of the register's dates (env TIAOJIE_ZONE)")
	if err := fs.Parse(args[1:]); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: tiaojie import ledger --db FILE.db LEDGER.csv")
	}
	places, err := cfg.places()
	if err != nil {
		return err
	}
	zone, err := cfg.location()
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	entries, err := mediation.ParseLedger(bytes.NewReader(raw), places, zone, time.Now())
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", fs.Arg(0), err)
	}
	db, err := cfg.openStore(store.Options{Zone: zone})
	if err != nil {
		return err
	}
	defer db.Close()
	// The register's SHA-256 names the import, so that one stopped midway
	// (a store on etcd takes it in several transactions) is carried on by
	// running it again, and one done is not stored twice.
	sum := sha256.Sum256(raw)
	p, err := db.ImportLedger(hex.EncodeToString(sum[:]), places, entries, "system")
	switch {
	case errors.Is(err, store.ErrLedgerImported):
		return fmt.Errorf("%s was imported into %s already (%d cases): nothing was imported again", fs.Arg(0), cfg.storeName(), p.Total)
	case err != nil && p.Stored > 0:
		return fmt.Errorf("%s: %w\n%d of its %d cases are stored, each whole; run the same command again to import the rest", fs.Arg(0), err, p.Stored, p.Total)
	case err != nil:
		return fmt.Errorf("%s: %w (nothing was imported)", fs.Arg(0), err)
	}
	fmt.Fprintf(out, "imported %d cases from %s into %s", p.Stored-p.Earlier, fs.Arg(0), cfg.storeName())
	if p.Earlier > 0 {
		fmt.Fprintf(out, " (the other %d of its %d were stored by an earlier run)", p.Earlier, p.Total)
	}
	if p.Transactions > 1 {
		fmt.Fprintf(out, " in %d transactions", p.Transactions)
	}
	fmt.Fprintln(out)
	return nil
}
