#pragma once
// Prints events as `trace-cmd report` does, line for line:
//   [buffer: ]comm-pid [cpu] seconds: event: info
// including trace-cmd's function_graph rendering (a leaf's entry and exit merged into
// `dur | func();` when the exit is the very next record of that CPU), kernel_stack /
// user_stack `=> symbol (address)` lines, and the "lost events" lines.
#include <cstdint>
#include <string>

#include "event_formats.h"
#include "page_decoder.h"
#include "trace_meta.h"

namespace kestrel {

// One event as the cursor hands it out.
struct EventRef {
    RawEvent raw;
    uint32_t cpu = 0;             // global CPU index (TraceMeta::cpus)
    uint64_t ts = 0;              // raw.ts + TraceMeta::tsOffset
    uint64_t missedBefore = 0;    // events lost just before this one (page flag), or
    bool missedUnknown = false;   //   an unknown number of them
};

class ReportPrinter {
public:
    ReportPrinter(EventFormats& formats, const TraceMeta& meta);
    // Appends the line(s) for `event` to `out`. `next` is the next event of the same
    // CPU, or nullptr. Returns true when the line also covered `next` (the caller
    // must then skip it): trace-cmd's function_graph leaf merge.
    bool print(const EventRef& event, const EventRef* next, std::string& out);
    // The header trace-cmd prints first ("cpus=2").
    std::string header() const;

private:
    EventFormats& m_formats;
    const TraceMeta& m_meta;
};

}  // namespace kestrel
