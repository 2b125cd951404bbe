#include "timeline/span_folding.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

// 1,000,000 back-to-back 10 ns spans alternating between two pids.
SpanTrack denseTrack() {
    SpanTrack t;
    for (uint64_t i = 0; i < 1000000; ++i) t.add(i * 10, i * 10 + 10, int32_t(1 + i % 2));
    return t;
}

TEST(SpanFolding, ZoomedOutVisitsAboutOneRecordPerPixelColumn) {
    SpanTrack t = denseTrack();
    TimeScale s = TimeScale::fit(0, 10000000, 1000);
    size_t runs = 0;
    double lastX1 = 0;
    forEachVisibleSpan(t, s, [&](const SpanRun& r) {
        ++runs;
        EXPECT_TRUE(r.folded);
        EXPECT_GE(r.x0, lastX1 - 1e-9);  // left to right, no overlap
        lastX1 = r.x1;
    });
    EXPECT_LE(runs, 1001u);
    EXPECT_GE(runs, 999u);
}

TEST(SpanFolding, ZoomedInVisitsEverySpanInTheWindowUnfolded) {
    SpanTrack t = denseTrack();
    TimeScale s = TimeScale::fit(5000, 5100, 1000);  // 10 spans of 100 px each
    std::vector<size_t> seen;
    forEachVisibleSpan(t, s, [&](const SpanRun& r) {
        EXPECT_FALSE(r.folded);
        seen.push_back(r.index);
    });
    ASSERT_EQ(seen.size(), 10u);
    EXPECT_EQ(seen.front(), 500u);
    EXPECT_EQ(seen.back(), 509u);
}

TEST(SpanFolding, GapsBetweenSpansStayEmpty) {
    SpanTrack t;
    t.add(100, 200, 7);
    t.add(800, 900, 8);
    TimeScale s = TimeScale::fit(0, 1000, 1000);
    std::vector<std::pair<double, double>> runs;
    forEachVisibleSpan(t, s, [&](const SpanRun& r) { runs.push_back({r.x0, r.x1}); });
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_DOUBLE_EQ(runs[0].first, 100);
    EXPECT_DOUBLE_EQ(runs[0].second, 200);
    EXPECT_DOUBLE_EQ(runs[1].first, 800);
}

TEST(SpanFolding, SpanAtFindsTheContainingSpan) {
    SpanTrack t;
    t.add(100, 200, 7);
    t.add(300, 400, 8);
    EXPECT_EQ(t.spanAt(150), 0);
    EXPECT_EQ(t.spanAt(200), -1);  // ends are exclusive
    EXPECT_EQ(t.spanAt(300), 1);
    EXPECT_EQ(t.spanAt(50), -1);
}

}  // namespace
}  // namespace kestrel
