// Call trees against `trace-cmd report` (support/graph_oracle.h reads its function_graph
// text back into calls by the report's own rules), and stack samples against its
// kernel_stack blocks.
#include "analysis/call_tree.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "analysis/folded_stacks.h"
#include "analysis/function_stats.h"
#include "analysis/stack_samples.h"
#include "support/graph_oracle.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Built {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    CallTrees trees;
};

Built build(const std::string& file) {
    Built b;
    auto model = TraceModel::open(file);
    EXPECT_TRUE(model) << model.message();
    b.model = std::move(model.value());
    auto formats = EventFormats::create(b.model->meta());
    EXPECT_TRUE(formats) << formats.message();
    b.formats = std::move(formats.value());
    auto trees = buildCallTrees(*b.model, *b.formats);
    EXPECT_TRUE(trees) << trees.message();
    b.trees = std::move(trees.value());
    return b;
}

const char* const kGraphFixtures[] = {"function-graph.dat"};

TEST(CallTrees, EveryDurationTheReportPrintsIsACallOfTheSameTaskAndFunction) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* fixture : kGraphFixtures) {
        SCOPED_TRACE(fixture);
        const std::string file = test::dataPath(fixture);
        test::GraphReport report = test::readGraphReport(file);
        ASSERT_GT(report.calls.size(), 1000u);
        Built b = build(file);
        test::expectSameDurations(report, b.trees, *b.formats);
    }
}

TEST(CallTrees, FoldedTotalsPerRootFunctionAreTheReportsDurations) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* fixture : kGraphFixtures) {
        SCOPED_TRACE(fixture);
        const std::string file = test::dataPath(fixture);
        Built b = build(file);
        EXPECT_GT(test::expectSameRootTotals(test::readGraphReport(file), b.trees, *b.formats), 3u);
    }
}

TEST(FunctionStats, CallsAndTotalsPerFunctionAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* fixture : kGraphFixtures) {
        SCOPED_TRACE(fixture);
        const std::string file = test::dataPath(fixture);
        Built b = build(file);
        EXPECT_GT(test::expectSameFunctionTotals(test::readGraphReport(file), b.trees, *b.formats),
                  100u);
    }
}

// The report prints a kernel_stack record as "<stack trace >" and then one "=> NAME (ADDR)"
// or "=> ADDR" line per frame, innermost first (one line of report text each, here).
std::map<std::string, uint64_t> reportStacks(const std::string& file) {
    std::map<std::string, uint64_t> stacks;
    FILE* p = popen(("trace-cmd report -i '" + file + "' 2>/dev/null").c_str(), "r");
    std::vector<std::string> frames;
    bool inStack = false;
    auto flush = [&] {
        if (!inStack) return;
        std::string folded;
        for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
            folded += (folded.empty() ? "" : ";") + *it;
        }
        ++stacks[folded];
        frames.clear();
        inStack = false;
    };
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p)) {
        std::string line(buf);
        if (line.rfind("=> ", 0) == 0) {
            std::string frame = line.substr(3, line.find_first_of(" \n", 3) - 3);
            frames.push_back(frame);
            continue;
        }
        flush();
        inStack = line.find(" kernel_stack: ") != std::string::npos;
    }
    flush();
    if (p) pclose(p);
    return stacks;
}

TEST(StackSamples, EachStackCountsTheReportsKernelStackBlocks) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("function-stacks.dat");
    std::map<std::string, uint64_t> report = reportStacks(file);
    ASSERT_GT(report.size(), 3u);
    auto model = TraceModel::open(file);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats) << formats.message();
    auto samples = foldStackSamples(*model.value(), *formats.value(), CallFilter{});
    ASSERT_TRUE(samples) << samples.message();
    std::map<std::string, uint64_t> ours;
    for (const FoldedLine& l : samples.value().lines) ours[l.stack] = l.value;
    EXPECT_EQ(ours, report);
    EXPECT_EQ(samples.value().badRecords, 0u);
}

// A hand-made task: f (100 ns) calls g twice (10 and 30 ns); g also runs alone for 200
// calls of 1..200 ns elsewhere.
TEST(FunctionStats, SelfTimeLongestAndP99) {
    CallTrees t;
    t.functions = {0x1000, 0x2000};
    t.spans.push_back({0, 100, 0, 0, 0, 0});
    t.spans.push_back({10, 10, 1, 0, 1, 0});
    t.spans.push_back({40, 30, 1, 0, 1, 0});
    for (uint64_t d = 1; d <= 200; ++d) t.spans.push_back({1000 + 1000 * d, d, 1, 0, 0, 0});
    t.lanes.push_back({7, -1, 0, t.spans.size()});
    std::map<uint32_t, FunctionStats> byFn;
    for (const FunctionStats& f : functionStats(t, CallFilter{})) byFn[f.function] = f;
    EXPECT_EQ(byFn[0].calls, 1u);
    EXPECT_EQ(byFn[0].self, 60u);
    EXPECT_EQ(byFn[1].calls, 202u);
    EXPECT_EQ(byFn[1].longest, 200u);
    EXPECT_EQ(byFn[1].longestSpan, t.spans.size() - 1);
    // 202 calls: rank ceil(0.99 * 202) = 200 of 1..200 plus 10 and 30 sorted in: 198.
    EXPECT_EQ(byFn[1].p99, 198u);
    CallFilter late;
    late.from = 100000;
    for (const FunctionStats& f : functionStats(t, late)) EXPECT_EQ(f.calls, 102u);  // d = 99..200
}

}  // namespace
}  // namespace kestrel
