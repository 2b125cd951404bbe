// ktr flame and ktr functions as a user runs them: output formats, exit codes, messages.
// What the numbers are is tested against trace-cmd in tests/model/call_tree_test.cpp.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "support/process.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

std::string ktr(const std::string& args) {
    return std::string(KTR_BINARY) + " " + args;
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

// "a;b;c 123": a stack without blanks, one blank, a whole number.
bool isFolded(const std::string& line, int values) {
    std::istringstream in(line);
    std::string stack;
    in >> stack;
    for (int i = 0; i < values; ++i) {
        unsigned long long v = 0;
        if (!(in >> v)) return false;
    }
    std::string rest;
    return !stack.empty() && !(in >> rest);
}

TEST(KtrFlame, FoldedLinesOfAFunctionGraphTrace) {
    auto r = test::run(ktr("flame " + fixture("function-graph.dat")));
    ASSERT_EQ(r.exitCode, 0) << r.out;
    auto lines = splitLines(r.out);
    ASSERT_GT(lines.size(), 100u);
    for (const std::string& l : lines) EXPECT_TRUE(isFolded(l, 1)) << l;
    EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
}

TEST(KtrFlame, APidSelectsThatTasksCallsOnly) {
    auto all = test::run(ktr("flame " + fixture("function-graph.dat")));
    auto one = test::run(ktr("flame --pid 97 " + fixture("function-graph.dat")));
    ASSERT_EQ(one.exitCode, 0) << one.out;
    EXPECT_LT(one.out.size(), all.out.size());
    EXPECT_NE(one.out.find("__x64_sys_execve"), std::string::npos);  // cat-97 execs once
}

TEST(KtrFlame, DiffPrintsBothValuesForEveryStack) {
    auto r = test::run(ktr("flame --pid 95 " + fixture("function-graph.dat") + " --diff " +
                           fixture("function-graph.dat")));
    ASSERT_EQ(r.exitCode, 0) << r.out;
    auto lines = splitLines(r.out);
    ASSERT_FALSE(lines.empty());
    for (const std::string& l : lines) {
        ASSERT_TRUE(isFolded(l, 2)) << l;
        std::istringstream in(l);
        std::string stack;
        uint64_t a = 0, b = 0;
        in >> stack >> a >> b;
        EXPECT_EQ(a, b) << l;  // the same file twice
    }
}

TEST(KtrFlame, StacksCountKernelStackRecords) {
    auto r = test::run(ktr("flame --stacks " + fixture("function-stacks.dat")));
    ASSERT_EQ(r.exitCode, 0) << r.out;
    for (const std::string& l : splitLines(r.out)) EXPECT_TRUE(isFolded(l, 1)) << l;
    EXPECT_NE(r.out.find("vfs_fstatat"), std::string::npos);
}

TEST(KtrFlame, ATraceWithoutWhatWasAskedForIsBadInputNamingIt) {
    auto noGraph = test::run(ktr("flame " + fixture("sched-irq-timer.dat") + " 2>&1"));
    EXPECT_EQ(noGraph.exitCode, 1);
    EXPECT_NE(noGraph.out.find("no function_graph records"), std::string::npos) << noGraph.out;
    auto noStacks = test::run(ktr("flame --stacks " + fixture("function-graph.dat") + " 2>&1"));
    EXPECT_EQ(noStacks.exitCode, 1);
    EXPECT_NE(noStacks.out.find("no kernel_stack or user_stack records"), std::string::npos)
        << noStacks.out;
}

TEST(KtrFunctions, TextCsvAndJsonHoldTheSameRows) {
    auto csv =
        test::run(ktr("functions --format csv --sort name " + fixture("function-graph.dat")));
    ASSERT_EQ(csv.exitCode, 0) << csv.out;
    auto rows = splitLines(csv.out);
    ASSERT_GT(rows.size(), 100u);
    EXPECT_EQ(rows[0], "function,calls,total_ns,self_ns,average_ns,longest_ns,p99_ns");
    auto json = test::run(ktr("functions --format json " + fixture("function-graph.dat")));
    ASSERT_EQ(json.exitCode, 0) << json.out;
    size_t objects = 0;
    for (size_t at = json.out.find("{\"function\""); at != std::string::npos;
         at = json.out.find("{\"function\"", at + 1)) {
        ++objects;
    }
    EXPECT_EQ(objects, rows.size() - 1);
    auto text = test::run(ktr("functions " + fixture("function-graph.dat")));
    EXPECT_EQ(splitLines(text.out).size(), rows.size());
}

TEST(KtrFunctions, AnUnknownFormatIsAUsageError) {
    auto r = test::run(ktr("functions --format xml " + fixture("function-graph.dat")));
    EXPECT_EQ(r.exitCode, 2);
}

}  // namespace
}  // namespace kestrel
