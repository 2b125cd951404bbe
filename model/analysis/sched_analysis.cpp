// analyzeSched: one pass per CPU (in parallel; each CPU's frames in time order) that
// builds the CPU's row from sched_switch and every event's common_pid and keeps the
// scheduler facts, then a single-threaded merge in global time order that turns the
// facts into task state spans, wakeups and migrations (docs/architecture.md, "How the
// schedule is built").
#include <event-parse.h>

#include <algorithm>
#include <cstring>

#include "analysis/cpu_occupancy.h"
#include "analysis/sched_fields.h"
#include "analysis/sched_timeline.h"
#include "analysis/task_states.h"
#include "analysis/task_table.h"
#include "base/parallel.h"
#include "ring/page_walk.h"

namespace kestrel {
namespace {

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
    bool cutShort = false;  // the file lacks the end of this CPU's data
    SpanTrack spans;        // the CPU's row
    std::vector<SchedFact> sched;
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
        : m_model(model),
          m_formats(formats),
          m_f(fields),
          m_grid(grid),
          m_out(out),
          m_occupancy(out.cpu, out.spans, out.sched) {
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
        m_occupancy.event(c.pid, ts);
        int wake = -1;
        if (c.type == m_f.sched.switchId) {
            switchEvent(raw, ts);
        } else if ((wake = m_f.sched.wakeIndex(c.type)) >= 0) {
            wakeEvent(raw, ts, c, wake);
        } else if (Lineage l; m_f.sched.lineage(m_formats, c, raw, ts, l)) {
            if (l.kind == Lineage::Fork)
                m_out.tally.noteComm(l.pid, m_formats.readString(m_f.sched.childComm, raw), ts);
            m_out.tally.noteLineage(l);
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
        m_occupancy.lost();
    }
    // A frame that could not be read: its time, as far as the index knows it, is a gap
    // with an unknown number of events.
    void damagedFrame(const FrameRef& f) {
        if (f.tFirst == kUnknownTime) return;
        uint64_t from = m_model.toTraceTime(f.tFirst);
        uint64_t to = f.tLast == kUnknownTime ? from : m_model.toTraceTime(f.tLast);
        m_out.gaps.push_back({m_out.cpu, from, to, 0});
        m_occupancy.lost();
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
        SchedFact e{ts, m_out.cpu, FactKind::Switch};
        e.a = static_cast<int32_t>(m_formats.readInt(f.prevPid, raw));
        e.b = static_cast<int32_t>(m_formats.readInt(f.nextPid, raw));
        e.extra = m_formats.readInt(f.prevState, raw);
        m_occupancy.switched(e.a, e.b, ts);
        m_out.sched.push_back(e);
        const std::string_view prev = m_formats.readString(f.prevComm, raw);
        const std::string_view next = m_formats.readString(f.nextComm, raw);
        m_out.tally.noteComm(e.a, prev, ts);
        m_out.tally.noteComm(e.b, next, ts);
    }

    void wakeEvent(const RawEvent& raw, uint64_t ts, const CommonFields& c, int i) {
        SchedFact e{ts, m_out.cpu,
                    i == 0   ? FactKind::Wakeup
                    : i == 1 ? FactKind::Waking
                             : FactKind::WakeupNew};
        e.a = c.pid;
        e.b = static_cast<int32_t>(m_formats.readInt(m_f.sched.wakePid[i], raw));
        e.extra =
            m_f.sched.wakeTarget[i].valid() ? m_formats.readInt(m_f.sched.wakeTarget[i], raw) : -1;
        m_out.sched.push_back(e);
    }

public:
    // Grid points after the CPU's last event: every event comes before them. A CPU
    // whose data the file lacks the end of is a gap from its last event (or the start)
    // to the trace's end: what ran there is not known.
    void finish() {
        for (; m_gridAt < m_grid.size(); ++m_gridAt) m_out.before[m_gridAt] = m_out.events;
        if (m_out.cutShort) {
            m_occupancy.lost();
            const uint64_t from = m_out.events ? m_out.last : m_model.startTime();
            m_out.gaps.push_back({m_out.cpu, from, std::max(from, m_model.endTime()), 0});
        }
        if (m_out.events) m_occupancy.finish(m_out.last);
    }

private:
    const TraceModel& m_model;
    const EventFormats& m_formats;
    const Fields& m_f;
    const std::vector<uint64_t>& m_grid;
    CpuPass& m_out;
    CpuOccupancy m_occupancy;
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

// How long each task ran: its running spans, proven (Recorded, Inferred) or not (Tail).
// From the task rows, so a CPU that two buffers recorded counts once.
struct RunTime {
    uint64_t proven = 0, tail = 0;
};
std::unordered_map<int32_t, RunTime> runTimes(const SchedTimeline& out) {
    std::unordered_map<int32_t, RunTime> times;
    for (const auto& [pid, track] : out.tasks) {
        for (size_t i = 0; i < track.size(); ++i) {
            if (track.value[i] != static_cast<int32_t>(TaskState::Running)) continue;
            RunTime& t = times[pid];
            (track.origin[i] == SpanOrigin::Tail ? t.tail : t.proven) +=
                track.end[i] - track.start[i];
        }
    }
    return times;
}

// Every task the trace shows (by an event of its own, a sched event naming it, or a
// running span), named as the scan named it.
void buildTaskList(std::vector<CpuPass>& passes, SchedTimeline& out) {
    std::unordered_map<int32_t, uint64_t> counts;
    for (const CpuPass& p : passes) {
        for (auto [pid, n] : p.tally.eventsByPid()) counts[pid] += n;
    }
    const std::unordered_map<int32_t, RunTime> times = runTimes(out);
    TaskTable table = out.counts.tasks;
    for (const auto& [pid, n] : counts) table.setComm(pid, table.comm(pid));
    for (const auto& [pid, t] : out.tasks) table.setComm(pid, table.comm(pid));
    for (const TaskInfo& t : table.sorted()) {
        if (t.pid <= 0) continue;
        auto n = counts.find(t.pid);
        if (n == counts.end() && !out.tasks.count(t.pid)) continue;
        auto rt = times.find(t.pid);
        const RunTime run = rt == times.end() ? RunTime{} : rt->second;
        out.taskList.push_back(
            {t.pid, t.tgid, t.comm, n == counts.end() ? 0 : n->second, run.proven, run.tail});
    }
}

void merge(const TraceModel& model, std::vector<CpuPass>& passes, SchedTimeline& out) {
    out.start = model.startTime();
    out.end = model.endTime();
    out.cpus.resize(passes.size());
    std::vector<SchedFact> all;
    size_t total = 0;
    bool anyWaking = false;
    for (const CpuPass& p : passes) total += p.sched.size();
    all.reserve(total);
    for (CpuPass& p : passes) {
        out.events += p.events;
        out.cpus[p.cpu] = std::move(p.spans);
        for (const SchedFact& e : p.sched) anyWaking |= e.kind == FactKind::Waking;
        all.insert(all.end(), p.sched.begin(), p.sched.end());
        std::vector<SchedFact>().swap(p.sched);
        for (PrintMark& m : p.prints) out.prints.push_back(std::move(m));
        out.gaps.insert(out.gaps.end(), p.gaps.begin(), p.gaps.end());
    }
    // Ties in time: lower CPU first, as the merging cursor and trace-cmd order them; a
    // CPU's own facts of one time keep the order its pass found them in.
    std::stable_sort(all.begin(), all.end(), [](const SchedFact& x, const SchedFact& y) {
        return x.ts != y.ts ? x.ts < y.ts : x.cpu < y.cpu;
    });
    TaskStates states(model.meta(), out, anyWaking);
    for (const SchedFact& e : all) states.apply(e);
    states.finish(out.end + 1);  // through the last event
    trimTails(model.meta(), out);
    std::stable_sort(out.prints.begin(), out.prints.end(),
                     [](const PrintMark& x, const PrintMark& y) { return x.ts < y.ts; });
    std::sort(out.gaps.begin(), out.gaps.end(),
              [](const LostGap& x, const LostGap& y) { return x.from < y.from; });
    // The counts scanTrace() makes: the GUI's filter panel takes them from here instead
    // of a pass of its own.
    std::vector<const ScanTally*> tallies;
    for (const CpuPass& p : passes) tallies.push_back(&p.tally);
    out.counts = ScanTally::merge(model, tallies);
    buildTaskList(passes, out);
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
    for (uint32_t c : model.source().cutShortCpus()) {
        if (c < cpus) passes[c].cutShort = true;
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
