#include "analysis/task_states.h"

#include <algorithm>

namespace kestrel {

TaskState stateFromPrev(int64_t prevState) {
    // Bit 7 is TASK_REPORT_IDLE ("I") on kernels >= 4.14: an idle kthread is asleep.
    const int64_t bits = prevState & 0xff;
    if (bits == 0) return TaskState::Runnable;
    if (bits & 0x30) return TaskState::Dead;  // Z / X: the task is gone
    if (bits & 0x01) return TaskState::Sleeping;
    if (bits & 0x02) return TaskState::Blocked;
    if (bits & 0x80) return TaskState::Sleeping;
    return TaskState::Other;
}

TaskStates::TaskStates(const TraceMeta& meta, SchedTimeline& out, bool edgesFromWaking)
    : m_meta(meta), m_out(out), m_edgesFromWaking(edgesFromWaking) {
    for (const CpuInfo& c : meta.cpus) m_physical.push_back(c.cpu);
}

void TaskStates::apply(const SchedFact& f) {
    switch (f.kind) {
        case FactKind::Switch:
            if (f.a > 0) enter(f.a, f.ts, stateFromPrev(f.extra), f.cpu, SpanOrigin::Recorded);
            if (f.b > 0) enter(f.b, f.ts, TaskState::Running, f.cpu, SpanOrigin::Recorded);
            return;
        case FactKind::Run:
            enter(f.a, f.ts, TaskState::Running, f.cpu, SpanOrigin::Inferred);
            return;
        case FactKind::Unseen:
            if (Cur* c = runningOn(f.a, f.cpu); c && c->origin != SpanOrigin::Tail) {
                close(f.a, *c, f.ts);
                c->since = f.ts;
                c->origin = SpanOrigin::Tail;
            }
            return;
        case FactKind::Gone:
            if (Cur* c = runningOn(f.a, f.cpu)) {
                close(f.a, *c, f.ts);
                c->known = false;  // how it stopped is not recorded
            }
            return;
        default:
            wake(f);
    }
}

void TaskStates::wake(const SchedFact& f) {
    const bool edge =
        f.kind == FactKind::WakeupNew || (f.kind == FactKind::Waking) == m_edgesFromWaking;
    if (edge) {
        uint16_t target = f.extra >= 0 ? globalCpu(f.cpu, static_cast<uint32_t>(f.extra)) : f.cpu;
        m_out.wakeups.push_back({f.ts, f.a, f.b, f.cpu, target});
    }
    if (f.b <= 0) return;
    Cur& c = m_cur[f.b];
    // Woken while still on a CPU (it set itself asleep and has not switched out yet);
    // a Tail is not proof it runs, and the wakeup says it had stopped.
    if (c.known && c.state == TaskState::Running && c.origin != SpanOrigin::Tail) return;
    enter(f.b, f.ts, TaskState::Runnable, f.cpu, SpanOrigin::Recorded);
}

void TaskStates::finish(uint64_t end) {
    for (auto& [pid, c] : m_cur) close(pid, c, end);
}

void TaskStates::close(int32_t pid, Cur& c, uint64_t ts) {
    if (!c.known || ts <= c.since) return;
    const SpanOrigin origin = c.state == TaskState::Running ? c.origin : SpanOrigin::Recorded;
    m_out.tasks[pid].add(c.since, ts, static_cast<int32_t>(c.state), c.cpu, origin);
}

TaskStates::Cur* TaskStates::runningOn(int32_t pid, uint16_t cpu) {
    auto it = m_cur.find(pid);
    if (it == m_cur.end()) return nullptr;
    Cur& c = it->second;
    return c.known && c.state == TaskState::Running && sameCpu(c.cpu, cpu) ? &c : nullptr;
}

void TaskStates::enter(int32_t pid, uint64_t ts, TaskState s, uint16_t cpu, SpanOrigin origin) {
    Cur& c = m_cur[pid];
    if (s == TaskState::Dead) {  // no state after exit (the pid may be reused later)
        close(pid, c, ts);
        c.known = false;
        return;
    }
    // The same state goes on, unless better founded now (a Tail proven by an event, an
    // inferred run confirmed by a sched_switch): SpanOrigin orders them.
    if (c.known && c.state == s && (s != TaskState::Running || sameCpu(c.cpu, cpu)) &&
        origin >= c.origin) {
        return;
    }
    close(pid, c, ts);
    const bool sameRun =
        c.known && c.state == TaskState::Running && s == TaskState::Running && sameCpu(c.cpu, cpu);
    if (s == TaskState::Running && !sameRun) {
        if (c.lastRunCpu >= 0 && !sameCpu(static_cast<size_t>(c.lastRunCpu), cpu)) {
            m_out.migrations.push_back({ts, pid, static_cast<uint16_t>(c.lastRunCpu), cpu});
        }
        c.lastRunCpu = cpu;
    }
    if (!sameRun) c.cpu = cpu;
    c.known = true;
    c.state = s;
    c.since = ts;
    c.origin = origin;
}

// target_cpu counts CPUs within the buffer of the event's CPU.
uint16_t TaskStates::globalCpu(uint16_t eventCpu, uint32_t local) const {
    const auto& cpus = m_meta.cpus;
    for (size_t i = 0; i < cpus.size(); ++i) {
        if (cpus[i].buffer == cpus[eventCpu].buffer && cpus[i].cpu == local)
            return static_cast<uint16_t>(i);
    }
    return eventCpu;
}

void trimTails(const TraceMeta& meta, SchedTimeline& out) {
    for (size_t c = 0; c < out.cpus.size(); ++c) {
        SpanTrack& track = out.cpus[c];
        if (std::find(track.origin.begin(), track.origin.end(), SpanOrigin::Tail) ==
            track.origin.end()) {
            continue;
        }
        SpanTrack kept;
        for (size_t i = 0; i < track.size(); ++i) {
            uint64_t end = track.end[i];
            if (track.origin[i] == SpanOrigin::Tail) {
                end = track.start[i];
                auto task = out.tasks.find(track.value[i]);
                ptrdiff_t j = task == out.tasks.end() ? -1 : task->second.spanAt(track.start[i]);
                if (j >= 0 && task->second.value[j] == static_cast<int32_t>(TaskState::Running) &&
                    task->second.origin[j] == SpanOrigin::Tail &&
                    meta.cpus[task->second.cpu[j]].cpu == meta.cpus[c].cpu) {
                    end = std::min(track.end[i], task->second.end[j]);
                }
            }
            if (end > track.start[i])
                kept.add(track.start[i], end, track.value[i], 0, track.origin[i]);
        }
        track = std::move(kept);
    }
}

}  // namespace kestrel
