#!/usr/bin/env bash
# Runs Herd's federation test against a real, independent ActivityPub server: installs Node 22
# and Fedify (install.sh), builds ./cmd/herd, starts Herd and the Fedify peer
# (fedify/peer.mjs) on free loopback ports, runs scenario.mjs, stops both, and exits
# non-zero if any step failed. Prints both servers' logs when something failed.
#
#   tests/federation/run.sh
#   HERD_BIN=/path/to/herd tests/federation/run.sh      # use this binary, do not build
#   HERD_URL=http://127.0.0.1:8080 tests/federation/run.sh
#       # against a Herd you started yourself, with --domain matching the URL's host:port and
#       # HERD_FEDERATION_HTTP=true HERD_ALLOW_PRIVATE_ADDRESSES=true in its environment
#       # (HERD_MOD_TOKEN=TOKEN: a token of its moderator with admin:read and admin:write, for
#       # the moderation steps, which are skipped without it)
#   FEDERATION_DEADLINE_MS=30000 tests/federation/run.sh  # longer waits for async effects
#   PEER_FIRST_KNOCK=draft-cavage-http-signatures-12 tests/federation/run.sh
#       # make Fedify sign draft-cavage first instead of RFC 9421 (its default)
#
# The last line is "federation: N passed, M failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tools="$here/.tools"
# shellcheck source=../lib/shape.sh
source "$root/tests/lib/shape.sh"
# shellcheck source=../lib/node22.sh
source "$root/tests/lib/node22.sh" # node_bin: where install.sh put Node 22
node=$node_bin
START_DEADLINE_S=120

