#!/usr/bin/env bash
# seaweedfs.sh {start|stop|status|wipe|build}: one SeaweedFS server on 127.0.0.1 (master,
# volume server, filer and S3 gateway in one process), the S3-compatible object store
# for tests of blob/s3.
#
# SeaweedFS is built from source with go, once: `go install` refuses its module (its
# go.mod has a replace directive), so a wrapper module made in a temporary directory
# requires it and repeats the replace, and `go build` makes the binary into
# $HERD_ENGINES_DIR/bin/weed-<version> (about 12 CPU-minutes, 6 minutes on two idle
# cores; `build` does only that). The server's config, data and logs are in $HERD_ENGINES_DIR/seaweedfs (default
# /tmp/herd-engines/seaweedfs); data survives stop and start; wipe (when stopped) starts
# afresh.
#
# Environment: HERD_SEAWEEDFS_S3_PORT (S3, default 8333), HERD_SEAWEEDFS_MASTER_PORT
# (default 9333), HERD_SEAWEEDFS_VOLUME_PORT (default 9340), HERD_SEAWEEDFS_FILER_PORT
# (default 8888); each server also takes the port 10,000 above its own for gRPC.
# HERD_S3_ACCESS_KEY and HERD_S3_SECRET_KEY (default herd-test, herd-test-secret) are
# the keys of the one identity, allowed everything.
# Tests then use HERD_S3=http://127.0.0.1:$HERD_SEAWEEDFS_S3_PORT with those keys.

ENGINE=seaweedfs
# shellcheck source=ops/engines/lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# VERSION is the module version of github.com/seaweedfs/seaweedfs built; REPLACE repeats
# the replace directive of its go.mod.
VERSION=v0.0.0-20261109003541-7506e5f91cd6
REPLACE='github.com/tyler-smith/go-bip39 => github.com/cosmos/go-bip39 v1.0.0'

RUN=$HERD_ENGINES_DIR/seaweedfs
PORT=${HERD_SEAWEEDFS_S3_PORT:-8333}
MASTER_PORT=${HERD_SEAWEEDFS_MASTER_PORT:-9333}
VOLUME_PORT=${HERD_SEAWEEDFS_VOLUME_PORT:-9340}
FILER_PORT=${HERD_SEAWEEDFS_FILER_PORT:-8888}
export HERD_S3_ACCESS_KEY=${HERD_S3_ACCESS_KEY:-herd-test}
export HERD_S3_SECRET_KEY=${HERD_S3_SECRET_KEY:-herd-test-secret}
ADDR=127.0.0.1:$PORT
PROBE_ARGS=(s3 "$ADDR")

# weed builds the binary once and prints its path.
weed() {
	local bin="$HERD_ENGINES_DIR/bin/weed-$VERSION" mod t0 ok=0
	if [[ -x $bin ]]; then
		echo "$bin"
		return 0
	fi
	need go
	mkdir -p "$HERD_ENGINES_DIR/bin"
	mod=$(mktemp -d)
	cat >"$mod/go.mod" <<EOF
// Written by ops/engines/seaweedfs.sh to build SeaweedFS's weed command.
module herd.test/seaweedfs

go 1.26

require github.com/seaweedfs/seaweedfs $VERSION

replace $REPLACE
EOF
	log "building weed $VERSION with go (once; several minutes, log in $bin.log)"
	t0=$(now)
	# Built aside and renamed, as the probe is; -mod=mod lets go write the go.sum.
	(cd "$mod" && go build -mod=mod -ldflags='-s -w' -o "$bin.$$" github.com/seaweedfs/seaweedfs/weed) \
		>"$bin.log" 2>&1 || ok=$?
	rm -rf "$mod" # the module cache keeps the sources
	if ((ok != 0)); then
		tail -n 30 "$bin.log" >&2
		rm -f "$bin.$$"
		die "cannot build weed"
	fi
	mv -f "$bin.$$" "$bin"
	log "built $bin in $(elapsed "$t0")s"
	echo "$bin"
}

write_config() {
	mkdir -p "$RUN/data" "$RUN/logs"
	(
		umask 077
		cat >"$RUN/s3.json" <<EOF
{
  "identities": [
    {
      "name": "herd-test",
      "credentials": [{"accessKey": "$HERD_S3_ACCESS_KEY", "secretKey": "$HERD_S3_SECRET_KEY"}],
      "actions": ["Admin", "Read", "List", "Tagging", "Write"]
    }
  ]
}
EOF
	)
}

start_engine() {
	local bin
	bin=$(weed)
	write_config
	# The filer's metadata store is created in the working directory.
	cd "$RUN/data"
	# Small volumes, as a test writes little; no telemetry, no Iceberg or Lance
	# endpoints, buckets made only when asked, as S3 does.
	launch "$bin" -logdir="$RUN/logs" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$RUN/data" \
		-master.port="$MASTER_PORT" -master.volumeSizeLimitMB=64 -master.telemetry=false \
		-volume.port="$VOLUME_PORT" -volume.max=16 -volume.preStopSeconds=0 \
		-filer -filer.port="$FILER_PORT" \
		-s3 -s3.port="$PORT" -s3.config="$RUN/s3.json" -s3.port.iceberg=0 -s3.port.lance=0 \
		-s3.autoCreateBucket=false
}

if [[ ${1:-} == build ]]; then
	weed >/dev/null
	exit 0
fi
main "$@"
