#!/usr/bin/env bash
# Installs the third-party clients that tests/clients/run.sh drives against Herd:
#   - Node.js 22 (tests/lib/node22.sh, shared with tests/federation); masto.js 8 needs
#     Node >= 22 and the machine has 20.
#   - masto.js (pinned in mastojs/package-lock.json) into mastojs/node_modules, by npm ci.
#   - Mastodon.py (pinned with hashes in mastodonpy/requirements.txt) into .tools/venv.
# Idempotent: each part is skipped when a stamp shows the same lock file was installed
# and the installed version checks out. Exits non-zero with a message on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools="$here/.tools"
venv="$tools/venv"
python=${HERD_PYTHON:-python3}

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 || die "$python not found on PATH (set HERD_PYTHON to a Python 3.9+)"
command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
  die "$python is $("$python" -V 2>&1); Mastodon.py needs Python 3.9 or newer"

need_npm() { command -v npm >/dev/null 2>&1 || die "npm not found on PATH (it installs Node 22 and masto.js)"; }
# json_get FILE EXPR: prints a value read from a JSON file (EXPR indexes `d`).
json_get() { "$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# stamp_of FILE...: the content a stamp must have for these inputs.
stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

mkdir -p "$tools"
# shellcheck source=../lib/node22.sh
source "$here/../lib/node22.sh"

# --- Node.js 22 -------------------------------------------------------------------------
install_node22
want_node=$node_version

# --- masto.js -----------------------------------------------------------------------------
want_masto=$(json_get "$here/mastojs/package-lock.json" 'd["packages"]["node_modules/masto"]["version"]') ||
  die "cannot read the pinned masto version from mastojs/package-lock.json"
masto_stamp=$(stamp_of "$here/mastojs/package.json" "$here/mastojs/package-lock.json" <(echo "$want_node"))
masto_pkg="$here/mastojs/node_modules/masto/package.json"
have_masto() {
  [[ -f "$masto_pkg" ]] && [[ "$(json_get "$masto_pkg" 'd["version"]')" == "$want_masto" ]]
}
if [[ "$(cat "$here/mastojs/node_modules/.herd-stamp" 2>/dev/null)" == "$masto_stamp" ]] && have_masto; then
  say "masto v$want_masto already installed"
else
  say "installing masto v$want_masto into mastojs/node_modules"
  need_npm
  # The system npm run by Node 22 first; if that npm cannot run on 22, the system node.
  if ! (cd "$here/mastojs" && PATH="$node_path:$PATH" npm ci --no-audit --no-fund --loglevel=error); then
    say "npm ci under node 22 failed; retrying with the system node"
    (cd "$here/mastojs" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false) ||
      die "npm ci in mastojs failed (is the npm registry reachable?)"
  fi
  have_masto || die "mastojs/node_modules/masto is not version $want_masto after npm ci"
  (cd "$here/mastojs" && "$node_bin" --input-type=module \
    -e 'import { createRestAPIClient } from "masto"; if (typeof createRestAPIClient !== "function") process.exit(1);') ||
    die "masto installed but 'import { createRestAPIClient } from \"masto\"' fails under node v$want_node"
  echo "$masto_stamp" >"$here/mastojs/node_modules/.herd-stamp"
fi

# --- Mastodon.py --------------------------------------------------------------------------
want_mpy=$(sed -n 's/^mastodon-py==\([^ ]*\).*/\1/p' "$here/mastodonpy/requirements.txt")
[[ -n "$want_mpy" ]] || die "cannot read the pinned Mastodon.py version from mastodonpy/requirements.txt"
py_version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
venv_stamp=$(stamp_of "$here/mastodonpy/requirements.txt" <(echo "$py_version"))
have_mpy() {
  [[ "$("$venv/bin/python" -c 'import importlib.metadata as m, mastodon; print(m.version("Mastodon.py"))' 2>/dev/null)" == "$want_mpy" ]]
}
if [[ "$(cat "$venv/.herd-stamp" 2>/dev/null)" == "$venv_stamp" ]] && have_mpy; then
  say "Mastodon.py $want_mpy already installed"
else
  say "installing Mastodon.py $want_mpy into ${venv#"$here/"} (Python $py_version)"
  rm -rf "$venv"
  "$python" -m venv "$venv" ||
    die "'$python -m venv' failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
    --require-hashes -r "$here/mastodonpy/requirements.txt" ||
    die "pip install of mastodonpy/requirements.txt failed (is PyPI reachable?)"
  have_mpy || die "Mastodon.py $want_mpy is not importable from the venv after install"
  echo "$venv_stamp" >"$venv/.herd-stamp"
fi

say "ok: node v$want_node, masto $want_masto, Mastodon.py $want_mpy"
