// ktr latency as a user runs it: csv and json give every instance, text the percentiles
// of what csv lists, the options select, usage and input errors exit as the other
// commands do. What the instances are is tested in tests/model/latency_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "decode/trace_model.h"
#include "support/process.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

std::string ktr(const std::string& args) {
    return std::string(KTR_BINARY) + " latency " + args;
}

std::string fixture(const char* name) {
    return test::shellQuote(test::dataPath(name));
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; std::getline(in, f, ',');) out.push_back(f);
    return out;
}

struct Row {
    uint64_t latency = 0, startNs = 0, endNs = 0;
    int32_t pid = 0;
    std::string key, name, start;
};

std::vector<Row> csvRows(const std::string& args) {
    auto r = test::run(ktr(args + " --format csv"));
    EXPECT_EQ(r.exitCode, 0) << r.out;
    auto lines = splitLines(r.out);
    EXPECT_FALSE(lines.empty());
    if (lines.empty()) return {};
    EXPECT_EQ(lines[0], "start,latency_ns,task,pid,key,name,start_cpu,start_ns,end_cpu,end_ns");
    std::vector<Row> rows;
    for (size_t i = 1; i < lines.size(); ++i) {
        auto f = splitCsv(lines[i]);
        EXPECT_EQ(f.size(), 10u) << lines[i];
        if (f.size() != 10) continue;
        rows.push_back({std::stoull(f[1]), std::stoull(f[7]), std::stoull(f[9]), std::stoi(f[3]),
                        f[4], f[5], f[0]});
    }
    return rows;
}

// "0.452" microseconds as the text prints them, from nanoseconds.
std::string micros(uint64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ns) / 1000.0);
    return buf;
}

// The p-th percentile by nearest rank, counted from the sorted values.
uint64_t nearestRank(std::vector<uint64_t> values, double p) {
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::max<size_t>(rank, 1) - 1];
}

TEST(KtrLatency, CsvListsEveryInstanceWithItsTwoEvents) {
    auto rows = csvRows(fixture("sched-irq-timer.dat") + " --kind irq");
    EXPECT_EQ(rows.size(), 1013u);  // irq_handler_entry/exit pairs in the trace
    for (const Row& r : rows) EXPECT_EQ(r.endNs - r.startNs, r.latency);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end(),
                               [](const Row& a, const Row& b) { return a.startNs < b.startNs; }));
    auto json = test::run(ktr(fixture("sched-irq-timer.dat") + " --kind irq --format json"));
    ASSERT_EQ(json.exitCode, 0);
    size_t objects = 0;
    for (size_t at = json.out.find("\"start_ns\""); at != std::string::npos;
         at = json.out.find("\"start_ns\"", at + 1))
        ++objects;
    EXPECT_EQ(objects, rows.size());
    EXPECT_EQ(json.out.rfind("{\"kind\": \"irq\"", 0), 0u) << json.out.substr(0, 80);
}

// The text's percentiles per irq are those of the csv's latencies of that irq.
TEST(KtrLatency, TextPercentilesPerKeyAreThoseOfTheCsvRows) {
    auto rows = csvRows(fixture("sched-irq-timer.dat") + " --kind irq");
    std::vector<uint64_t> irq36;
    for (const Row& r : rows) {
        if (r.key == "36") irq36.push_back(r.latency);
    }
    ASSERT_GT(irq36.size(), 1000u);
    auto text = test::run(ktr(fixture("sched-irq-timer.dat") + " --kind irq --by irq"));
    ASSERT_EQ(text.exitCode, 0) << text.out;
    std::string line;
    for (const std::string& l : splitLines(text.out)) {
        if (l.rfind("36 virtio1-req.0", 0) == 0) line = l;
    }
    ASSERT_FALSE(line.empty()) << text.out;
    std::istringstream in(line.substr(std::string("36 virtio1-req.0").size()));
    uint64_t count = 0;
    std::string min, p50, p90, p99, p999, max;
    in >> count >> min >> p50 >> p90 >> p99 >> p999 >> max;
    EXPECT_EQ(count, irq36.size());
    EXPECT_EQ(min, micros(*std::min_element(irq36.begin(), irq36.end())));
    EXPECT_EQ(p50, micros(nearestRank(irq36, 0.5)));
    EXPECT_EQ(p90, micros(nearestRank(irq36, 0.9)));
    EXPECT_EQ(p99, micros(nearestRank(irq36, 0.99)));
    EXPECT_EQ(p999, micros(nearestRank(irq36, 0.999)));
    EXPECT_EQ(max, micros(*std::max_element(irq36.begin(), irq36.end())));
    EXPECT_NE(text.out.find("histogram"), std::string::npos);
}

