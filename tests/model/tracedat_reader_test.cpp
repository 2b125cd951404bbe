// TraceDatReader on the real trace-cmd files in tests/data, checked against the bytes
// and against trace-cmd itself (`trace-cmd report -R -t`, `trace-cmd dump --summary`)
// when it is installed. Damaged copies: tracedat_damage_test.cpp.
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
#include "support/tracedat_patch.h"

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

TEST(TraceDatReader, OffsetOptionShiftsTimestampsLikeTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    Bytes v6 = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    std::string path = test::tempDir("tracedat-offset") + "/offset.dat";
    writeFile(path, test::patchOption(v6, 11 /*TRACEID*/, "", 7 /*OFFSET*/,
                                      test::bytesOf(std::string("1000000\0", 8))));
    auto reader = openOrFail(path);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->meta().tsOffset, 1000000);
    expectMatchesReport(path);
}

TEST(TraceDatReader, DateOptionShiftsTimestampsByMicrosecondsLikeTraceCmdReport) {
    if (!haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    Bytes v6 = test::readBytes(test::dataPath("sched-irq-v6.dat"));
    std::string path = test::tempDir("tracedat-date") + "/date.dat";
    writeFile(path, test::patchOption(v6, 11 /*TRACEID*/, "", 1 /*DATE*/,
                                      test::bytesOf(std::string("0x3e8\0\0\0", 8))));
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
    writeFile(path,
              test::patchOption(v7, 2 /*CPUSTAT*/, "\nBuffer: demo\n\n", 14 /*TSC2NSEC*/, tsc));
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

}  // namespace
}  // namespace kestrel
