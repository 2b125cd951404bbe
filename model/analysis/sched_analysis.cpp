// analyzeSched: one pass per CPU (in parallel; each CPU's frames in time order) that
// keeps only the scheduler facts, then a single-threaded merge in global time order
// that turns them into CPU spans, task state spans, wakeups and migrations.
#include <event-parse.h>

#include <algorithm>
#include <cstring>

#include "analysis/sched_fields.h"
#include "analysis/sched_timeline.h"
#include "analysis/task_table.h"
#include "base/parallel.h"
#include "ring/page_walk.h"

namespace kestrel {
namespace {

enum class Kind : uint8_t { Switch, Wakeup, Waking, WakeupNew };

// The scheduler facts of one event; a few percent of a trace's events.
struct SchedEvent {
    uint64_t ts = 0;
    uint16_t cpu = 0;
    Kind kind = Kind::Switch;
    int32_t a = 0;      // Switch: prev_pid; wakeups: waker (common_pid)
    int32_t b = 0;      // Switch: next_pid; wakeups: wakee
    int64_t extra = 0;  // Switch: prev_state; wakeups: target_cpu (-1 when absent)
};

// The scheduler fields (shared with the scan) and ftrace:print's text.
struct Fields {
    SchedFields sched;
    int printId = -1;
    FieldRef printBuf;
    int printOffset = -1;

    explicit Fields(const EventFormats& f) : sched(f) {
        if (const EventType* t = f.find("ftrace", "print")) {
            printId = t->id;
            printBuf = f.field(t->id, "buf");
            // `char buf[]` has size 0 in the format, which FieldRef calls invalid.
            if (tep_format_field* buf = tep_find_any_field(t->tep, "buf"))
                printOffset = buf->offset;
        }
    }
};

// What one CPU's pass collects.
struct CpuPass {
    uint16_t cpu = 0;
    uint64_t first = kUnknownTime, last = 0, events = 0;
    std::vector<SchedEvent> sched;
    std::vector<PrintMark> prints;
    std::vector<LostGap> gaps;
    // before[i]: this CPU's events that come before its first event at or after grid[i].
    std::vector<uint64_t> before;
    // The scan's counts (trace_scan.h), which the filter panel shows; its task names and
    // events per pid also make the task list.
    ScanTally tally;
};

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    return s;
}

class CpuScanner {
public:
    CpuScanner(const TraceModel& model, const EventFormats& formats, const Fields& fields,
               const std::vector<uint64_t>& grid, CpuPass& out)
        : m_model(model), m_formats(formats), m_f(fields), m_grid(grid), m_out(out) {
        m_out.before.assign(grid.size(), 0);
    }

    void event(const RawEvent& raw) {
        const uint64_t ts = m_model.toTraceTime(raw.ts);
        while (m_gridAt < m_grid.size() && m_grid[m_gridAt] <= ts) {
            m_out.before[m_gridAt++] = m_out.events;
        }
        if (m_out.first == kUnknownTime) m_out.first = ts;
        m_out.last = ts;
        ++m_out.events;
        CommonFields c;
        if (!m_formats.common(raw, c)) return;
        m_out.tally.countEvent(c.type, c.pid);
        int wake = -1;
        if (c.type == m_f.sched.switchId) {
            switchEvent(raw, ts);
        } else if ((wake = m_f.sched.wakeIndex(c.type)) >= 0) {
            wakeEvent(raw, ts, c, wake);
        } else if (c.type == m_f.sched.forkId) {
            m_out.tally.noteComm(static_cast<int32_t>(m_formats.readInt(m_f.sched.childPid, raw)),
                                 m_formats.readString(m_f.sched.childComm, raw), ts);
        } else if (c.type == m_f.printId) {
            m_out.prints.push_back({ts, c.pid, m_out.cpu, std::string(trimmed(printText(raw)))});
        }
    }

    // The page after a "missed events" mark: the gap runs from the last event seen.
    void lostBefore(uint64_t pageTs, uint64_t count) {
        m_out.tally.countLoss(m_out.cpu, count);
        uint64_t from = m_out.last ? m_out.last : m_model.toTraceTime(pageTs);
        m_out.gaps.push_back({m_out.cpu, from, from, count});
        m_openGap = true;
    }
    // A frame that could not be read: its time, as far as the index knows it, is a gap
    // with an unknown number of events.
    void damagedFrame(const FrameRef& f) {
        if (f.tFirst == kUnknownTime) return;
        uint64_t from = m_model.toTraceTime(f.tFirst);
        uint64_t to = f.tLast == kUnknownTime ? from : m_model.toTraceTime(f.tLast);
        m_out.gaps.push_back({m_out.cpu, from, to, 0});
    }
    void closeGap(uint64_t ts) {
        if (!m_openGap) return;
        m_out.gaps.back().to = std::max(m_out.gaps.back().from, m_model.toTraceTime(ts));
        m_openGap = false;
    }

private:
    std::string_view printText(const RawEvent& raw) const {
        if (m_f.printBuf.valid()) return m_formats.readString(m_f.printBuf, raw);
        if (m_f.printOffset < 0 || static_cast<uint32_t>(m_f.printOffset) >= raw.size) return {};
        const char* text = reinterpret_cast<const char*>(raw.data) + m_f.printOffset;
        size_t n = raw.size - static_cast<uint32_t>(m_f.printOffset);
        return std::string_view(text, strnlen(text, n));
    }

