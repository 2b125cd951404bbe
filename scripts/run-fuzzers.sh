#!/usr/bin/env bash
# Runs every fuzz target in BUILD_DIR/tests for SECONDS each, starting from its seed
# corpus in tests/fuzz/corpus/<target>/ (new inputs go to a scratch copy, the seeds stay
# as committed). A crash, leak, timeout or memory use past the limits fails the run and
# leaves the input in build/. Memory: no single allocation over 160 MB (a frame is at most
# 64 MiB; a size field that lies must be caught before it is allocated), 1 GB in all.
# Leaks inside libtraceevent are suppressed as in the ASan run (tests/lsan.supp).
set -euo pipefail
build=${1:?build dir}; seconds=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
for fuzzer in "$build"/tests/*_fuzz; do
  name=$(basename "$fuzzer")
  work="$build/fuzz-corpus/$name"
  mkdir -p "$work"
  cp -n "$root/tests/fuzz/corpus/$name"/* "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  LSAN_OPTIONS="suppressions=$root/tests/lsan.supp" \
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=160 -max_len=262144 \
    -artifact_prefix="$build/" -print_final_stats=1 "$work" 2>"$build/$name.log" ||
    { tail -50 "$build/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
  grep -E "^stat::number_of_executed_runs" "$build/$name.log" || true
done
echo "fuzz: all targets passed"
