// trace.dat files cut short, as a copy interrupted or a full disk leaves them: whatever
// lies whole before the cut opens, with one warning per thing missing, and the sched
// analysis draws what is missing as gaps; only a cut in the metadata (the header, the
// formats, the first options section) fails the open.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "analysis/sched_timeline.h"
#include "analysis/trace_scan.h"
#include "base/byte_order.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

using Bytes = std::vector<uint8_t>;

std::string writeCut(const Bytes& whole, uint64_t size, const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(whole.data()),
              static_cast<std::streamsize>(std::min<uint64_t>(size, whole.size())));
    return path;
}

bool isV7(const Bytes& b) {
    return b.size() > 10 && b[10] == '7';
}

// Where a little-endian v7 file's metadata ends: the first options section and the
// sections it lists (trace-cmd.dat.v7 layout: magic, "7\0", endian, long size, page
// size, compression name and version, then the u64 offset of the first options section).
struct V7Map {
    uint64_t metadataEnd = 0;
    std::vector<uint64_t> sections;  // every options and flyrecord section
    std::vector<uint64_t> cpuData;   // every CPU's data start
};

V7Map mapOf(const Bytes& b) {
    V7Map m;
    size_t p = 18;
    p += std::strlen(reinterpret_cast<const char*>(&b[p])) + 1;
    p += std::strlen(reinterpret_cast<const char*>(&b[p])) + 1;
    bool first = true;
    for (uint64_t at = load64(&b[p], false); at != 0 && at + 16 <= b.size();) {
        m.sections.push_back(at);
        const uint64_t size = load64(&b[at + 8], false);
        if (first) m.metadataEnd = at + 16 + size;
        uint64_t next = 0;
        for (size_t q = at + 16; q + 6 <= at + 16 + size;) {
            const uint16_t id = load16(&b[q], false);
            const uint32_t len = load32(&b[q + 2], false);
            const uint8_t* d = &b[q + 6];
            if (id == 0) next = load64(d, false);
            if (first && id >= 16 && id <= 21) {
                const uint64_t s = load64(d, false);
                m.metadataEnd = std::max(m.metadataEnd, s + 16 + load64(&b[s + 8], false));
            }
            if (id == 3) {
                m.sections.push_back(load64(d, false));
                size_t r = 8;
                for (int s = 0; s < 2; ++s)
                    r += std::strlen(reinterpret_cast<const char*>(d + r)) + 1;
                const uint32_t cpus = load32(d + r + 4, false);
                for (uint32_t c = 0; c < cpus; ++c)
                    m.cpuData.push_back(load64(d + r + 8 + 20 * c + 4, false));
            }
            q += 6 + len;
        }
        first = false;
        at = next;
    }
    return m;
}

