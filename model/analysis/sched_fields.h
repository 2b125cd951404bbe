#pragma once
// The scheduler event fields that both full passes read (the sched analysis and the
// scan), resolved once per EventFormats: ids of sched_switch, sched_process_fork and
// the three wakeup events, and the fields of each. An id of -1 means the trace has no
// such event; a field is invalid() when the event's format lacks it.
#include "formats/event_formats.h"

namespace kestrel {

struct SchedFields {
    int switchId = -1;
    FieldRef prevPid, prevComm, prevState, nextPid, nextComm;

    int forkId = -1;
    FieldRef childPid, childComm;

    // [0] sched_wakeup, [1] sched_waking, [2] sched_wakeup_new
    int wakeIds[3] = {-1, -1, -1};
    FieldRef wakePid[3], wakeTarget[3];

    SchedFields() = default;
    explicit SchedFields(const EventFormats& formats);
    // Index into wakeIds of a wakeup event type, or -1.
    int wakeIndex(int typeId) const {
        for (int i = 0; i < 3; ++i) {
            if (wakeIds[i] >= 0 && wakeIds[i] == typeId) return i;
        }
        return -1;
    }
};

}  // namespace kestrel
