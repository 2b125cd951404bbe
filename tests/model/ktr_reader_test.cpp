// KtrReader: round trips through KtrWriter of real and hand-built pages and of every
// metadata field, and the reader's contract (open reads no page block, readFrame is
// thread-safe, errors name the file).
#include "ktr/ktr_reader.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "ktr/ktr_layout.h"
#include "ktr/ktr_writer.h"
#include "support/page_writer.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

using test::PageLayout;
using test::PageWriter;

TraceMeta sampleMeta(uint32_t cpus = 2) {
    TraceMeta m;
    m.headerPage = test::readText(test::dataPath("pages/header_page"));
    m.headerEvent = test::readText(test::dataPath("pages/header_event"));
    m.formats.push_back({"sched", test::readText(test::dataPath("pages/sched_switch.format"))});
    m.traceClock = "local";
    m.buffers.push_back({"", "local", 4096});
    for (uint32_t c = 0; c < cpus; ++c) m.cpus.push_back({0, c, 0, 0});
    return m;
}

std::vector<uint8_t> realPage(const char* name) {
    return test::readBytes(test::dataPath(std::string("pages/") + name));
}

// A hand-built page whose events carry `tag` so frames differ from each other.
std::vector<uint8_t> syntheticPage(uint64_t ts, uint32_t tag, int events = 20) {
    PageWriter p;
    p.timestamp(ts);
    for (int i = 0; i < events; ++i)
        p.event(10, PageWriter::payload(uint16_t(tag), i, 24 + 4 * (i % 30)));
    return p.bytes();
}

void expectMetaEqual(const TraceMeta& a, const TraceMeta& b) {
    EXPECT_EQ(a.bigEndian, b.bigEndian);
    EXPECT_EQ(a.longSize, b.longSize);
    EXPECT_EQ(a.pageSize, b.pageSize);
    EXPECT_EQ(a.headerPage, b.headerPage);
    EXPECT_EQ(a.headerEvent, b.headerEvent);
    ASSERT_EQ(a.formats.size(), b.formats.size());
    for (size_t i = 0; i < a.formats.size(); ++i) {
        EXPECT_EQ(a.formats[i].system, b.formats[i].system);
        EXPECT_EQ(a.formats[i].text, b.formats[i].text);
    }
    EXPECT_EQ(a.kallsyms, b.kallsyms);
    EXPECT_EQ(a.printkFormats, b.printkFormats);
    EXPECT_EQ(a.savedCmdlines, b.savedCmdlines);
    EXPECT_EQ(a.savedTgids, b.savedTgids);
    EXPECT_EQ(a.uname, b.uname);
    EXPECT_EQ(a.traceClock, b.traceClock);
    EXPECT_EQ(a.recorded, b.recorded);
    EXPECT_EQ(a.tsOffset, b.tsOffset);
    ASSERT_EQ(a.buffers.size(), b.buffers.size());
    for (size_t i = 0; i < a.buffers.size(); ++i) {
        EXPECT_EQ(a.buffers[i].name, b.buffers[i].name);
        EXPECT_EQ(a.buffers[i].clock, b.buffers[i].clock);
        EXPECT_EQ(a.buffers[i].subbufSize, b.buffers[i].subbufSize);
    }
    ASSERT_EQ(a.cpus.size(), b.cpus.size());
    for (size_t i = 0; i < a.cpus.size(); ++i) {
        EXPECT_EQ(a.cpus[i].buffer, b.cpus[i].buffer);
        EXPECT_EQ(a.cpus[i].cpu, b.cpus[i].cpu);
        EXPECT_EQ(a.cpus[i].overrun, b.cpus[i].overrun);
        EXPECT_EQ(a.cpus[i].dropped, b.cpus[i].dropped);
    }
}

std::unique_ptr<KtrReader> openOk(const std::string& path) {
    auto r = KtrReader::open(path);
    EXPECT_TRUE(r) << r.message();
    return r ? std::move(*r) : nullptr;
}

TEST(KtrReader, RealPagesRoundTripByteForByteWithTheirFigures) {
    auto path = test::tempDir("ktrr-real") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    auto cpu1 = realPage("page_cpu1.bin");
    auto missed = realPage("page_missed_cpu0.bin");
    ASSERT_TRUE((*w)->appendPages(1, cpu1.data(), cpu1.size()));
    ASSERT_TRUE((*w)->appendPages(0, missed.data(), missed.size()));
    FrameIndex written = (*w)->frames();
    ASSERT_TRUE((*w)->finish());

    auto r = openOk(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->formatName(), "ktr 1");
    EXPECT_FALSE(r->recovered());
    ASSERT_EQ(r->frames().size(), 2u);
    const FrameRef& a = r->frames()[0];
    EXPECT_EQ(a.cpu, 1u);
    EXPECT_EQ(a.tFirst, 7959644459590u);  // tests/data/pages/README.md
    EXPECT_EQ(a.tLast, 7959821656101u);
    EXPECT_EQ(a.events, 6u);
    EXPECT_EQ(a.offset, written[0].offset);
    const FrameRef& b = r->frames()[1];
    EXPECT_EQ(b.cpu, 0u);
    EXPECT_EQ(b.lost, 484u);
    EXPECT_EQ(b.events, 69u);
    EXPECT_FALSE(r->lostCountUnknown(1));
    std::vector<uint8_t> out;
    ASSERT_TRUE(r->readFrame(0, out));
    EXPECT_EQ(out, cpu1);
    ASSERT_TRUE(r->readFrame(1, out));
    EXPECT_EQ(out, missed);
}

