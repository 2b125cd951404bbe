#pragma once
// A "print program": an event type's print fmt compiled once from libtraceevent's parse,
// then run per event without libtraceevent. tep_print_event costs about half a
// microsecond per event (it strdup()s its format and allocates a trace_seq per %s
// argument); a program produces the same bytes for the subset of arguments whose
// evaluation is simple: fields, casts, array elements, __get_str, __print_symbolic with
// numbers, "?:" between strings, and conversions %d/%u/%x/%o (any length), %s and %p.
// Anything else stays with libtraceevent. Every fixture event is checked against
// tep_print_event in the tests (tests/model/event_formats_test.cpp).
#include <string>
#include <vector>

#include "ring/page_decoder.h"

struct tep_event;

namespace kestrel {

struct InfoOp;

class PrintProgram {
public:
    PrintProgram();
    ~PrintProgram();
    PrintProgram(PrintProgram&&) noexcept;
    PrintProgram& operator=(PrintProgram&&) noexcept;

    // Mirrors event-parse.c parse_args; false (and empty) when anything falls outside
    // the subset.
    bool compile(tep_event* event);
    bool empty() const { return m_ops.empty(); }
    // Appends the event's info text; `bigEndian` is the traced kernel's byte order.
    void run(const RawEvent& event, bool bigEndian, std::string& out) const;

private:
    std::vector<InfoOp> m_ops;
};

}  // namespace kestrel
