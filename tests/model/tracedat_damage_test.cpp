// TraceDatReader on damaged copies of the fixtures: bad headers and sections, lying
// sizes, chunks that do not decompress, truncation and flipped bytes anywhere. Each gives
// a clear error naming the file and the offset, or a reader with fewer frames and a
// warning saying what was left out; never a crash or a huge allocation.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "base/byte_order.h"
#include "import/tracedat_reader.h"
#include "support/test_data.h"
#include "support/tracedat_patch.h"

namespace kestrel {
namespace {

using Bytes = std::vector<uint8_t>;

std::unique_ptr<TraceDatReader> openOrFail(const std::string& path) {
    auto reader = TraceDatReader::open(path);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.message());
    return reader.ok() ? std::move(reader.value()) : nullptr;
}

void writeFile(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// ---- damaged files ----

// Where the structures of a little-endian v7 fixture are, found from its bytes.
struct V7Layout {
    uint64_t options = 0;            // first options section
    std::vector<uint64_t> sections;  // every section header
    std::vector<uint64_t> cpuData;   // every CPU data start (u32 chunk count)
};

V7Layout layoutOf(const Bytes& b) {
    V7Layout layout;
    size_t p = 18;  // magic, "7\0", endian, long, page size
    p += std::strlen(reinterpret_cast<const char*>(&b[p])) + 1;  // compression name
    p += std::strlen(reinterpret_cast<const char*>(&b[p])) + 1;  // compression version
    layout.options = load64(&b[p], false);
    for (uint64_t at = layout.options; at != 0;) {
        layout.sections.push_back(at);
        uint64_t size = load64(&b[at + 8], false), next = 0;
        for (size_t q = at + 16;
             q + 6 <= at + 16 + size;) {  // options sections are not compressed here
            uint16_t id = load16(&b[q], false);
            uint32_t len = load32(&b[q + 2], false);
            const uint8_t* d = &b[q + 6];
            if (id == 0) next = load64(d, false);
            if (id >= 16 && id <= 21) layout.sections.push_back(load64(d, false));
            if (id == 3) {
                layout.sections.push_back(load64(d, false));
                size_t r = 8;
                for (int s = 0; s < 2; ++s)
                    r += std::strlen(reinterpret_cast<const char*>(d + r)) + 1;
                uint32_t cpus = load32(d + r + 4, false);
                for (uint32_t c = 0; c < cpus; ++c)
                    layout.cpuData.push_back(load64(d + r + 8 + 20 * c + 4, false));
            }
            q += 6 + len;
        }
        at = next;
    }
    return layout;
}

// Opens a damaged file: either a clear error naming the file, or a reader whose every
// frame reads (or fails with a message naming the file) without crashing, and that finds
// no more than `maxFrames` frames (a cut file holds no frame the whole one lacks).
void exercise(const std::string& path, const std::string& label,
              size_t maxFrames = std::numeric_limits<size_t>::max()) {
    SCOPED_TRACE(label);
    auto reader = TraceDatReader::open(path);
    if (!reader.ok()) {
        EXPECT_EQ(reader.message().rfind(path + ": ", 0), 0u) << reader.message();
        return;
    }
    EXPECT_LE(reader.value()->frames().size(), maxFrames);
    for (const std::string& w : reader.value()->warnings())
        EXPECT_EQ(w.rfind(path + ": offset ", 0), 0u) << w;
    Bytes frame;
    for (size_t i = 0; i < reader.value()->frames().size(); ++i) {
        Status st = reader.value()->readFrame(i, frame);
        if (!st.ok()) {
            EXPECT_EQ(st.message().rfind(path + ": ", 0), 0u) << st.message();
        }
    }
}

Result<std::unique_ptr<TraceDatReader>> openPatched(const Bytes& bytes, const std::string& tag) {
    std::string path = test::tempDir(tag) + "/damaged.dat";
    writeFile(path, bytes);
    return TraceDatReader::open(path);
}

void expectError(const Bytes& bytes, const std::string& tag, const std::string& part) {
    auto reader = openPatched(bytes, tag);
    ASSERT_FALSE(reader.ok()) << tag;
    EXPECT_NE(reader.message().find("damaged.dat: offset "), std::string::npos) << reader.message();
    EXPECT_NE(reader.message().find(part), std::string::npos) << reader.message();
}

TEST(TraceDatReaderDamage, BadMagicIsRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    b[1] = 0x09;
    expectError(b, "td-magic", "offset 0: bad magic");
    expectError(test::bytesOf("#!/bin/sh\necho this is not a trace\n"), "td-text", "bad magic");
}

TEST(TraceDatReaderDamage, EmptyFileIsTruncatedHeader) {
    expectError({}, "td-empty", "expected 10 bytes of trace.dat magic");
}

TEST(TraceDatReaderDamage, UnsupportedVersionIsRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    b[10] = '8';
    expectError(b, "td-version", "unsupported trace.dat version \"8\"");
}

TEST(TraceDatReaderDamage, UnknownCompressionIsRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    ASSERT_EQ(std::string(b.begin() + 18, b.begin() + 22), "zstd");
    b[20] = 'x';
    expectError(b, "td-codec", "unknown compression \"zsxd\"");
}

TEST(TraceDatReaderDamage, SectionSizePastEndOfFileIsRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(b);
    store64(&b[layout.options + 8], b.size());
    expectError(b, "td-secsize", "runs past the end of the file");
}

TEST(TraceDatReaderDamage, SectionOfTheWrongIdIsRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(b);
    uint64_t header = layout.sections.at(1);  // HEADER_INFO
    store16(&b[header], 99);
    expectError(b, "td-secid", "found section id 99");
}

TEST(TraceDatReaderDamage, HugeUncompressedSectionSizeIsRejectedBeforeAllocating) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(b);
    uint64_t header = layout.sections.at(1);
    store32(&b[header + 16 + 4], 0xffffffffu);  // usize of the compressed block
    expectError(b, "td-usize", "exceed the section");
}

// A size just under the 256 MiB cap: the reader allocated it, on a 1 MB file, before
// decompression failed. The compressed bytes say how much they can hold; more is a lie.
TEST(TraceDatReaderDamage, SectionSizeAboveWhatItsBytesHoldIsRejectedBeforeAllocating) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(b);
    uint64_t kallsyms = 0;
    for (uint64_t at : layout.sections) {
        if (load16(&b[at], false) == 19) kallsyms = at;  // KALLSYMS, the largest
    }
    ASSERT_NE(kallsyms, 0u);
    store32(&b[kallsyms + 16 + 4], (256u << 20) - 4096);
    expectError(b, "td-usize-lie", "zstd: claims 268431360 bytes, but ");
}

