// Latencies in two steps: latency_marks.cpp's per-CPU passes keep the events a kind needs
// as marks, then the marks of every CPU, merged in time order, are paired here by the
// kind's rules (docs/latency.md). Function durations come from the call trees.
#include "analysis/latency.h"

#include <algorithm>
#include <bit>
#include <numeric>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "analysis/call_tree.h"
#include "analysis/latency_marks.h"

namespace kestrel {
namespace {

template <class T>
void permute(std::vector<T>& v, const std::vector<uint32_t>& order) {
    std::vector<T> out;
    out.reserve(v.size());
    for (uint32_t i : order) out.push_back(v[i]);
    v.swap(out);
}

struct Open {
    uint64_t ts = 0;
    int32_t pid = 0;
    uint32_t key = 0;
    uint16_t cpu = 0;
    bool asleep = false;  // wakeup: the task was seen switched out before it
};

// The marks of every CPU in time order (ties: the lower CPU first, as trace-cmd orders
// them; one CPU's marks keep their order).
template <class OnMark>
void mergeMarks(const std::vector<CpuMarks>& cpus, OnMark&& onMark) {
    using Head = std::pair<uint64_t, uint32_t>;  // ts, cpu
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    std::vector<size_t> at(cpus.size(), 0);
    for (uint32_t c = 0; c < cpus.size(); ++c) {
        if (!cpus[c].marks.empty()) heads.push({cpus[c].marks[0].ts, c});
    }
    while (!heads.empty()) {
        const uint32_t c = heads.top().second;
        heads.pop();
        const std::vector<Mark>& marks = cpus[c].marks;
        const Mark& m = marks[at[c]];
        onMark(m);
        if (++at[c] < marks.size()) heads.push({marks[at[c]].ts, c});
    }
}

// Wakeup -> the sched_switch that puts the task on a CPU (any CPU: the task is followed
// by pid, so a migration in between needs no event of its own).
class WakeupPairing {
public:
    WakeupPairing(InstanceList& out, size_t cpus) : m_out(out), m_current(cpus, -1) {}

    void mark(const Mark& m) {
        if (m.type == Mark::Start) {
            wake(m);
        } else if (m.type == Mark::Switch) {
            switched(m);
        } else if (m.type == Mark::Lost) {
            lost(m.cpu);
        }
    }
    void finish() { m_out.unfinished += m_open.size(); }

private:
    void wake(const Mark& m) {
        if (m.pid <= 0) return;
        if (m_running.count(m.pid)) {
            ++m_out.running;
            return;
        }
        // A second wakeup before the switch: the first one stays.
        m_open.try_emplace(m.pid, Open{m.ts, m.pid, 0, m.cpu, m_asleep.count(m.pid) > 0});
    }

    void switched(const Mark& m) {
        const auto prev = static_cast<int32_t>(m.value);
        m_running.erase(prev);
        // Switched out before it was switched in: it was running when it was woken, or,
        // when it had been switched out before, the switch in is missing (a filtered
        // recording).
        if (auto it = m_open.find(prev); it != m_open.end() && prev > 0) {
            ++(it->second.asleep ? m_out.unmatched : m_out.running);
            m_open.erase(it);
        }
        if (prev > 0) m_asleep.insert(prev);
        m_asleep.erase(m.pid);
        if (auto it = m_open.find(m.pid); it != m_open.end()) {
            const Open& o = it->second;
            m_out.add(o.ts, m.ts, m.pid, 0, o.cpu, m.cpu);
            m_open.erase(it);
        }
        if (m.pid > 0) m_running[m.pid] = m.cpu;
        if (m.cpu < m_current.size()) m_current[m.cpu] = m.pid;
    }

    // What ran on the CPU is no longer known, and a switch-in anywhere may be missing.
    void lost(uint16_t cpu) {
        m_out.lost += m_open.size();
        m_open.clear();
        if (cpu < m_current.size() && m_current[cpu] > 0) {
            auto it = m_running.find(m_current[cpu]);
            if (it != m_running.end() && it->second == cpu) m_running.erase(it);
        }
        if (cpu < m_current.size()) m_current[cpu] = -1;
    }

