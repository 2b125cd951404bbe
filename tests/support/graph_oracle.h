#pragma once
// `trace-cmd report`'s function_graph text read back into calls, by the report's own rules
// (indentation pairs "func() {" with its "}", a leaf line is one call), independently of
// the model's pairing by depth and function address; and the checks that compare a trace's
// call trees with it. Used on the fixtures and on the traces the VM tests record.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "analysis/call_tree.h"
#include "formats/event_formats.h"

namespace kestrel::test {

struct ReportCall {
    int32_t pid;
    std::string name;  // "" for a closing brace the report shows no opening line of
    uint64_t ns;
    bool operator<(const ReportCall& o) const {
        return std::tie(pid, name, ns) < std::tie(o.pid, o.name, o.ns);
    }
};

struct GraphReport {
    std::multiset<ReportCall> calls;
    std::map<std::string, uint64_t> rootTotals;
    std::set<std::string> rootsCut;  // roots with a call the report shows no end of
};

// The report of `file` (trace-cmd must be installed).
GraphReport readGraphReport(const std::string& file);

// The calls of `trees` in the report's terms: every call with an exit, its duration, the
// name of its function ("" without an entry).
std::multiset<ReportCall> treeCalls(const CallTrees& trees, const EventFormats& formats);

// Each adds a gtest failure for every difference between the trees and the report:
// every duration, per task and function (the first few differences are named);
void expectSameDurations(const GraphReport& report, const CallTrees& trees,
                         const EventFormats& formats);
// the folded totals per root function the report shows whole (returns how many roots
// were compared);
size_t expectSameRootTotals(const GraphReport& report, const CallTrees& trees,
                            const EventFormats& formats);
// the calls and total time per function (returns how many functions were compared).
size_t expectSameFunctionTotals(const GraphReport& report, const CallTrees& trees,
                                const EventFormats& formats);

}  // namespace kestrel::test
