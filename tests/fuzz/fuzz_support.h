#pragma once
// Shared by the fuzz targets: hand the input to a reader as a file (the readers take
// paths) and run everything a user could make the model do with it: the cursor, the
// printers (report lines, table columns, details fields and stacks), the scan, the sched
// analysis and the event index with an advanced filter.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "analysis/call_tree.h"
#include "analysis/folded_stacks.h"
#include "analysis/function_stats.h"
#include "analysis/sched_timeline.h"
#include "analysis/stack_samples.h"
#include "analysis/trace_scan.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_fields.h"
#include "formats/formats_pool.h"
#include "query/event_index.h"
#include "text/event_columns.h"
#include "text/report_printer.h"

namespace kestrel::fuzz {

// An anonymous in-memory file holding `data`, reachable by path while it lives.
class MemFile {
public:
    MemFile(const uint8_t* data, size_t size) {
        m_fd = memfd_create("kestrel-fuzz", MFD_CLOEXEC);
        if (m_fd < 0) return;
        for (size_t done = 0; done < size;) {
            ssize_t n = write(m_fd, data + done, size - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
    }
    ~MemFile() {
        if (m_fd >= 0) close(m_fd);
    }
    std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }
    bool ok() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

// Keeps a value from being optimized away.
inline void keep(uint64_t v) {
    asm volatile("" : : "r"(v));
}

// Every event in time order, printed the ways the CLI and the window print it. Bounded,
// so that one input stays fast whatever it holds.
inline void printEvents(const TraceModel& model, EventFormats& formats) {
    constexpr uint64_t kMaxPrinted = 4096;
    ReportPrinter printer(formats, model.meta());
    ColumnText columns(formats, model.meta());
    EventCursor cursor(model);
    EventRef ev, next;
    std::string text;
    uint64_t n = 0, sum = 0;
    while (cursor.next(ev) && n++ < kMaxPrinted) {
        text.clear();
        bool peeked = cursor.peekNextIfSameCpu(next);
        if (printer.print(ev, peeked ? &next : nullptr, text)) cursor.skipSameCpu();
        for (int c = 0; c < static_cast<int>(Column::Count); ++c)
            columns.append(static_cast<Column>(c), ev, n, text);
        for (const FieldText& f : eventFields(formats, ev)) sum += f.value.size();
        for (const StackFrame& f : eventStack(formats, ev)) sum += f.address;
        sum += text.size();
    }
    keep(sum);
}

// The function_graph call trees, their folded paths and function table, and the stack
// samples: every depth, time and array size in them comes from the input.
inline void callsAndStacks(const TraceModel& model, const EventFormats& fields) {
    auto trees = buildCallTrees(model, fields, nullptr, 2);
    if (trees) {
        CallPathTree paths = aggregateCalls(*trees, CallFilter{});
        keep(paths.nodes.size() + foldedLines(paths, *trees, fields).size());
        keep(functionStats(*trees, CallFilter{}).size());
    }
    auto samples = foldStackSamples(model, fields, CallFilter{}, nullptr, 2);
    if (samples) keep(samples->samples);
}

inline void analyse(const TraceModel& model, const EventFormats& fields) {
    auto scan = scanTrace(model, &fields, nullptr, 2);
    if (scan) keep(scan->events);
    auto timeline = analyzeSched(model, fields, nullptr, 2);
    if (timeline) keep(timeline->events + timeline->wakeups.size());
    FormatsPool pool(model.meta(), EventFormats::Use::kFields);
    EventFilter filter;
    filter.advanced = ".*: common_pid > 1";
    auto index = EventIndex::build(model, pool, filter, nullptr, 2);
    if (index) keep((*index)->rows());
    callsAndStacks(model, fields);
}

// Opens the source as a model and runs every pass over it.
inline void walkAll(Result<std::unique_ptr<TraceSource>> source) {
    if (!source) return;
    ModelOptions options;
    options.cacheBytes = 8u << 20;
    auto model = TraceModel::fromSource(std::move(source.value()), options);
    if (!model) return;
    auto printing = EventFormats::create((*model)->meta());
    if (printing) printEvents(**model, **printing);
    auto fields = EventFormats::create((*model)->meta(), EventFormats::Use::kFields);
    if (fields) analyse(**model, **fields);
}

}  // namespace kestrel::fuzz