    InstanceList& m_out;
    std::unordered_map<int32_t, Open> m_open;         // by wakee
    std::unordered_map<int32_t, uint16_t> m_running;  // pid -> its CPU
    std::unordered_set<int32_t> m_asleep;             // switched out, not in since
    std::vector<int32_t> m_current;                   // per CPU, -1: not known
};

// Start and end on the same CPU, by key. Interrupts nest: an exit closes the innermost
// open entry of its number, and entries left above it lost their exits. Raised softirqs
// run in any order: an entry closes the raise of its vector only. A second start of a key
// still open keeps the first (a softirq raised again before it ran) or replaces it (an
// entry whose exit is missing).
class CpuPairing {
public:
    CpuPairing(InstanceList& out, size_t cpus, bool keepFirst, bool nested)
        : m_out(out), m_open(cpus), m_keepFirst(keepFirst), m_nested(nested) {}

    void mark(const Mark& m) {
        if (m.cpu >= m_open.size()) return;
        std::vector<Open>& open = m_open[m.cpu];
        if (m.type == Mark::Lost) {
            m_out.lost += open.size();
            open.clear();
            return;
        }
        auto same =
            std::find_if(open.rbegin(), open.rend(), [&](const Open& o) { return o.key == m.key; });
        if (m.type == Mark::Start) {
            if (same == open.rend()) {
                open.push_back({m.ts, m.pid, m.key, m.cpu});
            } else if (!m_keepFirst) {
                ++m_out.unmatched;
                *same = {m.ts, m.pid, m.key, m.cpu};
            }
            return;
        }
        if (same == open.rend()) {
            ++m_out.unmatched;
            return;
        }
        const Open o = *same;
        const auto index = static_cast<size_t>(open.rend() - same) - 1;
        if (m_nested) {
            m_out.unmatched += open.size() - 1 - index;
            open.resize(index);
        } else {
            open.erase(open.begin() + static_cast<std::ptrdiff_t>(index));
        }
        m_out.add(o.ts, m.ts, o.pid, o.key, o.cpu, m.cpu);
    }
    void finish() {
        for (const auto& open : m_open) m_out.unfinished += open.size();
    }

private:
    InstanceList& m_out;
    std::vector<std::vector<Open>> m_open;
    bool m_keepFirst;
    bool m_nested;
};

// Start and end of one task (or of one match value), on any CPU: the marks the per-CPU
// passes could not pair. Lost events anywhere drop every start still waiting: the task may
// have run where the events were lost.
class TaskPairing {
public:
    TaskPairing(InstanceList& out, TaskRule rule, bool byValueOnly)
        : m_out(out), m_rule(rule), m_byValueOnly(byValueOnly) {}

