// KtrWriter: frame figures from real and hand-built pages, the bytes it puts on disk,
// and what happens when writing fails.
#include "ktr/ktr_writer.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <zstd.h>

#include <csignal>
#include <cstring>
#include <filesystem>

#include "ktr/ktr_layout.h"
#include "ktr/ktr_reader.h"
#include "support/page_writer.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

using test::PageLayout;
using test::PageWriter;

TraceMeta sampleMeta(uint32_t cpus = 2, uint32_t subbuf = 4096) {
    TraceMeta m;
    m.headerPage = test::readText(test::dataPath("pages/header_page"));
    m.headerEvent = test::readText(test::dataPath("pages/header_event"));
    m.formats.push_back({"sched", test::readText(test::dataPath("pages/sched_switch.format"))});
    m.traceClock = "local";
    m.buffers.push_back({"", "local", subbuf});
    for (uint32_t c = 0; c < cpus; ++c) m.cpus.push_back({0, c, 0, 0});
    return m;
}

PageFormat realFormat() {
    return *PageFormat::fromHeaderPage(test::readText(test::dataPath("pages/header_page")), false);
}

std::vector<uint8_t> realPage(const char* name) {
    return test::readBytes(test::dataPath(std::string("pages/") + name));
}

Result<CompressedFrame> compress(const std::vector<uint8_t>& pages, PageFormat f = realFormat()) {
    return KtrWriter::compressFrame(0, pages.data(), pages.size(), f);
}

// tests/data/pages/README.md: five 68-byte sched_switch events from 0x10 to 0x164, then
// a time extend and a sixth event at 0x16c; first and last timestamps as stated there.
TEST(KtrWriter, RealPageFrameCarriesTheReadmeFigures) {
    auto frame = compress(realPage("page_cpu1.bin"));
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.tFirst, 7959644459590u);
    EXPECT_EQ(frame->ref.tLast, 7959821656101u);
    EXPECT_EQ(frame->ref.events, (0x164u - 0x10u) / 68u + 1u);
    EXPECT_EQ(frame->ref.lost, 0u);
    EXPECT_FALSE(frame->lostUnknown);
    EXPECT_EQ(frame->ref.usize, 4096u);
    EXPECT_EQ(frame->ref.csize, frame->bytes.size());
    EXPECT_EQ(frame->ref.codec, Codec::Zstd);
}

// README: missed count 484 stored after the data. The first event has delta 0, so its
// time is the page header's; the count and last time (69 events, 8330480759010) were
// decoded from the bytes by an independent Python walk of the page.
TEST(KtrWriter, MissedPageFrameCarriesTheStoredMissedCount) {
    auto bytes = realPage("page_missed_cpu0.bin");
    auto frame = compress(bytes);
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.lost, 484u);
    EXPECT_FALSE(frame->lostUnknown);
    EXPECT_EQ(frame->ref.tFirst, load64(bytes.data(), false));
    EXPECT_EQ(frame->ref.tLast, 8330480759010u);
    EXPECT_EQ(frame->ref.events, 69u);
}

TEST(KtrWriter, FiguresAddUpAcrossThePagesOfAFrame) {
    auto a = realPage("page_cpu1.bin");
    auto b = realPage("page_missed_cpu0.bin");
    auto frame = compress(test::joinPages({a, b, a}));
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.events, 6u + 69u + 6u);
    EXPECT_EQ(frame->ref.lost, 484u);
    EXPECT_EQ(frame->ref.tFirst, 7959644459590u);
    EXPECT_EQ(frame->ref.tLast, 8330480759010u);  // the largest, not the last page's
    EXPECT_EQ(frame->ref.usize, 3u * 4096u);
}

TEST(KtrWriter, CountsEveryKindOfDataEventAndFollowsTimeStamps) {
    PageWriter p1;
    p1.timestamp(1000);
    uint64_t ts = 1000;
    for (uint32_t len = 1; len <= 28; ++len) {  // type_len 1..28
        p1.event(len, PageWriter::payload(7, 1, len * 4));
        ts += len;
    }
    p1.event(3, PageWriter::payload(7, 1, 300)).longEvent(4, PageWriter::payload(7, 1, 8));
    ts += 7;
    p1.padding(5, 16);  // kbuffer-parse.c adds a padding's delta
    ts += 5;
    p1.timeExtend(1ull << 33).event(0, PageWriter::payload(7, 1, 8));
    ts += 1ull << 33;
    ASSERT_TRUE(p1.ok());
    PageWriter p2;
    p2.timestamp(ts + 10).event(2, PageWriter::payload(7, 1, 8)).absoluteStamp(ts + 1000);
    p2.event(6, PageWriter::payload(7, 1, 8)).endPadding(12);
    ASSERT_TRUE(p2.ok());
    auto frame = compress(test::joinPages({p1.bytes(), p2.bytes()}));
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.events, 28u + 2u + 1u + 2u);
    EXPECT_EQ(frame->ref.tFirst, 1001u);
    EXPECT_EQ(frame->ref.tLast, ts + 1006);
}