    void switchEvent(const RawEvent& raw, uint64_t ts) {
        const SchedFields& f = m_f.sched;
        SchedEvent e{ts, m_out.cpu, Kind::Switch};
        e.a = static_cast<int32_t>(m_formats.readInt(f.prevPid, raw));
        e.b = static_cast<int32_t>(m_formats.readInt(f.nextPid, raw));
        e.extra = m_formats.readInt(f.prevState, raw);
        m_out.sched.push_back(e);
        const std::string_view prev = m_formats.readString(f.prevComm, raw);
        const std::string_view next = m_formats.readString(f.nextComm, raw);
        m_out.tally.noteComm(e.a, prev, ts);
        m_out.tally.noteComm(e.b, next, ts);
    }

    void wakeEvent(const RawEvent& raw, uint64_t ts, const CommonFields& c, int i) {
        SchedEvent e{ts, m_out.cpu,
                     i == 0   ? Kind::Wakeup
                     : i == 1 ? Kind::Waking
                              : Kind::WakeupNew};
        e.a = c.pid;
        e.b = static_cast<int32_t>(m_formats.readInt(m_f.sched.wakePid[i], raw));
        e.extra =
            m_f.sched.wakeTarget[i].valid() ? m_formats.readInt(m_f.sched.wakeTarget[i], raw) : -1;
        m_out.sched.push_back(e);
    }

public:
    // Grid points after the CPU's last event: every event comes before them.
    void finish() {
        for (; m_gridAt < m_grid.size(); ++m_gridAt) m_out.before[m_gridAt] = m_out.events;
    }

private:
    const TraceModel& m_model;
    const EventFormats& m_formats;
    const Fields& m_f;
    const std::vector<uint64_t>& m_grid;
    CpuPass& m_out;
    size_t m_gridAt = 0;
    bool m_openGap = false;
};

Status scanCpu(const TraceModel& model, const EventFormats& formats, const Fields& fields,
               const std::vector<uint64_t>& grid, CpuPass& out, Progress* progress) {
    const CpuTrack& track = model.cpu(out.cpu);
    CpuScanner scanner(model, formats, fields, grid, out);
    std::vector<uint8_t> buffer;
    bool firstOfPage = false;
    auto onPage = [&](const PageHeader& h, size_t) {
        if (h.missedEvents) scanner.lostBefore(h.timestamp, h.missedCount);
        firstOfPage = true;
        return true;
    };
    auto onEvent = [&](const RawEvent& ev) {
        if (firstOfPage) scanner.closeGap(ev.ts);
        firstOfPage = false;
        scanner.event(ev);
    };
    for (uint32_t frameIndex : track.frames) {
        if (cancelled(progress)) {
            return Status::error(model.source().path() + ": analysis cancelled");
        }
        if (Status s = model.source().readFrame(frameIndex, buffer); !s.ok()) {
            // Skipped like every pass skips it; the timeline shows the hole as a gap.
            model.noteBadFrame(frameIndex, s.message());
            scanner.damagedFrame(model.frames()[frameIndex]);
            advance(progress);
            continue;
        }
        walkPages(buffer.data(), buffer.size(), track.format, onPage, onEvent,
                  [&](size_t at, const std::string& what) {
                      model.noteBadPage(frameIndex, static_cast<uint32_t>(at), what);
                  });
        advance(progress);
    }
    scanner.finish();
    out.tally.countCpuEvents(out.cpu, out.events);
    return {};
}

// The times the row marks are taken at: the start of every frame, thinned so that the
// per-CPU counts stay small on traces of very many frames and CPUs.
std::vector<uint64_t> markGrid(const TraceModel& model) {
    constexpr size_t kMaxCounts = size_t{4} << 20;  // grid points x CPUs
    std::vector<uint64_t> grid;
    for (const FrameRef& f : model.frames()) {
        if (f.tFirst != kUnknownTime) grid.push_back(model.toTraceTime(f.tFirst));
    }
    std::sort(grid.begin(), grid.end());
    grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
    const size_t most = std::max<size_t>(1024, kMaxCounts / std::max<size_t>(model.cpuCount(), 1));
    if (grid.size() > most) {
        std::vector<uint64_t> thin;
        for (size_t i = 0; i < most; ++i) thin.push_back(grid[i * grid.size() / most]);
        grid.swap(thin);
    }
    return grid;
}

std::vector<RowMark> rowMarks(const std::vector<uint64_t>& grid,
                              const std::vector<CpuPass>& passes) {
    std::vector<RowMark> marks(grid.size());
    for (size_t i = 0; i < grid.size(); ++i) {
        marks[i].ts = grid[i];
        for (const CpuPass& p : passes) marks[i].row += p.before[i];
    }
    return marks;
}

TaskState stateFromPrev(int64_t prevState) {
    // sched_switch prev_state: bits of "SDTtZXxW" (TASK_REPORT), none = R (preempted);
    // bit 7 is TASK_REPORT_IDLE ("I") on kernels >= 4.14: an idle kthread is asleep.
    const int64_t bits = prevState & 0xff;
    if (bits == 0) return TaskState::Runnable;
    if (bits & 0x30) return TaskState::Dead;  // Z / X: the task is gone
    if (bits & 0x01) return TaskState::Sleeping;
    if (bits & 0x02) return TaskState::Blocked;
    if (bits & 0x80) return TaskState::Sleeping;
    return TaskState::Other;
}

// Per-CPU spans: who ran from one sched_switch to the next.
void buildCpuSpans(const CpuPass& pass, SpanTrack& out,
                   std::unordered_map<int32_t, uint64_t>& cpuTime) {
    int32_t pid = -1;
    uint64_t since = pass.first;
    auto close = [&](uint64_t until) {
        if (pid > 0 && until > since) {
            out.add(since, until, pid);
            cpuTime[pid] += until - since;
        }
    };
    for (const SchedEvent& e : pass.sched) {
        if (e.kind != Kind::Switch) continue;
        if (pid < 0) pid = e.a;  // before the first switch, its prev task was running
        close(e.ts);
        pid = e.b;
        since = e.ts;
    }
    if (pid >= 0) close(pass.last);
}

// Task state machine over the sched events of all CPUs in time order.
class TaskStates {
public:
    TaskStates(const TraceModel& model, SchedTimeline& out, bool edgesFromWaking)
        : m_model(model), m_out(out), m_edgesFromWaking(edgesFromWaking) {}