    void mark(const Mark& m) {
        if (m.type == Mark::Lost) {
            for (auto& [id, open] : m_open) m_out.lost += open.items.size();
            m_open.clear();
            return;
        }
        TaskStarts& open = m_open[{m_byValueOnly ? 0 : m.pid, m.value}];
        if (m.type == Mark::Start) {
            open.start(m, m_rule.repeat, m_out);
        } else if (!open.end(m, m_rule.keyMustMatch, m_out)) {
            ++m_out.unmatched;
        }
    }
    void finish() {
        for (const auto& [id, open] : m_open) m_out.unfinished += open.items.size();
    }

private:
    struct IdHash {
        size_t operator()(const std::pair<int32_t, uint64_t>& k) const {
            return std::hash<uint64_t>()(k.second * 0x9e3779b97f4a7c15ull ^
                                         static_cast<uint32_t>(k.first));
        }
    };
    InstanceList& m_out;
    std::unordered_map<std::pair<int32_t, uint64_t>, TaskStarts, IdHash> m_open;
    TaskRule m_rule;
    bool m_byValueOnly;
};

template <class Pairing>
void pairAll(const std::vector<CpuMarks>& cpus, Pairing& pairing) {
    mergeMarks(cpus, [&](const Mark& m) { pairing.mark(m); });
    pairing.finish();
}

// Start and end on one CPU need no merge: each CPU's marks are paired alone.
void pairPerCpu(const std::vector<CpuMarks>& cpus, bool keepFirst, bool nested,
                std::vector<InstanceList>& parts) {
    for (const CpuMarks& c : cpus) {
        InstanceList& part = parts.emplace_back();
        CpuPairing p(part, cpus.size(), keepFirst, nested);
        for (const Mark& m : c.marks) p.mark(m);
        p.finish();
    }
}

bool startsBefore(const Instance& a, const Instance& b) {
    return a.start != b.start ? a.start < b.start : a.startCpu < b.startCpu;
}

// A part in start order: nested pairs end in another order than they start, and the
// merge's pairs are found at their end.
void sortPart(InstanceList& p) {
    bool sorted = true;
    for (size_t i = 1; i < p.size() && sorted; ++i) sorted = !startsBefore(p[i], p[i - 1]);
    if (sorted) return;
    std::vector<Instance> items(p.size());
    for (size_t i = 0; i < p.size(); ++i) items[i] = p[i];
    std::stable_sort(items.begin(), items.end(), startsBefore);
    for (size_t i = 0; i < p.size(); ++i) p[i] = items[i];
}

// The parts' instances in start order and their counts summed. The parts are few (the
// CPUs and the merge): the next instance is the least of their heads.
void mergeParts(std::vector<InstanceList>& parts, Latencies& out) {
    size_t total = 0;
    for (InstanceList& p : parts) {
        total += p.size();
        out.lost += p.lost;
        out.unmatched += p.unmatched;
        out.unfinished += p.unfinished;
        out.running += p.running;
        sortPart(p);
    }
    // Reserved, not resized: pages are touched as the parts' blocks are freed.
    out.start.reserve(total);
    out.latency.reserve(total);
    out.pid.reserve(total);
    out.key.reserve(total);
    out.startCpu.reserve(total);
    out.endCpu.reserve(total);
    std::vector<size_t> at(parts.size(), 0);
    for (size_t n = 0; n < total; ++n) {
        size_t best = parts.size();
        for (size_t k = 0; k < parts.size(); ++k) {
            if (at[k] == parts[k].size()) continue;
            if (best == parts.size() || startsBefore(parts[k][at[k]], parts[best][at[best]]))
                best = k;
        }
        const Instance& i = parts[best][at[best]++];
        out.start.push_back(i.start);
        out.latency.push_back(i.latency);
        out.pid.push_back(i.pid);
        out.key.push_back(i.key);
        out.startCpu.push_back(i.startCpu);
        out.endCpu.push_back(i.endCpu);
        if ((at[best] & 0xffff) == 0) parts[best].releaseBefore(at[best]);
    }
}

void pairMarks(std::vector<CpuMarks>& cpus, LatencyKind kind, bool byValueOnly, Latencies& out) {
    std::vector<InstanceList> parts;
    switch (kind) {
        case LatencyKind::Wakeup: {
            WakeupPairing p(parts.emplace_back(), cpus.size());
            pairAll(cpus, p);
            break;
        }
        case LatencyKind::Irq:
            pairPerCpu(cpus, false, true, parts);
            break;
        case LatencyKind::Softirq:
            pairPerCpu(cpus, false, false, parts);
            break;
        case LatencyKind::SoftirqRaise:
            pairPerCpu(cpus, true, false, parts);
            break;
        default: {
            TaskPairing p(parts.emplace_back(), taskRule(kind), byValueOnly);
            pairAll(cpus, p);
            for (CpuMarks& c : cpus) parts.push_back(std::move(c.paired));
            break;
        }
    }
    mergeParts(parts, out);
}

// The calls with an exit, in start order: each task's calls are in start order already,
// so the lanes are merged (a heap of one cursor per lane) rather than sorted.
class CallMerge {
public:
    explicit CallMerge(const CallTrees& t) : m_t(t) {
        for (size_t l = 0; l < t.lanes.size(); ++l) {
            Cursor c{0, 0, l, t.lanes[l].first, t.lanes[l].first + t.lanes[l].count};
            if (settle(c)) m_heap.push_back(c);
        }
        std::make_heap(m_heap.begin(), m_heap.end(), later);
    }

