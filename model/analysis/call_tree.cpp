#include "analysis/call_tree.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "analysis/cpu_pass.h"
#include "base/parallel.h"
#include "formats/funcgraph_fields.h"

namespace kestrel {
namespace {

// The kernel's graph depth stays far below this (its return stack holds a few dozen
// calls); a record claiming more is damaged and left out.
constexpr uint64_t kMaxDepth = 255;
// Records written this soon after their calltime or rettime share its clock.
constexpr int64_t kSameClock = 10'000'000;

uint64_t onTraceClock(uint64_t calltime, int64_t offset) {
    int64_t t = static_cast<int64_t>(calltime) + offset;
    return t > 0 ? static_cast<uint64_t>(t) : 0;
}

struct OpenCall {
    uint64_t ts = 0;   // entry record, trace time
    uint64_t raw = 0;  // the same, raw
    uint64_t func = 0;
    uint8_t depth = 0;
};

// A record one CPU could not pair; settled per task once every CPU is done.
struct Loose {
    uint64_t ts = 0;
    uint64_t func = 0;
    int32_t pid = 0;
    uint16_t cpu = 0;
    uint8_t depth = 0;
    bool exit = false;
    uint64_t span = 0;  // for an exit: index into its CPU's spans of `pid`
};

struct CpuCalls {
    std::unordered_map<int32_t, std::vector<CallSpan>> spans;  // by pid
    std::vector<Loose> loose;
    std::vector<uint64_t> functions;  // local id -> address
    uint64_t records = 0;
    uint64_t badRecords = 0;
    int64_t callTimeOffset = 0;  // calltime + this = trace time
};

class CpuPairing {
public:
    CpuPairing(const TraceModel& model, const EventFormats& formats, const FuncgraphFields& f,
               uint16_t cpu, CpuCalls& out)
        : m_model(model), m_formats(formats), m_f(f), m_cpu(cpu), m_out(out) {}

    void event(const RawEvent& raw) {
        CommonFields c;
        if (!m_formats.common(raw, c)) return;
        if (c.type == m_f.entryId) {
            entry(raw, c.pid);
        } else if (c.type == m_f.exitId) {
            exit(raw, c.pid);
        }
    }

    void finish() {
        for (auto& [pid, stack] : m_stacks) {
            for (const OpenCall& o : stack) loosen(pid, o);
        }
        placeOnTraceClock();
    }

private:
    void entry(const RawEvent& raw, int32_t pid) {
        ++m_out.records;
        uint64_t depth = m_formats.readUnsigned(m_f.entryDepth, raw);
        if (depth > kMaxDepth) {
            ++m_out.badRecords;
            return;
        }
        std::vector<OpenCall>& stack = stackOf(pid);
        // A call at this depth or deeper still open: its exit is on another CPU or lost.
        while (!stack.empty() && stack.back().depth >= depth) {
            loosen(pid, stack.back());
            stack.pop_back();
        }
        stack.push_back({m_model.toTraceTime(raw.ts), raw.ts,
                         m_formats.readUnsigned(m_f.entryFunc, raw), static_cast<uint8_t>(depth)});
    }

    void exit(const RawEvent& raw, int32_t pid) {
        ++m_out.records;
        uint64_t depth = m_formats.readUnsigned(m_f.exitDepth, raw);
        uint64_t call = m_formats.readUnsigned(m_f.callTime, raw);
        uint64_t ret = m_formats.readUnsigned(m_f.retTime, raw);
        if (depth > kMaxDepth || ret < call) {
            ++m_out.badRecords;
            return;
        }
        uint64_t func = m_formats.readUnsigned(m_f.exitFunc, raw);
        uint64_t ts = m_model.toTraceTime(raw.ts);
        CallSpan span;
        span.duration = ret - call;
        span.start = call;  // on calltime's clock until finish()
        noteGap(raw.ts, ret);
        span.function = intern(func);
        span.cpu = m_cpu;
        span.depth = static_cast<uint8_t>(depth);
        if (m_f.overrun.valid() && m_formats.readUnsigned(m_f.overrun, raw) != 0) {
            span.flags |= CallSpan::kOverrun;
        }
        std::vector<OpenCall>& stack = stackOf(pid);
        while (!stack.empty() && (stack.back().depth > depth ||
                                  (stack.back().depth == depth && stack.back().func != func))) {
            loosen(pid, stack.back());
            stack.pop_back();
        }
        std::vector<CallSpan>& spans = spansOf(pid);
        if (!stack.empty() && stack.back().depth == depth) {
            noteGap(stack.back().raw, call);
            spans.push_back(span);
            stack.pop_back();
            return;
        }
        m_out.loose.push_back(
            {ts, func, pid, m_cpu, static_cast<uint8_t>(depth), true, spans.size()});
        spans.push_back(span);
    }

