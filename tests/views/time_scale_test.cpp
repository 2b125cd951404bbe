#include "timeline/time_scale.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

TEST(TimeScale, MapsTimeToPixelAndBack) {
    TimeScale s{1403000000000ULL, 1000.0, 1000};
    EXPECT_DOUBLE_EQ(s.toX(1403000500000ULL), 500.0);
    EXPECT_EQ(s.toTime(500), 1403000500000ULL);
    EXPECT_DOUBLE_EQ(s.toX(1402999999000ULL), -1.0);
    EXPECT_EQ(s.end(), 1403001000000ULL);
}

TEST(TimeScale, KeepsNanosecondsOfLargeTimestamps) {
    TimeScale s{1403842536297ULL, 0.01, 1000};  // 10 ps per pixel
    EXPECT_NEAR(s.toX(1403842536298ULL), 100.0, 1e-6);
}

TEST(TimeScale, FitCoversTheRange) {
    TimeScale s = TimeScale::fit(100, 1100, 500);
    EXPECT_EQ(s.start, 100u);
    EXPECT_DOUBLE_EQ(s.nsPerPx, 2.0);
    EXPECT_EQ(s.end(), 1100u);
}

TEST(TimeScale, ZoomKeepsTheAnchorInPlace) {
    TimeScale s = TimeScale::fit(1000000, 2000000, 1000);
    uint64_t anchor = s.toTime(250);
    TimeScale z = s.zoomed(4.0, 250);
    EXPECT_DOUBLE_EQ(z.nsPerPx, 250.0);
    EXPECT_EQ(z.toTime(250), anchor);
}

TEST(TimeScale, ZoomStopsAtTheDeepestScale) {
    TimeScale s = TimeScale::fit(0, 1000, 1000);
    for (int i = 0; i < 100; ++i) s = s.zoomed(10, 10);
    EXPECT_DOUBLE_EQ(s.nsPerPx, TimeScale::kMinNsPerPx);
}

TEST(TimeScale, ClampKeepsTheWindowInsideTheTrace) {
    TimeScale s = TimeScale::fit(1000, 2000, 100).panned(-50);
    EXPECT_EQ(s.clamped(1000, 2000).start, 1000u);
    TimeScale late = TimeScale::fit(1000, 1500, 100).panned(1000);
    EXPECT_EQ(late.clamped(1000, 2000).end(), 2000u);
    TimeScale wide = TimeScale::fit(0, 10000, 100);
    EXPECT_EQ(wide.clamped(1000, 2000).start, 1000u);
    EXPECT_EQ(wide.clamped(1000, 2000).end(), 2000u);
}

TEST(TimeScale, RulerStepIsOneTwoOrFiveTimesAPowerOfTen) {
    EXPECT_EQ(rulerStep(1.0, 100), 100u);
    EXPECT_EQ(rulerStep(1.5, 100), 200u);
    EXPECT_EQ(rulerStep(3.0, 100), 500u);
    EXPECT_EQ(rulerStep(1e6, 100), 100000000u);
}

TEST(TimeScale, RulerTicksAreMultiplesOfTheStepInsideTheWindow) {
    TimeScale s{1050, 1.0, 1000};
    auto ticks = rulerTicks(s, 100);
    ASSERT_FALSE(ticks.empty());
    EXPECT_EQ(ticks.front(), 1100u);
    for (uint64_t t : ticks) EXPECT_EQ(t % 100, 0u);
    EXPECT_LE(ticks.back(), s.end());
}

TEST(TimeScale, FormatsDurationsWithReadableUnits) {
    EXPECT_EQ(formatDuration(250), "250 ns");
    EXPECT_EQ(formatDuration(1500), "1.5 us");
    EXPECT_EQ(formatDuration(30056057), "30.06 ms");
    EXPECT_EQ(formatDuration(2000000000), "2 s");
}

TEST(TimeScale, FormatsTimeWithTheDecimalsTheStepNeeds) {
    EXPECT_EQ(formatTime(1403842536297ULL), "1403.842536297");
    EXPECT_EQ(formatTime(1403842536297ULL, 1000), "1403.842536");
    EXPECT_EQ(formatTime(1403800000000ULL, 100000000), "1403.8");
    EXPECT_EQ(formatTime(1403000000000ULL, 1000000000), "1403 s");
}

}  // namespace
}  // namespace kestrel
