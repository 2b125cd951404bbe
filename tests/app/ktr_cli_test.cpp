// The ktr command line as a user runs it: exit codes, messages, filters.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
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

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

TEST(KtrCli, NoArgumentsIsUsageError) {
    EXPECT_EQ(test::run(ktr("2>/dev/null")).exitCode, 2);
}

TEST(KtrCli, UnknownCommandIsUsageError) {
    EXPECT_EQ(test::run(ktr("frobnicate x 2>/dev/null")).exitCode, 2);
}

TEST(KtrCli, UnknownOptionIsUsageError) {
    EXPECT_EQ(test::run(ktr("dump --bogus " + fixture("markers.dat") + " 2>/dev/null")).exitCode,
              2);
}

// Every usage error, whichever command it is in, is one line naming the problem and
// CLI11's pointer to --help, on stderr, with exit code 2.
TEST(KtrCli, UsageErrorsAreOneLineNamingTheProblem) {
    const std::pair<std::string, std::string> cases[] = {
        {"", "subcommand"},
        {"dump", "FILE"},
        {"dump --bogus " + fixture("markers.dat"), "--bogus"},
        {"info a b", "b"},
        {"convert a", "OUT"},
        {"record --bogus", "--bogus"},
        {"record -e sched -b lots", "--buffer-kb"},
        {"record -f 'prev_pid > 0' -e sched", "needs a preceding -e"},
        {"record", "nothing to record"},
    };
    for (const auto& [args, names] : cases) {
        auto r = test::run(ktr(args + " 2>&1 >/dev/null"));
        EXPECT_EQ(r.exitCode, 2) << args;
        auto ls = lines(r.out);
        ASSERT_EQ(ls.size(), 2u) << args << "\n" << r.out;
        EXPECT_NE(ls[0].find(names), std::string::npos) << args << "\n" << r.out;
        EXPECT_EQ(ls[1], "Run with --help for more information.") << args;
    }
}

TEST(KtrCli, HelpListsCommandsAndEachCommandsOptions) {
    auto top = test::run(ktr("--help"));
    EXPECT_EQ(top.exitCode, 0);
    for (const char* command : {"info", "dump", "stats", "convert", "record"})
        EXPECT_NE(top.out.find(std::string("\n  ") + command + " "), std::string::npos) << top.out;
    auto record = test::run(ktr("record --help"));
    EXPECT_EQ(record.exitCode, 0);
    for (const char* option : {"-e,--event",
                               "-f,--filter",
                               "-p,--tracer",
                               "-l,--ftrace-filter",
                               "-n,--ftrace-notrace",
                               "-g,--graph-function",
                               "-O,--option",
                               "-P,--pid",
                               "-M,--cpumask",
                               "-b,--buffer-kb",
                               "-C,--clock",
                               "-d,--duration",
                               "-o,--output",
                               "-q,--quiet",
                               "--kprobe",
                               "--uprobe",
                               "--strict",
                               "--pid-only",
                               "--level",
                               "--frame-pages",
                               "--max-graph-depth",
                               "--no-follow-fork",
                               "--graph-notrace"}) {
        EXPECT_NE(record.out.find(option), std::string::npos) << option;
    }
    auto dump = test::run(ktr("dump --help"));
    EXPECT_EQ(dump.exitCode, 0);
    for (const char* option : {"--cpu", "--pid", "--event", "--from", "--to"})
        EXPECT_NE(dump.out.find(option), std::string::npos) << option;
}

// A write error on standard output (here a full disk) fails the command with one line;
// dump is tried with an output that fits one write and one that takes several.
TEST(KtrCli, WriteErrorOnStandardOutputIsBadInput) {
    if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no /dev/full here";
    for (const std::string& args : std::vector<std::string>{
             "dump " + fixture("markers.dat"), "dump " + fixture("sched-irq-timer.dat"),
             "info " + fixture("markers.dat"), "stats " + fixture("markers.dat"), "--help",
             "record --help"}) {
        auto r = test::run(ktr(args + " 2>&1 >/dev/full"));
        EXPECT_EQ(r.exitCode, 1) << args;
        EXPECT_EQ(lines(r.out),
                  std::vector<std::string>{
                      "ktr: write to standard output failed: No space left on device"})
            << args;
    }
}

