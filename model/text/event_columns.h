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

class ColumnText {
public:
    ColumnText(EventFormats& formats, const TraceMeta& meta);
    ~ColumnText();
    // Appends the text of `column` for `event`; Column::Index shows `number`, the event's
    // row in the unfiltered stream (RowCursor::eventNumber).
    void append(Column column, const EventRef& event, uint64_t number, std::string& out);
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
    struct SeqDeleter {
        void operator()(trace_seq* s) const;
    };
    EventFormats& m_formats;
    const TraceMeta& m_meta;
    // function_graph records as trace-cmd report draws them (durations with their marks,
    // the call nesting), each record on its own row: the table does not merge a leaf
    // call's entry and exit into one line as the report does.
    FuncgraphPrinter m_funcgraph;
    bool m_usecs = true;
    std::unique_ptr<trace_seq, SeqDeleter> m_seq;
};

}  // namespace kestrel
