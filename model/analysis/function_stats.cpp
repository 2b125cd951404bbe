#include "analysis/function_stats.h"

#include <algorithm>

namespace kestrel {
namespace {

bool selected(const CallFilter& filter, const CallLane& lane) {
    return filter.pids.empty() ||
           std::find(filter.pids.begin(), filter.pids.end(), lane.pid) != filter.pids.end();
}

bool selected(const CallFilter& filter, const CallSpan& s) {
    if (s.flags & CallSpan::kNoExit) return false;
    if (s.start < filter.from || (filter.to != kUnknownTime && s.start > filter.to)) return false;
    return filter.cpus.empty() || (s.cpu < filter.cpus.size() && filter.cpus[s.cpu]);
}

// The 99th percentile by the nearest-rank method: the smallest duration that at least
// 99 % of the calls do not exceed.
uint64_t percentile99(std::vector<uint64_t>& durations) {
    if (durations.empty()) return 0;
    size_t rank = (durations.size() * 99 + 99) / 100;  // ceil(0.99 n), 1-based
    auto nth = durations.begin() + static_cast<ptrdiff_t>(rank - 1);
    std::nth_element(durations.begin(), nth, durations.end());
    return *nth;
}

}  // namespace

std::vector<FunctionStats> functionStats(const CallTrees& trees, const CallFilter& filter) {
    std::vector<FunctionStats> byFunction(trees.functions.size());
    std::vector<std::vector<uint64_t>> durations(trees.functions.size());
    for (const CallLane& lane : trees.lanes) {
        if (!selected(filter, lane)) continue;
        for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
            const CallSpan& s = trees.spans[i];
            if (!selected(filter, s)) continue;
            FunctionStats& f = byFunction[s.function];
            ++f.calls;
            f.total += s.duration;
            f.self += trees.selfTime(i, lane);
            if (f.calls == 1 || s.duration > f.longest) {
                f.longest = s.duration;
                f.longestSpan = i;
            }
            durations[s.function].push_back(s.duration);
        }
    }
    std::vector<FunctionStats> out;
    for (uint32_t fn = 0; fn < byFunction.size(); ++fn) {
        if (byFunction[fn].calls == 0) continue;
        byFunction[fn].function = fn;
        byFunction[fn].p99 = percentile99(durations[fn]);
        std::vector<uint64_t>().swap(durations[fn]);
        out.push_back(byFunction[fn]);
    }
    return out;
}

}  // namespace kestrel