// A chunk whose size field says 64 MiB cost 64 MiB on every thread that read it: it is
// left out at open, with a warning, and the chunks after it still read.
TEST(TraceDatReaderDamage, ChunkSizeAboveWhatItsBytesHoldIsLeftOut) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    auto original = openOrFail(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(original);
    V7Layout layout = layoutOf(b);
    uint64_t chunk = layout.cpuData[0] + 4;  // the first chunk's (csize, usize)
    store32(&b[chunk + 4], 64u << 20);
    auto reader = openPatched(b, "td-chunk-usize-lie");
    ASSERT_TRUE(reader.ok()) << reader.message();
    EXPECT_EQ(reader.value()->frames().size(), original->frames().size() - 1);
    ASSERT_EQ(reader.value()->warnings().size(), 1u);
    EXPECT_NE(reader.value()->warnings()[0].find("skipped (16384 pages): zstd: claims 67108864"),
              std::string::npos)
        << reader.value()->warnings()[0];
    for (const FrameRef& f : reader.value()->frames()) EXPECT_LE(f.usize, 10u * 4096);
}

TEST(TraceDatReaderDamage, MetadataBlockThatFailsToDecompressIsRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(b);
    uint64_t header = layout.sections.at(1);
    b[header + 16 + 8] ^= 0xff;  // the zstd frame magic
    expectError(b, "td-zstd", "zstd:");
}

TEST(TraceDatReaderDamage, OptionsSectionsThatLoopAreRejected) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(b);
    uint64_t size = load64(&b[layout.options + 8], false);
    store64(&b[layout.options + 16 + size - 8], layout.options);  // DONE points back
    expectError(b, "td-loop", "loop back");
}

