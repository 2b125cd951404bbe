#pragma once
// The histogram behind LatencyChartPanel, plain C++: one O(n) pass over a Latencies'
// arrays per change of its inputs, so that a repaint never touches an instance.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/latency.h"

namespace kestrel {

// What one instance is broken down by: Latencies::key (named by keyNames), the task or
// the CPU the instance started on.
enum class LatencyField : uint8_t { Key, Task, Cpu };

// Where linear buckets end: at the highest latency, or at a percentile of the main trace
// (a long tail would otherwise squeeze every other instance into the first bucket).
enum class LatencyUpTo : uint8_t { Max, P999, P99, P90 };

struct LatencyBinOptions {
    bool logLatency = true;     // power-of-two buckets (LatencyHistogram's); else even widths
    uint64_t from = 0, to = 0;  // instances whose start lies in [from, to); from == to: all
    LatencyField field = LatencyField::Key;
    bool stacked = false;  // one layer per item of the top `topItems`, the rest "other"
    bool oneItem = false;  // only the instances of `item`
    uint32_t item = 0;
    size_t topItems = 8;
    LatencyUpTo upTo = LatencyUpTo::Max;  // linear buckets only
};

// One stack layer: the counts per bucket of one item (or of the rest, or of all).
struct LatencyLayer {
    uint32_t item = 0;
    bool other = false;  // the items outside the top ones
    bool all = false;    // no breakdown: every instance
    std::vector<uint64_t> counts;
};

struct LatencyBins {
    // Bucket b holds latencies in [edges[b], edges[b + 1]); edges.size() == buckets + 1.
    std::vector<uint64_t> edges;
    std::vector<LatencyLayer> layers;  // stacked bottom up
    LatencyPercentiles stats;          // of the instances selected
    uint64_t above = 0;                // selected, beyond the last edge (LatencyUpTo)

    size_t buckets() const { return edges.empty() ? 0 : edges.size() - 1; }
    uint64_t total(size_t bucket) const;
};

// The latencies of the instances the options select, in start order.
std::vector<uint64_t> selectedLatencies(const Latencies& data, const LatencyBinOptions& options);

// Bucket edges covering [low, high]: powers of two with `log`, else 50-100 even buckets
// of a 1-2-5 width.
std::vector<uint64_t> latencyEdges(bool log, uint64_t low, uint64_t high);

// Counts the selected instances into the buckets of `edges` (latencyEdges), by layer.
LatencyBins binLatencies(const Latencies& data, const LatencyBinOptions& options,
                         std::vector<uint64_t> edges);

// The `top` items with the most instances among those the options' time range keeps,
// most first (ties: the lower item first), with their counts.
std::vector<std::pair<uint32_t, uint64_t>> latencyTopItems(const Latencies& data,
                                                           const LatencyBinOptions& options,
                                                           size_t top);

// The item's value of instance i for `field`.
uint32_t latencyItem(const Latencies& data, LatencyField field, size_t i);

// Both traces' histograms over the same buckets, the range of both; the comparison is
// neither restricted in time nor broken down.
struct LatencyChartData {
    LatencyBins main;
    bool hasComparison = false;
    LatencyBins comparison;  // one layer
};
// The percentiles of the instances the options select: the time range and one item
// decide them, the axes and the stacking do not, so the panel keeps them across those.
LatencyPercentiles latencyStats(const Latencies& data, const LatencyBinOptions& options);
// With the stats of both known: the edges from their range, then one counting pass each.
LatencyChartData buildLatencyChart(const Latencies& data, const LatencyPercentiles& stats,
                                   const Latencies* comparison,
                                   const LatencyPercentiles& comparisonStats,
                                   const LatencyBinOptions& options);
// Both steps.
LatencyChartData buildLatencyChart(const Latencies& data, const Latencies* comparison,
                                   const LatencyBinOptions& options);

}  // namespace kestrel
