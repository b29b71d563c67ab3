// Command tiaojie runs the mediation case-management server and its
// maintenance tasks.
//
//	tiaojie [serve] [flags]      run the server (the default)
//	tiaojie user add ...         create a staff account
//	tiaojie demo                 fill a fresh database with a sample
//	tiaojie check                verify the pages, indexes and audit chain (server stopped)
//	tiaojie backup FILE          write a verified copy (offline, or --server URL while it runs)
//	tiaojie audit head           print the audit chain's head as SEQ:HASH (server stopped)
//	tiaojie health               exit 0 when the server on --addr is ready (for HEALTHCHECK)
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the zone database, for images that carry none
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tiaojie:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args)
	case "user":
		return userCommand(args)
	case "demo":
		return demoCommand(args)
	case "check":
		return checkCommand(os.Stdout, args)
	case "backup":
		return backupCommand(ctx, os.Stdout, args)
	case "audit":
		return auditCommand(os.Stdout, args)
	case "health":
		return healthCommand(ctx, args)
	case "import": // history (补录) from a paper register
		return importCommand(os.Stdout, args)
	}
	return fmt.Errorf("unknown command %q (commands: serve, user, demo, check, backup, audit, health, import)", cmd)
}
