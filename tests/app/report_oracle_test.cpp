// `ktr dump` against the oracle, `trace-cmd report`, on every fixture: same lines, in
// the same order, byte for byte. Also the round trip trace.dat -> .ktr -> dump.
#include <gtest/gtest.h>

#include <sstream>

#include "support/process.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

const char* const kFixtures[] = {"sched-irq-timer.dat", "sched-irq-v6.dat",    "markers.dat",
                                 "function-graph.dat",  "function-stacks.dat", "kprobes.dat"};

std::string ktr() {
    return KTR_BINARY;
}

// Compares two outputs line by line; on the first difference, fails and prints both.
void expectSameLines(const std::string& expected, const std::string& actual,
                     const std::string& what) {
    std::istringstream e(expected), a(actual);
    std::string le, la;
    size_t line = 0;
    for (;;) {
        bool moreE = static_cast<bool>(std::getline(e, le));
        bool moreA = static_cast<bool>(std::getline(a, la));
        ++line;
        if (!moreE && !moreA) return;
        if (!moreE || !moreA || le != la) {
            FAIL() << what << ": first difference at line " << line
                   << "\n  expected: " << (moreE ? le : "<end of output>")
                   << "\n  actual:   " << (moreA ? la : "<end of output>");
        }
    }
}

class ReportOracle : public ::testing::TestWithParam<const char*> {};

TEST_P(ReportOracle, DumpMatchesTraceCmdReport) {
    if (!test::haveProgram("trace-cmd")) GTEST_SKIP() << "trace-cmd is not installed";
    std::string file = test::shellQuote(test::dataPath(GetParam()));
    auto oracle = test::run("trace-cmd report -i " + file + " 2>/dev/null");
    ASSERT_EQ(oracle.exitCode, 0);
    auto ours = test::run(ktr() + " dump " + file);
    ASSERT_EQ(ours.exitCode, 0);
    expectSameLines(oracle.out, ours.out, GetParam());
}

TEST_P(ReportOracle, ConvertedKtrDumpsIdentically) {
    std::string dir = test::tempDir("oracle");
    std::string in = test::shellQuote(test::dataPath(GetParam()));
    std::string out = test::shellQuote(dir + "/converted.ktr");
    ASSERT_EQ(test::run(ktr() + " convert " + in + " " + out + " 2>/dev/null").exitCode, 0);
    auto original = test::run(ktr() + " dump " + in);
    auto converted = test::run(ktr() + " dump " + out);
    ASSERT_EQ(original.exitCode, 0);
    ASSERT_EQ(converted.exitCode, 0);
    EXPECT_GT(original.out.size(), 1000u);
    expectSameLines(original.out, converted.out, std::string(GetParam()) + " via .ktr");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ReportOracle, ::testing::ValuesIn(kFixtures),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& c : n) {
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             }
                             return n;
                         });

}  // namespace
}  // namespace kestrel
