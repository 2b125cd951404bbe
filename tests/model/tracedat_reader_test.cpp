// TraceDatReader on the real trace-cmd files in tests/data, checked against the bytes
// and against trace-cmd itself (`trace-cmd report -R -t`, `trace-cmd dump --summary`)
// when it is installed; plus damaged copies of the fixtures.
#include "import/tracedat_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "base/byte_order.h"
#include "import/tracedat_codec.h"
#include "ring/page_decoder.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

std::vector<std::string> datFiles() {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(test::dataPath(""))) {
        if (entry.path().extension() == ".dat") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::unique_ptr<TraceDatReader> openOrFail(const std::string& path) {
    auto reader = TraceDatReader::open(path);
    EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.message());
    return reader.ok() ? std::move(reader.value()) : nullptr;
}

std::optional<std::string> run(const std::string& command) {
    FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string out;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    if (pclose(pipe) != 0) return std::nullopt;
    return out;
}

bool haveTraceCmd() {
    static const bool have = run("command -v trace-cmd").has_value();
    return have;
}

void writeFile(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// ---- what the pages hold: per (buffer name, CPU) count, first and last timestamp ----

struct CpuFigures {
    uint64_t events = 0;
    std::string first, last;  // seconds as trace-cmd prints them
};
using Figures = std::map<std::pair<std::string, uint32_t>, CpuFigures>;

// "SEC.FRACTION" with `digits` decimals, truncated like trace-cmd's printing.
std::string seconds(int64_t ns, size_t digits) {
    std::string frac = std::to_string(1000000000 + ns % 1000000000).substr(1, digits);
    return std::to_string(ns / 1000000000) + "." + frac;
}

Figures decodeAll(const TraceDatReader& reader, size_t digits, uint64_t* total) {
    const TraceMeta& meta = reader.meta();
    auto format = PageFormat::fromHeaderPage(meta.headerPage, meta.bigEndian);
    EXPECT_TRUE(format.ok());
    Figures figures;
    Bytes frame;
    *total = 0;
    for (size_t i = 0; i < reader.frames().size(); ++i) {
        const FrameRef& ref = reader.frames()[i];
        Status st = reader.readFrame(i, frame);
        EXPECT_TRUE(st.ok()) << st.message();
        const CpuInfo& cpu = meta.cpus.at(ref.cpu);
        PageFormat pf = *format;
        pf.pageSize = meta.buffers.at(cpu.buffer).subbufSize;
        CpuFigures& fig = figures[{meta.buffers[cpu.buffer].name, cpu.cpu}];
        for (size_t off = 0; off + pf.pageSize <= frame.size(); off += pf.pageSize) {
            PageReader page;
            EXPECT_TRUE(page.load(frame.data() + off, pf.pageSize, pf).ok());
            RawEvent event;
            while (page.next(event)) {
                std::string ts = seconds(static_cast<int64_t>(event.ts) + meta.tsOffset, digits);
                if (fig.events++ == 0) fig.first = ts;
                fig.last = ts;
                ++*total;
            }
            EXPECT_EQ(page.error(), "");
        }
    }
    return figures;
}

// `trace-cmd report -R -t`: one line per event (raw mode prints no function_graph leaf
// merging and no kernel_stack continuation lines), timestamps in full nanoseconds.
Figures reportFigures(const std::string& path, const TraceMeta& meta, uint64_t* total,
                      size_t* digits) {
    auto out = run("trace-cmd report -R -t -i '" + path + "'");
    EXPECT_TRUE(out.has_value()) << "trace-cmd report failed on " << path;
    Figures figures;
    *total = 0;
    *digits = 9;
    std::istringstream lines(out.value_or(""));
    std::string line;
    while (std::getline(lines, line)) {
        // "[CPU]  SEC.FRAC:" is the first bracketed number followed by a timestamp.
        static const std::regex stamp(R"(\[(\d+)\]\s+(\d+)\.(\d+):)");
        std::smatch m;
        if (!std::regex_search(line, m, stamp)) continue;
        // Buffer names are right-aligned to the longest one ("sched:", "  irq:").
        std::string buffer;
        size_t text = line.find_first_not_of(' ');
        for (const BufferInfo& b : meta.buffers) {
            if (!b.name.empty() && line.compare(text, b.name.size() + 1, b.name + ":") == 0)
                buffer = b.name;
        }
        CpuFigures& fig = figures[{buffer, static_cast<uint32_t>(std::stoul(m[1]))}];
        std::string ts = m[2].str() + "." + m[3].str();
        *digits = m[3].length();
        if (fig.events++ == 0) fig.first = ts;
        fig.last = ts;
        ++*total;
    }
    return figures;
}

void expectSameFigures(const Figures& mine, const Figures& oracle) {
    ASSERT_EQ(mine.size(), oracle.size());
    for (const auto& [key, fig] : oracle) {
        auto found = mine.find(key);
        ASSERT_NE(found, mine.end()) << "buffer \"" << key.first << "\" CPU " << key.second;
        EXPECT_EQ(found->second.events, fig.events) << key.first << " CPU " << key.second;
        EXPECT_EQ(found->second.first, fig.first) << key.first << " CPU " << key.second;
        EXPECT_EQ(found->second.last, fig.last) << key.first << " CPU " << key.second;
    }
}

void expectMatchesReport(const std::string& path) {
    SCOPED_TRACE(path);
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    uint64_t expectedTotal = 0, total = 0;
    size_t digits = 9;
    Figures expected = reportFigures(path, reader->meta(), &expectedTotal, &digits);
    Figures mine = decodeAll(*reader, digits, &total);
    EXPECT_GT(expectedTotal, 0u);
    EXPECT_EQ(total, expectedTotal);
    expectSameFigures(mine, expected);
}

// ---- fixtures: metadata ----

TEST(TraceDatReader, OpensEveryFixtureWithItsVersionAndCodec) {
    ASSERT_FALSE(datFiles().empty());
    for (const std::string& path : datFiles()) {
        SCOPED_TRACE(path);
        auto reader = openOrFail(path);
        ASSERT_TRUE(reader);
        Bytes head = test::readBytes(path);
        head.resize(12);
        EXPECT_EQ(reader->version(), head[10] == '6' ? 6u : 7u);
        std::string name = reader->formatName();
        if (reader->version() == 6) {
            EXPECT_EQ(name, "trace.dat v6");
        } else {
            std::string codec = reader->codec() == Codec::None
                                    ? ""
                                    : std::string(" (") + codecName(reader->codec()) + ")";
            EXPECT_EQ(name, "trace.dat v7" + codec);
        }
        EXPECT_EQ(reader->fileSize(), fs::file_size(path));
        EXPECT_EQ(reader->path(), path);
        EXPECT_FALSE(reader->recovered())
            << (reader->warnings().empty() ? "" : reader->warnings()[0]);
    }
}

TEST(TraceDatReader, LongSizeComesFromHeaderPageCommitField) {
    for (const std::string& path : datFiles()) {
        SCOPED_TRACE(path);
        auto reader = openOrFail(path);
        ASSERT_TRUE(reader);
        const TraceMeta& meta = reader->meta();
        auto format = PageFormat::fromHeaderPage(meta.headerPage, meta.bigEndian);
        ASSERT_TRUE(format.ok()) << format.message();
        EXPECT_EQ(meta.longSize, format->commitSize);
        EXPECT_NE(meta.headerPage.find("field: local_t commit;"), std::string::npos);
        EXPECT_NE(meta.headerEvent.find("type_len"), std::string::npos);
    }
}

// trace-cmd dump --summary prints the sizes and counts of every metadata part.
TEST(TraceDatReader, MetadataMatchesTraceCmdDump) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const std::string& path : datFiles()) {
        SCOPED_TRACE(path);
        auto reader = openOrFail(path);
        ASSERT_TRUE(reader);
        const TraceMeta& meta = reader->meta();
        auto dump = run("trace-cmd dump --summary -i '" + path + "'");
        ASSERT_TRUE(dump.has_value());
        auto number = [&](const std::string& pattern) -> uint64_t {
            std::smatch m;
            EXPECT_TRUE(std::regex_search(*dump, m, std::regex(pattern))) << pattern;
            return m.empty() ? 0 : std::stoull(m[1]);
        };
        EXPECT_EQ(meta.headerPage.size(), number(R"(\[Header page, (\d+) bytes\])"));
        EXPECT_EQ(meta.headerEvent.size(), number(R"(\[Header event, (\d+) bytes\])"));
        EXPECT_EQ(meta.kallsyms.size(), number(R"(\[Kallsyms, (\d+) bytes\])"));
        EXPECT_EQ(meta.printkFormats.size(), number(R"(\[Trace printk, (\d+) bytes\])"));
        EXPECT_EQ(meta.savedCmdlines.size(), number(R"(\[Saved command lines, (\d+) bytes\])"));
        EXPECT_EQ(meta.pageSize, number(R"((\d+)\s+\[Page size, bytes\])"));
        EXPECT_EQ(meta.bigEndian, dump->find("[Big endian]") != std::string::npos);
        size_t ftrace = std::count_if(meta.formats.begin(), meta.formats.end(),
                                      [](const EventFormat& f) { return f.system == "ftrace"; });
        std::set<std::string> systems;
        for (const EventFormat& f : meta.formats) {
            if (f.system != "ftrace") systems.insert(f.system);
        }
        EXPECT_EQ(ftrace, number(R"(\[Ftrace format, (\d+) events\])"));
        EXPECT_EQ(systems.size(), number(R"(\[Events format, (\d+) systems\])"));
        // v7 lists every buffer: [buffer "NAME", "CLOCK" clock, N page size, ...]
        std::regex bufferLine(R"re(\[buffer "([^"]*)", "([^"]*)" clock, (\d+) page size)re");
        std::vector<BufferInfo> listed;
        for (std::sregex_iterator it(dump->begin(), dump->end(), bufferLine), end; it != end;
             ++it) {
            listed.push_back(
                BufferInfo{(*it)[1], (*it)[2], static_cast<uint32_t>(std::stoul((*it)[3]))});
        }
        if (reader->version() == 6) continue;
        ASSERT_EQ(meta.buffers.size(), listed.size());
        for (size_t i = 0; i < listed.size(); ++i) {
            EXPECT_EQ(meta.buffers[i].name, listed[i].name);
            EXPECT_EQ(meta.buffers[i].clock, listed[i].clock);
            EXPECT_EQ(meta.buffers[i].subbufSize, listed[i].subbufSize);
        }
    }
}