    // A record is written some time after the calltime or rettime it follows: the least
    // such gap on this CPU is the offset between the two clocks (plus the shortest delay).
    void noteGap(uint64_t recordRaw, uint64_t fieldTime) {
        m_minGap = std::min(m_minGap, static_cast<int64_t>(recordRaw - fieldTime));
    }

    // With the local trace clock (the default) calltime is a time like the records' own.
    // On another clock, the one offset the gaps show moves every call: each call's own
    // exit record would not do, as the delay before it is written differs from call to
    // call and a callee could seem to begin before its caller. The least gap keeps every
    // call's start at or before its entry record.
    void placeOnTraceClock() {
        bool sameClock = m_minGap == INT64_MAX || (m_minGap >= 0 && m_minGap < kSameClock);
        int64_t offset = sameClock ? 0 : m_minGap;
        m_out.callTimeOffset = offset + static_cast<int64_t>(m_model.toTraceTime(0));
        for (auto& [pid, spans] : m_out.spans) {
            for (CallSpan& s : spans) s.start = onTraceClock(s.start, m_out.callTimeOffset);
        }
    }

    void loosen(int32_t pid, const OpenCall& o) {
        m_out.loose.push_back({o.ts, o.func, pid, m_cpu, o.depth, false, 0});
    }

    std::vector<OpenCall>& stackOf(int32_t pid) {
        if (!m_lastStack || pid != m_lastPid) {  // tasks run in bursts: a hash per burst
            m_lastPid = pid;
            m_lastStack = &m_stacks[pid];
        }
        return *m_lastStack;
    }

    std::vector<CallSpan>& spansOf(int32_t pid) {
        if (!m_lastSpans || pid != m_spansPid) {  // as stackOf: a hash per burst
            m_spansPid = pid;
            m_lastSpans = &m_out.spans[pid];
        }
        return *m_lastSpans;
    }

    uint32_t intern(uint64_t func) {
        auto [it, added] = m_ids.try_emplace(func, static_cast<uint32_t>(m_out.functions.size()));
        if (added) m_out.functions.push_back(func);
        return it->second;
    }

    const TraceModel& m_model;
    const EventFormats& m_formats;
    const FuncgraphFields& m_f;
    uint16_t m_cpu;
    CpuCalls& m_out;
    std::unordered_map<int32_t, std::vector<OpenCall>> m_stacks;
    std::unordered_map<uint64_t, uint32_t> m_ids;
    int32_t m_lastPid = 0;
    std::vector<OpenCall>* m_lastStack = nullptr;
    int32_t m_spansPid = 0;
    std::vector<CallSpan>* m_lastSpans = nullptr;  // unordered_map values never move
    int64_t m_minGap = INT64_MAX;
};

Status pairCpu(const TraceModel& model, const EventFormats& formats, const FuncgraphFields& f,
               uint16_t cpu, CpuCalls& out, Progress* progress) {
    CpuPairing pairing(model, formats, f, cpu, out);  // calls across a bad frame come out cut
    Status st = walkCpuEvents(model, cpu, progress, "call trees",
                              [&](const RawEvent& ev) { pairing.event(ev); });
    if (st.ok()) pairing.finish();
    return st;
}

using LaneKey = std::pair<int32_t, int32_t>;  // pid, idle CPU (-1 unless pid 0)

LaneKey laneKey(int32_t pid, uint16_t cpu) {
    return {pid, pid == 0 ? static_cast<int32_t>(cpu) : -1};
}

class FunctionTable {
public:
    uint32_t intern(uint64_t address) {
        auto [it, added] = m_ids.try_emplace(address, static_cast<uint32_t>(m_addresses.size()));
        if (added) m_addresses.push_back(address);
        return it->second;
    }
    std::vector<uint64_t> take() { return std::move(m_addresses); }

private:
    std::unordered_map<uint64_t, uint32_t> m_ids;
    std::vector<uint64_t> m_addresses;
};

// What no single CPU could pair, per task in time order: an entry and an exit on two CPUs
// (the task moved inside the call) are one call; an entry never closed is a call without
// its exit, ending where a later record of the task shows it had returned (or at the end
// of the trace); an exit never opened keeps its exact time and is marked.
class LooseSettler {
public:
    LooseSettler(std::vector<CpuCalls>& cpus, uint64_t traceEnd, FunctionTable& functions,
                 std::vector<CallSpan>& unexited)
        : m_cpus(cpus), m_end(traceEnd), m_functions(functions), m_unexited(unexited) {}

