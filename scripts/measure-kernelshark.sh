#!/usr/bin/env bash
# Measures KernelShark on a trace.dat for docs/performance.md: wall time until its CPU
# use falls idle (< 0.05 CPU s over 1 s), CPU seconds used by then, and peak RSS
# (VmHWM). Dismisses its "running as root" warning with xdotool. Run under Xvfb:
#   xvfb-run -a -s "-screen 0 1600x1000x24" scripts/measure-kernelshark.sh /tmp/big.dat
set -euo pipefail
trace=${1:?trace.dat}
start=$(date +%s.%N)
kernelshark "$trace" >/dev/null 2>&1 &
pid=$!
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$pid/stat"; }
last=0; idle=0
for _ in $(seq 1 600); do
  sleep 1
  kill -0 "$pid" 2>/dev/null || { echo "kernelshark exited" >&2; exit 1; }
  # The root warning is a modal dialog: Return closes it.
  for w in $(xdotool search --pid "$pid" --onlyvisible --name "Warning|Error|root" 2>/dev/null); do
    xdotool key --window "$w" Return 2>/dev/null || true
  done
  now=$(cpu)
  if awk -v a="$now" -v b="$last" 'BEGIN{exit !(a - b < 0.05)}' && awk -v a="$now" 'BEGIN{exit !(a > 0.5)}'; then
    idle=1; break
  fi
  last=$now
done
end=$(date +%s.%N)
hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
kill "$pid"; wait "$pid" 2>/dev/null || true
# The idle check costs one second of quiet: subtract it.
awk -v s="$start" -v e="$end" -v c="$last" -v h="$hwm" -v i="$idle" \
  'BEGIN{printf "kernelshark: idle-s=%.2f cpu-s=%.2f peak-rss-kb=%d idle-reached=%d\n", e - s - 1, c, h, i}'
