#!/usr/bin/env bash
# cassandra.sh {start|stop|status|wipe}: one Apache Cassandra 5.0 node on 127.0.0.1, the
# stand-in for ScyllaDB in tests of store/scylla (same CQL).
#
# Jars come from Maven Central (cassandra/pom.xml) into ~/.m2. The node's config, data
# and logs are in $HERD_ENGINES_DIR/cassandra (default /tmp/herd-engines/cassandra);
# data survives stop and start; wipe (when stopped) starts afresh.
#
# Environment: HERD_CASSANDRA_PORT (CQL, default 9042), HERD_CASSANDRA_STORAGE_PORT
# (internode, default 7000), HERD_CASSANDRA_HEAP (default 512m).
# Tests then use HERD_CASSANDRA=127.0.0.1:$HERD_CASSANDRA_PORT.

ENGINE=cassandra
# shellcheck source=ops/engines/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

RUN=$HERD_ENGINES_DIR/cassandra
PORT=${HERD_CASSANDRA_PORT:-9042}
STORAGE_PORT=${HERD_CASSANDRA_STORAGE_PORT:-7000}
HEAP=${HERD_CASSANDRA_HEAP:-512m}
ADDR=127.0.0.1:$PORT
PROBE_ARGS=(cql "$ADDR")

# The module flags of Cassandra's conf/jvm17-server.options, which Cassandra 5.0 needs on
# Java 17.
JPMS=(
	-Djdk.attach.allowAttachSelf=true
	--add-exports java.base/jdk.internal.misc=ALL-UNNAMED
	--add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
	--add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
	--add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
	--add-exports java.sql/java.sql=ALL-UNNAMED
	--add-exports java.base/java.lang.ref=ALL-UNNAMED
	--add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
	--add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
	--add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
	--add-opens java.base/java.lang.module=ALL-UNNAMED
	--add-opens java.base/jdk.internal.loader=ALL-UNNAMED
	--add-opens java.base/jdk.internal.ref=ALL-UNNAMED
	--add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
	--add-opens java.base/jdk.internal.math=ALL-UNNAMED
	--add-opens java.base/jdk.internal.module=ALL-UNNAMED
	--add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
	--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
	--add-opens java.base/sun.nio.ch=ALL-UNNAMED
	--add-opens java.base/java.io=ALL-UNNAMED
	--add-opens java.base/java.lang.reflect=ALL-UNNAMED
	--add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
	--add-opens java.base/java.lang=ALL-UNNAMED
	--add-opens java.base/java.util=ALL-UNNAMED
	--add-opens java.base/java.nio=ALL-UNNAMED
	-Dio.netty.tryReflectionSetAccessible=true
	-Dio.netty.allocator.useCacheForAllThreads=true
	-Dio.netty.allocator.maxOrder=11
)

write_config() {
	mkdir -p "$RUN/data" "$RUN/commitlog" "$RUN/saved_caches" "$RUN/hints" "$RUN/cdc_raw" "$RUN/logs"
	cat >"$RUN/cassandra.yaml" <<EOF
# Written by ops/engines/cassandra.sh: one small node for tests.
cluster_name: herd-test
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$STORAGE_PORT"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $STORAGE_PORT
native_transport_port: $PORT
start_native_transport: true
data_file_directories: [$RUN/data]
commitlog_directory: $RUN/commitlog
saved_caches_directory: $RUN/saved_caches
hints_directory: $RUN/hints
cdc_raw_directory: $RUN/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
# Tests create and drop many keyspaces: no snapshot on drop, small caches and pools.
auto_snapshot: false
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
concurrent_compactors: 1
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
key_cache_size: 16MiB
counter_cache_size: 8MiB
# Paxos v2 settles contended lightweight transactions in fewer rounds than v1.
paxos_variant: v2
cas_contention_timeout: 5000ms
write_request_timeout: 5000ms
read_request_timeout: 5000ms
counter_write_request_timeout: 5000ms
EOF
	cat >"$RUN/logback.xml" <<EOF
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$RUN/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
EOF
}

start_engine() {
	need java
	local cp jamm
	cp=$(classpath)
	jamm=$(tr ':' '\n' <<<"$cp" | grep '/jamm-' | head -n 1)
	write_config
	launch java -Xms"$HEAP" -Xmx"$HEAP" -Xss256k -XX:+UseG1GC -XX:MaxDirectMemorySize=256m \
		-XX:+PerfDisableSharedMem -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 \
		"${JPMS[@]}" ${jamm:+-javaagent:"$jamm"} \
		-Djava.net.preferIPv4Stack=true \
		-Dcassandra.config=file://"$RUN/cassandra.yaml" \
		-Dcassandra.storagedir="$RUN" \
		-Dcassandra.logdir="$RUN/logs" \
		-Dlogback.configurationFile="$RUN/logback.xml" \
		-Dcassandra.initial_token=0 \
		-Dcassandra.skip_wait_for_gossip_to_settle=0 \
		-Dcassandra.superuser_setup_delay_ms=0 \
		-Dcassandra.test.flush_local_schema_changes=false \
		-cp "$cp" org.apache.cassandra.service.CassandraDaemon
}

main "$@"
