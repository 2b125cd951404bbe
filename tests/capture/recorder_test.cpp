// Recording on the real kernel (root; tracefs is mounted here when missing): ktr record
// of a known command, lost events under a tiny buffer, a recorder killed with SIGKILL,
// and the in-process Recorder API. After each, no kestrel-PID instance may remain.
#include "recorder.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "record_progress.h"
#include "support/process.h"
#include "support/recording_tracefs.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

class RealKernel : public ::testing::Test {
protected:
    void SetUp() override {
        auto located = test::recordingTracefs();
        if (!located) GTEST_SKIP() << located.message();
        m_fs = std::make_unique<Tracefs>(*located);
        m_dir = test::tempDir("recorder");
    }
    void TearDown() override {
        if (!m_dir.empty()) fs::remove_all(m_dir);
    }
    bool instanceExists(pid_t pid) const {
        return m_fs->isDir("instances/kestrel-" + std::to_string(pid));
    }
    // The guard of a killed recorder removes its instance shortly after the kill.
    bool instanceGoneWithin(pid_t pid, std::chrono::seconds limit) const {
        auto end = std::chrono::steady_clock::now() + limit;
        while (instanceExists(pid)) {
            if (std::chrono::steady_clock::now() > end) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return true;
    }
    // Runs `ktr record ARGS` and returns its pid and exit code.
    std::pair<pid_t, int> record(const std::vector<std::string>& args) {
        pid_t pid = fork();
        if (pid == 0) {
            std::vector<char*> argv{const_cast<char*>(KTR_BINARY), const_cast<char*>("record")};
            for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
            argv.push_back(nullptr);
            execv(KTR_BINARY, argv.data());
            _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        return {pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
    }
    std::unique_ptr<Tracefs> m_fs;
    std::string m_dir;
};

struct Totals {
    uint64_t events = 0;
    uint64_t lost = 0;
};

Totals countEvents(const TraceModel& model) {
    Totals t;
    EventCursor cursor(model);
    EventRef ev;
    while (cursor.next(ev)) {
        ++t.events;
        t.lost += ev.missedBefore + (ev.missedUnknown ? 1 : 0);
    }
    EXPECT_FALSE(model.damaged());
    return t;
}

TEST_F(RealKernel, RecordsTheCommandsPidAndCommInSchedSwitch) {
    // A copy of sleep with a recognisable comm; the shell execs it, so $$ is its pid.
    std::string probe = m_dir + "/kestrel_probe";
    fs::copy_file("/bin/sleep", probe);
    std::string pidFile = m_dir + "/pid";
    std::string out = m_dir + "/sched.ktr";
    auto [ktrPid, code] = record({"-q", "-e", "sched", "-o", out, "--", "/bin/sh", "-c",
                                  "echo $$ > " + pidFile + "; exec " + probe + " 0.2"});
    ASSERT_EQ(code, 0);
    EXPECT_FALSE(instanceExists(ktrPid));
    int pid = std::stoi(test::readText(pidFile));

    auto model = TraceModel::open(out);
    ASSERT_TRUE(model) << model.message();
    EXPECT_FALSE(model.value()->source().recovered());
    // The late metadata block leaves these to the first one; the reader joins them.
    EXPECT_FALSE(model.value()->meta().kallsyms.empty());
    EXPECT_FALSE(model.value()->meta().headerPage.empty());
    EXPECT_FALSE(model.value()->meta().savedCmdlines.empty());
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats) << formats.message();
    const EventType* sw = formats.value()->find("sched", "sched_switch");
    ASSERT_NE(sw, nullptr);
    FieldRef prevPid = formats.value()->field(sw->id, "prev_pid");
    FieldRef prevComm = formats.value()->field(sw->id, "prev_comm");
    EventCursor cursor(*model.value());
    EventRef ev;
    size_t switches = 0, ofProbe = 0;
    while (cursor.next(ev)) {
        CommonFields common;
        ASSERT_TRUE(formats.value()->common(ev.raw, common));
        if (common.type != sw->id) continue;
        ++switches;
        if (formats.value()->readInt(prevPid, ev.raw) == pid &&
            formats.value()->readString(prevComm, ev.raw) == "kestrel_probe") {
            ++ofProbe;
        }
    }
    EXPECT_GT(switches, 0u);
    EXPECT_GT(ofProbe, 0u) << "no sched_switch away from pid " << pid << " (kestrel_probe)";
}

// --status-fd 1: a figures line every 200 ms on stdout, the command's output on stderr,
// and the last line's per-CPU events add up to what the file holds.
TEST_F(RealKernel, StatusFdGivesFiguresLinesThatMatchTheFile) {
    std::string out = m_dir + "/status.ktr";
    auto result = test::run(
        std::string(KTR_BINARY) + " record -q --status-fd 1 --status-interval 200 -e sched -o " +
        test::shellQuote(out) + " -- sh -c 'echo from-the-command; sleep 1' 2>/dev/null");
    ASSERT_EQ(result.exitCode, 0) << result.out;
    EXPECT_EQ(result.out.find("from-the-command"), std::string::npos) << result.out;
    std::vector<RecordProgress> lines;
    std::istringstream in(result.out);
    for (std::string line; std::getline(in, line);) {
        auto p = parseProgress(line);
        ASSERT_TRUE(p) << "not a status line: " << line;
        lines.push_back(*p);
    }
    ASSERT_GE(lines.size(), 4u) << result.out;
    for (size_t i = 1; i < lines.size(); ++i)
        EXPECT_GE(lines[i].elapsedSec, lines[i - 1].elapsedSec);
    uint64_t events = 0, compressed = 0;
    for (const RecordProgress::Cpu& c : lines.back().cpus) {
        events += c.events;
        compressed += c.compressedBytes;
    }
    auto model = TraceModel::open(out);
    ASSERT_TRUE(model) << model.message();
    EXPECT_EQ(events, countEvents(*model.value()).events);
    EXPECT_GT(compressed, 0u);
    EXPECT_LT(compressed, fs::file_size(out));
}

TEST_F(RealKernel, PidOnlyKeepsJustTheCommandsEvents) {
    std::string pidFile = m_dir + "/pid";
    std::string out = m_dir + "/pidonly.ktr";
    auto [ktrPid, code] =
        record({"-q", "-e", "raw_syscalls:sys_enter", "--pid-only", "-o", out, "--", "/bin/sh",
                "-c", "echo $$ > " + pidFile + "; exec ls -R /usr/share/doc"});
    ASSERT_EQ(code, 0);
    EXPECT_FALSE(instanceExists(ktrPid));
    int pid = std::stoi(test::readText(pidFile));
    auto model = TraceModel::open(out);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats);
    EventCursor cursor(*model.value());
    EventRef ev;
    size_t ofCommand = 0, others = 0;
    while (cursor.next(ev)) {
        CommonFields common;
        ASSERT_TRUE(formats.value()->common(ev.raw, common));
        (common.pid == pid ? ofCommand : others)++;
    }
    EXPECT_GT(ofCommand, 0u);
    EXPECT_EQ(others, 0u);
}

TEST_F(RealKernel, SigtermEndsARecordingCleanly) {
    std::string out = m_dir + "/term.ktr";
    pid_t pid = fork();
    if (pid == 0) {
        execl(KTR_BINARY, KTR_BINARY, "record", "-q", "-e", "sched", "-o", out.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 1000 && !instanceExists(pid); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(instanceExists(pid));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_FALSE(instanceExists(pid));
    auto model = TraceModel::open(out);
    ASSERT_TRUE(model) << model.message();
    EXPECT_FALSE(model.value()->source().recovered());
}

TEST_F(RealKernel, TinyBufferUnderLoadCountsLostEvents) {
    std::string out = m_dir + "/lost.ktr";
    auto [ktrPid, code] =
        record({"-q", "-b", "8", "-e", "sched", "-e", "raw_syscalls", "-o", out, "--", "/bin/sh",
                "-c", "dd if=/dev/zero of=/dev/null bs=1 count=300000 status=none"});
    ASSERT_EQ(code, 0);
    EXPECT_FALSE(instanceExists(ktrPid));
    auto model = TraceModel::open(out);
    ASSERT_TRUE(model) << model.message();
    uint64_t frameLost = 0, overrun = 0;
    for (const FrameRef& f : model.value()->frames()) frameLost += f.lost;
    for (const CpuInfo& c : model.value()->meta().cpus) overrun += c.overrun + c.dropped;
    Totals t = countEvents(*model.value());
    EXPECT_GT(t.events, 0u);
    EXPECT_GT(frameLost, 0u) << "pages flagged no missed events";
    EXPECT_GT(overrun, 0u) << "per_cpu stats showed no overrun";
    EXPECT_EQ(t.lost, frameLost) << "the cursor reports the losses the frames count";
    auto info = test::run(std::string(KTR_BINARY) + " info " + test::shellQuote(out));
    EXPECT_EQ(info.out.find("lost events: 0\n"), std::string::npos) << info.out;
}

TEST_F(RealKernel, KilledRecorderLeavesADecodableFileAndNoInstance) {
    std::string out = m_dir + "/killed.ktr";
    std::string loop =
        "echo $$ > " + m_dir + "/loop.pid; while :; do ls / > /dev/null; sleep 0.01; done";
    pid_t pid = fork();
    if (pid == 0) {
        execl(KTR_BINARY, KTR_BINARY, "record", "-q", "-e", "sched", "-e", "irq", "-e", "timer",
              "-o", out.c_str(), "--", "/bin/sh", "-c", loop.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Frames reach the file at least once a second; wait for a few.
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto probe = TraceModel::open(out);
        if (probe && probe.value()->frames().size() >= 4) break;
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    EXPECT_TRUE(instanceGoneWithin(pid, std::chrono::seconds(10)));

    auto model = TraceModel::open(out);
    ASSERT_TRUE(model) << model.message();
    EXPECT_TRUE(model.value()->source().recovered());
    EXPECT_GE(model.value()->frames().size(), 4u);
    EXPECT_FALSE(model.value()->meta().kallsyms.empty());
    EXPECT_GT(countEvents(*model.value()).events, 0u);
    // Everything up to the last whole frame reads; info says what was lost (exit 3).
    auto info = test::run(std::string(KTR_BINARY) + " info " + test::shellQuote(out) + " 2>&1");
    EXPECT_EQ(info.exitCode, 3);
    EXPECT_NE(info.out.find("warning: " + out + ": the index is missing or damaged, rebuilt"),
              std::string::npos)
        << info.out;
    // The traced command was started by the dead recorder: end it.
    kill(std::stoi(test::readText(m_dir + "/loop.pid")), SIGKILL);
}

TEST_F(RealKernel, RecorderApiReportsRefusalsStatusAndMarkers) {
    RecordConfig config;
    config.events = {{"sched", ""}, {"nosuchsystem:nosuchevent", ""}};
    config.output = m_dir + "/api.ktr";
    auto rec = Recorder::create(*m_fs, config);
    ASSERT_TRUE(rec) << rec.message();
    ASSERT_EQ(rec.value()->refused().size(), 1u);
    EXPECT_EQ(rec.value()->refused()[0].item, "event 'nosuchsystem:nosuchevent'");
    std::string marker = rec.value()->rel("trace_marker");
    std::atomic<int> callbacks{0};
    rec.value()->onStatus([&](const RecordStatus& st) {
        EXPECT_EQ(st.lost.size(), st.overrun.size());
        ++callbacks;
    });
    ASSERT_TRUE(rec.value()->begin());
    EXPECT_TRUE(instanceExists(getpid()));
    ASSERT_TRUE(m_fs->write(marker, "kestrel-marker-1"));
    test::run("ls / > /dev/null");
    ASSERT_TRUE(rec.value()->stop());
    EXPECT_GE(callbacks.load(), 1);  // the first report comes as recording starts
    EXPECT_FALSE(instanceExists(getpid()));
    RecordStatus s = rec.value()->status();
    EXPECT_TRUE(s.error.empty()) << s.error;
    EXPECT_GT(s.events, 0u);
    EXPECT_GT(s.rawBytes, 0u);
    EXPECT_EQ(s.compressedBytes, fs::file_size(config.output));
    ASSERT_EQ(s.lost.size(), m_fs->list("per_cpu").size());

    auto model = TraceModel::open(config.output);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats);
    const EventType* print = formats.value()->find("ftrace", "print");
    ASSERT_NE(print, nullptr);
    EventCursor cursor(*model.value());
    EventRef ev;
    bool sawMarker = false;
    uint64_t events = 0;
    while (cursor.next(ev)) {
        ++events;
        CommonFields common;
        if (!formats.value()->common(ev.raw, common) || common.type != print->id) continue;
        std::string info;
        formats.value()->formatInfo(ev.raw, static_cast<int>(ev.cpu), info);
        sawMarker = sawMarker || info.find("kestrel-marker-1") != std::string::npos;
    }
    EXPECT_TRUE(sawMarker);
    EXPECT_EQ(events, s.events);
    EXPECT_NE(model.value()->meta().recorded.find("refused event 'nosuchsystem:nosuchevent'"),
              std::string::npos);
}

// A GUI polls status() from its own thread and may stop from another, so status() must be
// safe while stop() runs: the sampler is still reporting, then the readers are joined and
// dropped. The figures a poller sees never go back, and end at the final ones.
TEST_F(RealKernel, StatusPolledFromAnotherThreadWhileStopRuns) {
    RecordConfig config;
    config.events = {{"sched", ""}};
    config.output = m_dir + "/polled.ktr";
    auto rec = Recorder::create(*m_fs, config);
    ASSERT_TRUE(rec) << rec.message();
    Recorder& recorder = *rec.value();
    std::mutex reportMutex;
    std::condition_variable reported;
    bool firstReport = false;
    recorder.onStatus([&](const RecordStatus&) {
        std::lock_guard lock(reportMutex);
        firstReport = true;
        reported.notify_all();
    });
    ASSERT_TRUE(recorder.begin());
    {
        // The sampler is running once it has reported.
        std::unique_lock lock(reportMutex);
        reported.wait(lock, [&] { return firstReport; });
    }
    std::atomic<bool> stopped{false};
    std::atomic<uint64_t> polls{0};
    RecordStatus last;
    bool wentBack = false;
    std::thread poller([&] {
        while (!stopped.load()) {
            RecordStatus s = recorder.status();
            wentBack = wentBack || s.rawBytes < last.rawBytes || s.events < last.events;
            last = std::move(s);
            ++polls;
        }
    });
    while (polls.load() == 0) std::this_thread::yield();
    test::run("ls / > /dev/null");
    Status st = recorder.stop();
    stopped = true;
    poller.join();
    ASSERT_TRUE(st) << st.message();
    EXPECT_FALSE(wentBack);
    RecordStatus final = recorder.status();
    EXPECT_GT(final.rawBytes, 0u);
    EXPECT_GE(final.rawBytes, last.rawBytes);
    EXPECT_GE(final.events, last.events);
    EXPECT_FALSE(instanceExists(getpid()));
}

TEST_F(RealKernel, StrictFailsOnARefusalAndCleansUp) {
    RecordConfig config;
    config.events = {{"sched", ""}, {"nosuchsystem:nosuchevent", ""}};
    config.strict = true;
    config.output = m_dir + "/strict.ktr";
    auto rec = Recorder::create(*m_fs, config);
    ASSERT_FALSE(rec);
    EXPECT_NE(rec.message().find("nosuchsystem:nosuchevent"), std::string::npos) << rec.message();
    EXPECT_FALSE(instanceExists(getpid()));
}

}  // namespace
}  // namespace kestrel
