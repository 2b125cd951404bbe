#include "analysis/stack_samples.h"

#include <algorithm>
#include <map>

#include "analysis/cpu_pass.h"
#include "base/byte_order.h"
#include "base/parallel.h"

namespace kestrel {
namespace {

// ftrace's stack entry (kernel/trace/trace_entries.h FTRACE_ENTRY(kernel_stack, ...)):
// `size`, the number of frames, then `caller`, that many addresses of the trace's long
// size. Older kernels wrote a fixed array ended by ULONG_MAX (or 0) instead.
struct StackFields {
    StackFields(const EventFormats& f, const char* name) {
        const EventType* t = f.find("ftrace", name);
        if (!t) return;
        id = t->id;
        size = f.field(id, "size");
        caller = f.field(id, "caller");
    }
    bool usable() const { return id >= 0 && caller.valid(); }
    int id = -1;
    FieldRef size, caller;
};

using Stack = std::vector<uint64_t>;  // innermost first, as recorded

struct CpuSamples {
    std::map<Stack, uint64_t> counts;
    uint64_t bad = 0;
};

class StackReader {
public:
    StackReader(const TraceModel& model, const EventFormats& formats, const CallFilter& filter,
                size_t cpu, CpuSamples& out)
        : m_model(model),
          m_formats(formats),
          m_filter(filter),
          m_out(out),
          m_kernel(formats, "kernel_stack"),
          m_user(formats, "user_stack"),
          m_cpuSelected(filter.cpus.empty() || (cpu < filter.cpus.size() && filter.cpus[cpu])),
          m_long(model.meta().longSize == 4 ? 4 : 8),
          m_big(model.meta().bigEndian) {}

    void event(const RawEvent& raw) {
        if (!m_cpuSelected) return;
        CommonFields c;
        if (!m_formats.common(raw, c)) return;
        const StackFields* f = c.type == m_kernel.id ? &m_kernel
                               : c.type == m_user.id ? &m_user
                                                     : nullptr;
        if (!f || !f->usable() || !selected(raw, c.pid)) return;
        Stack stack;
        if (!read(*f, raw, stack)) {
            ++m_out.bad;
            return;
        }
        ++m_out.counts[stack];
    }

private:
    bool selected(const RawEvent& raw, int32_t pid) const {
        uint64_t t = m_model.toTraceTime(raw.ts);
        if (t < m_filter.from || (m_filter.to != kUnknownTime && t > m_filter.to)) return false;
        return m_filter.pids.empty() ||
               std::find(m_filter.pids.begin(), m_filter.pids.end(), pid) != m_filter.pids.end();
    }

    bool read(const StackFields& f, const RawEvent& raw, Stack& stack) const {
        const uint32_t at = f.caller.offset;
        if (at > raw.size) return false;
        uint64_t room = (raw.size - at) / m_long;
        uint64_t n = room;
        if (f.size.valid()) {
            n = m_formats.readUnsigned(f.size, raw);
            if (n > room) return false;
        }
        const uint64_t end = m_long == 8 ? ~0ULL : 0xffffffffULL;
        for (uint64_t i = 0; i < n; ++i) {
            uint64_t a = loadUnsigned(raw.data + at + i * m_long, m_long, m_big);
            if (a == end || a == 0) break;
            stack.push_back(a);
        }
        return true;
    }

    const TraceModel& m_model;
    const EventFormats& m_formats;
    const CallFilter& m_filter;
    CpuSamples& m_out;
    StackFields m_kernel, m_user;
    bool m_cpuSelected;
    unsigned m_long;
    bool m_big;
};

}  // namespace

bool hasStackRecords(const EventFormats& formats) {
    return StackFields(formats, "kernel_stack").usable() ||
           StackFields(formats, "user_stack").usable();
}

Result<StackSamples> foldStackSamples(const TraceModel& model, const EventFormats& formats,
                                      const CallFilter& filter, Progress* progress,
                                      unsigned threads) {
    if (!hasStackRecords(formats)) {
        return Status::error(model.source().path() +
                             ": no stack records (kernel_stack or user_stack: the stacktrace "
                             "or func_stack_trace option)");
    }
    const size_t cpus = model.cpuCount();
    if (progress) progress->total = model.frames().size();
    std::vector<CpuSamples> parts(cpus);
    Status st = parallelFor(cpus, workerCount(threads, cpus), [&](size_t cpu, unsigned) {
        StackReader reader(model, formats, filter, cpu, parts[cpu]);
        return walkCpuEvents(model, cpu, progress, "stack samples",
                             [&](const RawEvent& ev) { reader.event(ev); });
    });
    if (!st.ok()) return st;
    std::map<Stack, uint64_t> all;
    StackSamples out;
    for (CpuSamples& p : parts) {
        for (auto& [stack, n] : p.counts) all[stack] += n;
        out.badRecords += p.bad;
    }
    for (const auto& [stack, n] : all) {
        FoldedLine line;
        for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
            if (!line.stack.empty()) line.stack += ';';
            formats.appendSymbol(*it, line.stack);
        }
        line.value = n;
        out.samples += n;
        out.lines.push_back(std::move(line));
    }
    std::sort(out.lines.begin(), out.lines.end(),
              [](const FoldedLine& a, const FoldedLine& b) { return a.stack < b.stack; });
    // Equal names from different addresses (two user frames, an address in hex) make
    // equal lines: one line each, summed.
    std::vector<FoldedLine> merged;
    for (FoldedLine& l : out.lines) {
        if (!merged.empty() && merged.back().stack == l.stack) {
            merged.back().value += l.value;
        } else {
            merged.push_back(std::move(l));
        }
    }
    out.lines = std::move(merged);
    return out;
}

}  // namespace kestrel
