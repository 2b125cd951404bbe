#pragma once
// Call trees aggregated by call path, in the "folded" text form flame graph tools read
// (flamegraph.pl, inferno, speedscope): one line per path, frames joined by ';', then the
// time spent in the path's last frame itself, in nanoseconds. A path's lines add up to
// the time of its first frame, so a root function's lines sum to its calls' durations.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/call_tree.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

struct CallFilter {
    std::vector<int32_t> pids;  // empty = every task
    std::vector<bool> cpus;     // empty = every CPU; else cpus[global CPU]: calls that
                                // returned there (began there, for calls without an exit)
    uint64_t from = 0;          // trace time; calls are clipped to [from, to]
    uint64_t to = kUnknownTime;
    // Calls whose exit the trace lacks have no measured time (their end is where the
    // trace shows they had returned, or its end). Left out of the values unless asked;
    // their callees count either way.
    bool unexited = false;
};

// A tree of call paths: node 0 is the root (no function); a node is a function called
// from its parent node.
struct CallPathTree {
    struct Node {
        uint32_t parent = 0;
        uint32_t function = 0;  // CallTrees::functions index
        uint64_t self = 0;      // ns spent in this path's last frame itself
        uint64_t total = 0;     // ns in this path, callees included
        uint64_t calls = 0;
    };
    std::vector<Node> nodes{Node{}};
};

CallPathTree aggregateCalls(const CallTrees& trees, const CallFilter& filter);

struct FoldedLine {
    std::string stack;  // "a;b;c"
    uint64_t value = 0;
};
// One line per path with time of its own, sorted by stack.
std::vector<FoldedLine> foldedLines(const CallPathTree& tree, const CallTrees& trees,
                                    const EventFormats& formats);

}  // namespace kestrel
