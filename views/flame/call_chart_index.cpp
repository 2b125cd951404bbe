#include "flame/call_chart_index.h"

#include <algorithm>

namespace kestrel {

size_t CallTrack::firstEndingAfter(uint64_t t) const {
    return static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), t) - ends.begin());
}

CallRowIndex CallRowIndex::forTask(const CallTrees& trees, int pid) {
    std::vector<std::vector<uint64_t>> byLevel;
    bool several = false;  // idle lanes of several CPUs: their calls interleave in time
    for (const CallLane& lane : trees.lanes) {
        if (lane.pid != pid) continue;
        several = several || !byLevel.empty();
        for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
            const uint8_t depth = trees.spans[i].depth;
            if (byLevel.size() <= depth) byLevel.resize(depth + 1u);
            byLevel[depth].push_back(i);
        }
    }
    if (several) {
        for (auto& level : byLevel) {
            std::stable_sort(level.begin(), level.end(), [&](uint64_t a, uint64_t b) {
                return trees.spans[a].start < trees.spans[b].start;
            });
        }
    }
    CallRowIndex index;
    index.build(trees, byLevel);
    return index;
}

CallRowIndex CallRowIndex::forCpu(const CallTrees& trees, int cpu) {
    std::vector<std::vector<uint64_t>> byLevel;
    for (uint64_t i = 0; i < trees.spans.size(); ++i) {
        const CallSpan& s = trees.spans[i];
        if (s.cpu != cpu) continue;
        if (byLevel.size() <= s.depth) byLevel.resize(s.depth + 1u);
        byLevel[s.depth].push_back(i);
    }
    // Each task's calls are in start order already; the tasks' runs interleave.
    for (auto& level : byLevel) {
        std::stable_sort(level.begin(), level.end(), [&](uint64_t a, uint64_t b) {
            return trees.spans[a].start < trees.spans[b].start;
        });
    }
    CallRowIndex index;
    index.build(trees, byLevel);
    return index;
}

void CallRowIndex::build(const CallTrees& trees,
                         const std::vector<std::vector<uint64_t>>& byLevel) {
    m_levels.assign(byLevel.size(), {});
    m_calls = 0;
    for (size_t l = 0; l < byLevel.size(); ++l) {
        std::vector<CallTrack>& tracks = m_levels[l].tracks;
        for (uint64_t span : byLevel[l]) {
            const CallSpan& s = trees.spans[span];
            auto fits = [&](const CallTrack& t) { return t.ends.back() <= s.start; };
            auto it = std::find_if(tracks.begin(), tracks.end(), fits);
            if (it == tracks.end()) it = tracks.insert(tracks.end(), CallTrack{});
            it->spans.push_back(span);
            it->ends.push_back(s.end());
        }
        m_calls += byLevel[l].size();
    }
}

std::optional<uint64_t> CallRowIndex::callAt(const CallTrees& trees, int level, uint64_t t,
                                             uint64_t slack) const {
    if (level < 0 || level >= levelCount()) return std::nullopt;
    std::optional<uint64_t> best;
    uint64_t bestStart = 0, bestGap = slack + 1;
    bool inside = false;
    for (const CallTrack& track : m_levels[size_t(level)].tracks) {
        const uint64_t from = t > slack ? t - slack : 0;
        for (size_t i = track.firstEndingAfter(from); i < track.size(); ++i) {
            const CallSpan& s = trees.spans[track.spans[i]];
            if (s.start > t + slack) break;
            const bool contains = s.start <= t && t < s.end();
            const uint64_t gap = contains ? 0 : (s.start > t ? s.start - t : t - s.end() + 1);
            if (contains && (!inside || s.start >= bestStart)) {
                best = track.spans[i];
                bestStart = s.start;
                inside = true;
            } else if (!inside && gap < bestGap) {
                best = track.spans[i];
                bestGap = gap;
            }
        }
    }
    return best;
}

}  // namespace kestrel