TEST(TraceDatReader, FormatsTextsAreVerbatimFormatFiles) {
    for (const std::string& path : datFiles()) {
        SCOPED_TRACE(path);
        auto reader = openOrFail(path);
        ASSERT_TRUE(reader);
        bool sawSched = false;
        for (const EventFormat& f : reader->meta().formats) {
            ASSERT_EQ(f.text.rfind("name: ", 0), 0u) << f.system;
            EXPECT_NE(f.text.find("\nformat:"), std::string::npos);
            sawSched |= f.system == "sched" && f.text.find("name: sched_switch\n") == 0;
        }
        EXPECT_TRUE(sawSched);
        EXPECT_NE(reader->meta().formats.front().system, "");
    }
}

TEST(TraceDatReader, InstanceFilesNameTheirBuffersAfterTheEmptyTopBuffer) {
    const std::map<std::string, std::string> instances = {{"sched-irq-timer.dat", "demo"},
                                                          {"markers.dat", "mk"}};
    for (const auto& [file, name] : instances) {
        auto reader = openOrFail(test::dataPath(file));
        ASSERT_TRUE(reader);
        const TraceMeta& meta = reader->meta();
        ASSERT_EQ(meta.buffers.size(), 2u) << file;
        EXPECT_EQ(meta.buffers[0].name, "");
        EXPECT_EQ(meta.buffers[1].name, name);
        for (const FrameRef& f : reader->frames()) EXPECT_EQ(meta.cpus[f.cpu].buffer, 1u);
    }
}

