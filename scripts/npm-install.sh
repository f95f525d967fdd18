#!/usr/bin/env bash
# Installs a folder's npm dependencies from its lock file, skipping the work when node_modules is
# already in step with package-lock.json.
set -euo pipefail
dir="$1"
cd "$(dirname "$0")/../$dir"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
