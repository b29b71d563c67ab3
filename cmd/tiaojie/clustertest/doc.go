// Package clustertest runs the tiaojie binary twice on one 3-member etcd
// cluster, as a city-wide deployment does behind a load balancer, and kills
// the cluster's leader under load. It holds tests only: it builds the binary
// from ../ and starts the cluster with internal/store/etcdtest.
package clustertest
