#!/usr/bin/env bash
# Makes the 20 M-event function_graph trace of the call-tree benchmarks (docs/performance.md,
# "Call trees on 20 M events"): N copies of the recorded trace of make-funcgraph-trace.sh,
# copy k moved k x (its duration + 1 ms) later, every time with it (page and absolute
# stamps, funcgraph_exit's calltime and rettime), so it reads like N recordings made one
# after the other. The tool is tests/bench/repeat_trace_main.cpp (target repeat-trace).
# Usage: scripts/make-repeated-trace.sh [IN [OUT [N]]]
#   (default /work/bench/funcgraph.ktr /work/bench/funcgraph-20m.ktr 7)
set -euo pipefail
cd "$(dirname "$0")/.."
in=${1:-/work/bench/funcgraph.ktr}
out=${2:-/work/bench/funcgraph-20m.ktr}
copies=${3:-7}
cmake --preset dev >/dev/null
cmake --build --preset dev -j2 --target repeat-trace ktr >/dev/null
build/dev/tests/repeat-trace "$in" "$out" "$copies"

ktr=build/dev/app/ktr
count() {
    "$ktr" stats "$1" | awk '$1 ~ /^ftrace:funcgraph_(entry|exit)$/ {n += $2} END {print n + 0}'
}
before=$(count "$in")
after=$(count "$out")
echo "make-repeated-trace: $out: $after funcgraph events ($copies x $before)"
if [[ $after != $((copies * before)) ]]; then
    echo "make-repeated-trace: expected $((copies * before)) funcgraph events" >&2
    exit 1
fi
