// Page decoding against raw pages read from trace_pipe_raw (tests/data/pages/README.md).
#include "ring/page_decoder.h"

#include <gtest/gtest.h>

#include <vector>

#include "base/byte_order.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

PageFormat realFormat() {
    auto f = PageFormat::fromHeaderPage(test::readText(test::dataPath("pages/header_page")), false);
    EXPECT_TRUE(f.ok());
    return f.value();
}

struct Decoded {
    uint32_t offset;  // of the event header in the page
    uint64_t ts;
    int32_t pid;
};

std::vector<Decoded> decodeAll(const std::vector<uint8_t>& page, const PageFormat& format) {
    PageReader reader;
    EXPECT_TRUE(reader.load(page.data(), static_cast<uint32_t>(page.size()), format).ok());
    std::vector<Decoded> out;
    RawEvent ev;
    while (reader.next(ev)) {
        out.push_back({static_cast<uint32_t>(ev.data - page.data() - 4), ev.ts,
                       static_cast<int32_t>(load32(ev.data + 4, false))});
    }
    EXPECT_EQ(reader.error(), "");
    return out;
}

TEST(PageDecoder, ReadsHeaderPageLayout) {
    PageFormat f = realFormat();
    EXPECT_EQ(f.dataOffset, 16u);
    EXPECT_EQ(f.commitSize, 8u);
    EXPECT_EQ(f.pageSize, 4096u);
}

TEST(PageDecoder, RejectsHeaderPageWithoutData) {
    EXPECT_FALSE(
        PageFormat::fromHeaderPage("field: u64 timestamp;\toffset:0;\tsize:8;", false).ok());
}

TEST(PageDecoder, DecodesRealSchedSwitchPage) {
    auto page = test::readBytes(test::dataPath("pages/page_cpu1.bin"));
    ASSERT_EQ(page.size(), 4096u);
    PageReader reader;
    ASSERT_TRUE(reader.load(page.data(), 4096, realFormat()).ok());
    EXPECT_EQ(reader.header().timestamp, 7959644459590ull);
    EXPECT_EQ(reader.header().length, 0x1a0u);
    EXPECT_FALSE(reader.header().missedEvents);

    auto events = decodeAll(page, realFormat());
    ASSERT_EQ(events.size(), 6u);
    EXPECT_EQ(events[0].offset, 0x10u);
    EXPECT_EQ(events[0].ts, 7959644459590ull);
    EXPECT_EQ(events[0].pid, 16700);
    EXPECT_EQ(events[1].offset, 0x54u);
    EXPECT_EQ(events[1].ts, 7959645477020ull);
    EXPECT_EQ(events[2].offset, 0x98u);
    EXPECT_EQ(events[2].ts, 7959645514341ull);
    EXPECT_EQ(events[2].pid, 21);
}

TEST(PageDecoder, AddsTimeExtendAcrossTheGap) {
    auto events = decodeAll(test::readBytes(test::dataPath("pages/page_cpu1.bin")), realFormat());
    ASSERT_EQ(events.size(), 6u);
    EXPECT_EQ(events[5].offset, 0x16cu);
    EXPECT_EQ(events[5].ts, 7959821656101ull);
    EXPECT_GE(events[5].ts - events[4].ts, 165999256ull);
}

TEST(PageDecoder, ReadsSignExtendedCommitWithStoredMissedCount) {
    auto page = test::readBytes(test::dataPath("pages/page_missed_cpu0.bin"));
    PageReader reader;
    ASSERT_TRUE(reader.load(page.data(), 4096, realFormat()).ok());
    EXPECT_EQ(reader.header().length, 0xfd0u);
    EXPECT_TRUE(reader.header().missedEvents);
    EXPECT_TRUE(reader.header().missedStored);
    EXPECT_EQ(reader.header().missedCount, 484u);
    RawEvent ev;
    size_t n = 0;
    uint64_t last = 0;
    while (reader.next(ev)) {
        EXPECT_GE(ev.ts, last);
        last = ev.ts;
        ++n;
    }
    EXPECT_EQ(reader.error(), "");
    EXPECT_GT(n, 10u);
}

TEST(PageDecoder, RejectsCommitPastPageEnd) {
    auto page = test::readBytes(test::dataPath("pages/page_cpu1.bin"));
    store32(page.data() + 8, 4081);  // 16 + 4081 > 4096
    PageReader reader;
    Status st = reader.load(page.data(), 4096, realFormat());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "page commit length 4081 runs past the page end (4096)");
}

TEST(PageDecoder, RejectsPageShorterThanHeader) {
    std::vector<uint8_t> page(10, 0);
    PageReader reader;
    Status st = reader.load(page.data(), 10, realFormat());
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.message(), "page shorter than its header (10 bytes)");
}

TEST(PageDecoder, StopsWithErrorWhenEventRunsPastCommit) {
    auto page = test::readBytes(test::dataPath("pages/page_cpu1.bin"));
    store32(page.data() + 8, 0x30);  // cut inside the first 68-byte event
    PageReader reader;
    ASSERT_TRUE(reader.load(page.data(), 4096, realFormat()).ok());
    RawEvent ev;
    EXPECT_FALSE(reader.next(ev));
    EXPECT_NE(reader.error().find("past commit end"), std::string::npos);
}

}  // namespace
}  // namespace kestrel
