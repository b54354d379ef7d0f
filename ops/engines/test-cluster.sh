#!/usr/bin/env bash
# test-cluster.sh: what `make test-cluster` runs. It starts a fresh Cassandra node, a
# fresh Kafka broker, a fresh SeaweedFS server and a fresh OpenSearch node
# (ops/engines), runs the cluster engines' conformance tests against them
# (store/scylla, bus/kafka, blob/s3, search/elastic), then the Go test suites that run herd nodes
# or open engines through testrig (the Mastodon API, ActivityPub, moderation, bench,
# and the domain packages' tests on testrig.Store and Bus) and the third-party
# client and Fedify suites (tests/clients, tests/federation) on the cluster shape,
# then the end-to-end test of three herd nodes sharing the engines (tests/cluster:
# membership, API and streaming across nodes, a node killed during a 10,000-follower
# fan-out, a single-shape instance moved onto the engines by herd admin copy), and
# stops the engines whatever happens.
#
# The engines get a directory and ports of their own (HERD_ENGINES_DIR, default
# /tmp/herd-engines-test; CQL 19042, Kafka 19092, S3 18333, OpenSearch 9250, the
# runner taking only 9200 to 9299), so that engines started
# by hand on the default ports are left alone. Needs java, mvn and go; Maven fetches
# the jars, go builds SeaweedFS once (`ops/engines/seaweedfs.sh build`, minutes).
# Extra arguments go to the conformance suites' `go test` (e.g. -run, -v);
# HERD_SUITES=0 skips the node, client and Fedify suites, HERD_E2E=0 the end-to-end test.

set -euo pipefail

cd "$(dirname "$0")/../.."
engines=ops/engines
export HERD_ENGINES_DIR=${HERD_ENGINES_DIR:-/tmp/herd-engines-test}
export HERD_CASSANDRA_PORT=${HERD_CASSANDRA_PORT:-19042}
# Cassandra keeps some memory for every table it has seen (each test binary has a keyspace
# of about a hundred tables), and 512 MiB ran out at the end of a run.
export HERD_CASSANDRA_HEAP=${HERD_CASSANDRA_HEAP:-2g}
export HERD_CASSANDRA_STORAGE_PORT=${HERD_CASSANDRA_STORAGE_PORT:-17000}
export HERD_KAFKA_PORT=${HERD_KAFKA_PORT:-19092}
export HERD_KAFKA_CONTROLLER_PORT=${HERD_KAFKA_CONTROLLER_PORT:-19093}
# SeaweedFS's master, volume server and filer also take their port + 10000 (gRPC).
export HERD_SEAWEEDFS_S3_PORT=${HERD_SEAWEEDFS_S3_PORT:-18333}
export HERD_SEAWEEDFS_MASTER_PORT=${HERD_SEAWEEDFS_MASTER_PORT:-18334}
export HERD_SEAWEEDFS_VOLUME_PORT=${HERD_SEAWEEDFS_VOLUME_PORT:-18335}
export HERD_SEAWEEDFS_FILER_PORT=${HERD_SEAWEEDFS_FILER_PORT:-18336}
export HERD_OPENSEARCH_PORT=${HERD_OPENSEARCH_PORT:-9250}
export HERD_OPENSEARCH_TRANSPORT_PORT=${HERD_OPENSEARCH_TRANSPORT_PORT:-9350}
export HERD_S3_ACCESS_KEY=${HERD_S3_ACCESS_KEY:-herd-test}
export HERD_S3_SECRET_KEY=${HERD_S3_SECRET_KEY:-herd-test-secret}
GO=${GO:-go}

stop_engines() {
	wait || true # a start still in flight, so that its engine is stopped too
	echo "== engines after the tests"
	bash "$engines/cassandra.sh" status || true
	bash "$engines/kafka.sh" status || true
	bash "$engines/seaweedfs.sh" status || true
	bash "$engines/opensearch.sh" status || true
	bash "$engines/cassandra.sh" stop || true
	bash "$engines/kafka.sh" stop || true
	bash "$engines/seaweedfs.sh" stop || true
	bash "$engines/opensearch.sh" stop || true
}

