package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"tiaojie/internal/store"
)

// Where the store is: a bbolt file (--db), the default, or an etcd cluster
// shared by several tiaojie processes.

// bindStoreFlags defines --store and --etcd-endpoints.
func (c *Config) bindStoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Store, "store", env("TIAOJIE_STORE", "bbolt"),
		"where the records are: bbolt (the file --db) or etcd (the cluster at --etcd-endpoints) (env TIAOJIE_STORE)")
	fs.StringVar(&c.EtcdEndpoints, "etcd-endpoints", env("TIAOJIE_ETCD_ENDPOINTS", ""),
		"comma-separated client URLs of the etcd cluster, e.g. http://10.0.0.1:2379,http://10.0.0.2:2379 (env TIAOJIE_ETCD_ENDPOINTS)")
}

// onEtcd says whether the store is in etcd.
func (c *Config) onEtcd() bool { return c.Store == "etcd" }

// storeName names the store in messages: the file, or the cluster.
func (c *Config) storeName() string {
	if c.onEtcd() {
		return "etcd " + c.EtcdEndpoints
	}
	return c.DB
}

// openStore opens the store for writing: the file, or the cluster.
func (c *Config) openStore(opt store.Options) (*store.DB, error) {
	if err := c.blobOptions(&opt); err != nil {
		return nil, err
	}
	switch c.Store {
	case "", "bbolt":
		return store.Open(c.DB, opt)
	case "etcd":
		var endpoints []string
		for e := range strings.SplitSeq(c.EtcdEndpoints, ",") {
			if e = strings.TrimSpace(e); e != "" {
				endpoints = append(endpoints, e)
			}
		}
		if len(endpoints) == 0 {
			return nil, errors.New("--store etcd needs --etcd-endpoints (env TIAOJIE_ETCD_ENDPOINTS): the cluster's client URLs, comma-separated")
		}
		tlsConfig, err := c.etcdTLS(endpoints)
		if err != nil {
			return nil, err
		}
		// Only a server campaigns (its --advertise); a command commits
		// beside the elected writer with its compares alone.
		db, err := store.OpenEtcd(store.EtcdOptions{Endpoints: endpoints, TLS: tlsConfig, Advertise: c.Advertise}, opt)
		return db, explainTLS(err, endpoints, tlsConfig)
	}
	return nil, fmt.Errorf("--store %q: it is bbolt or etcd", c.Store)
}
