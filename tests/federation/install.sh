#!/usr/bin/env bash
# Installs what tests/federation/run.sh needs:
#   - Node.js 22 (tests/lib/node22.sh, shared with tests/clients); Fedify 2 needs
#     Node >= 22 and the machine may have an older one.
#   - Fedify (@fedify/fedify, pinned exactly in fedify/package-lock.json) into
#     fedify/node_modules, by npm ci under Node 22.
# Idempotent and fast when installed: each part is skipped when its stamp shows the same
# lock file was installed and the installed version checks out. Exits non-zero with a
# message on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools="$here/.tools"

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found"
need_npm() { command -v npm >/dev/null 2>&1 || die "npm not found on PATH (it installs Node 22 and Fedify)"; }
# lock_version LOCKFILE PACKAGE: the version a package-lock.json pins for PACKAGE.
lock_version() {
  sed -n "/\"node_modules\/${2//\//\\/}\": {/,/}/s/.*\"version\": \"\([^\"]*\)\".*/\1/p" "$1" | head -n 1
}
# pkg_version PACKAGE_JSON: the "version" of an installed package.json.
pkg_version() { sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$1" 2>/dev/null | head -n 1; }
stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

mkdir -p "$tools"
# shellcheck source=../lib/node22.sh
source "$here/../lib/node22.sh"

# --- Node.js 22 -----------------------------------------------------------------------------
install_node22
want_node=$node_version

# --- Fedify ---------------------------------------------------------------------------------
want_fedify=$(lock_version "$here/fedify/package-lock.json" @fedify/fedify)
[[ -n "$want_fedify" ]] || die "cannot read the pinned @fedify/fedify version from fedify/package-lock.json"
fedify_pkg="$here/fedify/node_modules/@fedify/fedify/package.json"
fedify_stamp=$(stamp_of "$here/fedify/package.json" "$here/fedify/package-lock.json" <(echo "$want_node"))
if [[ "$(cat "$here/fedify/node_modules/.herd-stamp" 2>/dev/null)" == "$fedify_stamp" &&
      "$(pkg_version "$fedify_pkg")" == "$want_fedify" ]]; then
  say "@fedify/fedify $want_fedify already installed"
else
  say "installing @fedify/fedify $want_fedify into fedify/node_modules"
  need_npm
  (cd "$here/fedify" && PATH="$node_path:$PATH" npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci in fedify/ failed (is the npm registry reachable?)"
  [[ "$(pkg_version "$fedify_pkg")" == "$want_fedify" ]] ||
    die "fedify/node_modules/@fedify/fedify is not version $want_fedify after npm ci"
  (cd "$here/fedify" && "$node_bin" --input-type=module -e '
    import { createFederation, MemoryKvStore } from "@fedify/fedify";
    import { Person } from "@fedify/vocab";
    if (typeof createFederation !== "function" || typeof MemoryKvStore !== "function" ||
        typeof Person !== "function") process.exit(1);') ||
    die "@fedify/fedify installed but importing it fails under node v$want_node"
  echo "$fedify_stamp" >"$here/fedify/node_modules/.herd-stamp"
fi

say "ok: node v$want_node, @fedify/fedify $want_fedify"