TEST(TraceDatReaderDamage, CpuCountAbove4096IsRejected) {
    Bytes v7 = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    Bytes count(4);
    store32(count.data(), 5000);
    expectError(test::patchOption(v7, 8 /*CPUCOUNT*/, "", 8, count), "td-cpus7", "5000 CPUs");
    Bytes v6 = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    std::string tag("options  \0", 10);
    auto at = std::search(v6.begin(), v6.end(), tag.begin(), tag.end());
    ASSERT_NE(at, v6.end());
    store32(&*(at - 4), 5000);
    expectError(v6, "td-cpus6", "5000 CPUs (at most 4096)");
}

TEST(TraceDatReaderDamage, ZeroAndHugeChunkSizesEndThatCpusFrames) {
    Bytes good = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    auto original = openOrFail(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(original);
    V7Layout layout = layoutOf(good);
    ASSERT_FALSE(layout.cpuData.empty());
    uint64_t chunk = layout.cpuData[0] + 4;
    for (auto [field, value] : std::vector<std::pair<int, uint32_t>>{
             {0, 0}, {0, 0xffffffffu}, {4, 0}, {4, 0xfffff000u}, {4, 4095}}) {
        Bytes b = good;
        store32(&b[chunk + field], value);
        auto reader = openPatched(b, "td-chunk");
        ASSERT_TRUE(reader.ok()) << reader.message();
        EXPECT_LT(reader.value()->frames().size(), original->frames().size());
        ASSERT_FALSE(reader.value()->warnings().empty());
        EXPECT_TRUE(reader.value()->recovered());
        EXPECT_NE(reader.value()->warnings()[0].find("offset " + std::to_string(chunk)),
                  std::string::npos)
            << reader.value()->warnings()[0];
    }
}

TEST(TraceDatReaderDamage, ChunkThatFailsToDecompressIsLeftOutWithAWarning) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    auto original = openOrFail(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(original);
    V7Layout layout = layoutOf(b);
    uint64_t data = layout.cpuData[0] + 4 + 8;
    b[data] ^= 0xff;  // zstd frame magic of the first chunk
    auto reader = openPatched(b, "td-chunkdata");
    ASSERT_TRUE(reader.ok()) << reader.message();
    EXPECT_EQ(reader.value()->frames().size(), original->frames().size() - 1);
    ASSERT_EQ(reader.value()->warnings().size(), 1u);
    EXPECT_NE(reader.value()->warnings()[0].find("offset " + std::to_string(data) + ": "),
              std::string::npos);
    EXPECT_NE(reader.value()->warnings()[0].find("zstd"), std::string::npos);
}

TEST(TraceDatReaderDamage, ReadFrameReportsBytesThatNoLongerDecompress) {
    std::string path = test::tempDir("td-rewrite") + "/rewritten.dat";
    writeFile(path, test::readBytes(test::dataPath("sched-irq-timer.dat")));
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    const FrameRef f = reader->frames().at(0);
    {
        std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
        file.seekp(static_cast<std::streamoff>(f.offset));
        file.write("\0\0\0\0", 4);
    }
    Bytes out;
    Status st = reader->readFrame(0, out);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find(path + ": offset " + std::to_string(f.offset) + ": frame 0"),
              std::string::npos)
        << st.message();
}

// v6 puts the CPU table before the data: a cut in the data keeps every whole frame.
TEST(TraceDatReaderDamage, TruncatedV6DataKeepsTheWholeFramesBefore) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    auto original = openOrFail(test::dataPath("sched-irq-v6.dat"));
    ASSERT_TRUE(original);
    const FrameRef& last = original->frames().back();
    b.resize(last.offset + 4096 * 3 + 100);  // three whole pages and a bit of the last frame
    auto reader = openPatched(b, "td-trunc-data");
    ASSERT_TRUE(reader.ok()) << reader.message();
    EXPECT_TRUE(reader.value()->recovered());
    ASSERT_EQ(reader.value()->frames().size(), original->frames().size());
    EXPECT_EQ(reader.value()->frames().back().usize, 4096u * 3);
    ASSERT_EQ(reader.value()->warnings().size(), 2u);  // truncated, and a partial page
    EXPECT_NE(reader.value()->warnings()[0].find("truncated"), std::string::npos);
    EXPECT_NE(reader.value()->meta().recorded.find("2 problem(s)"), std::string::npos);
    exercise(test::tempDir("td-trunc-data") + "/damaged.dat", "v6 cut in the data");
}

