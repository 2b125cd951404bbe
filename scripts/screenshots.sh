#!/usr/bin/env bash
# Takes every screenshot in README.md and docs/ from the fixtures in tests/data: kestrel
# draws its window offscreen once it is idle (KESTREL_SCREENSHOT, views/window/screenshot.h)
# and quits. Each picture opens a copy of its fixture in a scratch directory; where it needs
# a zoom, markers, tasks or collapsed buffers, a session file lies beside the copy. Scratch
# XDG directories keep the user's recent files and sessions out of it (and theirs out of
# the pictures). Without a session the window opens as a new user sees it: the busiest
# tasks' rows, the legend, the event panel.
# The call views' pictures set KESTREL_SCREENSHOT_TAB, _FLAME or _FUNCTION before `shot`
# (the variables views/window/screenshot.h reads), which passes them on.
# Usage: scripts/screenshots.sh [KESTREL]   (default build/dev/app/kestrel)
set -euo pipefail
cd "$(dirname "$0")/.."
kestrel=$(realpath "${1:-build/dev/app/kestrel}")
[[ -x "$kestrel" ]] || { echo "screenshots.sh: no kestrel at $kestrel (build it first)" >&2; exit 1; }
out=$PWD/docs/screenshots
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# shot PICTURE FIXTURE [SESSION_JSON [MENU]]
shot() {
  local picture=$1 fixture=$2 session=${3:-} menu=${4:-}
  local dir
  dir=$(mktemp -d "$scratch/XXXX")
  cp "tests/data/$fixture" "$dir/"
  [[ -z "$session" ]] || printf '%s\n' "$session" >"$dir/$fixture.kestrel.json"
  XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" XDG_CACHE_HOME="$dir/cache" \
    QT_QPA_PLATFORM=offscreen KESTREL_SCREENSHOT="$out/$picture" KESTREL_SCREENSHOT_MENU="$menu" \
    "$kestrel" "$dir/$fixture" 2> >(grep -v -e propagateSizeHints -e XDG_RUNTIME_DIR \
      -e 'does not support' >&2)
  echo "$out/$picture"
}

# Times are trace timestamps in ns (strings), as the session file holds them. A session
# without "version" and "visible" is not read at all.
range() { printf '{"from": "%s", "to": "%s"}' "$1" "$2"; }
marker() { printf '{"time": "%s", "cpu": %s}' "$1" "$2"; }

shot sched-irq-timer.png sched-irq-timer.dat
shot view-menu.png sched-irq-timer.dat "" View
shot function-graph.png function-graph.dat
# bash-5782 hands cpu0 to memfd:sealed-91-1534 (A) and gets it back (B); rcu_preempt-15
# runs on cpu1 in the selected range.
shot zoom.png sched-irq-timer.dat "{\"version\": 1,
  \"visible\": $(range 1403842380000 1403843720000),
  \"selection\": $(range 1403843600000 1403843700000),
  \"markerA\": $(marker 1403842536297 1), \"markerB\": $(marker 1403842566354 1),
  \"tasks\": [1534, 5782, 15]}"
# Marker A on a sched_switch: the table shows that event and its fields.
shot main-window-events.png sched-irq-timer.dat "{\"version\": 1,
  \"visible\": $(range 1403842000000 1403844500000),
  \"markerA\": $(marker 1403842536297 1), \"tasks\": [1534, 5782]}"
shot buffer-groups.png two-buffers.dat '{"version": 1, "collapsedBuffers": ["irq"]}'
# find-95 starts its execve: its row opens into call lanes, zoomed in enough for names.
shot flame-chart.png function-graph.dat "{\"version\": 1,
  \"visible\": $(range 6409370000 6409700000),
  \"tasks\": [95, 97, 96], \"expandedRows\": [\"task:95\"]}"
KESTREL_SCREENSHOT_TAB="Flame graph" shot flame-graph.png function-graph.dat
# The first half of the trace (A–B) against the second (the selected range).
KESTREL_SCREENSHOT_TAB="Flame graph" KESTREL_SCREENSHOT_FLAME=diff \
  shot flame-diff.png function-graph.dat "{\"version\": 1,
  \"visible\": $(range 6408400000 6586800000),
  \"selection\": $(range 6497600000 6586800000),
  \"markerA\": $(marker 6408400000 1), \"markerB\": $(marker 6497600000 1),
  \"tasks\": [95, 96, 97]}"
KESTREL_SCREENSHOT_TAB="Functions" KESTREL_SCREENSHOT_FUNCTION=kmem_cache_alloc \
  shot function-table.png function-graph.dat
# The Latency tab: wakeup latencies with their percentile lines; irq latencies stacked by
# irq; the first trace's wakeups against another recording's; the worst wakeup chosen, the
# timeline zoomed to it.
KESTREL_SCREENSHOT_LATENCY=wakeup shot latency-histogram.png sched-irq-timer.dat
KESTREL_SCREENSHOT_LATENCY=irq KESTREL_SCREENSHOT_BREAKDOWN=key \
  shot latency-breakdown.png sched-irq-timer.dat
KESTREL_SCREENSHOT_LATENCY=wakeup KESTREL_SCREENSHOT_COMPARE="$PWD/tests/data/sched-irq-v6.dat" \
  shot latency-compare.png sched-irq-timer.dat
KESTREL_SCREENSHOT_LATENCY=wakeup KESTREL_SCREENSHOT_LATENCY_WORST=1 \
  shot latency-worst.png sched-irq-timer.dat
