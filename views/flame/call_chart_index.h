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
    // Zoomed out, the walk reads a summary instead (long tracks only): the track cut into
    // buckets of 2^shift ns, per bucket the first call overlapping it. At a scale of 4 or
    // more buckets per pixel a column is read from its few buckets, in memory order,
    // instead of searching millions of ends (cache misses: 25 ms for the whole 10 M-call
    // trace). Level k of the summary has buckets 2^k times as wide as level 0.
    struct Bucket {
        uint64_t span = 0;       // CallTrees::spans index of that call
        uint32_t first = kNone;  // its index in the track; kNone: no call overlaps
        uint32_t function = 0;
        float duration = 0;  // ns, to tell calls a pixel wide from those under a pixel
    };
    static constexpr uint32_t kNone = UINT32_MAX;
    static constexpr size_t kSummaryMin = 4096;  // shorter tracks: searches stay in cache
    std::vector<std::vector<Bucket>> summary;
    uint64_t summaryStart = 0;
    unsigned summaryShift = 0;  // level 0's bucket width is 2^summaryShift ns
    size_t size() const { return calls.size(); }
    void buildSummary();
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

// The summary level whose buckets are at most a quarter of a pixel and at least 1/16,
// or nullptr when the track has none (short) or the scale is too fine for it.
const std::vector<CallTrack::Bucket>* summaryFor(const CallTrack& track, const TimeScale& scale,
                                                 unsigned& shift);

// The walk of forEachVisibleCall on a summary level. Runs are the same as the exact walk's
// but for where a folded column starts and ends, known to a bucket (a quarter pixel):
// every call at least a pixel wide is a run of its own with its exact ends (a track's calls
// do not overlap, so such a call is the first call of the buckets it covers whole), every
// column that holds a call is drawn.
template <class Fn>
void forEachSummaryRun(const CallTrack& track, const std::vector<CallTrack::Bucket>& level,
                       unsigned shift, const TimeScale& scale, Fn fn) {
    const size_t nb = level.size();
    const uint64_t origin = track.summaryStart;
    auto bucketOf = [&](uint64_t t) { return t < origin ? 0 : size_t((t - origin) >> shift); };
    const double width = scale.width;
    size_t b = bucketOf(scale.start);
    const size_t last = std::min(nb, bucketOf(scale.end()) + 1);
    uint32_t done = CallTrack::kNone;  // the last call emitted wide
    double next = 0;                   // the first column not yet folded
    while (b < last) {
        CallTrack::Bucket k = level[b];
        const uint64_t from = origin + (uint64_t(b) << shift);
        if (k.first != CallTrack::kNone && k.first == done) {
            // The wide call drawn covers the bucket's start: the next call may begin in it.
            const uint32_t n = done + 1;
            const uint64_t to = from + (uint64_t(1) << shift);
            if (n >= track.size() || track.calls[n].start >= to) {
                ++b;
                continue;
            }
            const CallTrack::Call& c = track.calls[n];
            k = {c.span, n, c.function, float(track.ends[n] - c.start)};
        }
        if (k.first == CallTrack::kNone) {
            ++b;
            continue;
        }
        const double bx = scale.toX(from);
        if (k.duration >= scale.nsPerPx * 0.75) {  // maybe a pixel wide: look at it
            const double x0 = std::max(0.0, scale.toX(track.calls[k.first].start));
            const double x1 = std::min(width, scale.toX(track.ends[k.first]));
            if (x1 - x0 >= 1.0) {
                fn(CallRun{x0, x1, k.span, k.function, false});
                done = k.first;
                ++b;
                continue;
            }
        }
        // A folded column: the first call of its first occupied bucket colours it; the
        // walk goes on at the next column's first bucket, which may be this one again
        // when it straddles the two columns.
        const double column = std::max(next, std::floor(std::max(0.0, bx)));
        if (column >= width) break;
        fn(CallRun{column, column + 1, k.span, k.function, true});
        next = column + 1;
        b = std::max(b, bucketOf(scale.toTime(column + 1)));
    }
}

// Calls of a track visible at a scale, in start order; calls narrower than a pixel fold
// into one run per pixel column, then the walk jumps to the first call ending after it.
template <class Fn>
void forEachVisibleCall(const CallTrack& track, const TimeScale& scale, Fn fn) {
    unsigned shift = 0;
    if (const auto* level = summaryFor(track, scale, shift))
        return forEachSummaryRun(track, *level, shift, scale, fn);
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