TEST(KtrReader, SyntheticFramesOfSeveralCpusKeepTheirOrderAndBytes) {
    auto path = test::tempDir("ktrr-synth") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta(3));
    ASSERT_TRUE(w) << w.message();
    std::vector<std::vector<uint8_t>> frames;
    for (uint32_t i = 0; i < 9; ++i) {
        frames.push_back(
            test::joinPages({syntheticPage(i * 1000, i), syntheticPage(i * 1000 + 500, i)}));
        ASSERT_TRUE((*w)->appendPages(i % 3, frames.back().data(), frames.back().size()));
    }
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->frames().size(), frames.size());
    std::vector<uint8_t> out;
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(r->frames()[i].cpu, i % 3);
        EXPECT_EQ(r->frames()[i].events, 40u);
        EXPECT_EQ(r->frames()[i].tFirst, i * 1000 + 10);
        EXPECT_EQ(r->frames()[i].tLast, i * 1000 + 500 + 200);
        ASSERT_TRUE(r->readFrame(i, out));
        EXPECT_EQ(out, frames[i]);
    }
}

TEST(KtrReader, LostCountUnknownSurvivesTheRoundTrip) {
    auto path = test::tempDir("ktrr-unknown") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta(1));
    ASSERT_TRUE(w) << w.message();
    auto page = PageWriter().timestamp(3).event(0, PageWriter::payload(1, 1, 8)).missed().bytes();
    ASSERT_TRUE((*w)->appendPages(0, page.data(), page.size()));
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->lostCountUnknown(0));
    EXPECT_EQ(r->frames()[0].lost, 1u);
}

TEST(KtrReader, EveryMetadataFieldRoundTrips) {
    PageLayout layout{8192, 4, true};
    TraceMeta m;
    m.bigEndian = true;
    m.longSize = 4;
    m.pageSize = 8192;
    m.headerPage = PageWriter::headerPage(layout);
    m.headerEvent = "# compressed entry header\n\ttype_len    :    5 bits\n";
    m.formats = {
        {"ftrace", "name: function\nID: 1\n"}, {"sched", "name: sched_switch\n"}, {"", ""}};
    m.kallsyms = "ffffffff81000000 T _stext\n";
    m.printkFormats = "0xffffffff82000000 : \"hello %d\\n\"\n";
    m.savedCmdlines = "1 init\n42 bash\n";
    m.savedTgids = "42 42\n";
    m.uname = "Linux host 6.18.0 #1 SMP x86_64";
    m.traceClock = "mono";
    m.recorded = "events: sched/*; tracer: nop; options: stacktrace";
    m.tsOffset = -1234567890123;
    m.buffers = {{"", "mono", 8192}, {"inst", "global", 16384}};
    m.cpus = {{0, 0, 5, 6}, {1, 3, UINT64_MAX, 1ull << 40}};
    auto path = test::tempDir("ktrr-meta") + "/a.ktr";
    auto w = KtrWriter::create(path, m);
    ASSERT_TRUE(w) << w.message();
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    expectMetaEqual(r->meta(), m);
}

TEST(KtrReader, EmptyFieldsRoundTrip) {
    TraceMeta m;
    m.headerPage = PageWriter::headerPage();
    m.pageSize = 0;
    auto path = test::tempDir("ktrr-empty") + "/a.ktr";
    auto w = KtrWriter::create(path, m);
    ASSERT_TRUE(w) << w.message();
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    expectMetaEqual(r->meta(), m);
    EXPECT_TRUE(r->frames().empty());
}

TEST(KtrReader, HugeFieldRoundTrips) {
    TraceMeta m = sampleMeta();
    m.kallsyms.reserve(24u << 20);
    for (uint64_t a = 0; m.kallsyms.size() < (24u << 20); ++a) {
        m.kallsyms +=
            std::to_string(0xffffffff81000000ull + a * 16) + " t sym_" + std::to_string(a) + "\n";
    }
    auto path = test::tempDir("ktrr-huge") + "/a.ktr";
    auto w = KtrWriter::create(path, m);
    ASSERT_TRUE(w) << w.message();
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->meta().kallsyms, m.kallsyms);
}

