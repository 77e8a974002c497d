#!/usr/bin/env bash
# Runs every test: Python unit, LSP (real server over stdio), end-to-end (real Neovim, real
# VS Code in code-server + Chromium) and the extension's vitest suite (driven from pytest).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/lsp -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest "$@"