std::vector<std::string> fixtures() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(test::dataPath(""))) {
        if (e.path().extension() == ".dat") out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

uint64_t eventsOf(const TraceModel& model) {
    auto scan = scanTrace(model, nullptr, nullptr, 1);
    EXPECT_TRUE(scan.ok()) << (scan.ok() ? "" : scan.message());
    return scan.ok() ? scan->events : 0;
}

// Opens, warns, reads every frame it lists, and holds no more than the whole file.
void expectOpensWhatIsThere(const std::string& path, size_t wholeFrames, uint64_t wholeEvents,
                            bool analyze) {
    auto model = TraceModel::open(path);
    ASSERT_TRUE(model.ok()) << model.message();
    const TraceSource& source = (*model)->source();
    EXPECT_FALSE(source.warnings().empty());
    for (const std::string& w : source.warnings()) {
        EXPECT_EQ(w.rfind(path + ": offset ", 0), 0u) << w;
        EXPECT_EQ(w.find('\n'), std::string::npos) << w;
    }
    EXPECT_LE(source.frames().size(), wholeFrames);
    EXPECT_LE(eventsOf(**model), wholeEvents);
    if (!analyze) return;
    auto formats = EventFormats::create((*model)->meta());
    ASSERT_TRUE(formats.ok()) << formats.message();
    auto timeline = analyzeSched(**model, **formats);
    ASSERT_TRUE(timeline.ok()) << timeline.message();
    EXPECT_LE(timeline->events, wholeEvents);
}

TEST(TraceDatTruncation, V7FilesCutAnywhereAfterTheirMetadataOpenWithWarnings) {
    size_t files = 0;
    for (const std::string& name : fixtures()) {
        const Bytes whole = test::readBytes(test::dataPath(name));
        if (!isV7(whole)) continue;
        ++files;
        auto full = TraceModel::open(test::dataPath(name));
        ASSERT_TRUE(full.ok());
        const size_t wholeFrames = (*full)->frames().size();
        const uint64_t wholeEvents = eventsOf(**full);
        const V7Map map = mapOf(whole);
        ASSERT_GT(map.metadataEnd, 0u) << name;
        std::set<uint64_t> cuts;
        for (uint64_t i = 0; i < 24; ++i)
            cuts.insert(map.metadataEnd + (whole.size() - map.metadataEnd) * i / 24);
        for (uint64_t s : map.sections)
            for (uint64_t d : {0, 2, 8, 15, 16, 20, 40}) cuts.insert(s + d);
        for (uint64_t c : map.cpuData)
            for (uint64_t d : {0, 2, 4, 8, 12, 100, 5000}) cuts.insert(c + d);
        cuts.insert(whole.size() * 95 / 100);
        const std::string path = test::tempDir("td-cut7") + "/" + name;
        size_t n = 0;
        for (uint64_t cut : cuts) {
            if (cut < map.metadataEnd || cut >= whole.size()) continue;
            SCOPED_TRACE(name + " cut at " + std::to_string(cut));
            writeCut(whole, cut, path);
            expectOpensWhatIsThere(path, wholeFrames, wholeEvents, ++n % 4 == 0);
        }
    }
    EXPECT_GE(files, 5u);
}

// Before its metadata is whole, a file cannot be read at all: a clear error, no crash.
TEST(TraceDatTruncation, V7FilesCutInTheirMetadataFailWithTheFileNamed) {
    const Bytes whole = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    const V7Map map = mapOf(whole);
    const std::string path = test::tempDir("td-cut7-meta") + "/cut.dat";
    for (uint64_t cut : {uint64_t{20}, uint64_t{5000}, map.metadataEnd / 2, map.metadataEnd - 1}) {
        writeCut(whole, cut, path);
        auto model = TraceModel::open(path);
        ASSERT_FALSE(model.ok()) << cut;
        EXPECT_EQ(model.message().rfind(path + ": offset ", 0), 0u) << model.message();
    }
}

size_t cpuNamed(const TraceModel& m, const std::string& label) {
    for (size_t i = 0; i < m.cpuCount(); ++i) {
        if (m.cpuLabel(i) == label) return i;
    }
    ADD_FAILURE() << "no " << label;
    return 0;
}

// At 95 %, sched-irq-timer.dat has lost the CPU table of buffer "demo" (written after the
// data) and all of demo cpu1's data; demo cpu0's data lies whole before the cut.
TEST(TraceDatTruncation, V7FileCutAt95PercentOpensTheCpuThatIsWhole) {
    const Bytes whole = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    auto full = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(full.ok());
    auto fullScan = scanTrace(**full, nullptr);
    ASSERT_TRUE(fullScan.ok());
    const size_t fullCpu0 = cpuNamed(**full, "demo cpu0");

    const std::string path =
        writeCut(whole, whole.size() * 95 / 100, test::tempDir("td-cut95") + "/cut.dat");
    auto model = TraceModel::open(path);
    ASSERT_TRUE(model.ok()) << model.message();
    const std::vector<std::string> warnings = (*model)->source().warnings();
    ASSERT_FALSE(warnings.empty());
    const std::string all = [&] {
        std::string s;
        for (const std::string& w : warnings) s += w + "\n";
        return s;
    }();
    EXPECT_NE(all.find("buffer \"demo\""), std::string::npos) << all;
    EXPECT_NE(all.find("CPUs found by walking its data: 0;"), std::string::npos) << all;
    EXPECT_NE(all.find("no data here: 1"), std::string::npos) << all;

    const size_t cpu0 = cpuNamed(**model, "demo cpu0"), cpu1 = cpuNamed(**model, "demo cpu1");
    auto scan = scanTrace(**model, nullptr);
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->eventsByCpu.at(cpu0), fullScan->eventsByCpu.at(fullCpu0));
    EXPECT_EQ(scan->eventsByCpu.at(cpu1), 0u);
    const std::vector<uint32_t> cut = (*model)->source().cutShortCpus();
    EXPECT_EQ(cut, std::vector<uint32_t>{static_cast<uint32_t>(cpu1)});

    // The analysis draws demo cpu1 as one gap over the whole trace.
    auto formats = EventFormats::create((*model)->meta());
    ASSERT_TRUE(formats.ok());
    auto timeline = analyzeSched(**model, **formats);
    ASSERT_TRUE(timeline.ok()) << timeline.message();
    auto gap = std::find_if(timeline->gaps.begin(), timeline->gaps.end(),
                            [&](const LostGap& g) { return g.cpu == cpu1; });
    ASSERT_NE(gap, timeline->gaps.end());
    EXPECT_EQ(gap->from, timeline->start);
    EXPECT_EQ(gap->to, timeline->end);
}