    void into(Latencies& out) {
        while (!m_heap.empty()) {
            Cursor& top = m_heap.front();
            const CallSpan& s = m_t.spans[top.at];
            out.add(s.start, s.end(), m_t.lanes[top.lane].pid, s.function, s.cpu, s.cpu);
            ++top.at;
            if (settle(top)) {
                siftDown();
            } else {
                std::pop_heap(m_heap.begin(), m_heap.end(), later);
                m_heap.pop_back();
            }
        }
    }

private:
    // The lane's next call with an exit; its start and CPU kept here, so that the heap's
    // comparisons stay in the heap.
    struct Cursor {
        uint64_t start;
        uint32_t cpu;
        size_t lane;
        uint64_t at, end;
    };

    // The heap's order: the earliest start on top, then the lower CPU, then the lane
    // that comes first (as a stable sort of the lanes one after the other would have it).
    static bool later(const Cursor& a, const Cursor& b) {
        if (a.start != b.start) return a.start > b.start;
        if (a.cpu != b.cpu) return a.cpu > b.cpu;
        return a.lane > b.lane;
    }

    bool settle(Cursor& c) const {
        while (c.at < c.end && (m_t.spans[c.at].flags & CallSpan::kNoExit)) ++c.at;
        if (c.at == c.end) return false;
        c.start = m_t.spans[c.at].start;
        c.cpu = m_t.spans[c.at].cpu;
        return true;
    }

    // The top moved on to a later call: down to its place.
    void siftDown() {
        const size_t n = m_heap.size();
        size_t i = 0;
        for (;;) {
            size_t first = i, left = 2 * i + 1, right = left + 1;
            if (left < n && later(m_heap[first], m_heap[left])) first = left;
            if (right < n && later(m_heap[first], m_heap[right])) first = right;
            if (first == i) return;
            std::swap(m_heap[i], m_heap[first]);
            i = first;
        }
    }

    const CallTrees& m_t;
    std::vector<Cursor> m_heap;
};

Result<Latencies> functionLatencies(const TraceModel& model, const EventFormats& formats,
                                    Progress* progress, unsigned threads) {
    if (!hasCallRecords(formats)) {
        return Status::error("the trace has no function_graph records (funcgraph_entry/exit)");
    }
    auto trees = buildCallTrees(model, formats, progress, threads);
    if (!trees) return trees.status();
    Latencies out = callLatencies(trees.value());
    nameCallLatencies(trees.value(), formats, out);
    return out;
}

bool nothingPaired(const Latencies& l) {
    return l.size() == 0 && l.unmatched == 0 && l.unfinished == 0 && l.lost == 0;
}

}  // namespace

Latencies callLatencies(const CallTrees& trees) {
    Latencies out;
    out.kind = LatencyKind::Function;
    for (const CallSpan& s : trees.spans) out.unfinished += (s.flags & CallSpan::kNoExit) != 0;
    out.reserve(trees.spans.size() - out.unfinished);
    CallMerge(trees).into(out);
    return out;
}

void nameCallLatencies(const CallTrees& trees, const EventFormats& formats, Latencies& out) {
    std::vector<bool> used(trees.functions.size(), false);
    for (uint32_t function : out.key) used[function] = true;
    for (uint32_t f = 0; f < used.size(); ++f) {
        if (used[f] && !out.keyNames.count(f)) out.keyNames[f] = trees.functionName(f, formats);
    }
}

void Latencies::reserve(size_t n) {
    start.reserve(n);
    latency.reserve(n);
    pid.reserve(n);
    key.reserve(n);
    startCpu.reserve(n);
    endCpu.reserve(n);
}

void Latencies::add(uint64_t startTs, uint64_t endTs, int32_t task, uint32_t k, uint16_t cpu0,
                    uint16_t cpu1) {
    start.push_back(startTs);
    latency.push_back(endTs >= startTs ? endTs - startTs : 0);
    pid.push_back(task);
    key.push_back(k);
    startCpu.push_back(cpu0);
    endCpu.push_back(cpu1);
}

std::string Latencies::keyName(uint32_t k) const {
    auto it = keyNames.find(k);
    return it == keyNames.end() ? std::to_string(k) : it->second;
}

void Latencies::sortByStart() {
    std::vector<uint32_t> order(size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
        return start[a] != start[b] ? start[a] < start[b] : startCpu[a] < startCpu[b];
    });
    permute(start, order);
    permute(latency, order);
    permute(pid, order);
    permute(key, order);
    permute(startCpu, order);
    permute(endCpu, order);
}