TEST(TraceDatReader, CpusListEveryBufferInOrderWithTheFilesCpuCount) {
    for (const std::string& path : datFiles()) {
        SCOPED_TRACE(path);
        auto reader = openOrFail(path);
        ASSERT_TRUE(reader);
        const TraceMeta& meta = reader->meta();
        ASSERT_FALSE(meta.buffers.empty());
        EXPECT_EQ(meta.buffers[0].name, "");
        EXPECT_EQ(meta.traceClock, meta.buffers[0].clock);
        EXPECT_FALSE(meta.traceClock.empty());
        // Every fixture was recorded on 2 CPUs (fixtures/README.md, "cpus=2" in reports).
        ASSERT_EQ(meta.cpus.size(), 2 * meta.buffers.size());
        for (size_t i = 0; i < meta.cpus.size(); ++i) {
            EXPECT_EQ(meta.cpus[i].buffer, i / 2);
            EXPECT_EQ(meta.cpus[i].cpu, i % 2);
        }
        EXPECT_NE(meta.uname.find("Linux"), std::string::npos);
        EXPECT_NE(meta.recorded.find("buffers:"), std::string::npos);
        EXPECT_NE(meta.recorded.find("clock " + meta.traceClock), std::string::npos);
    }
}

// ---- fixtures: frames ----

