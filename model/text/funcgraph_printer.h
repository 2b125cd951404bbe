#pragma once
// trace-cmd's function_graph rendering (lib/trace-cmd/trace-ftrace.c, trace-cmd 3.1.6):
//   funcgraph_entry whose exit is the next record read:  "  1.463 us   |      func();"
//   other funcgraph_entry:                               "           |      func() {"
//   funcgraph_exit:                                      "+ 21.922 us  |    }"
// Fields are read by name (formats/funcgraph_fields.h).
#include <cstdint>
#include <string>

#include "formats/event_formats.h"
#include "formats/funcgraph_fields.h"
#include "ring/page_decoder.h"

namespace kestrel {

class FuncgraphPrinter {
public:
    explicit FuncgraphPrinter(const EventFormats& formats);

    // False when the trace has no usable funcgraph formats: then libtraceevent prints them.
    bool enabled() const { return m_enabled; }
    int entryId() const { return m_fields.entryId; }
    int exitId() const { return m_fields.exitId; }

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
    FuncgraphFields m_fields;
    bool m_enabled = false;
};

}  // namespace kestrel
