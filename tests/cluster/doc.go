// Package cluster holds the end-to-end test of Herd's cluster shape: three
// `herd serve` processes on 127.0.0.1 (distinct HTTP, memberlist and ops ports, node
// ids 1-3) sharing one Cassandra or ScyllaDB keyspace and one Kafka cluster, driven
// over HTTP and checked through the store. `make test-cluster` runs it after the
// engines' conformance suites (ops/engines/test-cluster.sh).
//
// The test needs HERD_CASSANDRA and HERD_KAFKA (host:port of each engine) and is
// skipped without them. HERD_BIN names a built herd binary (else the test builds one);
// HERD_E2E_KEEP=1 keeps the nodes' logs and configuration in a directory it prints.
//
// It is a test and nothing else: no other package imports it.
package cluster
