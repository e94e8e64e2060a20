#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for FUZZ_SECONDS
# (default 60) from the seed corpora. Fails on any crash, leak, timeout or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
build=build/fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPEREGRINE_FUZZ=ON -DPEREGRINE_TESTS=OFF -DPEREGRINE_BENCH=OFF >/dev/null
cmake --build "$build" --target condition_fuzzer rules_fuzzer audit_fuzzer event_fuzzer admission_fuzzer \
  bundle_fuzzer

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in condition rules audit event admission bundle; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  cp fuzz/seeds/"$target"/* "$corpus"/
  if [ "$target" = rules ] && [ -f ../shared/compat/falco_rules.yaml ]; then
    cp ../shared/compat/falco_rules.yaml "$corpus/falco_rules.yaml"
  fi
  echo "fuzz: ${target}_fuzzer for ${seconds}s"
  # Findings (crash-*, leak-*, timeout-*) are written into the work dir.
  if ! (cd "$work" && "$OLDPWD/$build/fuzz/${target}_fuzzer" "$corpus" -max_total_time="$seconds" \
        -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 >"$work/$target.log" 2>&1); then
    tail -n 60 "$work/$target.log" >&2
    echo "fuzz: ${target}_fuzzer FAILED; reproducer and log in $work" >&2
    trap - EXIT
    exit 1
  fi
  grep -E "^(stat::number_of_executed_units|Done)" "$work/$target.log" || true
done
echo "fuzz: all targets ran ${seconds}s with no finding"
