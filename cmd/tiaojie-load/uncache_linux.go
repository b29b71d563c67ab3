package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// uncache writes the file's pages out and drops them from the page cache, as
// a restart of the machine would: the fill has just written every page of
// the database, and a server started on a file wholly in the cache maps far
// more of it than it reads (the kernel maps a faulted page's cached
// neighbours with it), which its resident set would count as its own.
func uncache(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return err
	}
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
}