// The events of the pages that lie whole in the first `size` bytes of a v6 file.
uint64_t eventsInWholePages(const std::string& path, uint64_t size) {
    auto model = TraceModel::open(path);
    EXPECT_TRUE(model.ok());
    uint64_t events = 0;
    std::vector<uint8_t> frame;
    for (size_t i = 0; i < (*model)->frames().size(); ++i) {
        const FrameRef& f = (*model)->frames()[i];
        EXPECT_TRUE((*model)->source().readFrame(i, frame).ok());
        const PageFormat& format = (*model)->cpu(f.cpu).format;
        for (uint64_t at = 0; at + 4096 <= frame.size() && f.offset + at + 4096 <= size;
             at += 4096) {
            PageReader reader;
            EXPECT_TRUE(reader.load(frame.data() + at, 4096, format).ok());
            RawEvent e;
            while (reader.next(e)) ++events;
        }
    }
    return events;
}

// A v6 file cut at 4,000,000 bytes: cpu1's data is cut after 3 pages. Every whole page
// is kept, cpu1 is said to be cut short, and the analysis draws the rest of its time as
// a gap from its last event to the trace's end.
TEST(TraceDatTruncation, V6FileCutAt4MBKeepsEveryWholePageAndDrawsTheRestAsAGap) {
    const std::string name = "sched-irq-v6.dat";
    const Bytes whole = test::readBytes(test::dataPath(name));
    const std::string path = writeCut(whole, 4000000, test::tempDir("td-cut-v6") + "/" + name);
    auto model = TraceModel::open(path);
    ASSERT_TRUE(model.ok()) << model.message();
    EXPECT_FALSE((*model)->source().warnings().empty());
    EXPECT_EQ(eventsOf(**model), eventsInWholePages(test::dataPath(name), 4000000));
    const std::vector<uint32_t> cut = (*model)->source().cutShortCpus();
    ASSERT_EQ(cut.size(), 1u);
    auto formats = EventFormats::create((*model)->meta());
    ASSERT_TRUE(formats.ok());
    auto timeline = analyzeSched(**model, **formats);
    ASSERT_TRUE(timeline.ok()) << timeline.message();
    auto gap = std::find_if(timeline->gaps.begin(), timeline->gaps.end(),
                            [&](const LostGap& g) { return g.cpu == cut[0]; });
    ASSERT_NE(gap, timeline->gaps.end());
    EXPECT_EQ(gap->from, (*model)->toTraceTime((*model)->cpu(cut[0]).lastTs));
    EXPECT_EQ(gap->to, timeline->end);
    EXPECT_LT(gap->from, gap->to);
    // Nothing is drawn on that CPU after its data ends.
    const SpanTrack& spans = timeline->cpus.at(cut[0]);
    ASSERT_GT(spans.size(), 0u);
    EXPECT_LE(spans.end.back(), gap->from + 1);
}

}  // namespace
}  // namespace kestrel
