#include "analysis/sched_timeline.h"

#include <algorithm>

namespace kestrel {

const char* taskStateName(TaskState s) {
    switch (s) {
        case TaskState::Running:
            return "running";
        case TaskState::Runnable:
            return "runnable";
        case TaskState::Sleeping:
            return "sleeping (S)";
        case TaskState::Blocked:
            return "blocked (D)";
        case TaskState::Other:
            return "stopped/other";
        case TaskState::Dead:
            return "dead";
    }
    return "?";
}

const char* spanOriginText(SpanOrigin origin) {
    switch (origin) {
        case SpanOrigin::Recorded:
            return "recorded by sched_switch";
        case SpanOrigin::Inferred:
            return "inferred from the task's own events: no sched_switch recorded it";
        case SpanOrigin::Tail:
            return "after the task's last event here: no sched_switch recorded when it stopped";
    }
    return "?";
}

void SpanTrack::add(uint64_t s, uint64_t e, int32_t v, uint16_t c, SpanOrigin o) {
    start.push_back(s);
    end.push_back(e);
    value.push_back(v);
    cpu.push_back(c);
    origin.push_back(o);
}

size_t SpanTrack::firstEndingAfter(uint64_t t) const {
    // Spans do not overlap and are sorted by start, so ends are sorted too.
    return static_cast<size_t>(std::upper_bound(end.begin(), end.end(), t) - end.begin());
}

ptrdiff_t SpanTrack::spanAt(uint64_t t) const {
    size_t i = firstEndingAfter(t);
    if (i < size() && start[i] <= t) return static_cast<ptrdiff_t>(i);
    return -1;
}

const TaskSummary* SchedTimeline::task(int32_t pid) const {
    auto it = std::lower_bound(taskList.begin(), taskList.end(), pid,
                               [](const TaskSummary& t, int32_t p) { return t.pid < p; });
    return it != taskList.end() && it->pid == pid ? &*it : nullptr;
}

}  // namespace kestrel
