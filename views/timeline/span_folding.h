#pragma once
// Walks the spans of one track that are visible at a scale, folding runs narrower than
// a pixel into one record per pixel column (Tracy's zone folding): a span under a
// pixel emits its column once, then the walk jumps by binary search to the first span
// ending after that column. Cost is O(visible pixels * log spans) at any zoom, never
// O(spans) — a whole 3-million-event trace costs the same as a 1 us window.
#include <algorithm>
#include <cmath>

#include "analysis/sched_timeline.h"
#include "timeline/time_scale.h"

namespace kestrel {

struct SpanRun {
    double x0 = 0, x1 = 0;  // clipped to [0, width]
    size_t index = 0;       // the span whose value colours the run (first in a folded column)
    bool folded = false;    // stands for several spans sharing one pixel column
};

template <class Fn>
void forEachVisibleSpan(const SpanTrack& track, const TimeScale& scale, Fn fn) {
    const size_t n = track.size();
    const uint64_t t1 = scale.end();
    size_t i = track.firstEndingAfter(scale.start);
    while (i < n && track.start[i] < t1) {
        double x0 = std::max(0.0, scale.toX(track.start[i]));
        double x1 = std::min(static_cast<double>(scale.width), scale.toX(track.end[i]));
        if (x1 - x0 >= 1.0) {
            fn(SpanRun{x0, x1, i, false});
            ++i;
            continue;
        }
        double column = std::floor(x0);
        size_t next = std::max(i + 1, track.firstEndingAfter(scale.toTime(column + 1)));
        fn(SpanRun{column, column + 1, i, next > i + 1});
        i = next;
    }
}

}  // namespace kestrel
