#pragma once
// What the scheduler did, as columns the timeline draws from: per CPU which task ran
// from when to when, per task its state spans (running / runnable / sleeping / blocked),
// wakeup edges, migrations, trace_marker prints and lost-event gaps. Built once by
// analyzeSched() in the background; immutable afterwards, so the UI reads it freely.
//
// Every span array is sorted by start and spans of one track never overlap, so
// "what is at time t" is a binary search (spanAt) and drawing a window of any width
// touches O(pixels * log spans) entries (see views/track_painter).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/trace_scan.h"
#include "base/progress.h"
#include "base/status.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

enum class TaskState : uint8_t {
    Running = 0,
    Runnable = 1,  // preempted (prev_state R) or woken, waiting for a CPU
    Sleeping = 2,  // S: interruptible sleep
    Blocked = 3,   // D: uninterruptible sleep
    Other = 4,     // stopped, traced, parked...
    Dead = 5,      // exited (Z / X): used while analysing, never stored in a span
};
const char* taskStateName(TaskState s);

// What a span of a task on a CPU rests on (docs/architecture.md, "How the schedule is
// built"). Every event names the task current on its CPU (common_pid), so the events
// prove who ran even where the sched_switch records are missing.
enum class SpanOrigin : uint8_t {
    Recorded = 0,  // a sched_switch recorded its start
    Inferred = 1,  // no sched_switch recorded it: the task's own events show it running
    Tail = 2,      // after the task's last event there, until another task's event or a
                   // wakeup: no sched_switch recorded when it stopped
};
// One line for tooltips and the CLI: what a span of `origin` rests on.
const char* spanOriginText(SpanOrigin origin);

// Non-overlapping spans sorted by start; `value` is a pid (CPU rows) or a TaskState.
struct SpanTrack {
    std::vector<uint64_t> start;
    std::vector<uint64_t> end;
    std::vector<int32_t> value;
    std::vector<uint16_t> cpu;       // task rows: CPU of a running span; CPU rows: unused
    std::vector<SpanOrigin> origin;  // Recorded for every span but running ones that are not

    size_t size() const { return start.size(); }
    void add(uint64_t s, uint64_t e, int32_t v, uint16_t c = 0,
             SpanOrigin o = SpanOrigin::Recorded);
    bool inferred(size_t i) const { return origin[i] != SpanOrigin::Recorded; }
    // Index of the first span with end > t (size() when none).
    size_t firstEndingAfter(uint64_t t) const;
    // Index of the span containing t, or -1.
    ptrdiff_t spanAt(uint64_t t) const;
};

struct Wakeup {
    uint64_t ts = 0;
    int32_t waker = 0;  // common_pid of the sched_wakeup* event
    int32_t wakee = 0;
    uint16_t wakerCpu = 0;   // CPU the event was recorded on
    uint16_t targetCpu = 0;  // global index of target_cpu (wakerCpu when absent)
};

struct Migration {
    uint64_t ts = 0;  // start of the first running span on the new CPU
    int32_t pid = 0;
    uint16_t fromCpu = 0;
    uint16_t toCpu = 0;
};

struct PrintMark {  // ftrace:print (trace_marker writes)
    uint64_t ts = 0;
    int32_t pid = 0;
    uint16_t cpu = 0;
    std::string text;
};

// Events of `cpu` missing between from and to: the kernel dropped them (a page flagged
// "missed events"), a frame did not read, or the file was cut short (to = the trace's end).
struct LostGap {
    uint16_t cpu = 0;
    uint64_t from = 0;
    uint64_t to = 0;
    uint64_t count = 0;  // 0 when unknown (the page did not store the count, or not dropped)
};

struct TaskSummary {
    int32_t pid = 0;
    int32_t tgid = -1;  // its process; -1 when the trace does not say (task_table.h)
    std::string comm;
    uint64_t events = 0;    // events recorded with this common_pid
    uint64_t cpuTime = 0;   // ns running that the trace proves (Recorded and Inferred spans)
    uint64_t tailTime = 0;  // ns of Tail spans: maybe running, no record says when it stopped
};

struct SchedTimeline {
    uint64_t start = 0, end = 0;  // trace time range
    std::vector<SpanTrack> cpus;  // per global CPU: value = pid (idle omitted)
    // pid -> state spans. A running span's cpu is the first of the CPUs (one per buffer)
    // that recorded it; a task runs on one physical CPU at a time.
    std::unordered_map<int32_t, SpanTrack> tasks;
    std::vector<Wakeup> wakeups;        // sorted by ts
    std::vector<Migration> migrations;  // sorted by ts
    std::vector<PrintMark> prints;      // sorted by ts
    std::vector<LostGap> gaps;          // sorted by from
    std::vector<TaskSummary> taskList;  // sorted by pid; idle (0) excluded
    uint64_t events = 0;
    // What scanTrace() would count (per event type, CPU and pid, losses, the task
    // table), gathered in the same pass: the event panel's filter lists use it.
    ScanResult counts;
    // Rows of the merged stream of all events at the start time of each frame (a sample
    // of them on traces with very many frames), sorted: the unfiltered row index without
    // a pass of its own (EventIndex::fromMarks).
    std::vector<RowMark> rowMarks;

    const TaskSummary* task(int32_t pid) const;
};

// One pass over every frame (CPUs in parallel, each CPU's frames in order); it also
// fills `counts`, so the GUI needs no scanTrace() pass of its own.
// Returns an error when cancelled or on a malformed page.
Result<SchedTimeline> analyzeSched(const TraceModel& model, const EventFormats& formats,
                                   Progress* progress = nullptr, unsigned threads = 0);

}  // namespace kestrel
