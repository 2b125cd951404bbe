#include "latency/latency_chart_bins.h"

#include <algorithm>
#include <bit>
#include <unordered_map>
#include <utility>

namespace kestrel {
namespace {

// The instances the time range keeps: start is sorted, so a range of indices.
std::pair<size_t, size_t> indexRange(const Latencies& data, uint64_t from, uint64_t to) {
    if (from == to) return {0, data.size()};
    auto first = std::lower_bound(data.start.begin(), data.start.end(), from);
    auto last = std::lower_bound(first, data.start.end(), to);
    return {size_t(first - data.start.begin()), size_t(last - data.start.begin())};
}

size_t powerBucket(uint64_t ns) {
    return ns == 0 ? 0 : size_t(std::bit_width(ns)) - 1;
}

// The smallest 1-2-5 x 10^k at or above `v`.
uint64_t niceStep(uint64_t v) {
    uint64_t decade = 1;
    while (true) {
        for (uint64_t m : {1, 2, 5}) {
            if (m * decade >= v) return m * decade;
        }
        decade *= 10;
    }
}

// Bucket of a latency inside `edges`: a shift for powers of two; for even widths a
// multiplication by the inverse width, set right by one where rounding crossed an edge
// (a 64-bit division per instance cost three times as much).
class BucketOf {
public:
    BucketOf(const std::vector<uint64_t>& edges, bool log) : m_log(log) {
        m_last = edges.size() - 2;
        m_first = edges.front();
        m_width = edges[1] - edges[0];
        m_inverse = 1.0 / double(m_width);
        if (log) m_firstPower = powerBucket(edges[1]) - 1;
    }
    size_t operator()(uint64_t ns) const {
        if (m_log)
            return std::min(powerBucket(ns) - std::min(powerBucket(ns), m_firstPower), m_last);
        const uint64_t off = std::max(ns, m_first) - m_first;
        auto b = std::min(size_t(double(off) * m_inverse), m_last);
        if (b > 0 && b * m_width > off) --b;
        if (b < m_last && (b + 1) * m_width <= off) ++b;
        return b;
    }

private:
    bool m_log;
    size_t m_last = 0, m_firstPower = 0;
    uint64_t m_first = 0, m_width = 1;
    double m_inverse = 1;
};

// Maps an item to its layer: a table over the items' span when it is small (pids, CPUs,
// syscall numbers), else a hash.
class LayerOf {
public:
    LayerOf(const std::vector<uint32_t>& items, uint32_t low, uint32_t high, uint16_t rest)
        : m_low(low), m_rest(rest) {
        m_dense = uint64_t(high) - low < (uint64_t{1} << 22);
        if (m_dense) m_table.assign(size_t(high - low) + 1, rest);
        for (size_t l = 0; l < items.size(); ++l) {
            if (m_dense && items[l] >= low && items[l] <= high) {
                m_table[items[l] - low] = uint16_t(l);
            } else if (!m_dense) {
                m_hash[items[l]] = uint16_t(l);
            }
        }
    }
    uint16_t operator()(uint32_t item) const {
        if (m_dense) return m_table[item - m_low];
        auto it = m_hash.find(item);
        return it == m_hash.end() ? m_rest : it->second;
    }

private:
    uint32_t m_low;
    uint16_t m_rest;
    bool m_dense = true;
    std::vector<uint16_t> m_table;
    std::unordered_map<uint32_t, uint16_t> m_hash;
};

// The span of the items of instances [first, last); low > high when there are none.
void itemSpan(const Latencies& data, LatencyField field, size_t first, size_t last, uint32_t& low,
              uint32_t& high) {
    low = UINT32_MAX;
    high = 0;
    for (size_t i = first; i < last; ++i) {
        const uint32_t v = latencyItem(data, field, i);
        low = std::min(low, v);
        high = std::max(high, v);
    }
}

// (count, item) of every item of instances [first, last).
std::vector<std::pair<uint64_t, uint32_t>> itemCounts(const Latencies& data, LatencyField field,
                                                      size_t first, size_t last, uint32_t low,
                                                      uint32_t high) {
    std::vector<std::pair<uint64_t, uint32_t>> counts;
    if (first < last && uint64_t(high) - low < (uint64_t{1} << 22)) {
        std::vector<uint64_t> table(size_t(high - low) + 1);
        for (size_t i = first; i < last; ++i) ++table[latencyItem(data, field, i) - low];
        for (size_t v = 0; v < table.size(); ++v) {
            if (table[v]) counts.emplace_back(table[v], uint32_t(v + low));
        }
        return counts;
    }
    std::unordered_map<uint32_t, uint64_t> hash;
    for (size_t i = first; i < last; ++i) ++hash[latencyItem(data, field, i)];
    for (auto [item, n] : hash) counts.emplace_back(n, item);
    return counts;
}

// The `top` items with the most instances in [first, last), most first.
std::vector<std::pair<uint32_t, uint64_t>> topItems(const Latencies& data, LatencyField field,
                                                    size_t first, size_t last, size_t top,
                                                    uint32_t& low, uint32_t& high) {
    itemSpan(data, field, first, last, low, high);
    auto counts = itemCounts(data, field, first, last, low, high);
    // Most instances first; ties by item so that the order is stable.
    std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::pair<uint32_t, uint64_t>> items;
    for (size_t i = 0; i < counts.size() && i < top; ++i) {
        items.emplace_back(counts[i].second, counts[i].first);
    }
    return items;
}

bool keeps(const Latencies& data, const LatencyBinOptions& o, size_t i) {
    return !o.oneItem || latencyItem(data, o.field, i) == o.item;
}

}  // namespace

uint32_t latencyItem(const Latencies& data, LatencyField field, size_t i) {
    switch (field) {
        case LatencyField::Key:
            return data.key[i];
        case LatencyField::Task:
            return uint32_t(data.pid[i]);
        case LatencyField::Cpu:
            return data.startCpu[i];
    }
    return 0;
}

uint64_t LatencyBins::total(size_t bucket) const {
    uint64_t n = 0;
    for (const LatencyLayer& l : layers) n += l.counts[bucket];
    return n;
}

std::vector<std::pair<uint32_t, uint64_t>> latencyTopItems(const Latencies& data,
                                                           const LatencyBinOptions& options,
                                                           size_t top) {
    auto [first, last] = indexRange(data, options.from, options.to);
    uint32_t low = 0, high = 0;
    return topItems(data, options.field, first, last, top, low, high);
}

std::vector<uint64_t> selectedLatencies(const Latencies& data, const LatencyBinOptions& options) {
    auto [first, last] = indexRange(data, options.from, options.to);
    std::vector<uint64_t> out;
    if (!options.oneItem) return {data.latency.begin() + first, data.latency.begin() + last};
    for (size_t i = first; i < last; ++i) {
        if (keeps(data, options, i)) out.push_back(data.latency[i]);
    }
    return out;
}

std::vector<uint64_t> latencyEdges(bool log, uint64_t low, uint64_t high) {
    high = std::max(high, low);
    std::vector<uint64_t> edges;
    if (log) {
        for (size_t b = powerBucket(low); b <= powerBucket(high); ++b) {
            edges.push_back(LatencyHistogram::lower(b));
        }
        edges.push_back(LatencyHistogram::upper(powerBucket(high)));
        return edges;
    }
    const uint64_t width = niceStep(std::max<uint64_t>(1, (high - low + 99) / 100));
    for (uint64_t e = low / width * width; edges.empty() || e <= high; e += width) {
        edges.push_back(e);
    }
    edges.push_back(edges.back() + width);
    return edges;
}

LatencyBins binLatencies(const Latencies& data, const LatencyBinOptions& options,
                         std::vector<uint64_t> edges) {
    LatencyBins bins;
    bins.edges = std::move(edges);
    const size_t buckets = bins.buckets();
    auto [first, last] = indexRange(data, options.from, options.to);
    const BucketOf bucketOf(bins.edges, options.logLatency);
    if (!options.stacked) {
        LatencyLayer layer;
        layer.all = !options.oneItem;
        layer.item = options.item;
        layer.counts.assign(buckets, 0);
        const uint64_t end = bins.edges.back();
        for (size_t i = first; i < last; ++i) {
            if (!keeps(data, options, i)) continue;
            if (data.latency[i] < end) {
                ++layer.counts[bucketOf(data.latency[i])];
            } else {
                ++bins.above;
            }
        }
        bins.layers.push_back(std::move(layer));
        return bins;
    }
    uint32_t low = 0, high = 0;
    std::vector<uint32_t> items;
    for (auto [item, n] : topItems(data, options.field, first, last, options.topItems, low, high)) {
        items.push_back(item);
    }
    const uint16_t rest = uint16_t(items.size());
    for (uint32_t item : items) bins.layers.push_back({item, false, false, {}});
    bins.layers.push_back({0, true, false, {}});
    // One flat table (layer-major) in the loop, split into layers after.
    std::vector<uint64_t> flat(bins.layers.size() * buckets);
    const LayerOf layerOf(items, low, high, rest);
    // The field's array read straight in the loop, not chosen per instance.
    const uint64_t end = bins.edges.back();
    auto count = [&](const auto& itemOf) {
        for (size_t i = first; i < last; ++i) {
            if (data.latency[i] < end) {
                ++flat[layerOf(uint32_t(itemOf[i])) * buckets + bucketOf(data.latency[i])];
            } else {
                ++bins.above;
            }
        }
    };
    switch (options.field) {
        case LatencyField::Key:
            count(data.key);
            break;
        case LatencyField::Task:
            count(data.pid);
            break;
        case LatencyField::Cpu:
            count(data.startCpu);
            break;
    }
    for (size_t l = 0; l < bins.layers.size(); ++l) {
        bins.layers[l].counts.assign(flat.begin() + l * buckets, flat.begin() + (l + 1) * buckets);
    }
    // No "other" layer when the top items are all there is.
    if (std::all_of(bins.layers.back().counts.begin(), bins.layers.back().counts.end(),
                    [](uint64_t n) { return n == 0; })) {
        bins.layers.pop_back();
    }
    return bins;
}

LatencyPercentiles latencyStats(const Latencies& data, const LatencyBinOptions& options) {
    std::vector<uint64_t> values = selectedLatencies(data, options);
    return percentiles(values);
}

LatencyChartData buildLatencyChart(const Latencies& data, const LatencyPercentiles& stats,
                                   const Latencies* comparison,
                                   const LatencyPercentiles& comparisonStats,
                                   const LatencyBinOptions& options) {
    LatencyChartData out;
    uint64_t low = stats.min, high = stats.max;
    if (comparison && comparisonStats.count) {
        low = stats.count ? std::min(low, comparisonStats.min) : comparisonStats.min;
        high = std::max(high, comparisonStats.max);
    }
    if (!options.logLatency && options.upTo != LatencyUpTo::Max && stats.count) {
        high = std::max(low, options.upTo == LatencyUpTo::P999  ? stats.p999
                             : options.upTo == LatencyUpTo::P99 ? stats.p99
                                                                : stats.p90);
    }
    std::vector<uint64_t> edges = latencyEdges(options.logLatency, low, high);
    out.main = binLatencies(data, options, edges);
    out.main.stats = stats;
    if (comparison) {
        LatencyBinOptions whole;
        whole.logLatency = options.logLatency;
        out.hasComparison = true;
        out.comparison = binLatencies(*comparison, whole, std::move(edges));
        out.comparison.stats = comparisonStats;
    }
    return out;
}

LatencyChartData buildLatencyChart(const Latencies& data, const Latencies* comparison,
                                   const LatencyBinOptions& options) {
    const LatencyPercentiles other =
        comparison ? latencyStats(*comparison, {}) : LatencyPercentiles{};
    return buildLatencyChart(data, latencyStats(data, options), comparison, other, options);
}

}  // namespace kestrel
