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
        parentPid = f.field(t->id, "parent_pid");
        childPid = f.field(t->id, "child_pid");
        childComm = f.field(t->id, "child_comm");
    }
    if (const EventType* t = f.find("task", "task_newtask")) {
        newTaskId = t->id;
        newTaskPid = f.field(t->id, "pid");
        newTaskFlags = f.field(t->id, "clone_flags");
    }
    if (const EventType* t = f.find("sched", "sched_process_exec")) {
        execId = t->id;
        execPid = f.field(t->id, "pid");
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

bool SchedFields::lineage(const EventFormats& f, const CommonFields& c, const RawEvent& raw,
                          uint64_t ts, Lineage& out) const {
    const int id = c.type;
    if (id == forkId) {
        out = {ts, Lineage::Fork, static_cast<int32_t>(f.readInt(parentPid, raw)),
               static_cast<int32_t>(f.readInt(childPid, raw)), 0};
    } else if (id == newTaskId && newTaskFlags.valid()) {
        // Recorded by the parent in copy_process(): common_pid is the creator.
        out = {ts, Lineage::NewTask, c.pid, static_cast<int32_t>(f.readInt(newTaskPid, raw)),
               static_cast<uint64_t>(f.readInt(newTaskFlags, raw))};
    } else if (id == execId) {
        out = {ts, Lineage::Exec, 0, static_cast<int32_t>(f.readInt(execPid, raw)), 0};
    } else {
        return false;
    }
    return true;
}

}  // namespace kestrel
