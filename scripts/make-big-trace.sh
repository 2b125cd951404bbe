#!/usr/bin/env bash
# Records a large real trace.dat for benchmarks: sched, irq, timer and raw_syscalls
# events into a tracefs instance of its own while a syscall-heavy workload runs on
# every CPU, then extracts it with trace-cmd (which cannot `record` on these machines).
# Usage: scripts/make-big-trace.sh OUT.dat SECONDS [BUFFER_KB_PER_CPU]
set -euo pipefail
out=${1:?output file}; secs=${2:-3}; buf_kb=${3:-409600}
tr=/sys/kernel/tracing
[[ -d $tr/instances ]] || mount -t tracefs nodev $tr
name=kestrel-bench-$$
inst=$tr/instances/$name
mkdir "$inst"
trap 'if [[ -d $inst ]]; then echo 0 > "$inst/tracing_on"; rmdir "$inst"; fi' EXIT
echo "$buf_kb" > "$inst/buffer_size_kb"
echo 0 > "$inst/tracing_on"
for sys in sched irq timer raw_syscalls; do echo 1 > "$inst/events/$sys/enable"; done
echo 1 > "$inst/tracing_on"
workers=()
for _ in $(seq "$(nproc)"); do
  ( end=$((SECONDS + secs)); while (( SECONDS < end )); do
      dd if=/dev/zero of=/dev/null bs=64 count=20000 status=none; ls / >/dev/null; done ) &
  workers+=($!)
done
wait "${workers[@]}"
echo 0 > "$inst/tracing_on"
trace-cmd extract -B "$name" -o "$out" >/dev/null 2>&1
