#include "timeline/time_scale.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kestrel {

double TimeScale::toX(uint64_t t) const {
    // Differences first: trace times are ~1e18 and would lose ns in a double.
    double d = t >= start ? static_cast<double>(t - start) : -static_cast<double>(start - t);
    return d / nsPerPx;
}

uint64_t TimeScale::toTime(double x) const {
    double d = x * nsPerPx;
    if (d < 0) {
        uint64_t back = static_cast<uint64_t>(std::llround(-d));
        return back >= start ? 0 : start - back;
    }
    return start + static_cast<uint64_t>(std::llround(d));
}

TimeScale TimeScale::fit(uint64_t from, uint64_t to, int width) {
    TimeScale s;
    s.width = std::max(width, 1);
    s.start = from;
    s.nsPerPx = std::max(kMinNsPerPx, static_cast<double>(to > from ? to - from : 1) / s.width);
    return s;
}

TimeScale TimeScale::zoomed(double factor, double anchorX) const {
    TimeScale s = *this;
    uint64_t anchor = toTime(anchorX);
    s.nsPerPx = std::max(kMinNsPerPx, nsPerPx / factor);
    double back = anchorX * s.nsPerPx;
    s.start = back >= static_cast<double>(anchor)
                  ? 0
                  : anchor - static_cast<uint64_t>(std::llround(back));
    return s;
}

TimeScale TimeScale::panned(double dx) const {
    TimeScale s = *this;
    s.start = toTime(dx);
    return s;
}

TimeScale TimeScale::clamped(uint64_t from, uint64_t to) const {
    TimeScale s = *this;
    double span = static_cast<double>(to - from);
    if (nsPerPx * width > span * 1.02) return fit(from, to, width);  // no further out than fit
    if (s.start < from) s.start = from;
    if (s.end() > to) s.start = to - static_cast<uint64_t>(nsPerPx * width);
    return s;
}

uint64_t rulerStep(double nsPerPx, double minPx) {
    double want = std::max(1.0, nsPerPx * minPx);
    uint64_t base = 1;
    while (base * 10 <= want) base *= 10;
    for (uint64_t m : {1, 2, 5, 10}) {
        if (static_cast<double>(base * m) >= want) return base * m;
    }
    return base * 10;
}

std::vector<uint64_t> rulerTicks(const TimeScale& scale, double minPx) {
    uint64_t step = rulerStep(scale.nsPerPx, minPx);
    std::vector<uint64_t> ticks;
    uint64_t t = (scale.start + step - 1) / step * step;
    for (uint64_t end = scale.end(); t <= end; t += step) ticks.push_back(t);
    return ticks;
}

std::string formatDuration(uint64_t ns) {
    char buf[32];
    if (ns < 1000) {
        std::snprintf(buf, sizeof buf, "%llu ns", static_cast<unsigned long long>(ns));
    } else if (ns < 1000000) {
        std::snprintf(buf, sizeof buf, "%.4g us", ns / 1e3);
    } else if (ns < 1000000000) {
        std::snprintf(buf, sizeof buf, "%.4g ms", ns / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%.4g s", ns / 1e9);
    }
    return buf;
}

std::string formatTime(uint64_t ns, uint64_t step) {
    int decimals = 9;
    for (uint64_t s = step; s >= 10 && s % 10 == 0 && decimals > 0; s /= 10) --decimals;
    char buf[48];
    unsigned long long sec = ns / 1000000000ULL, frac = ns % 1000000000ULL;
    if (decimals == 0) {
        std::snprintf(buf, sizeof buf, "%llu s", sec);
        return buf;
    }
    unsigned long long div = 1;
    for (int i = decimals; i < 9; ++i) div *= 10;
    std::snprintf(buf, sizeof buf, "%llu.%0*llu", sec, decimals, frac / div);
    return buf;
}

}  // namespace kestrel
