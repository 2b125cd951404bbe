#pragma once
// Where things go on the latency histogram's axes. The latency axis counts in buckets:
// bucket b spans [b, b + 1) whatever its width in ns, so power-of-two and even buckets
// draw alike and a position maps back to a bucket by its integer part.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/latency.h"

namespace kestrel {

// The position of a latency over the buckets of `edges` (latencyEdges): its bucket plus
// how far into it, logarithmically in a power-of-two bucket. Clamped to the buckets.
double latencyPosition(const std::vector<uint64_t>& edges, bool log, uint64_t ns);

// Ticks of the latency axis: (position, "10 us"). Decades (with 2 and 5 when few) in log,
// a 1-2-5 step giving about `count` ticks in linear.
std::vector<std::pair<double, std::string>> latencyTicks(const std::vector<uint64_t>& edges,
                                                         bool log, int count = 8);

// The count axis: a count's height, and where the axis starts. Log draws log10(count) over
// a floor half a count deep, so that a bucket of one still shows.
double countHeight(double count, bool log);
double countFloor(bool log);
// Ticks up to at least `max`: (height, "250k"); the last tick is the top of the axis.
std::vector<std::pair<double, std::string>> countTicks(double max, bool log);
std::string formatCount(double count);  // "950", "12.5k", "2.6M"

// What Latencies::key is of a kind ("syscall", "IRQ"...), nullptr for kinds without keys.
const char* latencyKeyTitle(LatencyKind kind);

}  // namespace kestrel
