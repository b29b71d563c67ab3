package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"

	"tiaojie/internal/store"
)

// Attachments outside the store: --blobs DIR keeps the attachments' files
// (photos, their previews, PDFs) in a directory, by SHA-256, instead of in
// the store. A cluster on etcd shares one such directory (a volume every
// server mounts): etcd takes at most 1.5 MiB a request, and its database a
// few GiB. Without it a store on etcd keeps them in etcd, and an upload too
// large for one request is refused (413, naming the limit).

// bindBlobFlags defines --blobs.
func (c *Config) bindBlobFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Blobs, "blobs", env("TIAOJIE_BLOBS", ""),
		"keep the attachments' files in this `directory` (by SHA-256; a volume every server of a cluster mounts) instead of in the store; empty: in the store (env TIAOJIE_BLOBS)")
}

// blobOptions puts the blob directory, when one is configured, into opt.
func (c *Config) blobOptions(opt *store.Options) error {
	if c.Blobs == "" || opt.Blobs != nil {
		return nil
	}
	b, err := store.OpenBlobDir(c.Blobs)
	if err != nil {
		return fmt.Errorf("--blobs: %w", err)
	}
	opt.Blobs = b
	return nil
}

// readBlobs opens the configured blob directory for a read-only command;
// nil when none is configured.
func (c *Config) readBlobs() (store.Blobs, error) {
	if c.Blobs == "" {
		return nil, nil
	}
	b, err := store.BlobDir(c.Blobs)
	if err != nil {
		return nil, fmt.Errorf("--blobs: %w", err)
	}
	return b, nil
}

// warnBlobs tells the operator of a store on etcd without a blob directory
// what that means for uploads.
func (c *Config) warnBlobs(log *slog.Logger, db *store.DB) {
	if c.onEtcd() && c.Blobs == "" {
		log.Warn("the attachments' files are kept in etcd, so an upload larger than one etcd request is refused (413); "+
			"give --blobs DIR (a directory every server mounts) to keep them outside", "blobs", db.Blobs().Name())
	}
}

// blobHint explains a backup or check that misses attachments' files
// because they are in a blob directory not named.
func (c *Config) blobHint(err error) error {
	if err == nil || c.Blobs != "" || !errors.Is(err, store.ErrBlobMissing) {
		return err
	}
	return fmt.Errorf("%w\nThe attachments' files named above are not in the store: a server run with --blobs DIR keeps them in that directory. Give the same --blobs DIR (env TIAOJIE_BLOBS)", err)
}
