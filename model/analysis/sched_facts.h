#pragma once
// The scheduler facts analyzeSched's per-CPU passes keep (a few percent of a trace's
// events), merged in time order into task states (task_states.h).
#include <cstdint>

namespace kestrel {

enum class FactKind : uint8_t {
    Switch,     // a: prev_pid, b: next_pid, extra: prev_state
    Wakeup,     // a: waker (common_pid), b: wakee, extra: target_cpu (-1 when absent)
    Waking,     //   the same for sched_waking
    WakeupNew,  //   and sched_wakeup_new
    Run,        // a runs on `cpu` from ts: its own events say so, no sched_switch did
    Unseen,     // a's last event on `cpu` was at ts: whether it ran on is not recorded
    Gone,       // a no longer runs on `cpu` at ts: another task's event there, or lost data
};

struct SchedFact {
    uint64_t ts = 0;
    uint16_t cpu = 0;
    FactKind kind = FactKind::Switch;
    int32_t a = 0;
    int32_t b = 0;
    int64_t extra = 0;
};

}  // namespace kestrel