    void apply(const SchedEvent& e) {
        if (e.kind == Kind::Switch) {
            if (e.a > 0) enter(e.a, e.ts, stateFromPrev(e.extra), e.cpu);
            if (e.b > 0) enter(e.b, e.ts, TaskState::Running, e.cpu);
            return;
        }
        const bool edge =
            e.kind == Kind::WakeupNew || (e.kind == Kind::Waking) == m_edgesFromWaking;
        if (edge) {
            uint16_t target =
                e.extra >= 0 ? globalCpu(e.cpu, static_cast<uint32_t>(e.extra)) : e.cpu;
            m_out.wakeups.push_back({e.ts, e.a, e.b, e.cpu, target});
        }
        if (e.b <= 0) return;
        Cur& c = m_cur[e.b];
        if (c.known && c.state == TaskState::Running) return;  // woken while still on a CPU
        enter(e.b, e.ts, TaskState::Runnable, e.cpu);
    }

    void finish(uint64_t end) {
        for (auto& [pid, c] : m_cur) close(pid, c, end);
    }

private:
    struct Cur {
        bool known = false;
        TaskState state = TaskState::Other;
        uint64_t since = 0;
        uint16_t cpu = 0;
        int lastRunCpu = -1;
    };

    void close(int32_t pid, Cur& c, uint64_t ts) {
        if (c.known && ts > c.since)
            m_out.tasks[pid].add(c.since, ts, static_cast<int32_t>(c.state), c.cpu);
    }

    void enter(int32_t pid, uint64_t ts, TaskState s, uint16_t cpu) {
        Cur& c = m_cur[pid];
        if (s == TaskState::Dead) {  // no state after exit (the pid may be reused later)
            close(pid, c, ts);
            c.known = false;
            return;
        }
        if (c.known && c.state == s && (s != TaskState::Running || c.cpu == cpu)) return;
        close(pid, c, ts);
        if (s == TaskState::Running) {
            if (c.lastRunCpu >= 0 && c.lastRunCpu != cpu) {
                m_out.migrations.push_back({ts, pid, static_cast<uint16_t>(c.lastRunCpu), cpu});
            }
            c.lastRunCpu = cpu;
        }
        c.known = true;
        c.state = s;
        c.since = ts;
        c.cpu = cpu;
    }

