#!/usr/bin/env bash
# Sets up this machine and runs every test: unit tests (release, then ASan + UBSan),
# end-to-end tests against the real binary, and a short fuzz run of every input parser.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
# A test that fails once and passes on its second run is a flake, not a pass to hide: ctest
# prints the failed attempt's output and pytest lists it as "rerun" in its summary, so it stays
# visible in the log; a test that fails twice fails CI.
retry_ctest=(--repeat until-pass:2)
retry_pytest=(--reruns 1)

bash scripts/setup.sh

echo "== release build and unit tests"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$jobs"
ctest --test-dir build/release --output-on-failure -j "$jobs" "${retry_ctest[@]}"

echo "== end-to-end tests"
PEREGRINE_BIN="$PWD/build/release/cmd/peregrine" /usr/bin/python3 -m pytest -q -rR "${retry_pytest[@]}" test/e2e

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and unit tests"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPEREGRINE_SANITIZE=ON \
  -DPEREGRINE_BENCH=OFF >/dev/null
cmake --build build/asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j "$jobs" "${retry_ctest[@]}"

echo "== fuzzing"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}" bash scripts/fuzz.sh
