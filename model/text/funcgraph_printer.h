#pragma once
// trace-cmd's function_graph rendering (lib/trace-cmd/trace-ftrace.c, trace-cmd 3.1.6):
//   funcgraph_entry whose exit is the next record read:  "  1.463 us   |      func();"
//   other funcgraph_entry:                               "           |      func() {"
//   funcgraph_exit:                                      "+ 21.922 us  |    }"
// Fields are read by name from the formats, resolved once: funcgraph_exit's layout changed
// across kernels (6.18: func@8, depth@16, overrun@20, calltime@24, rettime@32; older
// kernels put overrun at 16 and depth at 40; with return values, retval comes first).
#include <cstdint>
#include <string>

#include "formats/event_formats.h"
#include "ring/page_decoder.h"

namespace kestrel {

class FuncgraphPrinter {
public:
    explicit FuncgraphPrinter(const EventFormats& formats);

    // False when the trace has no usable funcgraph formats: then libtraceevent prints them.
    bool enabled() const { return m_enabled; }
    int entryId() const { return m_entryId; }
    int exitId() const { return m_exitId; }

    // Appends the entry's text. `next` is the record trace-cmd reads after it; returns
    // true when it is the matching exit and was printed as part of this leaf line.
    bool printEntry(const RawEvent& entry, int32_t pid, const RawEvent* next,
                    std::string& out) const;
    void printExit(const RawEvent& exit, std::string& out) const;
    // True when `next`, read right after `entry` (a funcgraph_entry of task `pid`), is
    // that call's exit: trace-cmd then prints the two as one leaf line
    // (get_return_for_leaf).
    bool closesLeaf(const RawEvent& entry, int32_t pid, const RawEvent& next) const;
    // The exit of a leaf whose line the entry printed, for a view that keeps a row per
    // record: the duration, then "} /* func */" (the form trace-cmd's "tailprint" option
    // gives every exit), so the row names the call it closes.
    void printLeafExit(const RawEvent& exit, std::string& out) const;

private:
    void appendDuration(uint64_t duration, std::string& out) const;
    void appendIndent(uint64_t depth, std::string& out) const;
    void appendFunction(uint64_t address, const char* suffix, std::string& out) const;

    const EventFormats& m_formats;
    bool m_enabled = false;
    int m_entryId = -1;
    int m_exitId = -1;
    FieldRef m_entryFunc, m_entryDepth;
    FieldRef m_exitFunc, m_exitDepth, m_callTime, m_retTime;
};

}  // namespace kestrel
