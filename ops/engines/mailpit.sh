#!/usr/bin/env bash
# mailpit.sh {start|stop|status|wipe|build|env|run CMD...}: one Mailpit server on 127.0.0.1, the
# SMTP server that the tests of package mail and of email confirmation and password
# reset send to; its HTTP API (/api/v1/messages) lets them read what arrived.
#
# Mailpit is built from source with go, once: `go install` of its module, at the
# version pinned below, into $HERD_ENGINES_DIR/bin/mailpit-<version> (about a minute;
# `build` does only that). Its database and log are in $HERD_ENGINES_DIR/mailpit
# (default /tmp/herd-engines/mailpit); wipe (when stopped) starts afresh. `env` prints
# the variables the tests read (HERD_SMTP_TEST and HERD_MAILPIT_API).
#
# `run CMD...` is what `make test-go` uses: it starts a Mailpit of its own, on free
# loopback ports (unless the variables below name them) in a directory of its own,
# runs CMD with HERD_SMTP_TEST and HERD_MAILPIT_API set for it alone, then stops
# Mailpit and removes that directory, and exits with CMD's status.
#
# Environment: HERD_MAILPIT_SMTP_PORT (default 1025), HERD_MAILPIT_HTTP_PORT (the API,
# default 8025). Any SMTP user name and password is accepted, and none.

ENGINE=mailpit
# shellcheck source=ops/engines/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# VERSION is the module version of github.com/axllent/mailpit built.
VERSION=v1.33.1

RUN=$HERD_ENGINES_DIR/mailpit
if [[ ${1:-} == run ]]; then
	RUN=$HERD_ENGINES_DIR/mailpit-run-$$
	if [[ -z ${HERD_MAILPIT_SMTP_PORT:-} || -z ${HERD_MAILPIT_HTTP_PORT:-} ]]; then
		need python3
		read -r HERD_MAILPIT_SMTP_PORT HERD_MAILPIT_HTTP_PORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))')
	fi
fi
SMTP_PORT=${HERD_MAILPIT_SMTP_PORT:-1025}
HTTP_PORT=${HERD_MAILPIT_HTTP_PORT:-8025}
ADDR=127.0.0.1:$SMTP_PORT
PROBE_ARGS=(mailpit "127.0.0.1:$HTTP_PORT" "$ADDR")

# mailpit_bin builds the binary once and prints its path.
mailpit_bin() {
	local bin="$HERD_ENGINES_DIR/bin/mailpit-$VERSION" tmp t0 ok=0
	if [[ -x $bin ]]; then
		echo "$bin"
		return 0
	fi
	need go
	mkdir -p "$HERD_ENGINES_DIR/bin"
	log "building mailpit $VERSION with go (once; log in $bin.log)"
	t0=$(now)
	# Installed aside and renamed, so that two scripts building at once cannot
	# leave half a binary.
	tmp=$(mktemp -d)
	GOBIN=$tmp go install -ldflags='-s -w' "github.com/axllent/mailpit@$VERSION" >"$bin.log" 2>&1 || ok=$?
	if ((ok != 0)); then
		tail -n 30 "$bin.log" >&2
		rm -rf "$tmp"
		die "cannot build mailpit"
	fi
	mv -f "$tmp/mailpit" "$bin"
	rm -rf "$tmp"
	log "built $bin in $(elapsed "$t0")s"
	echo "$bin"
}

start_engine() {
	local bin
	bin=$(mailpit_bin)
	mkdir -p "$RUN"
	# Loopback only, no version check, no reverse DNS lookups; a test reads a few
	# messages, so the default cap of 500 is plenty.
	launch "$bin" --smtp "$ADDR" --listen "127.0.0.1:$HTTP_PORT" --database "$RUN/mailpit.db" \
		--smtp-auth-accept-any --smtp-auth-allow-insecure --smtp-disable-rdns \
		--disable-version-check --quiet
}

case ${1:-} in
build)
	mailpit_bin >/dev/null
	exit 0
	;;
env)
	echo "HERD_SMTP_TEST=$ADDR"
	echo "HERD_MAILPIT_API=http://127.0.0.1:$HTTP_PORT"
	exit 0
	;;
run)
	shift
	(($# > 0)) || die "run: which command?"
	mkdir -p "$RUN"
	trap 'main stop; rm -rf "$RUN"' EXIT
	main start
	HERD_SMTP_TEST=$ADDR HERD_MAILPIT_API=http://127.0.0.1:$HTTP_PORT "$@"
	exit
	;;
esac
main "$@"
