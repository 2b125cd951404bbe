#pragma once
// Prints events as `trace-cmd report` does, line for line:
//   [buffer: ]comm-pid [cpu] seconds: event: info
// including trace-cmd's function_graph rendering (a leaf's entry and exit merged into
// `dur | func();` when the exit is the very next record of that CPU), kernel_stack /
// user_stack `=> symbol (address)` lines, and the "lost events" lines.
#include <cstdint>
#include <string>
#include <vector>

#include "base/trace_meta.h"
#include "decode/event_ref.h"
#include "formats/event_formats.h"
#include "ring/page_decoder.h"
#include "text/funcgraph_printer.h"

namespace kestrel {

class ReportPrinter {
public:
    ReportPrinter(EventFormats& formats, const TraceMeta& meta);
    // Appends the line(s) for `event` to `out`. `next` is the record trace-cmd reads
    // after `event` from the same buffer: the earliest pending event over all CPUs of
    // that buffer (tracecmd_peek_next_data; ties go to the lower CPU), which almost
    // always is the next event of the same CPU; or nullptr. Returns true when the line
    // also covered `next` (the caller must then skip it): trace-cmd's function_graph
    // leaf merge. Call in trace-cmd's order: printing is stateful like trace-cmd's
    // (comms learnt from sched events, the function plugin's indent).
    bool print(const EventRef& event, const EventRef* next, std::string& out);
    // The header trace-cmd prints first ("cpus=2").
    std::string header() const;

private:
    struct TypeView {
        std::string name;  // " name: " padded as print_event_name pads it
        uint8_t kind = 0;
    };
    void appendHead(const EventRef& event, int cpu, int32_t pid, std::string& out) const;

    EventFormats& m_formats;
    const TraceMeta& m_meta;
    FuncgraphPrinter m_funcgraph;
    std::vector<TypeView> m_types;      // by event id
    std::vector<std::string> m_prefix;  // by buffer: "sched: " when instances exist
    bool m_usecs = true;                // seconds.micros; raw nanoseconds otherwise
};

}  // namespace kestrel
