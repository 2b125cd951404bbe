// CallRowIndex and its folding walk on hand-made call trees: overlapping calls on one CPU,
// calls under a pixel, a call that never ends. Each result is checked against a plain scan
// of the calls.
#include "flame/call_chart_index.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace kestrel {
namespace {

CallSpan call(uint64_t start, uint64_t duration, uint8_t depth, uint16_t cpu = 0,
              uint32_t function = 0) {
    CallSpan s;
    s.start = start;
    s.duration = duration;
    s.depth = depth;
    s.cpu = cpu;
    s.function = function;
    return s;
}

// Two tasks on CPU 0: task 1 calls a() [0, 1000) that sleeps while task 2 runs b() and
// c() at level 0 [100, 200) and [300, 900); then task 1's d() [1000, 1100). Task 2's
// e() [950, 10^9) never returns. One level-1 call under c().
CallTrees twoTasks() {
    CallTrees t;
    t.functions = {1, 2, 3, 4, 5, 6};
    t.spans = {call(0, 1000, 0, 0, 0),  call(1000, 100, 0, 0, 3), call(100, 100, 0, 0, 1),
               call(300, 600, 0, 0, 2), call(400, 50, 1, 0, 5),   call(950, 1000000000, 0, 0, 4)};
    t.lanes = {CallLane{1, -1, 0, 2}, CallLane{2, -1, 2, 4}};
    return t;
}

std::vector<uint64_t> spansOf(const CallTrack& track) {
    std::vector<uint64_t> out;
    for (const CallTrack::Call& c : track.calls) out.push_back(c.span);
    return out;
}

TEST(CallChartIndex, TaskRowHasOneNonOverlappingTrackPerLevel) {
    const CallTrees t = twoTasks();
    const CallRowIndex index = CallRowIndex::forTask(t, 2);
    ASSERT_EQ(index.levelCount(), 2);
    EXPECT_EQ(index.callCount(), 4u);
    ASSERT_EQ(index.levels()[0].tracks.size(), 1u);
    EXPECT_EQ(spansOf(index.levels()[0].tracks[0]), (std::vector<uint64_t>{2, 3, 5}));
    EXPECT_EQ(spansOf(index.levels()[1].tracks[0]), (std::vector<uint64_t>{4}));
}

TEST(CallChartIndex, CpuRowSplitsOverlappingCallsIntoTracks) {
    const CallTrees t = twoTasks();
    const CallRowIndex index = CallRowIndex::forCpu(t, 0);
    ASSERT_EQ(index.levelCount(), 2);
    EXPECT_EQ(index.callCount(), 6u);
    std::set<uint64_t> seen;
    for (const CallTrack& track : index.levels()[0].tracks) {
        for (size_t i = 0; i < track.size(); ++i) {
            const uint64_t span = track.calls[i].span;
            seen.insert(span);
            EXPECT_EQ(track.calls[i].start, t.spans[span].start);
            EXPECT_EQ(track.calls[i].function, t.spans[span].function);
            EXPECT_EQ(track.ends[i], t.spans[span].end());
            if (i > 0) {
                EXPECT_LE(track.ends[i - 1], track.calls[i].start);  // no overlap
            }
        }
    }
    EXPECT_EQ(seen, (std::set<uint64_t>{0, 1, 2, 3, 5}));
    // Of two overlapping calls, the later one is on a higher track (drawn over it).
    const auto& tracks = index.levels()[0].tracks;
    auto trackOf = [&](uint64_t span) {
        for (size_t k = 0; k < tracks.size(); ++k) {
            for (const CallTrack::Call& c : tracks[k].calls) {
                if (c.span == span) return k;
            }
        }
        return tracks.size();
    };
    for (uint64_t a : seen) {
        for (uint64_t b : seen) {
            const CallSpan &x = t.spans[a], &y = t.spans[b];
            if (x.start < y.start && y.start < x.end()) {
                EXPECT_LT(trackOf(a), trackOf(b)) << a << " under " << b;
            }
        }
    }
    // At 120 both a() (sleeping) and b() hold level 0: b() began later, it is on top.
    EXPECT_EQ(index.callAt(t, 0, 120, 0), 2u);
    EXPECT_EQ(index.callAt(t, 0, 50, 0), 0u);
    EXPECT_EQ(index.callAt(t, 0, 1050, 0), 1u);  // d() over e(), which began before it
    EXPECT_EQ(index.callAt(t, 1, 420, 0), 4u);
    EXPECT_FALSE(index.callAt(t, 1, 460, 0));
    EXPECT_EQ(index.callAt(t, 1, 460, 20), 4u);  // within the slack
    EXPECT_FALSE(index.callAt(t, 2, 420, 0));    // no such level
}

// Many random calls: the galloping search agrees with the binary one, and the walk draws
// every call at least a pixel wide and never skips a pixel column that holds a call.
TEST(CallChartIndex, WalkCoversEveryCallAtEveryScale) {
    std::mt19937_64 rng(7);
    CallTrees t;
    t.functions = {1};
    uint64_t at = 0;
    for (int i = 0; i < 20000; ++i) {
        at += rng() % 50;
        const uint64_t d = 1 + (rng() % 10 == 0 ? rng() % 20000 : rng() % 40);
        t.spans.push_back(call(at, d, 0));
        at += d;
    }
    t.lanes = {CallLane{1, -1, 0, t.spans.size()}};
    const CallRowIndex index = CallRowIndex::forTask(t, 1);
    ASSERT_EQ(index.levels()[0].tracks.size(), 1u);
    const CallTrack& track = index.levels()[0].tracks[0];
    for (int k = 0; k < 2000; ++k) {
        // Half the times fall on a call's end, where "after" must not take the call.
        const uint64_t time = k % 2 ? rng() % (at + 100) : track.ends[size_t(rng() % track.size())];
        const size_t from = std::min(track.firstEndingAfter(time), size_t(rng() % 1000));
        ASSERT_EQ(track.firstEndingAfter(time, from), track.firstEndingAfter(time)) << time;
    }
    for (uint64_t window : {at, at / 10, uint64_t(5000), uint64_t(300)}) {
        const TimeScale scale = TimeScale::fit(at / 3, at / 3 + window, 800);
        std::vector<bool> drawn(800, false);
        std::set<uint64_t> wide;
        forEachVisibleCall(track, scale, [&](const CallRun& run) {
            for (int x = int(run.x0); x < int(std::ceil(run.x1)); ++x) drawn[size_t(x)] = true;
            if (!run.folded) wide.insert(run.span);
        });
        for (uint64_t i = 0; i < t.spans.size(); ++i) {
            const double x0 = scale.toX(t.spans[i].start), x1 = scale.toX(t.spans[i].end());
            if (x1 <= 0 || x0 >= 800) continue;
            const double c0 = std::max(0.0, x0), c1 = std::min(800.0, x1);
            if (c1 - c0 >= 1) {
                EXPECT_TRUE(wide.count(i)) << "call " << i << " window " << window;
            }
            EXPECT_TRUE(drawn[size_t(std::floor(c0))]) << "call " << i << " window " << window;
        }
    }
}

// Zoomed out over a long track the walk reads the summary: calls a pixel wide or more
// still come out whole with their ends, every column with a call is drawn (also right
// after a wide call, in the bucket where it ends), and no column far from every call is.
TEST(CallChartIndex, SummaryWalkKeepsWideCallsAndEveryColumn) {
    std::mt19937_64 rng(11);
    CallTrees t;
    t.functions = {1};
    uint64_t at = 0;
    for (int i = 0; i < 60000; ++i) {
        at += rng() % 40;
        const bool long_ = i % 200 == 0;
        const uint64_t d = long_ ? 1000 + rng() % 20000000 : 1 + rng() % 30;
        t.spans.push_back(call(at, d, 0));
        at += d;
        if (long_) {  // a tiny call soon after it, alone in its column
            at += rng() % 1500000;
            t.spans.push_back(call(at, 1, 0));
            at += 1 + 20000000;
        }
    }
    t.lanes = {CallLane{1, -1, 0, t.spans.size()}};
    const CallRowIndex index = CallRowIndex::forTask(t, 1);
    const CallTrack& track = index.levels()[0].tracks[0];
    const int width = 800;
    // Level 0's buckets a sixth of a pixel: the summary's finest use.
    const uint64_t px = (uint64_t(1) << track.summaryShift) * 6;
    const TimeScale scale = TimeScale::fit(at / 5, at / 5 + width * px, width);
    unsigned shift = 0;
    ASSERT_NE(summaryFor(track, scale, shift), nullptr) << "the scale must use the summary";
    std::vector<bool> drawn(width, false);
    std::set<uint64_t> wide;
    forEachVisibleCall(track, scale, [&](const CallRun& run) {
        for (int x = int(run.x0); x < int(std::ceil(run.x1)); ++x) drawn[size_t(x)] = true;
        if (!run.folded) {
            wide.insert(run.span);
            EXPECT_EQ(run.x0, std::max(0.0, scale.toX(t.spans[run.span].start)));
            EXPECT_EQ(run.x1, std::min(double(width), scale.toX(t.spans[run.span].end())));
        }
    });
    std::vector<bool> near(width, false);  // a call within a pixel
    size_t wideCalls = 0;
    for (uint64_t i = 0; i < t.spans.size(); ++i) {
        const double x0 = scale.toX(t.spans[i].start), x1 = scale.toX(t.spans[i].end());
        if (x1 <= 0 || x0 >= width) continue;
        const double c0 = std::max(0.0, x0), c1 = std::min(double(width), x1);
        for (int x = int(c0) - 1; x <= int(std::ceil(c1)); ++x)
            if (x >= 0 && x < width) near[size_t(x)] = true;
        if (c1 - c0 >= 1) {
            ++wideCalls;
            EXPECT_TRUE(wide.count(i)) << "call " << i;
        }
        EXPECT_TRUE(drawn[size_t(std::floor(c0))])
            << "call " << i << " at " << c0 << ".." << c1 << " previous ends at "
            << (i ? scale.toX(t.spans[i - 1].end()) : 0.0);
    }
    EXPECT_GT(wideCalls, 50u) << "px " << px << " at " << at;  // the case is there
    for (int x = 0; x < width; ++x) EXPECT_TRUE(!drawn[size_t(x)] || near[size_t(x)]) << x;
}

}  // namespace
}  // namespace kestrel
