#pragma once
// Call trees from function_graph records: every funcgraph_exit is a call whose time the
// kernel measured (calltime and rettime, which trace-cmd prints as the duration), placed
// so that it ends at the exit record; every funcgraph_entry is matched against the exits
// of its task, to find the calls whose exit the trace does not hold.
//
// The kernel keeps the call depth per task (the return stack lives in the task), so a
// task's chain continues across its context switches and migrations, and an interrupt's
// calls sit below the call they interrupted without any help from here. The idle tasks
// (pid 0) are one per CPU.
//
// One pass per CPU in parallel pairs the records a CPU holds; what one CPU cannot pair (a
// task moved to another CPU inside a call, records lost) is settled per task afterwards.
#include <cstdint>
#include <string>
#include <vector>

#include "base/progress.h"
#include "base/status.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

// One call, 24 bytes. Times are trace times (offset applied).
struct CallSpan {
    enum Flag : uint8_t {
        kNoEntry = 1,  // the exit is here, its entry is not (before the buffer, or lost):
                       // the time is exact, calls under it before that may be missing
        kNoExit = 2,   // the entry is here, its exit is not: it ends where the task's
                       // records prove it had returned, or at the end of the trace
        kOverrun = 4,  // the kernel's return stack overflowed under this call
                       // (funcgraph_exit's overrun): calls under it are missing
    };
    uint64_t start = 0;
    uint64_t duration = 0;
    uint32_t function = 0;  // index into CallTrees::functions
    uint16_t cpu = 0;       // global CPU of the exit record (of the entry for kNoExit)
    uint8_t depth = 0;      // level in the task's tree (0: no caller in the trace), see below
    uint8_t flags = 0;

    uint64_t end() const { return start + duration; }
    bool cut() const { return flags & (kNoEntry | kNoExit); }
};
static_assert(sizeof(CallSpan) == 24);

// The calls of one task (or of one CPU's idle task), in the order they began: a call's
// callees follow it, one level deeper, up to the next call at its level or above. The
// level is the kernel's depth less the calls the trace holds nothing of (a function in
// set_graph_notrace, an interrupt's entry code still take a place on the return stack).
struct CallLane {
    int32_t pid = 0;
    int32_t idleCpu = -1;  // the global CPU for pid 0, else -1
    uint64_t first = 0;    // index into CallTrees::spans
    uint64_t count = 0;
};

struct CallTrees {
    std::vector<CallSpan> spans;      // lane after lane
    std::vector<CallLane> lanes;      // sorted by pid, then idleCpu
    std::vector<uint64_t> functions;  // kernel addresses; names via EventFormats::symbol
    uint64_t records = 0;             // funcgraph_entry and funcgraph_exit records read
    uint64_t cutSpans = 0;            // spans with kNoEntry or kNoExit
    uint64_t overruns = 0;            // spans with kOverrun
    uint64_t badRecords = 0;          // records left out: a depth or times no kernel writes
    // Per global CPU: what turns a funcgraph_exit's calltime on that CPU into trace time.
    std::vector<int64_t> callTimeOffsets;

    bool empty() const { return spans.empty(); }
    // Where the call a funcgraph_exit record on `cpu` closes began, from its calltime.
    uint64_t callStart(uint32_t cpu, uint64_t calltime) const;
    // The span's own time: its duration less that of the calls directly under it.
    uint64_t selfTime(uint64_t span, const CallLane& lane) const;
    // One past the last span under `span` (its callees and theirs).
    uint64_t subtreeEnd(uint64_t span, const CallLane& lane) const;
    const CallLane* lane(int32_t pid, int32_t idleCpu = -1) const;
    // "name" from kallsyms, else the address in hex.
    std::string functionName(uint32_t function, const EventFormats& formats) const;
};

// False when the trace has no funcgraph_entry/funcgraph_exit formats with the fields the
// pairing needs (func, depth, calltime, rettime).
bool hasCallRecords(const EventFormats& formats);

// `threads` = 0 uses every core. Damaged frames and pages are skipped and noted in the
// model, like every pass does; calls across them come out cut.
Result<CallTrees> buildCallTrees(const TraceModel& model, const EventFormats& formats,
                                 Progress* progress = nullptr, unsigned threads = 0);

}  // namespace kestrel