TEST(KtrLatency, PidAndTimeRangeSelectInstances) {
    const std::string file = fixture("sched-irq-v6.dat");
    auto all = csvRows(file + " --kind wakeup");
    ASSERT_GT(all.size(), 100u);
    auto dd = csvRows(file + " --kind wakeup --pid 135");
    const auto expected =
        std::count_if(all.begin(), all.end(), [](const Row& r) { return r.pid == 135; });
    EXPECT_EQ(dd.size(), static_cast<size_t>(expected));
    EXPECT_GT(dd.size(), 0u);
    for (const Row& r : dd) EXPECT_EQ(r.pid, 135);
    // From the 11th instance's printed start to the 20th's: those ten (and any that start
    // at the same printed microsecond).
    auto range =
        csvRows(file + " --kind wakeup --from " + all[10].start + " --to " + all[19].start);
    size_t inside = 0;
    for (const Row& r : all) inside += r.start >= all[10].start && r.start <= all[19].start;
    EXPECT_EQ(range.size(), inside);
    EXPECT_GE(range.size(), 10u);
}

TEST(KtrLatency, CompareShowsBothFilesPerGroup) {
    auto r = test::run(ktr(fixture("sched-irq-v6.dat") + " --kind softirq --by key --compare " +
                           fixture("function-graph.dat")));
    ASSERT_EQ(r.exitCode, 0) << r.out;
    EXPECT_NE(r.out.find("1: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2: "), std::string::npos) << r.out;
    auto lines = splitLines(r.out);
    auto timer = std::find_if(lines.begin(), lines.end(),
                              [](const std::string& l) { return l.rfind("1 TIMER", 0) == 0; });
    ASSERT_NE(timer, lines.end()) << r.out;
    ASSERT_NE(timer + 1, lines.end());
    EXPECT_NE(timer->find(" 1 "), std::string::npos);
    EXPECT_NE((timer + 1)->find(" 2 "), std::string::npos);
}

TEST(KtrLatency, PairOfEventsByMatchingFields) {
    auto rows =
        csvRows(fixture("sched-irq-v6.dat") +
                " --kind pair --start sched_waking --end sched_switch --match pid=next_pid");
    EXPECT_GT(rows.size(), 100u);
    for (const Row& r : rows) EXPECT_EQ(r.name, "sched_waking -> sched_switch");
}

TEST(KtrLatency, UsageErrorsExitTwo) {
    const std::string file = fixture("sched-irq-v6.dat");
    for (const std::string& args :
         {file + " --kind pair", file + " --kind nonsense", file, file + " --kind wakeup --by irq",
          file + " --kind wakeup --by key", file + " --kind wakeup --start sched_waking",
          file + " --kind wakeup --format csv --compare " + file,
          file + " --kind pair --start a --end b --match novalue"}) {
        auto r = test::run(ktr(args) + " 2>&1");
        EXPECT_EQ(r.exitCode, 2) << args << "\n" << r.out;
        EXPECT_NE(r.out.find("ktr latency: "), std::string::npos) << r.out;
    }
}

TEST(KtrLatency, InputErrorsExitOneOnOneLine) {
    for (const std::string& args :
         {fixture("sched-irq-v6.dat") + " --kind syscall",
          std::string("/nonexistent.dat --kind irq"),
          fixture("sched-irq-v6.dat") + " --kind pair --start sched_waking --end no_such_event",
          fixture("sched-irq-v6.dat") + " --kind wakeup --cpu 7"}) {
        auto r = test::run(ktr(args) + " 2>&1 >/dev/null");
        EXPECT_EQ(r.exitCode, 1) << args << "\n" << r.out;
        EXPECT_EQ(splitLines(r.out).size(), 1u) << r.out;
        EXPECT_EQ(r.out.rfind("ktr: ", 0), 0u) << r.out;
    }
}

// A .ktr with one frame that does not read: the instances of the other frames are listed,
// the pairs across the hole are counted as lost, stderr says what was skipped, exit 3.
TEST(KtrLatency, DamagedInputListsWhatReadsAndExitsThree) {
    const std::string path = test::tempDir("latency-damaged") + "/t.ktr";
    auto convert =
        test::run(std::string(KTR_BINARY) + " convert " + fixture("sched-irq-timer.dat") + " " +
                  test::shellQuote(path) + " 2>&1");
    ASSERT_EQ(convert.exitCode, 0) << convert.out;
    const size_t whole = csvRows(test::shellQuote(path) + " --kind softirq").size();
    {
        auto model = TraceModel::open(path);
        ASSERT_TRUE(model) << model.message();
        const TraceModel& m = **model;
        size_t cpu = m.cpuCount() - 1;
        while (cpu > 0 && m.cpu(cpu).frames.size() < 2) --cpu;
        ASSERT_GE(m.cpu(cpu).frames.size(), 2u);
        const FrameRef& f = m.frames()[m.cpu(cpu).frames[1]];  // one in the middle of a CPU
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>(f.offset + 16));
        file.write("damaged!", 8);
    }
    auto r = test::run(ktr(test::shellQuote(path) + " --kind softirq --format csv 2>/dev/null"));
    EXPECT_EQ(r.exitCode, 3);
    const size_t rows = splitLines(r.out).size() - 1;
    EXPECT_LT(rows, whole);
    EXPECT_GT(rows, 0u);
    auto text = test::run(ktr(test::shellQuote(path) + " --kind softirq 2>&1"));
    EXPECT_EQ(text.exitCode, 3);
    EXPECT_NE(text.out.find("ktr: warning: "), std::string::npos) << text.out;
}

}  // namespace
}  // namespace kestrel
