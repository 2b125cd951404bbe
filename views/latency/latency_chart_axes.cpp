#include "latency/latency_chart_axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "timeline/time_scale.h"

namespace kestrel {
namespace {

constexpr double kLogFloor = -0.3;  // log10 of half a count

double niceStep(double v) {
    const double decade = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0}) {
        if (m * decade >= v) return m * decade;
    }
    return 10 * decade;
}

}  // namespace

double latencyPosition(const std::vector<uint64_t>& edges, bool log, uint64_t ns) {
    if (edges.size() < 2) return 0;
    if (ns <= edges.front()) return 0;
    if (ns >= edges.back()) return double(edges.size() - 1);
    const size_t b = size_t(std::upper_bound(edges.begin(), edges.end(), ns) - edges.begin()) - 1;
    const double low = double(edges[b]), high = double(edges[b + 1]);
    const double into = log && low > 0 ? std::log2(double(ns) / low) / std::log2(high / low)
                                       : (double(ns) - low) / (high - low);
    return double(b) + into;
}

std::vector<std::pair<double, std::string>> latencyTicks(const std::vector<uint64_t>& edges,
                                                         bool log, int count) {
    std::vector<std::pair<double, std::string>> ticks;
    if (edges.size() < 2) return ticks;
    const uint64_t low = edges.front(), high = edges.back();
    auto add = [&](uint64_t ns) {
        if (ns >= low && ns <= high) {
            ticks.emplace_back(latencyPosition(edges, log, ns), formatDuration(ns));
        }
    };
    if (!log) {
        const auto step = uint64_t(niceStep(double(high - low) / count));
        for (uint64_t t = (low + step - 1) / step * step; t <= high; t += step) add(t);
        return ticks;
    }
    // Few decades: 1, 2, 5 of each, else decades alone.
    const bool fine = double(high) / double(std::max<uint64_t>(low, 1)) < 1e4;
    // No tick at 0: the first bucket is [0, 2), where 0 and 1 ns would touch.
    for (uint64_t decade = 1; decade <= high && decade < UINT64_MAX / 10; decade *= 10) {
        add(decade);
        if (fine) {
            add(2 * decade);
            add(5 * decade);
        }
    }
    return ticks;
}

double countHeight(double count, bool log) {
    if (!log) return count;
    return count <= 0 ? kLogFloor : std::max(kLogFloor, std::log10(count));
}

double countFloor(bool log) {
    return log ? kLogFloor : 0;
}

std::vector<std::pair<double, std::string>> countTicks(double max, bool log) {
    std::vector<std::pair<double, std::string>> ticks;
    if (log) {
        double decade = 1;
        do {
            ticks.emplace_back(std::log10(decade), formatCount(decade));
            decade *= 10;
        } while (decade / 10 < max);
        return ticks;
    }
    const double step = niceStep(std::max(max, 1.0) / 5);
    double t = 0;
    do {
        ticks.emplace_back(t, formatCount(t));
        t += step;
    } while (t - step < max);
    return ticks;
}

std::string formatCount(double count) {
    char buf[32];
    if (count < 1000) {
        std::snprintf(buf, sizeof buf, "%.0f", count);
    } else if (count < 1e6) {
        std::snprintf(buf, sizeof buf, "%.3gk", count / 1e3);
    } else if (count < 1e9) {
        std::snprintf(buf, sizeof buf, "%.3gM", count / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%.3gG", count / 1e9);
    }
    return buf;
}

const char* latencyKeyTitle(LatencyKind kind) {
    switch (kind) {
        case LatencyKind::Irq:
            return "IRQ";
        case LatencyKind::SoftirqRaise:
        case LatencyKind::Softirq:
            return "vector";
        case LatencyKind::Syscall:
            return "syscall";
        case LatencyKind::Function:
            return "function";
        case LatencyKind::Kprobe:
            return "probe";
        case LatencyKind::Marker:
            return "marker";
        case LatencyKind::Wakeup:
        case LatencyKind::Pair:
            return nullptr;
    }
    return nullptr;
}

}  // namespace kestrel
