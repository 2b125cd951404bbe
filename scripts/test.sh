#!/usr/bin/env bash
# Installs what is missing, builds and runs every test: the dev build (GCC), the same
# suite under AddressSanitizer + UndefinedBehaviorSanitizer, the tests that start threads
# under ThreadSanitizer (the tsan preset builds only those; its test preset sets
# TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 and tests/tsan.supp), then each
# libFuzzer target for a bounded time on its seed corpus. The VM tests (label vm,
# tests/vm/README.md: stock Debian kernels under qemu) run once, with the dev build; they
# skip only where no VM can start (no qemu-system-x86_64, no kernel package to fetch).
# Incremental: re-running rebuilds only changes.
# Env: KESTREL_FUZZ_SECONDS (default 30 per target), KESTREL_SKIP_ASAN=1, KESTREL_SKIP_TSAN=1,
# KESTREL_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
export QT_QPA_PLATFORM=offscreen
jobs=$(nproc)

cmake --preset dev >/dev/null
cmake --build --preset dev -j "$jobs"
command -v qemu-system-x86_64 >/dev/null ||
  echo "test.sh: no qemu-system-x86_64, so the vm tests skip (scripts/install-deps.sh installs it)"
ctest --preset dev -j "$jobs"

if [[ "${KESTREL_SKIP_ASAN:-0}" != 1 ]]; then
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --preset asan -j "$jobs" -LE vm
fi

if [[ "${KESTREL_SKIP_TSAN:-0}" != 1 ]]; then
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs"
  ctest --preset tsan -j "$jobs"
fi

if [[ "${KESTREL_SKIP_FUZZ:-0}" != 1 ]]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$jobs"
  bash scripts/run-fuzzers.sh build/fuzz "${KESTREL_FUZZ_SECONDS:-30}"
fi
