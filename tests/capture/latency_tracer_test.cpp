// The latency tracers (irqsoff, preemptoff, preemptirqsoff, wakeup, wakeup_rt, wakeup_dl)
// on a fake tracefs tree: `ktr record -p wakeup` at the top level writes the tracer into
// current_tracer and puts the one it found back, by stop() and, after SIGKILL, by the
// guard. Neither this machine's kernel nor the Debian kernels of tests/vm have them built
// in (CONFIG_IRQSOFF_TRACER, CONFIG_PREEMPT_TRACER and CONFIG_SCHED_TRACER are unset in
// their configs), so a fake tree is where they are tested.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "recorder.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

// A top level whose kernel offers the latency tracers (available_tracers), idle.
class LatencyTracer : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        m_root = test::tempDir("fake-latency");
        fs::create_directories(m_root + "/instances");
        fs::create_directories(m_root + "/per_cpu/cpu0");
        file("events/header_page", test::readText(test::dataPath("pages/header_page")));
        file("events/header_event", test::readText(test::dataPath("pages/header_event")));
        file("available_tracers",
             "wakeup_dl wakeup_rt wakeup preemptirqsoff preemptoff irqsoff function nop\n");
        file("current_tracer", "nop\n");
        file("tracing_on", "1\n");
        file("trace", "");
        file("set_event", "");
    }
    void TearDown() override {
        fs::remove_all(m_root);
        fs::remove(m_root + ".ktr");
    }
    void file(const std::string& rel, const std::string& text) {
        fs::create_directories(fs::path(m_root + "/" + rel).parent_path());
        std::ofstream(m_root + "/" + rel) << text;
    }
    std::string tracer() const { return test::readText(m_root + "/current_tracer"); }
    RecordConfig config() const {
        RecordConfig c;
        c.placement = RecordConfig::Placement::TopLevel;
        c.tracer = GetParam();
        c.output = m_root + ".ktr";
        return c;
    }
    std::string m_root;
};

TEST_P(LatencyTracer, IsSetAndPutBackByStop) {
    Tracefs tfs(m_root);
    auto rec = Recorder::create(tfs, config());
    ASSERT_TRUE(rec) << rec.message();
    EXPECT_TRUE((*rec)->refused().empty());
    EXPECT_EQ(tracer(), std::string(GetParam()) + "\n");
    ASSERT_TRUE((*rec)->stop());
    EXPECT_EQ(tracer(), "nop\n");
    EXPECT_EQ(test::readText(m_root + "/tracing_on"), "1\n");
}

TEST_P(LatencyTracer, IsPutBackByTheGuardAfterKill9) {
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        close(ready[0]);
        Tracefs tfs(m_root);
        auto rec = Recorder::create(tfs, config());
        (void)!write(ready[1], rec ? "y" : "n", 1);
        pause();
        _exit(0);
    }
    close(ready[1]);
    char c = 0;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    close(ready[0]);
    ASSERT_EQ(c, 'y');
    EXPECT_EQ(tracer(), std::string(GetParam()) + "\n");
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    // The guard writes the files one after the other, and a fake tracefs file is empty
    // for a moment while it is rewritten: wait for both.
    auto restored = [&] {
        return tracer() == "nop\n" && test::readText(m_root + "/tracing_on") == "1\n";
    };
    while (!restored() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(tracer(), "nop\n");
    EXPECT_EQ(test::readText(m_root + "/tracing_on"), "1\n");
}

INSTANTIATE_TEST_SUITE_P(Tracers, LatencyTracer,
                         ::testing::Values("irqsoff", "preemptoff", "preemptirqsoff", "wakeup",
                                           "wakeup_rt", "wakeup_dl"));

}  // namespace
}  // namespace kestrel
