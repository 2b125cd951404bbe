#pragma once
// The text of one event in the table's columns, shared by the table and the search
// (so a search matches exactly what the table shows). Qt-free; uses one EventFormats,
// so one instance per thread.
#include <cstdint>
#include <memory>
#include <string>

#include "base/trace_meta.h"
#include "formats/event_formats.h"
#include "text/funcgraph_printer.h"
#include "text/report_printer.h"

struct trace_seq;

namespace kestrel {

// Buffer: the tracefs instance that recorded the event ("top" for the top-level buffer);
// the table shows it only when events come from several buffers.
enum class Column : int { Index = 0, Buffer, Cpu, Time, Task, Pid, Flags, Event, Info, Count };

const char* columnName(Column column);

// The records around an event that a function_graph row needs to read as trace-cmd report
// draws it; nullptr where the caller does not know them.
struct Neighbours {
    // The record after the event, when it is also the next one in time order and on the
    // same CPU (EventCursor::peekNextIfSameCpu): a leaf call's entry takes its exit's
    // duration onto one line.
    const EventRef* next = nullptr;
    // The record just before the event in time order, over every CPU
    // (RowCursor::previous): an exit right after its own entry is the end of a leaf line.
    const EventRef* previous = nullptr;
};

// What a function_graph record's row shows.
enum class GraphRow : uint8_t {
    kNone,      // not a function_graph record (or no usable funcgraph formats)
    kEntry,     // "func() {"
    kLeaf,      // the entry of a leaf: "dur | func();", as the report's one line
    kExit,      // "dur | }"
    kLeafExit,  // the exit of a leaf the entry's row printed: "dur | } /* func */"
};

class ColumnText {
public:
    ColumnText(EventFormats& formats, const TraceMeta& meta);
    ~ColumnText();
    // Appends the text of `column` for `event`; Column::Index shows `number`, the event's
    // row in the unfiltered stream (RowCursor::eventNumber). Column::Info of a
    // function_graph record depends on `around` (see GraphRow).
    void append(Column column, const EventRef& event, uint64_t number, std::string& out,
                const Neighbours& around = {});
    // True for a funcgraph_entry: only its row depends on Neighbours::next.
    bool needsNext(const EventRef& event) const;
    // The kind of function_graph row `event` makes with these neighbours.
    GraphRow graphRow(const EventRef& event, const Neighbours& around = {}) const;
    // Timestamps as trace-cmd report prints them: seconds.microseconds for the clocks
    // it prints in microseconds, raw counts otherwise.
    static void appendTime(uint64_t ts, bool usecs, std::string& out);
    // A buffer's name as the window shows it: "top" for the top-level (unnamed) one.
    static std::string bufferName(const TraceMeta& meta, uint32_t buffer);
    // trace-cmd's latency format ("d.h2."): irqs-off, need-resched, hardirq/softirq,
    // preempt depth (libtraceevent's data_latency_format, TEP_PRINT_LATENCY).
    void appendFlags(const EventRef& event, std::string& out);
    EventFormats& formats() const { return m_formats; }

private:
    // Appends the Info text of a function_graph record; false for other events.
    bool appendGraphInfo(const EventRef& event, const Neighbours& around, std::string& out) const;
    struct SeqDeleter {
        void operator()(trace_seq* s) const;
    };
    EventFormats& m_formats;
    const TraceMeta& m_meta;
    // function_graph records as trace-cmd report draws them (durations with their marks,
    // the call nesting, a leaf call on one line), each record on its own row: the exit of
    // a leaf keeps a row of its own that names the call it closes.
    FuncgraphPrinter m_funcgraph;
    bool m_usecs = true;
    std::unique_ptr<trace_seq, SeqDeleter> m_seq;
};

}  // namespace kestrel
