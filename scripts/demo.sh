#!/usr/bin/env bash
# make demo: the real work on files made in a temporary directory.
set -euo pipefail
bin=${1:-bin}
echo "demo: nothing here yet"
