#!/usr/bin/env bash
# kafka.sh {start|stop|status|wipe}: one Apache Kafka 4 broker in KRaft mode on 127.0.0.1,
# broker and controller in one process, for tests of bus/kafka.
#
# Jars come from Maven Central (kafka/pom.xml) into ~/.m2. The broker's config, data and
# logs are in $HERD_ENGINES_DIR/kafka (default /tmp/herd-engines/kafka); the storage is
# formatted on first start, data survives stop and start; wipe (when stopped)
# starts afresh.
#
# Environment: HERD_KAFKA_PORT (clients, default 9092), HERD_KAFKA_CONTROLLER_PORT
# (default 9093), HERD_KAFKA_HEAP (default 384m).
# Tests then use HERD_KAFKA=127.0.0.1:$HERD_KAFKA_PORT.

ENGINE=kafka
# shellcheck source=ops/engines/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

RUN=$HERD_ENGINES_DIR/kafka
PORT=${HERD_KAFKA_PORT:-9092}
CONTROLLER_PORT=${HERD_KAFKA_CONTROLLER_PORT:-9093}
HEAP=${HERD_KAFKA_HEAP:-384m}
ADDR=127.0.0.1:$PORT
PROBE_ARGS=(kafka "$ADDR")

write_config() {
	mkdir -p "$RUN/data" "$RUN/logs"
	cat >"$RUN/server.properties" <<EOF
# Written by ops/engines/kafka.sh: one small combined broker and controller for tests.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$RUN/data
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.retention.hours=24
EOF
	cat >"$RUN/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $RUN/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = file
logger.state.name = state.change.logger
logger.state.level = warn
EOF
}

# java_args prints the JVM options shared by the storage tool and the broker.
java_opts() {
	JAVA_OPTS=(-Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
		-XX:+ExitOnOutOfMemoryError -XX:+PerfDisableSharedMem -XX:TieredStopAtLevel=1
		-Djava.awt.headless=true -Dkafka.logs.dir="$RUN/logs"
		-Dlog4j2.configurationFile="$RUN/log4j2.properties")
}

# format formats the storage once, as a standalone KRaft controller quorum.
format() {
	[[ -e $RUN/data/meta.properties ]] && return 0
	local id
	id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
	# "=": an id that starts with "-" would otherwise be read as an option (1 run in 64).
	java "${JAVA_OPTS[@]}" -cp "$1" kafka.tools.StorageTool format \
		--cluster-id="$id" --config "$RUN/server.properties" --standalone \
		>"$RUN/format.log" 2>&1 || { cat "$RUN/format.log" >&2; die "cannot format the storage"; }
}

start_engine() {
	need java
	local cp
	cp=$(classpath)
	write_config
	java_opts
	format "$cp"
	launch java "${JAVA_OPTS[@]}" -cp "$cp" kafka.Kafka "$RUN/server.properties"
}

main "$@"