say() { printf 'run.sh: %s\n' "$*"; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

"$here/install.sh" || die "install.sh failed"

herd_pid=""
peer_pid=""
data_dir=""
herd_log=""
peer_log=""
herd2_pid=""
herd2_url=""
mod_token=${HERD_MOD_TOKEN:-}
peer2_pid=""
data2_dir=""
herd2_log=""
peer2_log=""
stop_pid() {
  local pid=$1
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  stop_pid "$peer_pid"
  stop_pid "$peer2_pid"
  stop_pid "$herd_pid"
  stop_pid "$herd2_pid"
  for d in "$data_dir" "$data2_dir"; do [[ -n "$d" ]] && rm -rf "$d"; done
  for f in "$herd_log" "$peer_log" "$herd2_log" "$peer2_log"; do [[ -n "$f" ]] && rm -f "$f"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

print_log() { # NAME FILE
  [[ -n "$2" && -f "$2" ]] || return 0
  echo "----- $1 log (last 200 of $(wc -l <"$2") lines) -----"
  tail -n 200 "$2"
  echo "----- end of $1 log -----"
}
print_logs() {
  print_log herd "$herd_log"
  print_log peer "$peer_log"
  print_log "herd (authorized fetch)" "$herd2_log"
  print_log "peer (signed fetch)" "$peer2_log"
}
free_port() {
  "$node" -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
# wait_for NAME PID URL PREDICATE: polls URL until PREDICATE (a grep -E pattern) matches.
wait_for() {
  local name=$1 pid=$2 url=$3 pattern=$4
  local deadline=$((SECONDS + START_DEADLINE_S))
  until curl -fsS --max-time 2 "$url" 2>/dev/null | grep -Eq "$pattern"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"; local rc=$?
      say "$name exited with status $rc before answering $url"
      print_logs
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "$name did not answer $url within ${START_DEADLINE_S}s"
      print_logs
      exit 1
    fi
    sleep 0.1
  done
}

# --- Herd -------------------------------------------------------------------------------------
if [[ -n "${HERD_URL:-}" ]]; then
  herd_url=${HERD_URL%/}
  say "using the Herd at $herd_url (HERD_URL is set; nothing built or started)"
else
  herd_bin=${HERD_BIN:-}
  if [[ -z "$herd_bin" ]]; then
    say "building ./cmd/herd"
    (cd "$root" && go build -o "$tools/herd" ./cmd/herd) ||
      die "go build -o tests/federation/.tools/herd ./cmd/herd failed"
    herd_bin="$tools/herd"
  else
    [[ -x "$herd_bin" ]] || die "HERD_BIN=$herd_bin is not an executable"
    say "using HERD_BIN=$herd_bin (not building)"
  fi
  port=$(free_port) || die "could not find a free port"
  herd_url="http://127.0.0.1:$port"
  data_dir=$(mktemp -d)
  herd_log=$(mktemp)
  shape=$(herd_shape_env "federation_$port") || die "no engines for the cluster shape"
  # The moderator of the moderation steps (m), made from the shell before the node starts,
  # with a token holding the admin scopes.
  mod_user="mod_$port"
  # shellcheck disable=SC2086 # shape is a list of VAR=value words
  env $shape "$herd_bin" admin create-account --admin --domain "127.0.0.1:$port" --data "$data_dir" \
    --username "$mod_user" --email "$mod_user@example.com" --password "a long password for the moderator $port" >"$herd_log" 2>&1 ||
    { cat "$herd_log"; die "herd admin create-account failed"; }
  # shellcheck disable=SC2086
  mod_token=$(env $shape "$herd_bin" admin token --domain "127.0.0.1:$port" --data "$data_dir" \
    --scopes "read write follow admin:read admin:write" "$mod_user" 2>>"$herd_log") ||
    { cat "$herd_log"; die "herd admin token failed"; }
  say "starting herd serve on 127.0.0.1:$port (data in $data_dir)${shape:+ on the cluster shape}"
  env $shape HERD_RATE_LIMIT=-1 HERD_FEDERATION_HTTP=true HERD_ALLOW_PRIVATE_ADDRESSES=true \
    "$herd_bin" serve --listen "127.0.0.1:$port" --domain "127.0.0.1:$port" --data "$data_dir" --ops off >"$herd_log" 2>&1 &
  herd_pid=$!
  # The second Herd: embedded engines always (it only serves the signed-fetch steps), in
  # Mastodon's secure mode.
  port2=$(free_port) || die "could not find a free port"
  herd2_url="http://127.0.0.1:$port2"
  data2_dir=$(mktemp -d)
  herd2_log=$(mktemp)
  say "starting herd serve with authorized_fetch on 127.0.0.1:$port2"
  HERD_RATE_LIMIT=-1 HERD_FEDERATION_HTTP=true HERD_ALLOW_PRIVATE_ADDRESSES=true HERD_AUTHORIZED_FETCH=true \
    "$herd_bin" serve --listen "127.0.0.1:$port2" --domain "127.0.0.1:$port2" --data "$data2_dir" --ops off >"$herd2_log" 2>&1 &
  herd2_pid=$!
fi

# --- The Fedify peer --------------------------------------------------------------------------
peer_port=$(free_port) || die "could not find a free port"
peer_url="http://127.0.0.1:$peer_port"
peer_log=$(mktemp)
say "starting the Fedify peer on 127.0.0.1:$peer_port"
(cd "$here/fedify" && PEER_PORT="$peer_port" PEER_HOST=127.0.0.1 exec "$node" peer.mjs) >"$peer_log" 2>&1 &
peer_pid=$!
peer2_port=$(free_port) || die "could not find a free port"
peer2_url="http://127.0.0.1:$peer2_port"
peer2_log=$(mktemp)
say "starting the Fedify peer that requires signed fetches on 127.0.0.1:$peer2_port"
(cd "$here/fedify" && PEER_PORT="$peer2_port" PEER_HOST=127.0.0.1 PEER_USERNAME=gina PEER_SIGNED_FETCH=true exec "$node" peer.mjs) >"$peer2_log" 2>&1 &
peer2_pid=$!

[[ -n "$herd_pid" ]] && wait_for herd "$herd_pid" "$herd_url/health" '^OK$'
[[ -n "$herd2_pid" ]] && wait_for "herd (authorized fetch)" "$herd2_pid" "$herd2_url/health" '^OK$'
wait_for peer "$peer_pid" "$peer_url/_control/health" '"ok":true'
wait_for "peer (signed fetch)" "$peer2_pid" "$peer2_url/_control/health" '"ok":true'
say "herd is up at $herd_url${herd2_pid:+, with authorized fetch at $herd2_url}; the peers are up at $peer_url and $peer2_url (signed fetch)"

# --- The scenario -----------------------------------------------------------------------------
out=$(mktemp)
(cd "$here" && HERD_URL="$herd_url" PEER_URL="$peer_url" HERD_MOD_TOKEN="$mod_token" SIGNED_PEER_URL="$peer2_url" HERD_AF_URL="${herd2_url:-}" \
  "$node" scenario.mjs) | tee "$out"
rc=${PIPESTATUS[0]}
last=$(tail -n 1 "$out")
rm -f "$out"

dead=()
[[ -n "$herd_pid" ]] && ! kill -0 "$herd_pid" 2>/dev/null && dead+=(herd)
[[ -n "$herd2_pid" ]] && ! kill -0 "$herd2_pid" 2>/dev/null && dead+=("herd (authorized fetch)")
! kill -0 "$peer_pid" 2>/dev/null && dead+=(peer)
! kill -0 "$peer2_pid" 2>/dev/null && dead+=("peer (signed fetch)")
if ((${#dead[@]} > 0)); then
  say "died during the run: ${dead[*]}"
  rc=1
fi
if ((rc != 0)); then
  print_logs
  # Repeat the scenario's closing line so that it stays the last line.
  if [[ "$last" =~ ^federation:\ [0-9]+\ passed,\ [0-9]+\ failed$ ]]; then echo "$last"; else echo "federation: 0 passed, 1 failed"; fi
fi
exit $((rc != 0))
