#!/usr/bin/env bash
# Runs every test: Python unit, LSP (real server over stdio), end-to-end (real Neovim, real
# VS Code in code-server + Chromium) and the extension's vitest suite (driven from pytest).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/lsp -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
# Test servers live for seconds: keep the type model's background training (1-3 CPU-minutes) out of them.
export PULSEDEV_TYPES_TRAIN_DELAY="${PULSEDEV_TYPES_TRAIN_DELAY:-3600}"
exec .venv/bin/python -m pytest "$@"
