#!/bin/sh
# Run the plugin's spec tests headless, each in its own Neovim with throwaway XDG dirs.
# NVIM (default: nvim on PATH) and PULSEDEV_TEST_PYTHON (default: python3, runs the fake server).
set -u
here=$(cd "$(dirname "$0")" && pwd)
nvim=${NVIM_BIN:-nvim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" XDG_CACHE_HOME="$tmp/cache"
status=0
for spec in "$here"/*_spec.lua; do
  echo "== $(basename "$spec")"
  (cd "$tmp" && "$nvim" --headless -u NONE -i NONE -l "$spec") || status=1
done
exit $status
