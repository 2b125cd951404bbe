#pragma once
// The function table: per function, its calls and their times (total, self, average,
// longest, 99th percentile), from the call trees.
#include <cstdint>
#include <vector>

#include "analysis/call_tree.h"
#include "analysis/folded_stacks.h"

namespace kestrel {

struct FunctionStats {
    uint32_t function = 0;  // CallTrees::functions index
    uint64_t calls = 0;
    uint64_t total = 0;        // ns; a recursive function's nested calls count again
    uint64_t self = 0;         // ns in the function itself, its callees' time taken out
    uint64_t longest = 0;      // ns
    uint64_t p99 = 0;          // ns: 99 % of the calls took at most this
    uint64_t longestSpan = 0;  // CallTrees::spans index of the longest call
    uint64_t average() const { return calls ? total / calls : 0; }
};

// Calls with an exit (the kernel measured them) of the tasks and CPUs `filter` selects
// that began in [from, to]; unordered.
std::vector<FunctionStats> functionStats(const CallTrees& trees, const CallFilter& filter);

}  // namespace kestrel