TEST(KtrCli, MissingFileIsBadInputNamingTheFile) {
    auto r = test::run(ktr("info /nonexistent/trace.dat 2>&1"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find("/nonexistent/trace.dat"), std::string::npos) << r.out;
    EXPECT_EQ(lines(r.out).size(), 1u) << r.out;
}

TEST(KtrCli, TruncatedTraceDatIsBadInputWithOneLine) {
    auto bytes = test::readBytes(test::dataPath("sched-irq-timer.dat"));
    std::string path = test::tempDir("cli") + "/cut.dat";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), 3000);
    auto r = test::run(ktr("dump " + test::shellQuote(path) + " 2>&1 >/dev/null"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find(path), std::string::npos) << r.out;
}

TEST(KtrCli, NotATraceIsBadInput) {
    std::string path = test::tempDir("cli") + "/text.dat";
    std::ofstream(path) << "hello, this is not a trace\n";
    auto r = test::run(ktr("info " + test::shellQuote(path) + " 2>&1"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.out.find("magic"), std::string::npos) << r.out;
}

// A FIFO would block in open() until some writer came; it is refused at once, like any
// input that is not a regular file. (`timeout` turns a hang into a failure.)
TEST(KtrCli, InputThatIsNotARegularFileIsRefusedNamingWhatItIs) {
    std::string dir = test::tempDir("cli-special");
    std::string fifo = dir + "/trace.fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    auto r = test::run("timeout 10 " + ktr("info " + test::shellQuote(fifo) + " 2>&1"));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(lines(r.out),
              std::vector<std::string>{"ktr: " + fifo + ": not a regular file (a FIFO)"});
    auto dev = test::run(ktr("dump /dev/null 2>&1"));
    EXPECT_EQ(dev.exitCode, 1);
    EXPECT_EQ(lines(dev.out),
              std::vector<std::string>{"ktr: /dev/null: not a regular file (a character device)"});
    auto d = test::run(ktr("stats " + test::shellQuote(dir) + " 2>&1"));
    EXPECT_EQ(d.exitCode, 1);
    EXPECT_EQ(lines(d.out), std::vector<std::string>{"ktr: " + dir + ": is a directory"});
    std::filesystem::remove_all(dir);
}

