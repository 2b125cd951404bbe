#!/usr/bin/env bash
# Records one workload twice at the same time: `ktr record` (its own instance) and a
# second instance with the same events and a buffer large enough to keep everything,
# extracted afterwards with `trace-cmd extract` (3.1.6 writes v7 with zstd by default). Prints both
# sizes and event counts (docs/performance.md, "Recording").
# Usage: scripts/compare-trace-cmd.sh KTR_BINARY OUTDIR SECONDS [EVENTS...]
set -euo pipefail
ktr=${1:?ktr binary}; outdir=${2:?output dir}; secs=${3:-3}; shift 3 || true
events=("$@"); [[ ${#events[@]} -gt 0 ]] || events=(sched irq timer raw_syscalls)
tr=/sys/kernel/tracing
[[ -d $tr/instances ]] || mount -t tracefs nodev $tr
mkdir -p "$outdir"
name=kestrel-cmp-$$
inst=$tr/instances/$name
mkdir "$inst"
trap 'if [[ -d $inst ]]; then echo 0 > "$inst/tracing_on"; rmdir "$inst"; fi' EXIT
echo 0 > "$inst/tracing_on"
echo 1048576 > "$inst/buffer_size_kb"
eargs=()
for e in "${events[@]}"; do echo 1 > "$inst/events/$e/enable"; eargs+=(-e "$e"); done
# The traced command switches the trace-cmd instance on and off itself, so both
# recordings cover the same window (ktr's is longer by its start and stop only).
workload="echo 1 > $inst/tracing_on; for i in \$(seq $(nproc)); do ( end=\$((SECONDS + $secs)); while (( SECONDS < end )); do
  dd if=/dev/zero of=/dev/null bs=64 count=20000 status=none; ls / >/dev/null; done ) & done; wait; echo 0 > $inst/tracing_on"
/usr/bin/time -f "ktr record: %e s elapsed, %U s user, %S s system" \
  "$ktr" record -q "${eargs[@]}" -o "$outdir/ktr.ktr" -- bash -c "$workload"
echo "trace-cmd instance stats:"; grep -H -E "^(entries|overrun)" "$inst"/per_cpu/cpu*/stats
trace-cmd extract -B "$name" -o "$outdir/trace-cmd.dat" >/dev/null 2>&1
ls -l "$outdir/ktr.ktr" "$outdir/trace-cmd.dat"
"$ktr" info "$outdir/ktr.ktr" | grep -E "^(size|events|lost)"
"$ktr" info "$outdir/trace-cmd.dat" | grep -E "^(size|events|lost)"
types() { "$ktr" stats "$1" | awk '$1 ~ /^[a-z_0-9]+:[a-z_0-9]+$/ {print $1}' | sort; }
if diff <(types "$outdir/ktr.ktr") <(types "$outdir/trace-cmd.dat"); then
  echo "same event types: $(types "$outdir/ktr.ktr" | wc -l)"
fi
