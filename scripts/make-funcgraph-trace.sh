#!/usr/bin/env bash
# Records a function_graph trace for the flame view's benchmarks: at least 2 M funcgraph
# events and none lost, in a VM running a stock Debian kernel (this machine's kernel
# refuses the function tracers). Boots the Debian 12 6.12 cloud kernel under qemu with the
# VM tests' initramfs (tests/vm) and its scenario bench-funcgraph: ktr record -p
# function_graph --pid-only -b 65536 of 44 rounds of `ls -lR` and md5sum. The trace comes
# back on the VM's results disk (seconds for 20 MB; base64 on the serial console moved
# about 100 KB/s under TCG here, minutes for the same file).
# Usage: scripts/make-funcgraph-trace.sh [OUT.ktr]   (default build/dev/funcgraph-bench.ktr)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/dev/funcgraph-bench.ktr}
bash scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target vm_initramfs ktr >/dev/null
kernel=$(tests/vm/fetch-kernel.sh build/dev/vm-cache/kernels linux-image-6.12-cloud-amd64 \
    'linux-image-6.12.*+deb12-cloud-amd64')
work=$(mktemp -d "${TMPDIR:-/tmp}/kestrel-funcgraph.XXXXXX")
trap 'rm -rf "$work"' EXIT
# 2 GB: two 64 MB ring buffers, the trace in the initramfs' memory.
tests/vm/run-vm.sh "$kernel" build/dev/vm-cache/initramfs.cpio.gz bench-funcgraph "$work" \
    2048 1800 512
if [[ $(cat "$work/out/bench.rc") != 0 ]]; then
    echo "make-funcgraph-trace: ktr record failed: $(tail -n 1 "$work/out/bench.err")" >&2
    exit 1
fi
cp "$work/out/funcgraph.ktr" "$out"

ktr=build/dev/app/ktr
lost=$("$ktr" info "$out" | awk '/^lost events:/ {print $3}')
events=$("$ktr" stats "$out" | awk '$1 ~ /^ftrace:funcgraph_(entry|exit)$/ {n += $2} END {print n + 0}')
echo "make-funcgraph-trace: $out: $events funcgraph events, $lost lost"
if [[ $lost != 0 || $events -lt 2000000 ]]; then
    echo "make-funcgraph-trace: expected at least 2000000 funcgraph events and none lost" >&2
    exit 1
fi