TEST(TraceDatReader, FramesDecompressToTheirStatedSizeAndStartAtTFirst) {
    for (const std::string& path : datFiles()) {
        SCOPED_TRACE(path);
        auto reader = openOrFail(path);
        ASSERT_TRUE(reader);
        const TraceMeta& meta = reader->meta();
        ASSERT_FALSE(reader->frames().empty());
        std::map<uint32_t, uint64_t> lastOffset;
        Bytes frame;
        for (size_t i = 0; i < reader->frames().size(); ++i) {
            const FrameRef& f = reader->frames()[i];
            ASSERT_LT(f.cpu, meta.cpus.size());
            uint32_t subbuf = meta.buffers[meta.cpus[f.cpu].buffer].subbufSize;
            EXPECT_EQ(f.codec, reader->codec());
            EXPECT_EQ(f.usize % subbuf, 0u);
            EXPECT_LE(f.offset + f.csize, reader->fileSize());
            if (f.codec == Codec::None) {
                EXPECT_EQ(f.csize, f.usize);
                EXPECT_LE(f.usize, TraceDatReader::kPagesPerFrame * subbuf);
            }
            EXPECT_GT(f.offset, lastOffset[f.cpu]) << "frames of a CPU are in file order";
            lastOffset[f.cpu] = f.offset;
            EXPECT_EQ(f.tLast, kUnknownTime);
            EXPECT_EQ(f.events, kUnknownCount);
            ASSERT_TRUE(reader->readFrame(i, frame).ok());
            ASSERT_EQ(frame.size(), f.usize);
            EXPECT_EQ(load64(frame.data(), meta.bigEndian), f.tFirst);
        }
    }
}

TEST(TraceDatReader, EventCountsAndCpuTimestampsMatchTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const std::string& path : datFiles()) expectMatchesReport(path);
}

TEST(TraceDatReader, ReadFrameIsThreadSafe) {
    auto reader = openOrFail(test::dataPath("function-graph.dat"));
    ASSERT_TRUE(reader);
    size_t n = reader->frames().size();
    std::vector<Bytes> serial(n);
    for (size_t i = 0; i < n; ++i) ASSERT_TRUE(reader->readFrame(i, serial[i]).ok());
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            Bytes out;
            for (size_t k = 0; k < 3 * n; ++k) {
                size_t i = (k * 7 + static_cast<size_t>(t)) % n;
                if (!reader->readFrame(i, out).ok() || out != serial[i]) ++mismatches[t];
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(TraceDatReader, ReadFrameRejectsAnIndexPastTheEnd) {
    auto reader = openOrFail(test::dataPath("sched-irq-v6.dat"));
    ASSERT_TRUE(reader);
    Bytes out;
    Status st = reader->readFrame(reader->frames().size(), out);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.message().find("does not exist"), std::string::npos);
}

TEST(TraceDatReader, OpenTraceDatReturnsATraceSource) {
    auto source = openTraceDat(test::dataPath("markers.dat"));
    ASSERT_TRUE(source.ok()) << source.message();
    EXPECT_EQ(source.value()->formatName(), "trace.dat v7 (zstd)");
    auto missing = openTraceDat(test::dataPath("no-such-file.dat"));
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.message().find("no-such-file.dat"), std::string::npos);
}

// ---- trace-cmd's own conversions of a fixture: v6 with an instance, v7 uncompressed,
// v7 zlib (only when the installed trace-cmd was built with zlib) ----

bool traceCmdHasZlib() {
    auto list = run("trace-cmd list -c");
    return list && list->find("zlib") != std::string::npos;
}

std::string convert(const std::string& dir, const std::string& name, const std::string& args) {
    std::string out = dir + "/" + name;
    auto ok = run("trace-cmd convert -i '" + test::dataPath("sched-irq-timer.dat") + "' -o '" +
                  out + "' " + args + " >/dev/null");
    EXPECT_TRUE(ok.has_value()) << "trace-cmd convert " << args;
    return out;
}