# Engines left by an interrupted run are stopped, and every run starts on empty data.
for e in cassandra kafka seaweedfs opensearch; do
	bash "$engines/$e.sh" stop
	bash "$engines/$e.sh" wipe
done
trap stop_engines EXIT
trap 'exit 130' INT TERM

echo "== starting the engines (and compiling the tests meanwhile)"
t0=$SECONDS
bash "$engines/cassandra.sh" start &
cassandra=$!
bash "$engines/kafka.sh" start &
kafka=$!
bash "$engines/seaweedfs.sh" start &
seaweedfs=$!
bash "$engines/opensearch.sh" start &
opensearch=$!
# The packages whose tests start nodes or open engines through testrig.
suites=$($GO list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
	awk '/ github.com\/herd-social\/herd\/testrig( |$)/ {print $1}')
$GO test -count=1 -run '^$' ./store/scylla/ ./bus/kafka/ ./blob/s3/ ./search/elastic/ ./node/ ./tests/cluster/ $suites >/dev/null
mkdir -p "$HERD_ENGINES_DIR/bin"
$GO build -o "$HERD_ENGINES_DIR/bin/herd" ./cmd/herd
wait "$cassandra"
wait "$kafka"
wait "$seaweedfs"
wait "$opensearch"
echo "== engines ready after $((SECONDS - t0))s"

export HERD_CASSANDRA=127.0.0.1:$HERD_CASSANDRA_PORT
export HERD_KAFKA=127.0.0.1:$HERD_KAFKA_PORT
export HERD_S3=http://127.0.0.1:$HERD_SEAWEEDFS_S3_PORT
export HERD_OPENSEARCH=http://127.0.0.1:$HERD_OPENSEARCH_PORT
# The cases of the suites run in parallel: most of their time is spent waiting for
# the engines (schema changes, TTLs, rebalances), not computing.
$GO test -count=1 -timeout 10m -parallel 16 "$@" ./store/scylla/ ./bus/kafka/ ./blob/s3/ ./search/elastic/
# The node's media store on S3 ([media] keys).
$GO test -count=1 -run '^TestOpenMediaS3$' ./node/
echo "== conformance suites done after $((SECONDS - t0))s"

if [[ ${HERD_SUITES:-1} != 0 ]]; then
	# One keyspace for every suite, its tables created here once; each test's nodes
	# get a namespace in it (a prefix on their partition keys) and a topic prefix of
	# their own (testrig/shape.go).
	export HERD_TEST_KEYSPACE=herd_rig_run
	HERD_STORE=scylla HERD_BUS=local HERD_SCYLLA_HOSTS=$HERD_CASSANDRA HERD_SCYLLA_KEYSPACE=$HERD_TEST_KEYSPACE \
		HERD_DATA=$HERD_ENGINES_DIR/migrate "$HERD_ENGINES_DIR/bin/herd" admin migrate
	echo "== node suites on the cluster shape:" $suites
	HERD_TEST_SHAPE=cluster $GO test -count=1 -timeout 60m $suites
	echo "== node suites done after $((SECONDS - t0))s"
	echo "== third-party clients and the Fedify peer against herd serve on the cluster shape"
	HERD_TEST_SHAPE=cluster bash tests/clients/run.sh
	HERD_TEST_SHAPE=cluster bash tests/federation/run.sh
	echo "== client and federation suites done after $((SECONDS - t0))s"
fi

if [[ ${HERD_E2E:-1} != 0 ]]; then
	echo "== end-to-end: three herd nodes on the engines (tests/cluster)"
	# -v shows the measurements (fan-out rate, recovery after the kill) on success;
	# the nodes' logs are printed only on failure.
	HERD_BIN=$HERD_ENGINES_DIR/bin/herd $GO test -count=1 -timeout 10m -v ./tests/cluster/
	echo "== end-to-end done after $((SECONDS - t0))s"
fi
echo "== test-cluster done in $((SECONDS - t0))s"