    // target_cpu counts CPUs within the buffer of the event's CPU.
    uint16_t globalCpu(uint16_t eventCpu, uint32_t local) const {
        const auto& cpus = m_model.meta().cpus;
        for (size_t i = 0; i < cpus.size(); ++i) {
            if (cpus[i].buffer == cpus[eventCpu].buffer && cpus[i].cpu == local)
                return static_cast<uint16_t>(i);
        }
        return eventCpu;
    }

    const TraceModel& m_model;
    SchedTimeline& m_out;
    bool m_edgesFromWaking;
    std::unordered_map<int32_t, Cur> m_cur;
};

// Every task the trace shows (by an event of its own, a sched event naming it, or a
// running span), named as the scan named it.
void buildTaskList(std::vector<CpuPass>& passes,
                   const std::unordered_map<int32_t, uint64_t>& cpuTime, SchedTimeline& out) {
    std::unordered_map<int32_t, uint64_t> counts;
    for (const CpuPass& p : passes) {
        for (auto [pid, n] : p.tally.eventsByPid()) counts[pid] += n;
    }
    TaskTable table = out.counts.tasks;
    for (const auto& [pid, n] : counts) table.setComm(pid, table.comm(pid));
    for (const auto& [pid, t] : cpuTime) table.setComm(pid, table.comm(pid));
    for (const TaskInfo& t : table.sorted()) {
        if (t.pid <= 0) continue;
        auto n = counts.find(t.pid);
        auto ct = cpuTime.find(t.pid);
        if (n == counts.end() && ct == cpuTime.end() && !out.tasks.count(t.pid)) continue;
        out.taskList.push_back({t.pid, t.tgid, t.comm, n == counts.end() ? 0 : n->second,
                                ct == cpuTime.end() ? 0 : ct->second});
    }
}

void merge(const TraceModel& model, std::vector<CpuPass>& passes, SchedTimeline& out) {
    out.start = model.startTime();
    out.end = model.endTime();
    out.cpus.resize(passes.size());
    std::unordered_map<int32_t, uint64_t> cpuTime;
    std::vector<SchedEvent> all;
    size_t total = 0;
    bool anyWaking = false;
    for (const CpuPass& p : passes) total += p.sched.size();
    all.reserve(total);
    for (CpuPass& p : passes) {
        out.events += p.events;
        buildCpuSpans(p, out.cpus[p.cpu], cpuTime);
        for (const SchedEvent& e : p.sched) anyWaking |= e.kind == Kind::Waking;
        all.insert(all.end(), p.sched.begin(), p.sched.end());
        std::vector<SchedEvent>().swap(p.sched);
        for (PrintMark& m : p.prints) out.prints.push_back(std::move(m));
        out.gaps.insert(out.gaps.end(), p.gaps.begin(), p.gaps.end());
    }
    // Ties in time: lower CPU first, as the merging cursor and trace-cmd order them.
    std::stable_sort(all.begin(), all.end(), [](const SchedEvent& x, const SchedEvent& y) {
        return x.ts != y.ts ? x.ts < y.ts : x.cpu < y.cpu;
    });
    TaskStates states(model, out, anyWaking);
    for (const SchedEvent& e : all) states.apply(e);
    states.finish(out.end);
    std::stable_sort(out.prints.begin(), out.prints.end(),
                     [](const PrintMark& x, const PrintMark& y) { return x.ts < y.ts; });
    std::sort(out.gaps.begin(), out.gaps.end(),
              [](const LostGap& x, const LostGap& y) { return x.from < y.from; });
    // The counts scanTrace() makes: the GUI's filter panel takes them from here instead
    // of a pass of its own.
    std::vector<const ScanTally*> tallies;
    for (const CpuPass& p : passes) tallies.push_back(&p.tally);
    out.counts = ScanTally::merge(model, tallies);
    buildTaskList(passes, cpuTime, out);
}

}  // namespace

Result<SchedTimeline> analyzeSched(const TraceModel& model, const EventFormats& formats,
                                   Progress* progress, unsigned threads) {
    const size_t cpus = model.cpuCount();
    if (progress) progress->total = model.frames().size();
    const Fields fields(formats);
    const std::vector<uint64_t> grid = markGrid(model);
    std::vector<CpuPass> passes(cpus);
    // Biggest CPUs first so the pool does not wait on one long tail.
    std::vector<size_t> order(cpus);
    for (size_t i = 0; i < cpus; ++i) {
        order[i] = i;
        passes[i].cpu = static_cast<uint16_t>(i);
    }
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        return model.cpu(x).frames.size() > model.cpu(y).frames.size();
    });
    Status st = parallelFor(cpus, workerCount(threads, cpus), [&](size_t k, unsigned) {
        return scanCpu(model, formats, fields, grid, passes[order[k]], progress);
    });
    if (!st.ok()) return st;
    SchedTimeline out;
    out.rowMarks = rowMarks(grid, passes);
    merge(model, passes, out);
    return out;
}

}  // namespace kestrel
