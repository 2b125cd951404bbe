#!/usr/bin/env bash
# Measures what KernelShark needs to open a trace: CPU seconds and peak RSS of the
# kernelshark process from launch until it has loaded the file and gone idle.
# Runs it under Xvfb, answers its "running as root" warning with Return (xdotool), and
# stops it once its CPU time has not grown for IDLE_SECONDS. Prints one line:
#   kernelshark FILE: cpu S s, wall S s, peak RSS N MiB
# Usage: scripts/bench-kernelshark.sh TRACE.dat [IDLE_SECONDS]
set -euo pipefail
trace=$(realpath "${1:?trace.dat}"); idle=${2:-3}
command -v kernelshark xvfb-run xdotool >/dev/null ||
  { echo "needs kernelshark, xvfb and xdotool (scripts/install-deps.sh --gui)" >&2; exit 1; }
out=$(mktemp -d)
export out trace idle
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
  start=$(date +%s.%N)
  kernelshark "$trace" >/dev/null 2>&1 &
  pid=$!
  ticks() { awk "{print \$14 + \$15}" /proc/$pid/stat 2>/dev/null || echo 0; }
  last=-1; still=0; hz=$(getconf CLK_TCK)
  while kill -0 $pid 2>/dev/null; do
    xdotool key Return >/dev/null 2>&1 || true   # dismiss the root warning if shown
    sleep 0.5
    now=$(ticks)
    if [[ $now == "$last" ]]; then still=$((still + 1)); else still=0; last=$now; fi
    if (( still * 5 >= idle * 10 )); then
      rss=$(awk "/VmHWM/ {print \$2}" /proc/$pid/status)
      end=$(date +%s.%N)
      kill $pid; wait $pid 2>/dev/null || true
      echo "$now $hz $rss $start $end" > "$out/result"
      exit 0
    fi
  done'
read -r ticks hz rss start end < "$out/result"
awk -v t="$ticks" -v hz="$hz" -v rss="$rss" -v s="$start" -v e="$end" -v idle="$idle" -v f="$1" \
  'BEGIN { printf "kernelshark %s: cpu %.2f s, wall %.2f s (includes %d s idle wait), peak RSS %.0f MiB\n",
           f, t / hz, e - s - idle, idle, rss / 1024 }'
rm -rf "$out"