Result<Latencies> analyzeLatency(const TraceModel& model, const EventFormats& formats,
                                 const LatencyRequest& request, Progress* progress,
                                 unsigned threads) {
    if (request.kind == LatencyKind::Function) {
        return functionLatencies(model, formats, progress, threads);
    }
    auto marks = collectMarks(model, formats, request, progress, threads);
    if (!marks) return marks.status();
    Latencies out;
    out.kind = request.kind;
    out.keyNames = std::move(marks.value().keyNames);
    out.note = std::move(marks.value().note);
    pairMarks(marks.value().cpus, request.kind, marks.value().byValueOnly, out);
    if (request.kind == LatencyKind::Syscall && !request.perSyscallEvents && nothingPaired(out)) {
        // The raw_syscalls formats without their records: the per-syscall events, if any.
        LatencyRequest perSyscall = request;
        perSyscall.perSyscallEvents = true;
        auto named = analyzeLatency(model, formats, perSyscall, progress, threads);
        if (named.ok() && !nothingPaired(*named)) return named;
    }
    return out;
}

LatencyPercentiles percentiles(std::vector<uint64_t>& values) {
    LatencyPercentiles p;
    p.count = values.size();
    if (values.empty()) return p;
    const size_t n = values.size();
    // The ranks in increasing order: each selection only looks at what is left above the
    // previous one.
    auto rank = [n](uint64_t perMille) {
        const uint64_t r = (perMille * n + 999) / 1000;  // ceil(perMille/1000 * n)
        return static_cast<size_t>(std::max<uint64_t>(r, 1) - 1);
    };
    const size_t ranks[] = {rank(500), rank(900), rank(990), rank(999)};
    uint64_t* slots[] = {&p.p50, &p.p90, &p.p99, &p.p999};
    auto from = values.begin();
    for (size_t i = 0; i < 4; ++i) {
        auto nth = values.begin() + static_cast<std::ptrdiff_t>(ranks[i]);
        std::nth_element(from, nth, values.end());
        *slots[i] = *nth;
        from = nth;
    }
    auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    p.min = *lo;
    p.max = *hi;
    p.total = std::accumulate(values.begin(), values.end(), uint64_t{0});
    return p;
}

void LatencyHistogram::add(uint64_t ns) {
    const size_t bucket = ns > 1 ? static_cast<size_t>(std::bit_width(ns)) - 1 : 0;
    if (counts.size() <= bucket) counts.resize(bucket + 1, 0);
    ++counts[bucket];
}

LatencyHistogram logHistogram(const std::vector<uint64_t>& values) {
    LatencyHistogram h;
    for (uint64_t v : values) h.add(v);
    return h;
}

const char* latencyKindName(LatencyKind kind) {
    switch (kind) {
        case LatencyKind::Wakeup:
            return "wakeup";
        case LatencyKind::Irq:
            return "irq";
        case LatencyKind::SoftirqRaise:
            return "softirq raise";
        case LatencyKind::Softirq:
            return "softirq";
        case LatencyKind::Syscall:
            return "syscall";
        case LatencyKind::Function:
            return "function";
        case LatencyKind::Kprobe:
            return "kprobe";
        case LatencyKind::Marker:
            return "marker";
        case LatencyKind::Pair:
            return "pair";
    }
    return "?";
}

}  // namespace kestrel