TEST(KtrCli, InfoShowsCpusBuffersAndEventCount) {
    auto r = test::run(ktr("info " + fixture("sched-irq-timer.dat")));
    ASSERT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("trace.dat v7"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ceo2"), std::string::npos) << r.out;
    auto report = test::run("trace-cmd report -i " + fixture("sched-irq-timer.dat") +
                            " 2>/dev/null | grep -c '^ceo2:'");
    if (report.exitCode == 0) {
        EXPECT_NE(r.out.find("events:      " + lines(report.out).at(0)), std::string::npos)
            << r.out;
    }
}

TEST(KtrCli, DumpCpuFilterKeepsOnlyThatCpu) {
    auto r = test::run(ktr("dump --cpu 1 " + fixture("sched-irq-timer.dat")));
    ASSERT_EQ(r.exitCode, 0);
    auto ls = lines(r.out);
    ASSERT_GT(ls.size(), 100u);
    for (size_t i = 1; i < ls.size(); ++i)
        ASSERT_NE(ls[i].find("[001]"), std::string::npos) << ls[i];
}

TEST(KtrCli, DumpEventFilterAcceptsSystemNameAndBareName) {
    auto a = test::run(ktr("dump --event sched:sched_switch " + fixture("markers.dat")));
    auto b = test::run(ktr("dump --event sched_switch " + fixture("markers.dat")));
    ASSERT_EQ(a.exitCode, 0);
    EXPECT_EQ(a.out, b.out);
    auto ls = lines(a.out);
    ASSERT_GT(ls.size(), 10u);
    for (size_t i = 1; i < ls.size(); ++i)
        ASSERT_NE(ls[i].find("sched_switch:"), std::string::npos);
}

TEST(KtrCli, DumpUnknownEventIsBadInput) {
    EXPECT_EQ(test::run(ktr("dump --event nosuch:event " + fixture("markers.dat") + " 2>/dev/null"))
                  .exitCode,
              1);
}

TEST(KtrCli, DumpPidFilterKeepsOnlyThatPid) {
    auto r = test::run(ktr("dump --pid 15 " + fixture("sched-irq-timer.dat")));
    ASSERT_EQ(r.exitCode, 0);
    auto ls = lines(r.out);
    ASSERT_GT(ls.size(), 2u);
    for (size_t i = 1; i < ls.size(); ++i)
        ASSERT_NE(ls[i].find("-15 "), std::string::npos) << ls[i];
}

TEST(KtrCli, DumpPidOutsideProcessIdRangeIsUsageError) {
    // 4294967297 is 2^32 + 1: cut to 32 bits it would select pid 1.
    for (std::string pid : {"4294967297", "2147483648", "-1"}) {
        auto r = test::run(
            ktr("dump --pid " + pid + " " + fixture("sched-irq-timer.dat") + " 2>&1 >/dev/null"));
        EXPECT_EQ(r.exitCode, 2) << pid;
        EXPECT_NE(r.out.find("--pid"), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("'" + pid + "'"), std::string::npos) << r.out;
    }
}

TEST(KtrCli, DumpFromLaterThanToIsUsageErrorNamingBoth) {
    auto r = test::run(
        ktr("dump --from 1403.9 --to 1403.8 " + fixture("sched-irq-timer.dat") + " 2>&1"));
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.out.find("--from 1403.9"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--to 1403.8"), std::string::npos) << r.out;
    // The same bound on both sides is one instant, not an error.
    EXPECT_EQ(test::run(ktr("dump --from 1403.9 --to 1403.9 " + fixture("sched-irq-timer.dat") +
                            " >/dev/null"))
                  .exitCode,
              0);
}

TEST(KtrCli, DumpMalformedCpuIsUsageErrorAbsentCpuIsBadInput) {
    for (std::string cpu : {"abc", "1x", "", "cpu:", "-1", "99999999999"}) {
        auto r = test::run(
            ktr("dump --cpu '" + cpu + "' " + fixture("sched-irq-timer.dat") + " 2>&1 >/dev/null"));
        EXPECT_EQ(r.exitCode, 2) << "'" << cpu << "': " << r.out;
        EXPECT_NE(r.out.find("--cpu"), std::string::npos) << r.out;
    }
    auto absent = test::run(ktr("dump --cpu 99 " + fixture("sched-irq-timer.dat") + " 2>&1"));
    EXPECT_EQ(absent.exitCode, 1);
    EXPECT_NE(absent.out.find("no CPU '99'"), std::string::npos) << absent.out;
}

TEST(KtrCli, DumpTimeRangeIsInclusiveAndSeeks) {
    auto all = lines(test::run(ktr("dump " + fixture("sched-irq-timer.dat"))).out);
    ASSERT_GT(all.size(), 2000u);
    // Take the timestamps of two lines in the middle and ask for exactly that range.
    auto stampOf = [](const std::string& l) {
        auto colon = l.find(": ", l.find("] "));
        auto start = l.rfind(' ', colon - 1) + 1;
        return l.substr(start, colon - start);
    };
    std::string from = stampOf(all[1000]), to = stampOf(all[1500]);
    auto part = lines(
        test::run(ktr("dump --from " + from + " --to " + to + " " + fixture("sched-irq-timer.dat")))
            .out);
    ASSERT_GT(part.size(), 400u);
    EXPECT_EQ(stampOf(part[1]), from);
    EXPECT_EQ(stampOf(part.back()), to);
}

TEST(KtrCli, StatsCountsEveryEvent) {
    auto r = test::run(ktr("stats " + fixture("markers.dat")));
    ASSERT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("events: 5446"), std::string::npos) << r.out.substr(0, 400);
    EXPECT_NE(r.out.find("ftrace:print"), std::string::npos);
    EXPECT_NE(r.out.find("sched:sched_switch"), std::string::npos);
}

}  // namespace
}  // namespace kestrel
