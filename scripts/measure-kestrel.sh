#!/usr/bin/env bash
# Launch-to-first-draw, launch-to-idle (analyses done) and peak RSS of kestrel on a
# trace, N runs. Run under Xvfb:
#   xvfb-run -a -s "-screen 0 1600x1000x24" scripts/measure-kestrel.sh build/h/app/kestrel /tmp/big.dat 3
set -euo pipefail
bin=${1:?kestrel binary}; trace=${2:?trace}; runs=${3:-3}
for _ in $(seq "$runs"); do
  KESTREL_EXIT_WHEN_IDLE=1 /usr/bin/time -f "peak-rss-kb=%M cpu-s=%U+%S wall-s=%e" "$bin" "$trace" 2>&1 |
    grep -E "^kestrel:|peak-rss" | sed 's/^kestrel: //' | tr '\n' ' '
  echo
done
