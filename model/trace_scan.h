#pragma once
// A full pass over every event, in parallel over frames (frames decode independently):
// counts per event type, CPU and task, lost events, and the task table refined from
// sched events. Runs in the background for the GUI; progress and cancel are atomics.
#include <atomic>
#include <cstdint>
#include <vector>

#include "event_formats.h"
#include "status.h"
#include "task_table.h"
#include "trace_model.h"

namespace kestrel {

struct ScanProgress {
    std::atomic<uint64_t> framesDone{0};
    std::atomic<uint64_t> framesTotal{0};
    std::atomic<bool> cancel{false};
};

struct PidCount {
    int32_t pid = 0;
    uint64_t events = 0;
};

struct ScanResult {
    uint64_t events = 0;
    std::vector<uint64_t> eventsByType;    // indexed by event id
    std::vector<uint64_t> eventsByCpu;     // indexed by global CPU
    std::vector<uint64_t> lostByCpu;       // missed counts the pages stored
    std::vector<uint64_t> lossMarksByCpu;  // pages flagged "missed events", count or not
    std::vector<PidCount> eventsByPid;     // sorted by pid
    TaskTable tasks;                       // saved_cmdlines/tgids + sched events
};

// `threads` = 0 uses every core. Without formats only events, CPUs and losses are
// counted (no libtraceevent needed: fast enough for `ktr info` on a trace.dat).
Result<ScanResult> scanTrace(const TraceModel& model, const EventFormats* formats,
                             ScanProgress* progress = nullptr, unsigned threads = 0);

}  // namespace kestrel
