#pragma once
// The flame chart's index of one expanded timeline row: its calls by level, each level
// split into tracks of calls that do not overlap (a task's calls at one level never do; on
// a CPU row a call that slept overlaps the calls other tasks ran meanwhile). In a track
// both starts and ends ascend, so "the first call ending after t" is a binary search and
// the walk folds calls under a pixel like span_folding.h does: painting costs
// O(visible pixels * log calls) at any zoom.
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "analysis/call_tree.h"
#include "timeline/time_scale.h"

namespace kestrel {

// What the walk reads of a call sits beside its index, so that landing on a call costs one
// cache miss, not one per array (nor one more in the call trees) but for the few calls it
// draws wide; the ends are apart, dense, for the searches.
struct CallTrack {
    struct Call {
        uint64_t start;
        uint64_t span;  // index into CallTrees::spans
        uint32_t function;
    };
    std::vector<Call> calls;     // by start
    std::vector<uint64_t> ends;  // their ends, ascending like the starts
    size_t size() const { return calls.size(); }
    size_t firstEndingAfter(uint64_t t) const;
    // The same, known to be at `from` or later: a galloping search from there, which
    // stays within the cache lines near `from` when the answer is close.
    size_t firstEndingAfter(uint64_t t, size_t from) const;
};

// One level's tracks, drawn in order: a call that overlaps an earlier one lies on a higher
// track, so overlapping calls are drawn in start order.
struct CallLevel {
    std::vector<CallTrack> tracks;
};

class CallRowIndex {
public:
    // A task's calls (CallTrees::lane); pid 0 gathers the idle lanes of every CPU.
    static CallRowIndex forTask(const CallTrees& trees, int pid);
    // The calls that ran on a global CPU (CallSpan::cpu), of every task.
    static CallRowIndex forCpu(const CallTrees& trees, int cpu);

    const std::vector<CallLevel>& levels() const { return m_levels; }
    int levelCount() const { return static_cast<int>(m_levels.size()); }
    uint64_t callCount() const { return m_calls; }
    // The call drawn at time t on a level: of those containing t, the one drawn last
    // (the latest start); else the nearest within `slack` ns. nullopt when none.
    std::optional<uint64_t> callAt(const CallTrees& trees, int level, uint64_t t,
                                   uint64_t slack) const;

private:
    // `byLevel`: per level, span indices in start order.
    void build(const CallTrees& trees, const std::vector<std::vector<uint64_t>>& byLevel);

    std::vector<CallLevel> m_levels;
    uint64_t m_calls = 0;
};

struct CallRun {
    double x0 = 0, x1 = 0;  // clipped to [0, width]
    uint64_t span = 0;      // the call drawn (the first one of a folded column)
    uint32_t function = 0;  // its function
    bool folded = false;    // stands for several calls sharing one pixel column
};

// Calls of a track visible at a scale, in start order; calls narrower than a pixel fold
// into one run per pixel column, then the walk jumps to the first call ending after it.
template <class Fn>
void forEachVisibleCall(const CallTrack& track, const TimeScale& scale, Fn fn) {
    const size_t n = track.size();
    const uint64_t t1 = scale.end();
    size_t i = track.firstEndingAfter(scale.start);
    while (i < n && track.calls[i].start < t1) {
        const CallTrack::Call& call = track.calls[i];
        const double x0 = std::max(0.0, scale.toX(call.start));
        const double x1 = std::min(static_cast<double>(scale.width), scale.toX(track.ends[i]));
        if (x1 - x0 >= 1.0) {
            fn(CallRun{x0, x1, call.span, call.function, false});
            ++i;
            continue;
        }
        const double column = std::floor(x0);
        const size_t next = track.firstEndingAfter(scale.toTime(column + 1), i + 1);
        fn(CallRun{column, column + 1, call.span, call.function, next > i + 1});
        i = next;
    }
}

}  // namespace kestrel