TEST(KtrWriter, MissedFlagWithoutCountAddsOneAndMarksTheCountUnknown) {
    PageWriter p1, p2;
    p1.timestamp(5).event(0, PageWriter::payload(1, 1, 8)).missed();
    p2.timestamp(9).event(0, PageWriter::payload(1, 1, 8)).missed(10);
    auto frame = compress(test::joinPages({p1.bytes(), p2.bytes()}));
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.lost, 11u);
    EXPECT_TRUE(frame->lostUnknown);
}

TEST(KtrWriter, FrameWithoutEventsHasUnknownTimes) {
    auto frame = compress(PageWriter().timestamp(77).bytes());
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.events, 0u);
    EXPECT_EQ(frame->ref.tFirst, kUnknownTime);
    EXPECT_EQ(frame->ref.tLast, kUnknownTime);
}

TEST(KtrWriter, DecodesBigEndianPagesWithFourByteLongs) {
    PageLayout layout{4096, 4, true};
    PageWriter p(layout);
    p.timestamp(0x123456789).event(3, PageWriter::payload(2, 9, 20, true)).missed(7);
    auto format = PageFormat::fromHeaderPage(PageWriter::headerPage(layout), true);
    ASSERT_TRUE(format) << format.message();
    auto frame = compress(p.bytes(), *format);
    ASSERT_TRUE(frame) << frame.message();
    EXPECT_EQ(frame->ref.events, 1u);
    EXPECT_EQ(frame->ref.tFirst, 0x123456789u + 3u);
    EXPECT_EQ(frame->ref.lost, 7u);
}

TEST(KtrWriter, CompressedFrameIsOneZstdFrameWithChecksumHoldingThePages) {
    auto page = realPage("page_cpu1.bin");
    auto frame = compress(page);
    ASSERT_TRUE(frame) << frame.message();
    ASSERT_GT(frame->bytes.size(), 5u);
    EXPECT_EQ(load32(frame->bytes.data(), false), 0xFD2FB528u);  // zstd frame magic
    // RFC 8878 3.1.1.1.1: Frame_Header_Descriptor bit 2 is Content_Checksum_flag.
    EXPECT_NE(frame->bytes[4] & 0x04, 0);
    EXPECT_EQ(ZSTD_getFrameContentSize(frame->bytes.data(), frame->bytes.size()), page.size());
    std::vector<uint8_t> back(page.size());
    EXPECT_EQ(ZSTD_decompress(back.data(), back.size(), frame->bytes.data(), frame->bytes.size()),
              page.size());
    EXPECT_EQ(back, page);
}

TEST(KtrWriter, RejectsAFrameThatIsNotWholePages) {
    auto page = realPage("page_cpu1.bin");
    auto frame = KtrWriter::compressFrame(0, page.data(), 4000, realFormat());
    ASSERT_FALSE(frame);
    EXPECT_NE(frame.message().find("whole number"), std::string::npos) << frame.message();
}

TEST(KtrWriter, RejectsAPageWhoseCommitRunsPastItsEnd) {
    auto page = realPage("page_cpu1.bin");
    auto second = page;
    store32(second.data() + 8, 5000);
    auto frame = compress(test::joinPages({page, second}));
    ASSERT_FALSE(frame);
    EXPECT_NE(frame.message().find("page at +4096"), std::string::npos) << frame.message();
}

TEST(KtrWriter, PageFormatUsesTheBufferSubbufferSize) {
    auto dir = test::tempDir("ktrw-subbuf");
    auto w = KtrWriter::create(dir + "/a.ktr", sampleMeta(1, 8192));
    ASSERT_TRUE(w) << w.message();
    EXPECT_EQ((*w)->pageFormat(0).pageSize, 8192u);
    EXPECT_EQ((*w)->pageFormat(0).dataOffset, 16u);
    PageWriter p(PageLayout{8192, 8, false});
    p.timestamp(1).event(0, PageWriter::payload(1, 1, 8));
    auto bytes = p.bytes();
    ASSERT_TRUE((*w)->appendPages(0, bytes.data(), bytes.size()));
    EXPECT_EQ((*w)->frames().at(0).usize, 8192u);
}

