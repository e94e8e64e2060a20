#!/usr/bin/env bash
# Sets up this machine, builds Peregrine, and runs its main job: the agent watching this host
# with the default rules (eBPF probe; needs root). Alerts print to stdout, one line each; try
# `cat /etc/shadow` in another shell. Extra arguments go to the agent (e.g. -o json).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc)" --target peregrine

exec build/release/cmd/peregrine agent --rules rules/ "$@"
