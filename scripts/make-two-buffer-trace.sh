#!/usr/bin/env bash
# Records tests/data/two-buffers.dat: a small real trace.dat with two tracefs instance
# buffers holding events ("sched": sched_switch/waking/wakeup; "irq": sched_switch and
# the irq events) and an empty top buffer, for the timeline's per-buffer CPU groups.
# trace-cmd cannot `record` on these machines, so events are enabled by hand and the
# instances extracted. /proc/kallsyms is hidden from trace-cmd (an empty file bound over
# it in a private mount namespace): no event here needs symbols, and they would make
# the file ~1 MB. Needs root. Usage: scripts/make-two-buffer-trace.sh OUT.dat
set -euo pipefail
out=$(realpath -m "${1:?output file}")
tr=/sys/kernel/tracing
[[ -d $tr/instances ]] || mount -t tracefs nodev $tr
sched=$tr/instances/sched
irq=$tr/instances/irq
empty=$(mktemp)
cleanup() {
  for i in "$sched" "$irq"; do
    if [[ -d $i ]]; then echo 0 > "$i/tracing_on"; rmdir "$i"; fi
  done
  rm -f "$empty"
}
trap cleanup EXIT
mkdir "$sched" "$irq"
for i in "$sched" "$irq"; do
  echo 0 > "$i/tracing_on"
  echo 256 > "$i/buffer_size_kb"
done
for e in sched_switch sched_waking sched_wakeup; do echo 1 > "$sched/events/sched/$e/enable"; done
echo 1 > "$irq/events/sched/sched_switch/enable"
echo 1 > "$irq/events/irq/enable"
echo 1 > "$sched/tracing_on"
echo 1 > "$irq/tracing_on"
# A short workload on both CPUs (~0.1 s keeps the file under 200 KB on a quiet machine).
( for _ in 1 2 3; do ls / > /dev/null; gzip -c /etc/services > /dev/null; sleep 0.02; done ) &
( for _ in 1 2 3; do dd if=/dev/zero of=/dev/null bs=4k count=200 status=none; sleep 0.03; done ) &
wait
echo 0 > "$sched/tracing_on"
echo 0 > "$irq/tracing_on"
unshare -m sh -c "mount --bind '$empty' /proc/kallsyms &&
  trace-cmd extract -B sched -B irq -o '$out'" > /dev/null 2>&1
