package main

import (
	"fmt"
	"io"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// seedHistory brings a year of register history (补录) into the demo, the
// twelve months before this one (mediation.SampleLedger), so that the street
// office's page has tables to show to a newcomer.
func seedHistory(db *store.DB, places *mediation.Places, out io.Writer) error {
	zone, err := db.StatsZone()
	if err != nil {
		return err
	}
	entries := mediation.SampleLedger(places, time.Now().In(zone))
	p, err := db.ImportLedger("", places, entries, "system")
	if err != nil {
		return fmt.Errorf("demo: history: %w", err)
	}
	fmt.Fprintf(out, "A year of register history: %d cases from %s (the street office's page shows their tables).\n",
		p.Stored, entries[0].AcceptedOn.Format("2006-01"))
	return nil
}
