#pragma once
// The scheduler event fields that both full passes read (the sched analysis and the
// scan), resolved once per EventFormats: ids of sched_switch, the three wakeup events
// and the events that create tasks (sched_process_fork, task_newtask,
// sched_process_exec), and the fields of each. An id of -1 means the trace has no such
// event; a field is invalid() when the event's format lacks it.
#include "analysis/task_table.h"
#include "formats/event_formats.h"

namespace kestrel {

struct SchedFields {
    int switchId = -1;
    FieldRef prevPid, prevComm, prevState, nextPid, nextComm;

    int forkId = -1;
    FieldRef parentPid, childPid, childComm;
    int newTaskId = -1;  // task:task_newtask
    FieldRef newTaskPid, newTaskFlags;
    int execId = -1;  // sched_process_exec
    FieldRef execPid;

    // [0] sched_wakeup, [1] sched_waking, [2] sched_wakeup_new
    int wakeIds[3] = {-1, -1, -1};
    FieldRef wakePid[3], wakeTarget[3];

    SchedFields() = default;
    explicit SchedFields(const EventFormats& formats);
    // The Lineage an event states (task_table.h); false for other event types.
    bool lineage(const EventFormats& f, const CommonFields& c, const RawEvent& raw, uint64_t ts,
                 Lineage& out) const;
    // Index into wakeIds of a wakeup event type, or -1.
    int wakeIndex(int typeId) const {
        for (int i = 0; i < 3; ++i) {
            if (wakeIds[i] >= 0 && wakeIds[i] == typeId) return i;
        }
        return -1;
    }
};

}  // namespace kestrel
