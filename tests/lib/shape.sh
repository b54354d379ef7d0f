# shape.sh: sourced by the test scripts that start `herd serve`, so that they test the
# cluster shape too. With HERD_TEST_SHAPE=cluster (as `make test-cluster` sets it, with
# HERD_CASSANDRA and HERD_KAFKA naming the engines), herd_shape_env NAME prints the
# environment that puts a server on Cassandra and Kafka, on a keyspace and a Kafka
# topic prefix named after NAME ([a-z0-9_]), alone in a membership on loopback, and,
# when HERD_OPENSEARCH names an OpenSearch (or Elasticsearch) server, searching there in
# indexes named after NAME; it prints nothing otherwise (the embedded engines).
# Use: env $(herd_shape_env NAME) herd serve …

herd_shape_env() {
  [[ "${HERD_TEST_SHAPE:-}" == cluster ]] || return 0
  if [[ -z "${HERD_CASSANDRA:-}" || -z "${HERD_KAFKA:-}" ]]; then
    echo "shape.sh: HERD_TEST_SHAPE=cluster needs HERD_CASSANDRA and HERD_KAFKA (host:port)" >&2
    return 1
  fi
  local name=$1
  echo "HERD_STORE=scylla HERD_SCYLLA_HOSTS=$HERD_CASSANDRA HERD_SCYLLA_KEYSPACE=herd_$name" \
    "HERD_BUS=kafka HERD_KAFKA_BROKERS=$HERD_KAFKA HERD_KAFKA_PREFIX=herd.$name." \
    "HERD_CLUSTER_BIND=127.0.0.1:0"
  if [[ -n "${HERD_OPENSEARCH:-}" ]]; then
    echo "HERD_SEARCH_ENGINE=elasticsearch HERD_SEARCH_URL=$HERD_OPENSEARCH HERD_SEARCH_PREFIX=herd-$name-"
  fi
}