// trace-cmd writes v7 BUFFER options after the data, so a cut tail loses the CPU table:
// the chunks are found by walking the data (tracedat_truncation_test.cpp has more).
TEST(TraceDatReaderDamage, TruncatedV7TailOpensWhatIsWhole) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    auto original = openOrFail(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(original);
    b.resize(b.size() - 5000);
    auto reader = openPatched(b, "td-trunc-tail");
    ASSERT_TRUE(reader.ok()) << reader.message();
    EXPECT_LT(reader.value()->frames().size(), original->frames().size());
    EXPECT_GT(reader.value()->frames().size(), original->frames().size() / 2);
    ASSERT_FALSE(reader.value()->warnings().empty());
    EXPECT_NE(reader.value()->warnings()[0].find("options section past the end of the file"),
              std::string::npos)
        << reader.value()->warnings()[0];
}

TEST(TraceDatReaderDamage, TruncationAnywhereGivesAnErrorOrFewerFrames) {
    for (const char* file : {"sched-irq-timer.dat", "sched-irq-v6.dat"}) {
        Bytes good = test::readBytes(test::dataPath(file));
        auto whole = openOrFail(test::dataPath(file));
        ASSERT_TRUE(whole);
        const size_t wholeFrames = whole->frames().size();
        std::set<uint64_t> cuts = {0, 1, 3, 9, 10, 11, 12, 13, 17, 18, 20, 24, 30, 40};
        for (uint64_t step = good.size() / 61, at = step; at < good.size(); at += step)
            cuts.insert(at);
        if (std::string(file).find("v6") == std::string::npos) {  // v7: cut in every structure
            V7Layout layout = layoutOf(good);
            for (uint64_t s : layout.sections)
                for (uint64_t d : {0, 2, 8, 15, 16, 20, 24, 40}) cuts.insert(s + d);
            for (uint64_t c : layout.cpuData)
                for (uint64_t d : {0, 2, 4, 8, 12, 100}) cuts.insert(c + d);
        }
        std::string path = test::tempDir("td-cuts") + "/damaged.dat";
        for (uint64_t cut : cuts) {
            writeFile(path, Bytes(good.begin(), good.begin() + static_cast<long>(std::min<uint64_t>(
                                                                   cut, good.size()))));
            exercise(path, std::string(file) + " cut at " + std::to_string(cut), wholeFrames);
        }
    }
}

// Flips each byte of `spots` in a copy of `good`, in place, one at a time.
void flipEach(const Bytes& good, const std::set<uint64_t>& spots, const std::string& tag) {
    std::string path = test::tempDir(tag) + "/damaged.dat";
    writeFile(path, good);
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    for (uint64_t at : spots) {
        char flipped = static_cast<char>(good[at] ^ (at % 2 ? 0x80 : 0xff));  // huge sizes, odd ids
        file.seekp(static_cast<std::streamoff>(at));
        file.write(&flipped, 1);
        file.flush();
        exercise(path, "byte " + std::to_string(at));
        file.seekp(static_cast<std::streamoff>(at));
        file.write(reinterpret_cast<const char*>(&good[at]), 1);
        file.flush();
    }
}

TEST(TraceDatReaderDamage, FlippedHeaderAndSectionBytesNeverCrash) {
    Bytes good = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    V7Layout layout = layoutOf(good);
    std::set<uint64_t> spots;
    for (uint64_t i = 0; i < 48; ++i) spots.insert(i);
    uint64_t optionsSize = load64(&good[layout.options + 8], false);
    for (uint64_t i = 0; i < 16 + optionsSize; i += 7) spots.insert(layout.options + i);
    for (uint64_t s : layout.sections)
        for (uint64_t i = 0; i < 26; i += 3) spots.insert(s + i);
    for (uint64_t c : layout.cpuData)
        for (uint64_t i = 0; i < 24; i += 3) spots.insert(c + i);
    flipEach(good, spots, "td-flips");
}

TEST(TraceDatReaderDamage, FlippedV6HeaderBytesNeverCrash) {
    Bytes good = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    std::string tag("options  \0", 10);
    uint64_t options = static_cast<uint64_t>(
        std::search(good.begin(), good.end(), tag.begin(), tag.end()) - good.begin());
    std::set<uint64_t> spots;
    for (uint64_t i = 0; i < 48; ++i) spots.insert(i);
    for (uint64_t i = options - 4; i < options + 1100 && i < good.size(); i += 7) spots.insert(i);
    flipEach(good, spots, "td-flips6");
}

}  // namespace
}  // namespace kestrel
