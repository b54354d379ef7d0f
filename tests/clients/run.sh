#!/usr/bin/env bash
# Runs Herd's third-party client tests: installs the clients (install.sh), builds and
# starts a fresh server on a free loopback port, runs each client's day-in-the-life
# script against it, stops the server, and exits non-zero if any script failed.
# Herd, as Mastodon, allows five sign-ups per IP per 30 minutes, so the scripts share
# servers in groups that register at most five accounts each: mastojs and mastodonpy
# (two each), mastojs-stream (two) and mastojs-flows (three), mastodonpy-flows (three).
#
#   tests/clients/run.sh                 # all five scripts
#   tests/clients/run.sh mastodonpy      # some of them (mastojs | mastodonpy | mastojs-stream
#                                        # | mastojs-flows | mastodonpy-flows)
#   HERD_URL=http://127.0.0.1:8080 tests/clients/run.sh   # against a server you run
#
# The last line is "clients: N passed, M failed" over all steps of all scripts.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tools="$here/.tools"
# shellcheck source=../lib/shape.sh
source "$root/tests/lib/shape.sh"
# shellcheck source=../lib/node22.sh
source "$root/tests/lib/node22.sh" # node_path: where install.sh put Node 22
python=${HERD_PYTHON:-python3}
HEALTH_DEADLINE_S=30

say() { printf 'run.sh: %s\n' "$*"; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

clients=("$@")
all_clients=(mastojs mastodonpy mastojs-stream mastojs-flows mastodonpy-flows)
[[ ${#clients[@]} -gt 0 ]] || clients=("${all_clients[@]}")
for c in "${clients[@]}"; do
  [[ " ${all_clients[*]} " == *" $c "* ]] ||
    die "unknown client '$c' (want one of ${all_clients[*]})"
done

# server_group CLIENT: the clients of one group share a server. A group registers at
# most five accounts, the sign-up limit per IP per 30 minutes: the REST scripts two
# each, the streaming script two, each flows script three.
server_group() {
  case "$1" in
    mastojs-stream | mastojs-flows) echo stream ;;
    mastodonpy-flows) echo flows ;;
    *) echo rest ;;
  esac
}

"$here/install.sh" || die "install.sh failed"

# The servers started here, by index: pid, URL, data directory, log.
server_pids=()
server_urls=()
data_dirs=()
server_logs=()
cleanup() {
  local pid d l
  for pid in "${server_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null
      wait "$pid" 2>/dev/null
    fi
  done
  for d in "${data_dirs[@]}"; do rm -rf "$d"; done
  for l in "${server_logs[@]}"; do rm -f "$l"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# print_server_log INDEX
print_server_log() {
  local log=${server_logs[$1]:-}
  [[ -n "$log" && -f "$log" ]] || return 0
  echo "----- server log (last 300 lines of $(wc -l <"$log")) -----"
  tail -n 300 "$log"
  echo "----- end of server log -----"
}

# start_server: starts a fresh server on a free port and waits for GET /health; sets
# url and server (its index). Exits the script if the server does not come up.
start_server() {
  local port data_dir server_log pid deadline rc
  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') ||
    die "could not find a free port"
  url="http://127.0.0.1:$port"
  data_dir=$(mktemp -d)
  server_log=$(mktemp)
  shape=$(herd_shape_env "clients_$port") || die "no engines for the cluster shape"
  say "starting herd serve on 127.0.0.1:$port (data in $data_dir)${shape:+ on the cluster shape}"
  env $shape "$tools/herd" serve --listen "127.0.0.1:$port" --domain "127.0.0.1:$port" --data "$data_dir" --ops off \
    --poll-min-expiration 20s >"$server_log" 2>&1 &
  pid=$!
  server=${#server_pids[@]}
  server_pids+=("$pid")
  server_urls+=("$url")
  data_dirs+=("$data_dir")
  server_logs+=("$server_log")

  deadline=$((SECONDS + HEALTH_DEADLINE_S))
  until [[ "$(curl -fsS --max-time 2 "$url/health" 2>/dev/null)" == "OK" ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"; rc=$?
      say "the server exited with status $rc before answering GET /health"
      print_server_log "$server"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "GET $url/health did not answer OK within ${HEALTH_DEADLINE_S}s"
      print_server_log "$server"
      exit 1
    fi
    sleep 0.1
  done
  say "server is up at $url"
}

declare -A group_url=() group_server=()
if [[ -n "${HERD_URL:-}" ]]; then
  say "using the server at ${HERD_URL%/} (HERD_URL is set; nothing built or started)"
else
  say "building ./cmd/herd"
  (cd "$root" && go build -o "$tools/herd" ./cmd/herd) || die "go build -o tests/clients/.tools/herd ./cmd/herd failed"
  # Start the servers up front, one per group of the clients asked for.
  for c in "${clients[@]}"; do
    g=$(server_group "$c")
    [[ -n "${group_url[$g]:-}" ]] && continue
    start_server
    group_url[$g]=$url
    group_server[$g]=$server
  done
fi

total_passed=0
total_failed=0
failed_clients=()
failed_servers=()
for c in "${clients[@]}"; do
  g=$(server_group "$c")
  if [[ -n "${HERD_URL:-}" ]]; then
    url=${HERD_URL%/}
  else
    url=${group_url[$g]}
  fi
  out=$(mktemp)
  case "$c" in
    mastojs)
      (cd "$here/mastojs" && PATH="$node_path:$PATH" HERD_URL="$url" node day.mjs) | tee "$out"
      ;;
    mastojs-stream)
      (cd "$here/mastojs" && PATH="$node_path:$PATH" HERD_URL="$url" node stream.mjs) | tee "$out"
      ;;
    mastojs-flows)
      (cd "$here/mastojs" && PATH="$node_path:$PATH" HERD_URL="$url" node flows.mjs) | tee "$out"
      ;;
    mastodonpy)
      (cd "$here/mastodonpy" && HERD_URL="$url" PYTHONDONTWRITEBYTECODE=1 "$tools/venv/bin/python" day.py) | tee "$out"
      ;;
    mastodonpy-flows)
      (cd "$here/mastodonpy" && HERD_URL="$url" PYTHONDONTWRITEBYTECODE=1 "$tools/venv/bin/python" flows.py) | tee "$out"
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
  if ((rc != 0 || f != 0)); then
    failed_clients+=("$c")
    [[ -n "${group_server[$g]:-}" ]] && failed_servers+=("${group_server[$g]}")
  fi
done

for i in "${!server_pids[@]}"; do
  if ! kill -0 "${server_pids[$i]}" 2>/dev/null; then
    say "the server at ${server_urls[$i]} died during the run"
    failed_clients+=("server")
    failed_servers+=("$i")
    total_failed=$((total_failed + 1))
  fi
done

if ((${#failed_clients[@]} > 0)); then
  say "failed: ${failed_clients[*]}"
  for i in $(printf '%s\n' "${failed_servers[@]}" | sort -un); do
    print_server_log "$i"
  done
fi
echo "clients: $total_passed passed, $total_failed failed"
((${#failed_clients[@]} == 0))
