#!/usr/bin/env bash
# Takes every screenshot in README.md and docs/ from the fixtures in tests/data: kestrel
# draws its window offscreen once it is idle (KESTREL_SCREENSHOT, views/window/screenshot.h)
# and quits. Each picture opens a copy of its fixture in a scratch directory; where it needs
# a zoom, markers, tasks or collapsed buffers, a session file lies beside the copy. Scratch
# XDG directories keep the user's recent files and sessions out of it (and theirs out of
# the pictures). Without a session the window opens as a new user sees it: the busiest
# tasks' rows, the legend, the event panel.
# The call views' pictures set KESTREL_SCREENSHOT_TAB, _FLAME or _FUNCTION before `shot`
# (the variables views/window/screenshot.h reads), which passes them on. The record
# dialog's pictures (dialog_shot, at the end) draw the dialog alone, on this machine's
# tracefs and on a fake one whose probe answers are written out.
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

# The record dialog (views/record/record_screenshot.h): kestrel draws the dialog instead of
# the window. dialog_shot PICTURE [VARIABLE=VALUE ...]
dialog_shot() {
  local picture=$1
  shift
  local dir
  dir=$(mktemp -d "$scratch/XXXX")
  env XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" XDG_CACHE_HOME="$dir/cache" \
    HOME=/home/me QT_QPA_PLATFORM=offscreen KESTREL_SCREENSHOT="$out/$picture" \
    KESTREL_SCREENSHOT_DIALOG=record "$@" "$kestrel" 2> >(grep -v -e propagateSizeHints \
      -e XDG_RUNTIME_DIR -e 'does not support' >&2)
  echo "$out/$picture"
}

# A fake tracefs whose kernel refuses things: wakeup in both buffers, function_graph and
# set_graph_function in an instance (the top level allows them), no set_graph_notrace, no
# func_stack_trace option, and an available_filter_functions that cannot be read.
fake_tracefs() {
  local root=$1 system event
  mkdir -p "$root/options" "$root/available_filter_functions"
  for event in sched/sched_switch sched/sched_waking sched/sched_wakeup sched/sched_wakeup_new \
      sched/sched_migrate_task sched/sched_process_fork sched/sched_process_exec \
      sched/sched_process_exit irq/irq_handler_entry irq/irq_handler_exit irq/softirq_entry \
      irq/softirq_exit irq_vectors/local_timer_entry irq_vectors/local_timer_exit \
      raw_syscalls/sys_enter raw_syscalls/sys_exit timer/hrtimer_expire_entry; do
    mkdir -p "$root/events/$event"
  done
  for system in "$root"/events/*/; do echo 0 >"$system/enable"; done
  echo "function_graph wakeup_rt wakeup function blk nop" >"$root/available_tracers"
  echo "[local] global counter mono boot" >"$root/trace_clock"
  echo 0 >"$root/options/stacktrace"
  echo 0 >"$root/options/userstacktrace"
  echo 0 >"$root/options/record-tgid"
  printf '%s\t%s\t%s\n' \
    "tracer function_graph" "no: Invalid argument" "yes" \
    "tracer wakeup_rt" "no: Invalid argument" "no: Device or resource busy" \
    "tracer wakeup" "no: Invalid argument" "no: Device or resource busy" \
    "tracer function" "yes" "yes" \
    "tracer blk" "yes" "yes" \
    "set_ftrace_filter" "yes" "yes" \
    "set_ftrace_notrace" "yes" "yes" \
    "set_graph_function" "no: Invalid argument" "yes" \
    "set_graph_notrace" "absent" "absent" \
    "max_graph_depth" "yes" "yes" \
    "set_event_pid" "yes" "yes" \
    "trace_clock" "yes: local global counter mono boot" "yes: local global counter mono boot" \
    >"$root.probe"
}

# This machine's tracefs with the sched preset (the probe tries it for real: root).
dialog_shot record-dialog.png KESTREL_SCREENSHOT_PRESET=sched
fake_tracefs "$scratch/tracefs"
dialog_shot record-refused.png KESTREL_SCREENSHOT_TRACEFS="$scratch/tracefs" \
  KESTREL_SCREENSHOT_PROBE="$scratch/tracefs.probe" KESTREL_SCREENSHOT_PRESET=funcgraph \
  KESTREL_SCREENSHOT_GRAPH=vfs_read

# Recording from the window (views/window/live_screenshot.h): the record dialog's figures
# over the live timeline of a command listing files, a few seconds in (root: it records).
live_out=$(mktemp -d "$scratch/XXXX")
dialog_shot record-live.png KESTREL_SCREENSHOT_DIALOG=record-live \
  KESTREL_SCREENSHOT_OUTPUT="$live_out/live.ktr" \
  KESTREL_SCREENSHOT_COMMAND="sh -c 'for i in \$(seq 60); do ls -R /usr/share > /dev/null; sleep 0.05; done'"
