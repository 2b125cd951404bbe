#include "flame/call_chart_index.h"

#include <algorithm>

namespace kestrel {

size_t CallTrack::firstEndingAfter(uint64_t t) const {
    return static_cast<size_t>(std::upper_bound(ends.begin(), ends.end(), t) - ends.begin());
}

void CallTrack::buildSummary() {
    summary.clear();
    if (calls.size() < kSummaryMin || calls.size() >= kNone) return;
    summaryStart = calls.front().start;
    const uint64_t length = std::max<uint64_t>(1, ends.back() - summaryStart);
    // About 4 calls a bucket at level 0.
    const uint64_t want = std::max<uint64_t>(1, length / (calls.size() / 4));
    summaryShift = 0;
    while ((uint64_t(1) << summaryShift) < want) ++summaryShift;
    std::vector<Bucket> level(size_t(length >> summaryShift) + 1);
    size_t i = 0;
    for (size_t b = 0; b < level.size(); ++b) {
        const uint64_t from = summaryStart + (uint64_t(b) << summaryShift);
        const uint64_t to = from + (uint64_t(1) << summaryShift);
        while (i < ends.size() && ends[i] <= from) ++i;
        if (i == ends.size() || calls[i].start >= to) continue;
        level[b] = {calls[i].span, uint32_t(i), calls[i].function, float(ends[i] - calls[i].start)};
    }
    summary.push_back(std::move(level));
    // Each level up: a bucket is the first occupied of its two halves.
    while (summary.back().size() > 64) {
        const std::vector<Bucket>& below = summary.back();
        std::vector<Bucket> up((below.size() + 1) / 2);
        for (size_t b = 0; b < up.size(); ++b) {
            const Bucket& left = below[2 * b];
            up[b] = left.first != kNone || 2 * b + 1 >= below.size() ? left : below[2 * b + 1];
        }
        summary.push_back(std::move(up));
    }
}

const std::vector<CallTrack::Bucket>* summaryFor(const CallTrack& track, const TimeScale& scale,
                                                 unsigned& shift) {
    if (track.summary.empty()) return nullptr;
    // Buckets of at most a quarter pixel: a call a pixel wide covers some bucket whole.
    const double quarter = scale.nsPerPx / 4;
    if (double(uint64_t(1) << track.summaryShift) > quarter) return nullptr;
    size_t k = 0;
    while (k + 1 < track.summary.size() &&
           double(uint64_t(1) << (track.summaryShift + k + 1)) <= quarter)
        ++k;
    shift = track.summaryShift + unsigned(k);
    return &track.summary[k];
}

size_t CallTrack::firstEndingAfter(uint64_t t, size_t from) const {
    const size_t n = ends.size();
    if (from >= n || ends[from] > t) return std::min(from, n);
    size_t lo = from, step = 1;  // ends[lo] <= t
    while (lo + step < n && ends[lo + step] <= t) {
        lo += step;
        step *= 2;
    }
    const auto last = ends.begin() + ptrdiff_t(std::min(n, lo + step));
    return size_t(std::upper_bound(ends.begin() + ptrdiff_t(lo) + 1, last, t) - ends.begin());
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
    // (start, index) pairs: sorting them reads no span again, so a CPU holding most of a
    // trace's calls sorts in a few tens of milliseconds.
    std::vector<std::vector<std::pair<uint64_t, uint64_t>>> keyed;
    for (uint64_t i = 0; i < trees.spans.size(); ++i) {
        const CallSpan& s = trees.spans[i];
        if (s.cpu != cpu) continue;
        if (keyed.size() <= s.depth) keyed.resize(s.depth + 1u);
        keyed[s.depth].push_back({s.start, i});
    }
    // Each task's calls are in start order already; the tasks' runs interleave.
    std::vector<std::vector<uint64_t>> byLevel(keyed.size());
    for (size_t l = 0; l < keyed.size(); ++l) {
        std::sort(keyed[l].begin(), keyed[l].end());
        byLevel[l].reserve(keyed[l].size());
        for (const auto& k : keyed[l]) byLevel[l].push_back(k.second);
        keyed[l] = {};
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
        // A call goes on the track just above the highest one whose last call is still
        // open when it starts (track 0 when none is), so of two calls that overlap the
        // later one is always drawn over the earlier. Tracks above `live` are known to be
        // closed, so the scan down is O(1) amortised. Calls that never end (an exited
        // task's do_task_dead) each keep a track open below the calls that follow.
        std::vector<uint64_t> trackEnd;  // per track, the end of its last call
        size_t live = 0;
        for (uint64_t span : byLevel[l]) {
            const CallSpan& s = trees.spans[span];
            size_t t = live;
            while (t > 0 && trackEnd[t - 1] <= s.start) --t;
            if (t == tracks.size()) {
                tracks.emplace_back();
                trackEnd.push_back(0);
            }
            tracks[t].calls.push_back({s.start, span, s.function});
            tracks[t].ends.push_back(s.end());
            trackEnd[t] = s.end();
            live = t + 1;
        }
        m_calls += byLevel[l].size();
        for (CallTrack& track : tracks) track.buildSummary();
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
            if (track.calls[i].start > t + slack) break;
            const CallSpan& s = trees.spans[track.calls[i].span];
            const bool contains = s.start <= t && t < s.end();
            const uint64_t gap = contains ? 0 : (s.start > t ? s.start - t : t - s.end() + 1);
            if (contains && (!inside || s.start >= bestStart)) {
                best = track.calls[i].span;
                bestStart = s.start;
                inside = true;
            } else if (!inside && gap < bestGap) {
                best = track.calls[i].span;
                bestGap = gap;
            }
        }
    }
    return best;
}

}  // namespace kestrel