TEST(KtrWriter, WritesALittleEndianFileHeaderWithItsCrc) {
    auto dir = test::tempDir("ktrw-header");
    auto w = KtrWriter::create(dir + "/a.ktr", sampleMeta());
    ASSERT_TRUE(w) << w.message();
    ASSERT_TRUE((*w)->finish());
    auto bytes = test::readBytes(dir + "/a.ktr");
    ASSERT_GE(bytes.size(), ktr::kFileHeaderSize);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "KTR1");
    EXPECT_EQ(bytes[4], 1);  // version 1, little-endian u16
    EXPECT_EQ(bytes[5], 0);
    EXPECT_EQ(bytes[6], 32);
    EXPECT_EQ(load32(bytes.data() + 28, false), ktr::crc(bytes.data(), 28));
    EXPECT_EQ(std::string(bytes.begin() + 32, bytes.begin() + 36), "KTRB");
    EXPECT_EQ(std::string(bytes.end() - 40, bytes.end() - 36), "KTRF");
}

TEST(KtrWriter, FrameOffsetPointsAtItsCompressedBytes) {
    auto dir = test::tempDir("ktrw-offset");
    auto w = KtrWriter::create(dir + "/a.ktr", sampleMeta());
    ASSERT_TRUE(w) << w.message();
    auto page = realPage("page_missed_cpu0.bin");
    ASSERT_TRUE((*w)->appendPages(1, page.data(), page.size()));
    FrameRef ref = (*w)->frames().at(0);
    EXPECT_EQ(ref.cpu, 1u);
    ASSERT_TRUE((*w)->finish());
    auto file = test::readBytes(dir + "/a.ktr");
    ASSERT_LE(ref.offset + ref.csize, file.size());
    std::vector<uint8_t> back(ref.usize);
    EXPECT_EQ(ZSTD_decompress(back.data(), back.size(), file.data() + ref.offset, ref.csize),
              page.size());
    EXPECT_EQ(back, page);
}

TEST(KtrWriter, RejectsAFrameForACpuNotInTheMetadata) {
    auto dir = test::tempDir("ktrw-cpu");
    auto w = KtrWriter::create(dir + "/a.ktr", sampleMeta(2));
    ASSERT_TRUE(w) << w.message();
    auto page = realPage("page_cpu1.bin");
    Status st = (*w)->appendPages(2, page.data(), page.size());
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find("cpu 2"), std::string::npos) << st.message();
}

TEST(KtrWriter, RejectsMetadataWithoutAHeaderPage) {
    TraceMeta m = sampleMeta();
    m.headerPage.clear();
    auto w = KtrWriter::create(test::tempDir("ktrw-nohp") + "/a.ktr", m);
    ASSERT_FALSE(w);
    EXPECT_NE(w.message().find("header_page"), std::string::npos) << w.message();
}

TEST(KtrWriter, CreateErrorNamesTheFile) {
    auto w = KtrWriter::create("/nonexistent-dir/x.ktr", sampleMeta());
    ASSERT_FALSE(w);
    EXPECT_NE(w.message().find("/nonexistent-dir/x.ktr"), std::string::npos) << w.message();
}

TEST(KtrWriter, NoSpaceErrorNamesTheFile) {
    auto w = KtrWriter::create("/dev/full", sampleMeta());
    ASSERT_FALSE(w);
    EXPECT_NE(w.message().find("/dev/full"), std::string::npos) << w.message();
    EXPECT_NE(w.message().find(std::strerror(ENOSPC)), std::string::npos) << w.message();
}

// RLIMIT_FSIZE makes write() fail (EFBIG) in the middle of a block, like a full disk.
TEST(KtrWriter, FailedWriteLeavesTheFileReadableUpToItsLastWholeBlock) {
    auto path = test::tempDir("ktrw-full") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    auto page = realPage("page_missed_cpu0.bin");
    ASSERT_TRUE((*w)->appendPages(0, page.data(), page.size()));
    ASSERT_TRUE((*w)->appendPages(1, page.data(), page.size()));
    uint64_t good = (*w)->bytesWritten();
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = good + 100;  // the block header fits, its payload does not
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    Status st = (*w)->appendPages(0, page.data(), page.size());
    Status again = (*w)->appendPages(0, page.data(), page.size());
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
    EXPECT_FALSE(again);
    EXPECT_EQ(std::filesystem::file_size(path), good);
    auto r = KtrReader::open(path);
    ASSERT_TRUE(r) << r.message();
    EXPECT_TRUE((*r)->recovered());
    EXPECT_EQ((*r)->frames().size(), 2u);
}

TEST(KtrWriter, FinishTwiceIsAnError) {
    const std::string path = test::tempDir("ktrw-twice") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    ASSERT_TRUE((*w)->finish());
    Status again = (*w)->finish();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.message(), path + ": finish() on a closed writer");
}

}  // namespace
}  // namespace kestrel
