#!/usr/bin/env bash
# Sets up this machine, builds Peregrine, and runs its main job with the default rules.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc)" --target peregrine

exec build/release/cmd/peregrine validate ../shared/compat/falco_rules.yaml "$@"