    // `records`: one lane's loose records.
    void settle(std::vector<Loose>& records) {
        std::stable_sort(records.begin(), records.end(), [](const Loose& a, const Loose& b) {
            if (a.ts != b.ts) return a.ts < b.ts;
            return a.exit && !b.exit;
        });
        for (const Loose& r : records) r.exit ? exit(r) : entry(r);
        while (!m_stack.empty()) close(m_end);
    }

private:
    void entry(const Loose& r) {
        while (!m_stack.empty() && m_stack.back().depth >= r.depth) close(r.ts);
        m_stack.push_back(r);
    }

    void exit(const Loose& r) {
        while (!m_stack.empty() && m_stack.back().depth > r.depth) close(r.ts);
        CallSpan& span = m_cpus[r.cpu].spans[r.pid][r.span];
        if (!m_stack.empty() && m_stack.back().depth == r.depth && m_stack.back().func == r.func) {
            m_stack.pop_back();
            return;
        }
        span.flags |= CallSpan::kNoEntry;
    }

    void close(uint64_t until) {
        const Loose& o = m_stack.back();
        CallSpan span;
        span.start = o.ts;
        span.duration = until > o.ts ? until - o.ts : 0;
        span.function = m_functions.intern(o.func);
        span.cpu = o.cpu;
        span.depth = o.depth;
        span.flags = CallSpan::kNoExit;
        m_unexited.push_back(span);
        m_stack.pop_back();
    }

    std::vector<CpuCalls>& m_cpus;
    uint64_t m_end;
    FunctionTable& m_functions;
    std::vector<CallSpan>& m_unexited;
    std::vector<Loose> m_stack;
};

// Each CPU's function ids made global.
void unifyFunctions(std::vector<CpuCalls>& cpus, FunctionTable& table) {
    for (CpuCalls& c : cpus) {
        std::vector<uint32_t> global(c.functions.size());
        for (size_t i = 0; i < c.functions.size(); ++i) global[i] = table.intern(c.functions[i]);
        for (auto& [pid, spans] : c.spans) {
            for (CallSpan& span : spans) span.function = global[span.function];
        }
    }
}

// Loose records grouped by lane, settled; returns the unexited spans by lane.
std::map<LaneKey, std::vector<CallSpan>> settleLoose(std::vector<CpuCalls>& cpus, uint64_t traceEnd,
                                                     FunctionTable& table) {
    std::map<LaneKey, std::vector<Loose>> byLane;
    for (const CpuCalls& c : cpus) {
        for (const Loose& r : c.loose) byLane[laneKey(r.pid, r.cpu)].push_back(r);
    }
    std::map<LaneKey, std::vector<CallSpan>> unexited;
    for (auto& [key, records] : byLane) {
        LooseSettler settler(cpus, traceEnd, table, unexited[key]);
        settler.settle(records);
    }
    return unexited;
}

// The tree level of each call, from the times first: a call is under the latest call
// that began before it and had not returned yet. The kernel's depth alone is not enough:
// it counts calls the trace holds nothing of (set_graph_notrace, an interrupt's entry
// code), and an interrupt's calls can claim the depth of the call they interrupted. It
// decides only between calls that begin together.
class TreeLevels {
public:
    uint8_t place(const CallSpan& s) {
        while (!m_open.empty() &&
               (m_open.back().end <= s.start ||
                (m_open.back().depth >= s.depth && m_open.back().end < s.end()))) {
            m_open.pop_back();
        }
        uint8_t level =
            m_open.empty() ? 0 : static_cast<uint8_t>(std::min(m_open.back().level + 1, 255));
        m_open.push_back({s.end(), s.depth, level});
        return level;
    }

private:
    struct Open {
        uint64_t end;
        uint8_t depth;
        uint8_t level;
    };
    std::vector<Open> m_open;
};

// One lane's spans put in (entry time, depth) order, in place, with their tree levels.
void placeLane(std::vector<CallSpan>& spans) {
    // By start, then depth: a call before its callees.
    std::stable_sort(spans.begin(), spans.end(), [](const CallSpan& a, const CallSpan& b) {
        if (a.start != b.start) return a.start < b.start;
        return a.depth < b.depth;
    });
    TreeLevels levels;
    for (CallSpan& span : spans) span.depth = levels.place(span);
}

// Every lane's spans in one array, each lane in (entry time, depth) order. The lanes are
// sorted in parallel (on 20 M records the sort was most of the single-threaded time), then
// appended one by one, each freed once copied: the peak stays one array of spans plus
// the lanes not yet copied.
void assemble(std::vector<CpuCalls>& cpus, std::map<LaneKey, std::vector<CallSpan>>& unexited,
              unsigned threads, CallTrees& out) {
    std::map<LaneKey, std::vector<CallSpan>> lanes = std::move(unexited);
    for (size_t cpu = 0; cpu < cpus.size(); ++cpu) {
        for (auto& [pid, spans] : cpus[cpu].spans) {
            std::vector<CallSpan>& lane = lanes[laneKey(pid, static_cast<uint16_t>(cpu))];
            if (lane.empty()) {  // most tasks' calls are all on one CPU: no copy
                lane = std::move(spans);
                continue;
            }
            lane.insert(lane.end(), spans.begin(), spans.end());
            std::vector<CallSpan>().swap(spans);
        }
    }
    std::vector<std::pair<LaneKey, std::vector<CallSpan>*>> parts;
    size_t total = 0;
    for (auto& [key, spans] : lanes) {
        if (spans.empty()) continue;
        parts.emplace_back(key, &spans);
        total += spans.size();
    }
    (void)parallelFor(parts.size(), workerCount(threads, parts.size()), [&](size_t i, unsigned) {
        placeLane(*parts[i].second);
        return Status{};
    });
    out.spans.reserve(total);
    for (auto& [key, spans] : parts) {
        out.lanes.push_back({key.first, key.second, out.spans.size(), spans->size()});
        for (const CallSpan& span : *spans) {
            if (span.cut()) ++out.cutSpans;
            if (span.flags & CallSpan::kOverrun) ++out.overruns;
        }
        out.spans.insert(out.spans.end(), spans->begin(), spans->end());
        std::vector<CallSpan>().swap(*spans);
    }
}

}  // namespace

// calltime is exact where the entry record is not (an interrupt can come between the two).
uint64_t CallTrees::callStart(uint32_t cpu, uint64_t calltime) const {
    return onTraceClock(calltime, cpu < callTimeOffsets.size() ? callTimeOffsets[cpu] : 0);
}

bool hasCallRecords(const EventFormats& formats) {
    return FuncgraphFields(formats).usable();
}

Result<CallTrees> buildCallTrees(const TraceModel& model, const EventFormats& formats,
                                 Progress* progress, unsigned threads) {
    const FuncgraphFields fields(formats);
    if (!fields.usable()) {
        return Status::error(model.source().path() +
                             ": no function_graph records (funcgraph_entry "
                             "and funcgraph_exit formats with func, depth, calltime, rettime)");
    }
    const size_t cpus = model.cpuCount();
    if (progress) progress->total = model.frames().size();
    std::vector<CpuCalls> calls(cpus);
    std::vector<size_t> order(cpus);  // biggest CPUs first: no long tail for the pool
    for (size_t i = 0; i < cpus; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        return model.cpu(x).frames.size() > model.cpu(y).frames.size();
    });
    Status st = parallelFor(cpus, workerCount(threads, cpus), [&](size_t k, unsigned) {
        size_t cpu = order[k];
        return pairCpu(model, formats, fields, static_cast<uint16_t>(cpu), calls[cpu], progress);
    });
    if (!st.ok()) return st;
    CallTrees out;
    for (const CpuCalls& c : calls) {
        out.records += c.records;
        out.badRecords += c.badRecords;
        out.callTimeOffsets.push_back(c.callTimeOffset);
    }
    FunctionTable table;
    unifyFunctions(calls, table);
    auto unexited = settleLoose(calls, model.endTime(), table);
    assemble(calls, unexited, threads, out);
    out.functions = table.take();
    return out;
}