TEST(KtrReader, LateMetadataReplacesTheFirst) {
    TraceMeta m = sampleMeta();
    m.savedCmdlines = "1 early\n";
    auto path = test::tempDir("ktrr-late") + "/a.ktr";
    auto w = KtrWriter::create(path, m);
    ASSERT_TRUE(w) << w.message();
    m.savedCmdlines = "1 early\n2 late\n";
    m.cpus[1].overrun = 99;
    (*w)->updateMeta(m);
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->meta().savedCmdlines, "1 early\n2 late\n");
    EXPECT_EQ(r->meta().cpus[1].overrun, 99u);
}

// Open must not touch page blocks: with every payload destroyed it still succeeds,
// and only readFrame reports the damage.
TEST(KtrReader, OpenReadsNoPageBlock) {
    auto path = test::tempDir("ktrr-lazy") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    auto page = realPage("page_cpu1.bin");
    for (int i = 0; i < 4; ++i) ASSERT_TRUE((*w)->appendPages(0, page.data(), page.size()));
    FrameIndex frames = (*w)->frames();
    ASSERT_TRUE((*w)->finish());
    auto bytes = test::readBytes(path);
    for (const FrameRef& f : frames) {
        std::fill(bytes.begin() + f.offset - ktr::kBlockHeaderSize,
                  bytes.begin() + f.offset + f.csize, 0xee);
    }
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    auto r = openOk(path);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->recovered());
    EXPECT_EQ(r->frames().size(), 4u);
    std::vector<uint8_t> out;
    Status st = r->readFrame(2, out);
    ASSERT_FALSE(st);
    EXPECT_NE(st.message().find(path + ": offset " +
                                std::to_string(frames[2].offset - ktr::kBlockHeaderSize)),
              std::string::npos)
        << st.message();
}

TEST(KtrReader, ReadFrameIsThreadSafe) {
    auto path = test::tempDir("ktrr-threads") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    std::vector<std::vector<uint8_t>> frames;
    for (uint32_t i = 0; i < 16; ++i) {
        frames.push_back(test::joinPages({syntheticPage(i, i), syntheticPage(i + 1, i + 100)}));
        ASSERT_TRUE((*w)->appendPages(i % 2, frames.back().data(), frames.back().size()));
    }
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    std::atomic<int> mismatches{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::vector<uint8_t> out;
            for (int round = 0; round < 20; ++round) {
                for (size_t i = 0; i < frames.size(); ++i) {
                    size_t k = (i + size_t(t) * 5) % frames.size();
                    if (!r->readFrame(k, out) || out != frames[k]) ++mismatches;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(KtrReader, ReadFrameOutOfRangeIsAnError) {
    auto path = test::tempDir("ktrr-range") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    std::vector<uint8_t> out;
    Status st = r->readFrame(0, out);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.message().rfind(path + ": frame 0 out of range", 0), 0u) << st.message();
}

TEST(KtrReader, StoredFramesRoundTrip) {
    auto path = test::tempDir("ktrr-stored") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    CompressedFrame f;
    f.bytes = realPage("page_cpu1.bin");
    f.ref.codec = Codec::None;
    f.ref.cpu = 1;
    f.ref.csize = f.ref.usize = uint32_t(f.bytes.size());
    ASSERT_TRUE((*w)->appendCompressed(f));
    ASSERT_TRUE((*w)->finish());
    auto r = openOk(path);
    ASSERT_TRUE(r);
    std::vector<uint8_t> out;
    ASSERT_TRUE(r->readFrame(0, out));
    EXPECT_EQ(out, f.bytes);
    EXPECT_EQ(r->frames()[0].codec, Codec::None);
}

TEST(KtrReader, OpenKtrGivesATraceSource) {
    auto path = test::tempDir("ktrr-source") + "/a.ktr";
    auto w = KtrWriter::create(path, sampleMeta());
    ASSERT_TRUE(w) << w.message();
    auto page = realPage("page_cpu1.bin");
    ASSERT_TRUE((*w)->appendPages(1, page.data(), page.size()));
    ASSERT_TRUE((*w)->finish());
    auto src = openKtr(path);
    ASSERT_TRUE(src) << src.message();
    EXPECT_EQ((*src)->path(), path);
    EXPECT_EQ((*src)->frames().size(), 1u);
    EXPECT_EQ((*src)->fileSize(), test::readBytes(path).size());
}

TEST(KtrReader, MissingFileErrorNamesIt) {
    auto r = KtrReader::open("/nonexistent-dir/none.ktr");
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("/nonexistent-dir/none.ktr"), std::string::npos);
}

TEST(KtrReader, TraceDatIsNotAKtrFile) {
    auto r = KtrReader::open(test::dataPath("sched-irq-timer.dat"));
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("not a .ktr file"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace kestrel
