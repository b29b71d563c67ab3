package main

import (
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
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	entries, err := mediation.ParseLedger(f, places, zone, time.Now())
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", fs.Arg(0), err)
	}
	db, err := cfg.openStore(store.Options{Zone: zone})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := importLedger(db, places, entries)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", fs.Arg(0), err)
	}
	fmt.Fprintf(out, "imported %d cases from %s into %s\n", n, fs.Arg(0), cfg.storeName())
	return nil
}

// importLedger stores the entries as cases, all in one transaction.
func importLedger(db *store.DB, places *mediation.Places, entries []mediation.LedgerEntry) (int, error) {
	cases := make([]*mediation.Case, len(entries))
	parties := make([][]*mediation.Party, len(entries))
	for i := range entries {
		cases[i], parties[i] = entries[i].Case(places), entries[i].Parties()
	}
	return len(cases), db.ImportLedger(cases, parties, "system")
}