TEST(TraceDatReader, V6WithAnInstanceMatchesTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    std::string path = convert(test::tempDir("tracedat-v6"), "v6.dat", "--file-version 6");
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->formatName(), "trace.dat v6");
    ASSERT_EQ(reader->meta().buffers.size(), 2u);
    EXPECT_EQ(reader->meta().buffers[1].name, "demo");
    EXPECT_EQ(reader->meta().buffers[1].clock, "local");
    expectMatchesReport(path);
}

TEST(TraceDatReader, UncompressedV7MatchesTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    std::string path = convert(test::tempDir("tracedat-none"), "none.dat", "--compression none");
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->formatName(), "trace.dat v7");
    for (const FrameRef& f : reader->frames()) EXPECT_EQ(f.codec, Codec::None);
    expectMatchesReport(path);
}

TEST(TraceDatReader, ZlibV7MatchesTraceCmdReport) {
    if (!haveTraceCmd() || !traceCmdHasZlib()) GTEST_SKIP() << "no trace-cmd with zlib";
    std::string path = convert(test::tempDir("tracedat-zlib"), "zlib.dat", "--compression zlib");
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->formatName(), "trace.dat v7 (zlib)");
    expectMatchesReport(path);
}

// The codec on real pages, compressed the way trace-compress-zlib.c does (compress2).
TEST(TraceDatCodec, ZlibBlocksDecompressAndPeekLikeTraceCmdWritesThem) {
    auto reader = openOrFail(test::dataPath("sched-irq-v6.dat"));
    ASSERT_TRUE(reader);
    Bytes pages;
    ASSERT_TRUE(reader->readFrame(0, pages).ok());
    uLongf packedSize = compressBound(pages.size());
    Bytes packed(packedSize);
    ASSERT_EQ(compress2(packed.data(), &packedSize, pages.data(), pages.size(), Z_BEST_COMPRESSION),
              Z_OK);
    packed.resize(packedSize);
    Bytes out(pages.size());
    ASSERT_TRUE(
        tracedatDecompress(Codec::Zlib, packed.data(), packed.size(), out.data(), out.size()).ok());
    EXPECT_EQ(out, pages);
    uint8_t head[16];
    ASSERT_TRUE(
        tracedatPeek(Codec::Zlib, packed.data(), packed.size(), pages.size(), head, 16).ok());
    EXPECT_EQ(Bytes(head, head + 16), Bytes(pages.begin(), pages.begin() + 16));
    // A stated size one byte short or long, and a damaged stream, are errors.
    EXPECT_FALSE(
        tracedatDecompress(Codec::Zlib, packed.data(), packed.size(), out.data(), out.size() - 1)
            .ok());
    out.resize(pages.size() + 1);
    EXPECT_FALSE(
        tracedatDecompress(Codec::Zlib, packed.data(), packed.size(), out.data(), out.size()).ok());
    packed[packed.size() / 2] ^= 0x55;
    packed[packed.size() / 3] ^= 0x55;
    out.resize(pages.size());
    EXPECT_FALSE(
        tracedatDecompress(Codec::Zlib, packed.data(), packed.size(), out.data(), out.size()).ok());
    EXPECT_FALSE(
        tracedatDecompress(Codec::Zlib, packed.data(), packed.size() / 2, out.data(), out.size())
            .ok());
}

