#!/usr/bin/env bash
# Tests Herd's web client: its unit tests (Vitest), then, in headless Chromium (Debian's
# chromium, driven by playwright-core from npm), a person signs in through the page,
# posts with a content warning, reads another's post arriving live, and a moderator
# works a report and approves a sign-up, against a fresh node built with the app in it. Screenshots go to
# tests/web/screenshots.
#
#   tests/web/run.sh                                  # build, start a node, run
#   HERD_URL=http://127.0.0.1:8080 tests/web/run.sh   # against a node you run (open registrations;
#                                                     # HERD_ADMIN_USERNAME/_PASSWORD: an Owner, for the moderation steps;
#                                                     # HERD_ADMIN_COMMAND: a JSON list, herd and the flags that reach
#                                                     # that node's ops endpoint, for the registration-with-approval step)
#   HERD_CHROMIUM=/path/to/chrome tests/web/run.sh    # another Chromium
#   HERD_BIN=/path/to/herd tests/web/run.sh           # a herd binary built beforehand (with the app in it)
#
# The last line is "web: N passed, M failed".
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tools="$here/.tools"
# shellcheck source=../lib/shape.sh
source "$root/tests/lib/shape.sh"
python=${HERD_PYTHON:-python3}
chromium=${HERD_CHROMIUM:-/usr/bin/chromium}
HEALTH_DEADLINE_S=30

say() { printf 'tests/web: %s\n' "$*"; }
die() { printf 'tests/web: error: %s\n' "$*" >&2; echo "web: 0 passed, 1 failed"; exit 1; }

[[ -x "$chromium" ]] || die "no Chromium at $chromium (apt-get install chromium, or set HERD_CHROMIUM)"
command -v npm >/dev/null 2>&1 || die "npm not found (Node.js 20 or newer runs the tests)"
if (($(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) < 20)); then
  say "node $(node --version 2>/dev/null || echo none) is older than 20: using the project's Node 22"
  # shellcheck source=../lib/node22.sh
  source "$root/tests/lib/node22.sh"
  install_node22
  export PATH="$node_path:$PATH"
fi

# playwright-core, pinned in package-lock.json; npm ci again when the lock changed.
if [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  say "installing playwright-core"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in tests/web failed"
fi

# The app, built if its sources changed, then its unit tests.
make -C "$root" --no-print-directory web || die "make web failed"
(cd "$root/web" && npx --no-install vitest run --reporter=dot) || die "the web client's unit tests failed"

server_pid=""
data_dir=""
server_log=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  [[ -n "$data_dir" ]] && rm -rf "$data_dir" "$data_dir.toml"
  [[ -n "$server_log" ]] && rm -f "$server_log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n "${HERD_URL:-}" ]]; then
  url=${HERD_URL%/}
  say "using the node at $url"
else
  herd=${HERD_BIN:-$tools/herd}
  if [[ -z "${HERD_BIN:-}" ]]; then
    mkdir -p "$tools"
    (cd "$root" && go build -o "$herd" ./cmd/herd) || die "go build ./cmd/herd failed"
  fi
  [[ -x "$herd" ]] || die "no herd binary at $herd"
  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') ||
    die "could not find a free port"
  url="http://127.0.0.1:$port"
  data_dir=$(mktemp -d)
  server_log=$(mktemp)
  ops_port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') ||
    die "could not find a free port"
  # Registration and sign-in hash passwords: the lowest bcrypt cost keeps the run short.
  # The run packs a long session into minutes (reloads, preferences, shortcuts): ada's
  # token makes more than Mastodon's 300 requests in 5 minutes, so the budget is wider.
  printf 'bcrypt_cost = 4\nrate_limit = 1200\n' >"$data_dir.toml"
  shape=$(herd_shape_env "web_$port") || die "no engines for the cluster shape"
  # The moderator of the moderation steps, made from the shell before the node starts
  # (sign-ups through the API are limited per IP, and the run uses four).
  export HERD_ADMIN_USERNAME="mod_$port" HERD_ADMIN_PASSWORD="a long password for the moderator $port"
  # shellcheck disable=SC2086 # shape is a list of VAR=value words
  env $shape "$herd" admin create-account --admin --config "$data_dir.toml" --domain "127.0.0.1:$port" --data "$data_dir" \
    --username "$HERD_ADMIN_USERNAME" --email "$HERD_ADMIN_USERNAME@example.com" --password "$HERD_ADMIN_PASSWORD" >"$server_log" 2>&1 ||
    { cat "$server_log"; die "herd admin create-account failed"; }
  say "starting herd serve on 127.0.0.1:$port${shape:+ on the cluster shape}"
  # shellcheck disable=SC2086 # shape is a list of VAR=value words
  env $shape "$herd" serve --config "$data_dir.toml" --listen "127.0.0.1:$port" --domain "127.0.0.1:$port" --data "$data_dir" --ops "127.0.0.1:$ops_port" \
    >"$server_log" 2>&1 &
  server_pid=$!
  # herd admin run in the node through its ops endpoint (the approval step switches registrations).
  HERD_ADMIN_COMMAND=$("$python" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$herd" --config "$data_dir.toml" \
    --domain "127.0.0.1:$port" --data "$data_dir" --ops "127.0.0.1:$ops_port")
  export HERD_ADMIN_COMMAND
  deadline=$((SECONDS + HEALTH_DEADLINE_S))
  until [[ "$(curl -fsS --max-time 2 "$url/health" 2>/dev/null)" == "OK" ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null || ((SECONDS >= deadline)); then
      tail -n 100 "$server_log"
      die "the node did not answer GET /health"
    fi
    sleep 0.1
  done
fi

(cd "$here" && HERD_URL="$url" HERD_CHROMIUM="$chromium" node e2e.mjs)
rc=$?
if ((rc != 0)) && [[ -n "$server_log" ]]; then
  echo "----- server log (last 100 lines) -----"
  tail -n 100 "$server_log"
fi
exit "$rc"
