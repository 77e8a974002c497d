#!/usr/bin/env bash
# Sets up a development environment: .venv with pulsedev (editable) and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import pulsedev.handlers" && echo "setup: .venv ready ($(.venv/bin/pulsedev --version))"
