// ktr on damaged traces: every command reads what it can, says on stderr what it skipped,
// where and how much, and exits 3.
#include <gtest/gtest.h>

#include <fstream>

#include "decode/trace_model.h"
#include "support/process.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

std::string ktr(const std::string& args) {
    return std::string(KTR_BINARY) + " " + args;
}

struct Copy {
    std::string path;
    uint64_t events = 0;   // in the whole file
    uint64_t damaged = 0;  // in the frame this test damaged
    std::string label;     // its CPU ("demo cpu1")
    uint64_t offset = 0;   // its file offset
    uint64_t pages = 0;    // in it
};

// sched-irq-timer.dat as .ktr, with the payload of one frame overwritten: its block
// header and the index stay whole, so the file opens, and only reading that frame fails
// (its checksum). `pick` chooses the frame from the model.
template <class Pick>
Copy damagedKtr(const std::string& tag, Pick pick) {
    Copy c;
    c.path = test::tempDir(tag) + "/t.ktr";
    auto r = test::run(ktr("convert " + test::shellQuote(test::dataPath("sched-irq-timer.dat")) +
                           " " + test::shellQuote(c.path) + " 2>&1"));
    EXPECT_EQ(r.exitCode, 0) << r.out;
    auto model = TraceModel::open(c.path);
    EXPECT_TRUE(model) << model.message();
    if (!model) return c;
    const TraceModel& m = **model;
    for (size_t cpu = 0; cpu < m.cpuCount(); ++cpu) c.events += m.cpu(cpu).events;
    uint32_t frame = pick(m);
    const FrameRef& f = m.frames()[frame];
    c.damaged = f.events;
    c.label = m.cpuLabel(f.cpu);
    c.offset = f.offset;
    c.pages = f.usize / m.cpu(f.cpu).format.pageSize;
    std::fstream file(c.path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(f.offset + 16));
    file.write("damaged!", 8);
    return c;
}

// The events `ktr dump` printed (one line each for these events, after the header).
uint64_t dumpedEvents(const std::string& out) {
    uint64_t lines = 0;
    for (char ch : out) lines += ch == '\n';
    return lines - 1;  // "cpus=N"
}

// The first frame of the last CPU with data: reading it failed before the fix, and the
// cursor then dropped every frame of that CPU without a word.
uint32_t firstFrameOfLastCpu(const TraceModel& m) {
    size_t cpu = m.cpuCount() - 1;
    while (cpu > 0 && m.cpu(cpu).frames.empty()) --cpu;
    return m.cpu(cpu).frames.front();
}

TEST(DamagedInput, DumpGoesPastAnUnreadableFrameAndSaysWhatItSkipped) {
    Copy c = damagedKtr("damaged-dump", firstFrameOfLastCpu);
    ASSERT_GT(c.damaged, 0u);
    auto r = test::run(
        ktr("dump " + test::shellQuote(c.path) + " 2>" + test::shellQuote(c.path + ".err")));
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_EQ(dumpedEvents(r.out), c.events - c.damaged);
    std::string err = test::readText(c.path + ".err");
    EXPECT_NE(err.find("ktr: warning: " + c.path + ": " + c.label + ": frame at offset " +
                       std::to_string(c.offset) + " (" + std::to_string(c.pages) + " pages, " +
                       std::to_string(c.damaged) + " events) skipped: "),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("CRC mismatch"), std::string::npos) << err;
    EXPECT_NE(err.find("in all, skipped " + std::to_string(c.damaged) + " events"),
              std::string::npos)
        << err;
}

uint32_t lastFrame(const TraceModel& m) {
    return static_cast<uint32_t>(m.frames().size() - 1);
}

// `ktr info` read only the index and reported full counts for a frame that fails its
// checksum; `ktr stats` counted fewer events and said nothing.
TEST(DamagedInput, InfoAndStatsCountOnlyWhatReadsAndSaySo) {
    Copy c = damagedKtr("damaged-counts", lastFrame);
    ASSERT_GT(c.damaged, 0u);
    const std::string readable = std::to_string(c.events - c.damaged);
    for (const char* command : {"info", "stats"}) {
        auto r = test::run(ktr(std::string(command) + " " + test::shellQuote(c.path) + " 2>" +
                               test::shellQuote(c.path + ".err")));
        EXPECT_EQ(r.exitCode, 3) << command;
        std::string first = r.out.substr(0, r.out.find('\n', r.out.find("events:")));
        EXPECT_NE(
            r.out.find(std::string(command) == std::string("info") ? "events:      " + readable
                                                                   : "events: " + readable),
            std::string::npos)
            << command << "\n"
            << r.out;
        std::string err = test::readText(c.path + ".err");
        EXPECT_NE(err.find(c.label + ": frame at offset " + std::to_string(c.offset)),
                  std::string::npos)
            << command << ": " << err;
    }
}

// A trace.dat whose middle chunk does not decompress: the chunks after it still read, and
// the warning names that chunk (it used to say data after the last whole frame was lost).
TEST(DamagedInput, TraceDatWithABadMiddleChunkNamesTheChunk) {
    auto reader = openTrace(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(reader);
    const FrameRef middle = (*reader)->frames()[(*reader)->frames().size() / 2];
    auto bytes = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    bytes[middle.offset] ^= 0xff;  // the zstd frame's magic
    std::string path = test::tempDir("damaged-chunk") + "/t.dat";
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    for (const char* command : {"info", "stats", "dump"}) {
        auto r = test::run(
            ktr(std::string(command) + " " + test::shellQuote(path) + " 2>&1 >/dev/null"));
        EXPECT_EQ(r.exitCode, 3) << command;
        EXPECT_NE(r.out.find("ktr: warning: " + path + ": offset " + std::to_string(middle.offset) +
                             ": buffer \"demo\" CPU "),
                  std::string::npos)
            << command << ": " << r.out;
        EXPECT_NE(r.out.find(" skipped (10 pages): zstd: "), std::string::npos) << r.out;
        EXPECT_EQ(r.out.find("last whole frame"), std::string::npos) << r.out;
    }
}

}  // namespace
}  // namespace kestrel
