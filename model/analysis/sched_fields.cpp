#include "analysis/sched_fields.h"

namespace kestrel {

SchedFields::SchedFields(const EventFormats& f) {
    if (const EventType* t = f.find("sched", "sched_switch")) {
        switchId = t->id;
        prevPid = f.field(t->id, "prev_pid");
        prevComm = f.field(t->id, "prev_comm");
        prevState = f.field(t->id, "prev_state");
        nextPid = f.field(t->id, "next_pid");
        nextComm = f.field(t->id, "next_comm");
    }
    if (const EventType* t = f.find("sched", "sched_process_fork")) {
        forkId = t->id;
        childPid = f.field(t->id, "child_pid");
        childComm = f.field(t->id, "child_comm");
    }
    const char* names[3] = {"sched_wakeup", "sched_waking", "sched_wakeup_new"};
    for (int i = 0; i < 3; ++i) {
        if (const EventType* t = f.find("sched", names[i])) {
            wakeIds[i] = t->id;
            wakePid[i] = f.field(t->id, "pid");
            wakeTarget[i] = f.field(t->id, "target_cpu");
        }
    }
}

}  // namespace kestrel
