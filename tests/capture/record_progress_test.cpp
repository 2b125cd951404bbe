// The `ktr record --status-fd` lines: written from hand-made figures, read back from
// hand-written lines, and refused when cut short or not status lines at all.
#include "record_progress.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

RecordProgress twoCpus() {
    RecordProgress p;
    p.elapsedSec = 1.5;
    p.cpus = {{0, 1200, 409600, 102400, 0}, {1, 7, 4096, 900, 3}};
    return p;
}

TEST(RecordProgress, WritesOneLineOfWords) {
    EXPECT_EQ(formatProgress(twoCpus()),
              "ktr-status elapsed 1.500 cpu 0 1200 409600 102400 0 cpu 1 7 4096 900 3");
}

TEST(RecordProgress, ReadsAHandWrittenLine) {
    auto p = parseProgress("ktr-status elapsed 1.5 cpu 0 1200 409600 102400 0 cpu 1 7 4096 900 3");
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, twoCpus());
}

TEST(RecordProgress, KeepsTheErrorTextWithItsSpaces) {
    RecordProgress p = twoCpus();
    p.error = "write trace.ktr: No space left on device\nagain";
    auto back = parseProgress(formatProgress(p));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->error, "write trace.ktr: No space left on device again");
    EXPECT_EQ(back->cpus, p.cpus);
}

TEST(RecordProgress, RefusesOtherLinesAndCutOnes) {
    EXPECT_FALSE(parseProgress(""));
    EXPECT_FALSE(parseProgress("hello from the traced command"));
    EXPECT_FALSE(parseProgress("ktr record: 1.0 s, 5 events"));
    EXPECT_FALSE(parseProgress("ktr-status elapsed"));
    EXPECT_FALSE(parseProgress("ktr-status elapsed 1.0 cpu 0 12 4096"));
    EXPECT_FALSE(parseProgress("ktr-status elapsed 1.0 cpu 0 12 4096 100 0 error"));
    auto none = parseProgress("ktr-status elapsed 0.25");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->cpus.empty());
}

TEST(RecordProgress, LostIsTheLargerOfPagesAndOverrun) {
    RecordStatus s;
    s.elapsedSec = 2;
    s.cpus = {{10, 4096, 100, 5}, {20, 8192, 200, 0}};
    s.overrun = {2, 9};
    RecordProgress p = progressOf(s);
    ASSERT_EQ(p.cpus.size(), 2u);
    EXPECT_EQ(p.cpus[0].lost, 5u);
    EXPECT_EQ(p.cpus[1].lost, 9u);
    EXPECT_EQ(p.cpus[1].cpu, 1u);
    EXPECT_EQ(p.cpus[1].compressedBytes, 200u);
}

}  // namespace
}  // namespace kestrel
