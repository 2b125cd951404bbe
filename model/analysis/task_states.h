#pragma once
// The state of every task over time (running, runnable, asleep...), from the scheduler
// facts of all CPUs in time order: sched_switch and the wakeups as recorded, and what
// the per-CPU passes proved from the events' common_pid (cpu_occupancy.h). A task runs
// on one CPU at a time: when two buffers record the same CPU, their facts agree and
// the task's running span names the first buffer's CPU.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "analysis/sched_facts.h"
#include "analysis/sched_timeline.h"

namespace kestrel {

// sched_switch prev_state as a state: bits of "SDTtZXxW" (TASK_REPORT), none = R.
TaskState stateFromPrev(int64_t prevState);

class TaskStates {
public:
    // `edgesFromWaking`: the trace has sched_waking, so wakeup edges come from it (the
    // waker is the task that called try_to_wake_up) rather than from sched_wakeup.
    TaskStates(const TraceMeta& meta, SchedTimeline& out, bool edgesFromWaking);

    void apply(const SchedFact& f);
    // Closes every task's last state at the trace's end.
    void finish(uint64_t end);

private:
    struct Cur {
        bool known = false;
        TaskState state = TaskState::Other;
        SpanOrigin origin = SpanOrigin::Recorded;
        uint64_t since = 0;
        uint16_t cpu = 0;
        int lastRunCpu = -1;
    };

    void wake(const SchedFact& f);
    void enter(int32_t pid, uint64_t ts, TaskState s, uint16_t cpu, SpanOrigin origin);
    void close(int32_t pid, Cur& c, uint64_t ts);
    Cur* runningOn(int32_t pid, uint16_t cpu);
    bool sameCpu(size_t a, size_t b) const { return m_physical[a] == m_physical[b]; }
    uint16_t globalCpu(uint16_t eventCpu, uint32_t local) const;

    const TraceMeta& m_meta;
    SchedTimeline& m_out;
    bool m_edgesFromWaking;
    std::vector<uint32_t> m_physical;  // per global CPU: its number within its buffer
    std::unordered_map<int32_t, Cur> m_cur;
};

// Cuts each CPU row's Tail spans to where the task row's Tail on that CPU ends (the
// task ran elsewhere, was woken, or another task's event came): no task is drawn on
// two CPUs at once.
void trimTails(const TraceMeta& meta, SchedTimeline& out);

}  // namespace kestrel
