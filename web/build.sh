#!/usr/bin/env bash
# Builds the web client into web/dist/app, which package web embeds in the binary:
# npm ci when package-lock.json is newer than the last install, then `npm run build`
# (tsc --noEmit, strict, and vite build). Runs on the machine's Node when it is 20 or
# newer, else on Node 22 installed under the project (tests/lib/node22.sh); nothing is
# installed globally. `make web` runs it when a source changed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { printf 'web/build.sh: %s\n' "$*"; }
die() { printf 'web/build.sh: error: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm not found: install Node.js 20 or newer"
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major < 20)); then
  say "node $(node --version 2>/dev/null || echo none) is older than 20: using the project's Node 22"
  # shellcheck source=../tests/lib/node22.sh
  source "$here/../tests/lib/node22.sh"
  install_node22
  export PATH="$node_path:$PATH"
fi

cd "$here"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci (node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci in web/ failed (is the npm registry reachable?)"
fi
npm run --silent build