uint64_t CallTrees::subtreeEnd(uint64_t span, const CallLane& lane) const {
    const uint64_t last = lane.first + lane.count;
    const uint8_t depth = spans[span].depth;
    uint64_t i = span + 1;
    while (i < last && spans[i].depth > depth) ++i;
    return i;
}

uint64_t CallTrees::selfTime(uint64_t span, const CallLane& lane) const {
    const CallSpan& s = spans[span];
    const uint64_t last = lane.first + lane.count;
    uint64_t children = 0;
    for (uint64_t i = span + 1; i < last && spans[i].depth > s.depth; ++i) {
        if (spans[i].depth == s.depth + 1) children += spans[i].duration;
    }
    return children < s.duration ? s.duration - children : 0;
}

const CallLane* CallTrees::lane(int32_t pid, int32_t idleCpu) const {
    auto it = std::lower_bound(lanes.begin(), lanes.end(), std::make_pair(pid, idleCpu),
                               [](const CallLane& l, const std::pair<int32_t, int32_t>& k) {
                                   return std::make_pair(l.pid, l.idleCpu) < k;
                               });
    if (it == lanes.end() || it->pid != pid || it->idleCpu != idleCpu) return nullptr;
    return &*it;
}

std::string CallTrees::functionName(uint32_t function, const EventFormats& formats) const {
    std::string name;
    formats.appendSymbol(functions[function], name);
    return name;
}

}  // namespace kestrel
