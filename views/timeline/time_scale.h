#pragma once
// Time <-> pixel math of the timeline, kept apart from any widget so it can be tested
// (hotspot's tst_timelinedelegate does the same). `start` is the trace time at x = 0;
// a pixel column x covers [toTime(x), toTime(x + 1)).
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel {

struct TimeScale {
    uint64_t start = 0;
    double nsPerPx = 1.0;
    int width = 1;

    double toX(uint64_t t) const;
    uint64_t toTime(double x) const;  // clamped at 0
    uint64_t end() const { return toTime(width); }

    static TimeScale fit(uint64_t from, uint64_t to, int width);
    // Zooms by `factor` (> 1 zooms in) keeping the time under `anchorX` in place, no
    // deeper than kMinNsPerPx.
    TimeScale zoomed(double factor, double anchorX) const;
    TimeScale panned(double dx) const;  // dx > 0 moves the view later in time
    // Keeps [start, end()] inside [from, to] when possible.
    TimeScale clamped(uint64_t from, uint64_t to) const;

    static constexpr double kMinNsPerPx = 0.001;
};

// Ruler ticks: a 1/2/5 x 10^k step giving at least `minPx` pixels between ticks.
uint64_t rulerStep(double nsPerPx, double minPx);
std::vector<uint64_t> rulerTicks(const TimeScale& scale, double minPx);
// "1.5 ms", "250 ns", "2 s" for a duration.
std::string formatDuration(uint64_t ns);
// Trace time as seconds with as many decimals as `step` needs ("1403.842536").
std::string formatTime(uint64_t ns, uint64_t step = 1);

}  // namespace kestrel