TEST(TraceDatCodec, ZstdBlockWithAWrongStatedSizeIsAnError) {
    auto reader = openOrFail(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(reader);
    const FrameRef& f = reader->frames().at(0);
    Bytes all = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    const uint8_t* packed = all.data() + f.offset;
    Bytes out(f.usize + 4096);
    Status larger = tracedatDecompress(Codec::Zstd, packed, f.csize, out.data(), f.usize + 4096);
    ASSERT_FALSE(larger.ok());
    EXPECT_NE(larger.message().find("expected " + std::to_string(f.usize + 4096)),
              std::string::npos);
    Status smaller = tracedatDecompress(Codec::Zstd, packed, f.csize, out.data(), f.usize - 4096);
    ASSERT_FALSE(smaller.ok());
    EXPECT_NE(smaller.message().find("more than"), std::string::npos);
    EXPECT_FALSE(tracedatPeek(Codec::Zstd, packed, 4, f.usize, out.data(), 16).ok());
}

// ---- options that shift timestamps, patched in place over options of the same size ----

// Replaces option (id, size) whose data starts with `oldData` by (newId, newData).
Bytes patchOption(Bytes bytes, uint16_t id, const std::string& oldData, uint16_t newId,
                  const Bytes& newData) {
    Bytes pattern(6);
    store16(pattern.data(), id);
    store32(pattern.data() + 2, static_cast<uint32_t>(newData.size()));
    pattern.insert(pattern.end(), oldData.begin(), oldData.end());
    auto at = std::search(bytes.begin(), bytes.end(), pattern.begin(), pattern.end());
    EXPECT_NE(at, bytes.end());
    if (at == bytes.end()) return bytes;
    store16(&*at, newId);
    std::copy(newData.begin(), newData.end(), at + 6);
    return bytes;
}

Bytes text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

TEST(TraceDatReader, OffsetOptionShiftsTimestampsLikeTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    Bytes v6 = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    std::string path = test::tempDir("tracedat-offset") + "/offset.dat";
    writeFile(path,
              patchOption(v6, 11 /*TRACEID*/, "", 7 /*OFFSET*/, text(std::string("1000000\0", 8))));
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->meta().tsOffset, 1000000);
    expectMatchesReport(path);
}

TEST(TraceDatReader, DateOptionShiftsTimestampsByMicrosecondsLikeTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    Bytes v6 = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    std::string path = test::tempDir("tracedat-date") + "/date.dat";
    writeFile(path,
              patchOption(v6, 11 /*TRACEID*/, "", 1 /*DATE*/, text(std::string("0x3e8\0\0\0", 8))));
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->meta().tsOffset, 1000 * 1000);
    expectMatchesReport(path);
}

// TraceMeta has no multiplier, so the reader exposes TSC2NSEC; applied here the way
// trace-input.c timestamp_calc does, it must give what trace-cmd report prints.
TEST(TraceDatReader, Tsc2NsecOptionIsExposedWithTraceCmdsConversion) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    Bytes v7 = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    Bytes tsc(16);
    store32(tsc.data(), 3);
    store32(tsc.data() + 4, 1);
    std::string path = test::tempDir("tracedat-tsc") + "/tsc.dat";
    writeFile(path, patchOption(v7, 2 /*CPUSTAT*/, "\nBuffer: demo\n\n", 14 /*TSC2NSEC*/, tsc));
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    ASSERT_TRUE(reader->tsc2nsec().has_value());
    EXPECT_EQ(reader->tsc2nsec()->mult, 3u);
    EXPECT_EQ(reader->tsc2nsec()->shift, 1u);
    EXPECT_NE(reader->meta().recorded.find("TSC2NSEC"), std::string::npos);
    uint64_t total = 0;
    size_t digits = 9;
    Figures expected = reportFigures(path, reader->meta(), &total, &digits);
    auto [key, fig] = *expected.begin();
    const FrameRef* first = nullptr;
    for (const FrameRef& f : reader->frames()) {
        const CpuInfo& cpu = reader->meta().cpus[f.cpu];
        if (!first && reader->meta().buffers[cpu.buffer].name == key.first && cpu.cpu == key.second)
            first = &f;
    }
    ASSERT_NE(first, nullptr);
    Bytes frame;
    ASSERT_TRUE(
        reader->readFrame(static_cast<size_t>(first - reader->frames().data()), frame).ok());
    auto format = PageFormat::fromHeaderPage(reader->meta().headerPage, false);
    PageReader page;
    ASSERT_TRUE(page.load(frame.data(), 4096, *format).ok());
    RawEvent event;
    ASSERT_TRUE(page.next(event));
    uint64_t ns = (event.ts * reader->tsc2nsec()->mult) >> reader->tsc2nsec()->shift;
    EXPECT_EQ(seconds(static_cast<int64_t>(ns), digits), fig.first);
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
    expectError(text("#!/bin/sh\necho this is not a trace\n"), "td-text", "bad magic");
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
    expectError(patchOption(v7, 8 /*CPUCOUNT*/, "", 8, count), "td-cpus7", "5000 CPUs");
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

// trace-cmd writes v7 BUFFER options after the data, so a cut tail loses the CPU table.
TEST(TraceDatReaderDamage, TruncatedV7TailIsAClearError) {
    Bytes b = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    b.resize(b.size() - 5000);
    expectError(b, "td-trunc-tail", "expected 2 bytes of section id");
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
