package store

import "time"

// OpenUnsynced opens the file at path as Open does, but its commits are not
// flushed to the disk (bbolt's NoSync): a crash of the machine can lose or
// tear any of them. It is for filling a database that is thrown away if the
// fill fails (the load harness's), never for a server: nothing it
// acknowledges is durable until the file is closed and the system has
// written it out.
func OpenUnsynced(path string, opt Options) (*DB, error) {
	if opt.Timeout == 0 {
		opt.Timeout = time.Second
	}
	b, err := openBolt(path, opt.Timeout)
	if err != nil {
		return nil, err
	}
	b.(*boltBackend).db.NoSync = true
	return OpenBackend(b, opt)
}
