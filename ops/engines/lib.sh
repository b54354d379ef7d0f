# shellcheck shell=bash
# lib.sh: what cassandra.sh and kafka.sh share. Sourced, not run.
#
# Each engine lives in $HERD_ENGINES_DIR/<engine>/ (config, data, logs, pid file). Jars
# come from Maven Central through the engine's pom.xml: Maven resolves the classpath
# into the local repository (~/.m2), which is the cache, and the classpath is kept in
# the run directory. The engine runs in a process group of its own, so that stop can
# end it and everything it started, and only that.

set -euo pipefail

ENGINES_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HERD_ENGINES_DIR=${HERD_ENGINES_DIR:-/tmp/herd-engines}
# READY_TIMEOUT bounds the wait for an engine to answer, in seconds.
READY_TIMEOUT=${HERD_ENGINES_READY_TIMEOUT:-120}

log() { printf '%s: %s\n' "$ENGINE" "$*" >&2; }
die() { log "$*"; exit 1; }

# now prints the time in seconds with milliseconds.
now() { date +%s.%3N; }

# elapsed prints the seconds since $1 (a now value).
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

need() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || die "$cmd is required (see ops/engines/README.md)"
	done
}

# classpath prints the engine's classpath, resolving it with Maven the first time and
# whenever the pom changes. Jars are fetched into ~/.m2 once.
classpath() {
	local pom="$ENGINES_SRC/$ENGINE/pom.xml" out="$RUN/classpath.txt"
	if [[ ! -s $out || $pom -nt $out ]] || ! all_exist "$out"; then
		need mvn
		log "resolving the classpath with Maven (jars are cached in ~/.m2)"
		mvn -B -q -f "$pom" dependency:build-classpath \
			-Dmdep.includeScope=runtime -Dmdep.outputFile="$out.tmp" >"$RUN/maven.log" 2>&1 ||
			{ tail -n 30 "$RUN/maven.log" >&2; die "maven could not resolve $pom"; }
		mv "$out.tmp" "$out"
	fi
	cat "$out"
}

# all_exist reports whether every jar of a classpath file is still on disk.
all_exist() {
	local jar jars
	IFS=: read -ra jars <"$1" || true # no newline at the end
	for jar in "${jars[@]}"; do
		[[ -e $jar ]] || return 1
	done
}

# probe builds the readiness probe (a small Go program) once and prints its path.
probe() {
	local bin="$HERD_ENGINES_DIR/bin/probe"
	if [[ ! -x $bin || -n $(find "$ENGINES_SRC/probe" -newer "$bin" -name '*.go' 2>/dev/null) ]]; then
		need go
		mkdir -p "$HERD_ENGINES_DIR/bin"
		# Built aside and renamed: both engine scripts may build it at once.
		(cd "$ENGINES_SRC/probe" && go build -o "$bin.$$" .) || die "cannot build the probe"
		mv -f "$bin.$$" "$bin"
	fi
	echo "$bin"
}

pidfile() { echo "$RUN/pid"; }

# running reports whether the engine's process is alive.
running() {
	local pid
	[[ -s $(pidfile) ]] || return 1
	pid=$(cat "$(pidfile)")
	kill -0 "$pid" 2>/dev/null
}

# launch starts "$@" in a new session (its own process group), output to $RUN/out.log,
# and sets LAUNCHED to the time it did.
launch() {
	LAUNCHED=$(now)
	setsid "$@" >"$RUN/out.log" 2>&1 </dev/null &
	echo $! >"$(pidfile)"
}

# wait_ready polls "$@" until it succeeds, failing if the engine dies or READY_TIMEOUT
# passes.
wait_ready() {
	local deadline=$((SECONDS + READY_TIMEOUT))
	until "$@" >/dev/null 2>&1; do
		if ! running; then
			tail -n 40 "$RUN/out.log" >&2 || true
			die "exited before it was ready (logs in $RUN)"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 40 "$RUN/out.log" >&2 || true
			stop_engine
			die "not ready after ${READY_TIMEOUT}s (logs in $RUN)"
		fi
		sleep 0.5
	done
}

# rss prints the resident memory of the engine's process in MiB.
rss() {
	local kb
	kb=$(ps -o rss= -p "$(cat "$(pidfile)")" | tr -d ' ')
	echo "$((kb / 1024)) MiB"
}

# stop_engine ends the engine's process group: TERM, then KILL after 30 seconds.
stop_engine() {
	local pid i
	if ! running; then
		rm -f "$(pidfile)"
		log "not running"
		return 0
	fi
	pid=$(cat "$(pidfile)")
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "still running after 30s, killing"
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
	rm -f "$(pidfile)"
	log "stopped"
}

# main dispatches start, stop, status and wipe (delete data, config and logs, keep the
# resolved classpath); the
# engine script defines start_engine, the probe arguments in PROBE_ARGS and its
# address in ADDR.
main() {
	mkdir -p "$RUN"
	case "${1:-}" in
	start)
		if running; then
			log "already running (pid $(cat "$(pidfile)")) on $ADDR"
			return 0
		fi
		local p t0
		t0=$(now)
		p=$(probe)
		"$p" -free "$ADDR" || die "$ADDR is taken by another process"
		start_engine # sets LAUNCHED
		wait_ready "$p" "${PROBE_ARGS[@]}"
		log "ready on $ADDR $(elapsed "$LAUNCHED")s after launch, $(elapsed "$t0")s in all" \
			"(pid $(cat "$(pidfile)"), rss $(rss))"
		;;
	stop) stop_engine ;;
	wipe)
		! running || die "running: stop it first"
		find "$RUN" -mindepth 1 -maxdepth 1 ! -name classpath.txt -exec rm -rf {} +
		log "wiped $RUN (a resolved classpath is kept)"
		;;
	status)
		if running && "$(probe)" "${PROBE_ARGS[@]}" >/dev/null 2>&1; then
			log "running on $ADDR (pid $(cat "$(pidfile)"), rss $(rss))"
		elif running; then
			log "started, not answering on $ADDR (pid $(cat "$(pidfile)"))"
			return 1
		else
			log "not running"
			return 3
		fi
		;;
	*)
		echo "usage: $0 {start|stop|status|wipe}" >&2
		return 2
		;;
	esac
}
