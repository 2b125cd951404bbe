// The ktr command line as a user runs it: exit codes, messages, filters.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include "decode/trace_model.h"
#include "support/process.h"
#include "support/recording_tracefs.h"
#include "support/test_data.h"
#include "tracefs.h"

namespace kestrel {
namespace {

std::string ktr(const std::string& args) {
    return std::string(KTR_BINARY) + " " + args;
}
std::string fixture(const char* name) {
    return test::shellQuote(test::dataPath(name));
}

// The lines of `text`, less the note on suppressed leaks (libtraceevent's, tests/lsan.supp)
// that LeakSanitizer adds to stderr at exit in the asan build.
std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    for (size_t i = 0; i + 1 < out.size(); ++i) {
        if (out[i + 1] == "Suppressions used:" &&
            out[i].find_first_not_of('-') == std::string::npos) {
            out.resize(i);
            break;
        }
    }
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
    EXPECT_NE(r.out.find("demo"), std::string::npos) << r.out;
    auto report = test::run("trace-cmd report -i " + fixture("sched-irq-timer.dat") +
                            " 2>/dev/null | grep -c '^demo:'");
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

// `ktr convert X X` once truncated the input it was reading and then deleted it; so did
// any other name of the same file.
TEST(KtrCli, ConvertRefusesAnOutputThatIsTheInput) {
    namespace fs = std::filesystem;
    std::string dir = test::tempDir("cli-convert-same");
    std::string in = dir + "/in.dat";
    fs::copy_file(test::dataPath("markers.dat"), in);
    const auto original = test::readBytes(in);
    fs::create_hard_link(in, dir + "/hard.dat");
    fs::create_symlink("in.dat", dir + "/link.dat");
    fs::create_directory(dir + "/sub");
    auto refused = [&](const std::string& cdTo, const std::string& from, const std::string& to) {
        auto r = test::run(
            "cd " + test::shellQuote(cdTo) + " && " +
            ktr("convert " + test::shellQuote(from) + " " + test::shellQuote(to) + " 2>&1"));
        EXPECT_EQ(r.exitCode, 1) << from << " -> " << to;
        EXPECT_EQ(lines(r.out), std::vector<std::string>{"ktr: " + to + " is the input file"});
        EXPECT_TRUE(test::readBytes(in) == original) << from << " -> " << to;
    };
    refused(dir, in, in);
    refused(dir, "in.dat", "./in.dat");
    refused(dir, "in.dat", "sub/../in.dat");
    refused(dir, "in.dat", "hard.dat");
    refused(dir, "in.dat", "link.dat");
    refused(dir, "link.dat", "in.dat");
    EXPECT_TRUE(fs::is_symlink(dir + "/link.dat"));
    fs::remove_all(dir);
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// `ktr convert IN OUT` under a file size limit of 64 KiB: writing the output fails with
// EFBIG once it has started (SIGXFSZ ignored, so write() reports it).
std::string failingConvert(const std::string& in, const std::string& out) {
    return "sh -c " +
           test::shellQuote("trap '' XFSZ; ulimit -f 64; exec " +
                            ktr("convert " + test::shellQuote(in) + " " + test::shellQuote(out)) +
                            " 2>&1");
}

// A convert that fails mid-way used to delete whatever was at the output path. Now the
// output is written to a temporary file beside it, and only that file is removed.
TEST(KtrCli, FailedConvertLeavesTheExistingOutputAsItWas) {
    namespace fs = std::filesystem;
    std::string dir = test::tempDir("cli-convert-fail");
    std::string in = test::dataPath("sched-irq-timer.dat");
    std::ofstream(dir + "/out.ktr") << "an unrelated file";
    std::ofstream(dir + "/target.ktr") << "named by a link";
    fs::create_symlink("target.ktr", dir + "/link.ktr");
    for (const char* out : {"out.ktr", "link.ktr"}) {
        auto r = test::run(failingConvert(in, dir + "/" + out));
        EXPECT_EQ(r.exitCode, 1) << out;
        EXPECT_NE(r.out.find("File too large"), std::string::npos) << r.out;  // failed writing
    }
    // (EXPECT_TRUE: a replaced file would be megabytes of output.)
    EXPECT_TRUE(test::readText(dir + "/out.ktr") == "an unrelated file");
    EXPECT_TRUE(fs::is_symlink(dir + "/link.ktr"));
    EXPECT_TRUE(test::readText(dir + "/target.ktr") == "named by a link");
    EXPECT_EQ(entries(dir), (std::vector<std::string>{"link.ktr", "out.ktr", "target.ktr"}));
    fs::remove_all(dir);
}

// An existing output that is not a regular file is refused before anything is written,
// and left where it was.
TEST(KtrCli, ConvertRefusesAnOutputThatIsNotARegularFile) {
    namespace fs = std::filesystem;
    std::string dir = test::tempDir("cli-convert-special");
    std::string in = test::dataPath("sched-irq-timer.dat");
    fs::create_directory(dir + "/empty-dir");
    ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string sockPath = dir + "/socket";
    ASSERT_LT(sockPath.size(), sizeof addr.sun_path);
    std::strcpy(addr.sun_path, sockPath.c_str());
    ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::vector<std::pair<std::string, std::string>> outputs = {
        {"empty-dir", "a directory"}, {"fifo", "a FIFO"}, {"socket", "a socket"}};
    // A character device like /dev/null, when this process may make one.
    bool haveDevice = mknod((dir + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0;
    if (haveDevice) outputs.emplace_back("null", "a character device");
    fs::create_symlink("empty-dir", dir + "/link-to-dir");
    outputs.emplace_back("link-to-dir", "a directory");
    for (const auto& [name, kind] : outputs) {
        std::string out = dir + "/" + name;
        auto r = test::run("timeout 10 " + ktr("convert " + test::shellQuote(in) + " " +
                                               test::shellQuote(out) + " 2>&1"));
        EXPECT_EQ(r.exitCode, 1) << name;
        EXPECT_EQ(lines(r.out),
                  std::vector<std::string>{"ktr: " + out + ": not a regular file (" + kind +
                                           "); the output must be a regular file or a new name"})
            << name;
    }
    EXPECT_TRUE(fs::is_directory(dir + "/empty-dir"));
    EXPECT_TRUE(fs::is_empty(dir + "/empty-dir"));
    EXPECT_TRUE(fs::is_fifo(dir + "/fifo"));
    EXPECT_TRUE(fs::is_socket(dir + "/socket"));
    EXPECT_TRUE(fs::is_symlink(dir + "/link-to-dir"));
    if (haveDevice) {
        EXPECT_TRUE(fs::is_character_file(dir + "/null"));
    }
    close(sock);
    fs::remove_all(dir);
}

TEST(KtrCli, StatsCountsEveryEvent) {
    auto r = test::run(ktr("stats " + fixture("markers.dat")));
    ASSERT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("events: 5446"), std::string::npos) << r.out.substr(0, 400);
    EXPECT_NE(r.out.find("ftrace:print"), std::string::npos);
    EXPECT_NE(r.out.find("sched:sched_switch"), std::string::npos);
}

// `ktr record` as a user runs it: as root with tracefs (mounted here when missing, as
// tests/capture/recorder_test.cpp does); skipped only where tracefs cannot be had.
class KtrRecordCli : public ::testing::Test {
protected:
    void SetUp() override {
        auto located = test::recordingTracefs();
        if (!located) GTEST_SKIP() << located.message();
        m_dir = test::tempDir("cli-record");
    }
    void TearDown() override {
        if (!m_dir.empty()) std::filesystem::remove_all(m_dir);
    }
    // Starts `ktr ARGS` in m_dir, stderr to m_dir/NAME.err; returns its pid.
    pid_t start(const std::vector<std::string>& args, const std::string& name) {
        std::string err = m_dir + "/" + name + ".err";
        pid_t pid = fork();
        if (pid == 0) {
            if (chdir(m_dir.c_str()) != 0) _exit(126);
            int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, 2) < 0) _exit(126);
            std::vector<char*> argv{const_cast<char*>(KTR_BINARY)};
            for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(KTR_BINARY, argv.data());
            _exit(127);
        }
        return pid;
    }
    static int exitCodeOf(pid_t pid) {
        int status = 0;
        waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::string m_dir;
};

// Two recordings into one file (here the default trace.ktr) once both said "wrote" and
// left a file no reader could open. The second now fails at once and touches nothing.
TEST_F(KtrRecordCli, SecondRecordingOfTheSameOutputFailsAndLeavesTheFirstAlone) {
    pid_t first = start({"record", "-q", "-d", "3", "-e", "sched"}, "first");
    // The first holds the file before it writes the header into it.
    std::string out = m_dir + "/trace.ktr";
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!(std::filesystem::exists(out) && std::filesystem::file_size(out) > 0) &&
           std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(std::filesystem::file_size(out), 0u) << test::readText(m_dir + "/first.err");
    auto second =
        test::run("cd " + test::shellQuote(m_dir) + " && " + ktr("record -q -d 1 -e sched 2>&1"));
    EXPECT_EQ(second.exitCode, 1);
    EXPECT_EQ(lines(second.out),
              std::vector<std::string>{
                  "ktr record: trace.ktr is being written by another recording (pid " +
                  std::to_string(first) + "); choose another output file"});
    EXPECT_EQ(exitCodeOf(first), 0) << test::readText(m_dir + "/first.err");
    auto stats = test::run(ktr("stats " + test::shellQuote(out) + " 2>&1"));
    EXPECT_EQ(stats.exitCode, 0) << stats.out.substr(0, 300);
}

bool hasLine(const std::string& text, const std::string& line) {
    auto ls = lines(text);
    return std::find(ls.begin(), ls.end(), line) != ls.end();
}

// `ktr record -- /nonexistent` once recorded anyway, over -o, and exited 0. Like a shell,
// a command that is not found is 127 and one that cannot be executed 126, and the
// output is not touched.
TEST_F(KtrRecordCli, CommandThatCannotRunFailsBeforeTouchingTheOutput) {
    std::ofstream(m_dir + "/keep.ktr") << "an earlier recording";
    std::ofstream(m_dir + "/script.sh") << "#!/bin/sh\nexit 0\n";  // not executable
    const std::tuple<std::string, int, std::string> cases[] = {
        {"/nonexistent", 127, "No such file or directory"},
        {"kestrel-no-such-command", 127, "No such file or directory"},  // searched in PATH
        {"./script.sh", 126, "Permission denied"},
        {"/tmp", 126, "Permission denied"},
    };
    for (const auto& [command, code, why] : cases) {
        auto r = test::run("cd " + test::shellQuote(m_dir) + " && " +
                           ktr("record -q -e sched -o keep.ktr -- " + command + " 2>&1"));
        EXPECT_EQ(r.exitCode, code) << command;
        EXPECT_EQ(lines(r.out),
                  std::vector<std::string>{"ktr record: cannot run " + command + ": " + why})
            << command;
    }
    EXPECT_TRUE(test::readText(m_dir + "/keep.ktr") == "an earlier recording");
}

// The traced command's end was never reported and ktr exited 0 whatever it was.
TEST_F(KtrRecordCli, ReportsHowTheCommandEndedAndExitsWithItsStatus) {
    auto record = [&](const std::string& command) {
        return test::run("cd " + test::shellQuote(m_dir) + " && " +
                         ktr("record -q -e sched -o out.ktr -- " + command + " 2>&1"));
    };
    auto failed = record("sh -c 'exit 3'");
    EXPECT_EQ(failed.exitCode, 3);
    EXPECT_TRUE(hasLine(failed.out, "ktr record: command exited with status 3")) << failed.out;
    EXPECT_EQ(
        test::run(ktr("stats " + test::shellQuote(m_dir + "/out.ktr") + " >/dev/null")).exitCode,
        0);
    auto killed = record("sh -c 'kill -9 $$'");
    EXPECT_EQ(killed.exitCode, 128 + 9);
    EXPECT_TRUE(hasLine(killed.out, "ktr record: command killed by signal 9 (Killed)"))
        << killed.out;
    auto fine = record("true");
    EXPECT_EQ(fine.exitCode, 0);
    EXPECT_EQ(fine.out.find("command"), std::string::npos) << fine.out;
}

// `ktr record -d 1 -- sleep 20` stopped recording after 1 s but returned only when the
// command ended. The end of -d now ends the command too: SIGTERM, and SIGKILL 2 s later
// for one that ignores SIGTERM (an ignored signal stays ignored across exec).
TEST_F(KtrRecordCli, DurationReachedStopsTheCommand) {
    for (std::string trap : {"", "trap '' TERM; "}) {
        std::string pidFile = m_dir + "/pid";
        std::filesystem::remove(pidFile);
        auto r = test::run("cd " + test::shellQuote(m_dir) + " && " +
                           ktr("record -q -d 1 -e sched -o out.ktr -- sh -c \"" + trap +
                               "echo \\$\\$ > pid; exec sleep 8\" 2>&1"));
        std::string pid = lines(test::readText(pidFile)).at(0);
        EXPECT_EQ(r.exitCode, 0) << trap << r.out;
        EXPECT_TRUE(
            hasLine(r.out, "ktr record: duration reached; stopped the command (pid " + pid + ")"))
            << trap << r.out;
        EXPECT_NE(kill(std::stoi(pid), 0), 0) << "the command outlived ktr record";
        EXPECT_EQ(test::run(ktr("stats " + test::shellQuote(m_dir + "/out.ktr") + " >/dev/null"))
                      .exitCode,
                  0);
    }
}

}  // namespace
}  // namespace kestrel
