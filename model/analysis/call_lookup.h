#pragma once
// From one function_graph record to the call it opens or closes in the call trees, and
// what the details pane says of that call: its own time, its direct callees, the
// callees that took the most time.
//
// An exit record finds its call exactly: the call's start and duration come from the
// record's own calltime and rettime. An entry record finds the call of its function
// that began last at or before the record and had not returned by then (calltime is
// taken before the entry record is written, so the call's start is at or before it).
#include <cstdint>
#include <vector>

#include "analysis/call_tree.h"
#include "decode/event_ref.h"
#include "formats/funcgraph_fields.h"

namespace kestrel {

// What the lookup needs of one funcgraph record.
struct CallRecord {
    bool exit = false;
    int32_t pid = 0;
    uint32_t cpu = 0;       // global CPU
    uint64_t ts = 0;        // trace time of the record
    uint64_t function = 0;  // kernel address
    uint64_t calltime = 0;  // exit only: its calltime field (CallTrees::callStart)
    uint64_t duration = 0;  // exit only: rettime - calltime
};

class CallRecordReader {
public:
    explicit CallRecordReader(const EventFormats& formats);
    // False when `event` is not a funcgraph_entry or funcgraph_exit the trees read.
    bool read(const EventRef& event, CallRecord& out) const;

private:
    const EventFormats& m_formats;
    FuncgraphFields m_fields;
};

constexpr uint64_t kNoCall = ~0ULL;

// The CallTrees::spans index of the call `record` belongs to; kNoCall when the trees
// hold none (a record the pairing left out as damaged).
uint64_t findCall(const CallTrees& trees, const CallRecord& record);

// The lane (task) that holds `span`.
const CallLane& laneOf(const CallTrees& trees, uint64_t span);

struct CalleeTime {
    uint32_t function = 0;  // CallTrees::functions index
    uint64_t calls = 0;
    uint64_t time = 0;  // ns, the calls' durations added
};

struct CallDetails {
    uint64_t self = 0;     // ns: the duration less that of the direct callees
    uint64_t callees = 0;  // direct callees (calls one level down)
    // The direct callees by function, most time first (ties: more calls, then the lower
    // function index), at most `top` of them.
    std::vector<CalleeTime> topCallees;
};

CallDetails callDetails(const CallTrees& trees, uint64_t span, size_t top = 8);

}  // namespace kestrel
