// RecordConfig: its one-line description, and applying a config to a tracefs instance
// item by item with one refusal line per refused item (on a fake tracefs tree). The
// `ktr record` options that fill it are tested in tests/app/record_args_test.cpp.
#include "record_config.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

TEST(RecordConfig, DescribeNamesWhatIsRecorded) {
    RecordConfig c;
    c.events = {{"sched", "prev_pid > 0"}};
    c.tracer = "function";
    c.options = {"stacktrace"};
    std::string d = c.describe();
    EXPECT_NE(d.find("events sched if prev_pid > 0"), std::string::npos) << d;
    EXPECT_NE(d.find("tracer function"), std::string::npos) << d;
    EXPECT_NE(d.find("options stacktrace"), std::string::npos) << d;
}

// A fake tracefs: files are plain files; a directory where a file is expected makes the
// write fail (EISDIR), like a kernel refusing a value.
class FakeTracefs : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = test::tempDir("fake-tracefs");
        fs::create_directories(m_root + "/instances");
    }
    void TearDown() override { fs::remove_all(m_root); }
    void file(const std::string& rel, const std::string& text = "") {
        fs::create_directories(fs::path(m_root + "/" + rel).parent_path());
        std::ofstream(m_root + "/" + rel) << text;
    }
    std::string text(const std::string& rel) { return test::readText(m_root + "/" + rel); }
    std::string m_root;
};

TEST_F(FakeTracefs, AppliesEachItemAndReportsEachRefusal) {
    Tracefs tfs(m_root);
    auto inst = TracefsInstance::create(tfs, "kestrel-test");
    ASSERT_TRUE(inst) << inst.message();
    const std::string in = "instances/kestrel-test/";
    file(in + "set_event");
    file(in + "events/sched/sched_switch/filter");
    file(in + "events/sched/sched_switch/enable");
    file(in + "buffer_size_kb", "1410");
    file(in + "trace_clock", "[local] global");
    file(in + "options/stacktrace", "0");
    file(in + "options/func_stack_trace", "1");
    file(in + "set_event_pid");
    file(in + "options/event-fork", "0");
    fs::create_directories(m_root + "/" + in + "current_tracer");  // the kernel says no

    RecordConfig c;
    c.events = {{"sched", ""}, {"sched:sched_switch", "prev_pid != 0"}};
    c.bufferKb = 64;
    c.clock = "mono";
    c.options = {"stacktrace", "nofunc_stack_trace", "bogus_opt"};
    c.tracer = "function";
    c.pids = {7};
    c.kprobes = {"p:myprobe do_sys_open"};
    AppliedConfig applied = applyConfig(TraceTarget(tfs, inst->name()), c);

    EXPECT_EQ(text(in + "set_event"), "sched:*\nsched:sched_switch\n");
    EXPECT_EQ(text(in + "events/sched/sched_switch/filter"), "prev_pid != 0\n");
    EXPECT_EQ(text(in + "buffer_size_kb"), "64\n");
    EXPECT_EQ(text(in + "trace_clock"), "mono\n");
    EXPECT_EQ(text(in + "options/stacktrace"), "1\n");
    EXPECT_EQ(text(in + "options/func_stack_trace"), "0\n");
    EXPECT_EQ(text(in + "set_event_pid"), "7\n");
    EXPECT_EQ(text(in + "options/event-fork"), "1\n");
    EXPECT_EQ(applied.enabledEvents, (std::vector<std::string>{"sched:*", "sched:sched_switch"}));

    std::vector<std::string> lines;
    for (const Refusal& r : applied.refused) lines.push_back(r.line());
    auto has = [&](const std::string& prefix) {
        for (const std::string& l : lines) {
            if (l.rfind(prefix, 0) == 0) return true;
        }
        return false;
    };
    EXPECT_TRUE(has("kprobe 'p:myprobe do_sys_open': the kernel has no kprobe_events")) << lines[0];
    EXPECT_TRUE(has("option bogus_opt: the kernel has no options/bogus_opt"));
    EXPECT_TRUE(has("tracer function: Is a directory"));
    EXPECT_TRUE(has("ftrace pid 7: the kernel has no set_ftrace_pid"));
    EXPECT_TRUE(has("option function-fork:"));
    EXPECT_EQ(lines.size(), 5u) << ::testing::PrintToString(lines);
    EXPECT_TRUE(applied.probes.empty());
}

TEST_F(FakeTracefs, UnknownEventIsRefusedNotFatal) {
    Tracefs tfs(m_root);
    auto inst = TracefsInstance::create(tfs, "kestrel-test");
    ASSERT_TRUE(inst);
    // No set_event file at all: each event is one refusal line, the rest still applies.
    file("instances/kestrel-test/buffer_size_kb");
    RecordConfig c;
    c.events = {{"nosuch:event", ""}, {"other", ""}};
    c.bufferKb = 8;
    AppliedConfig applied = applyConfig(TraceTarget(tfs, inst->name()), c);
    ASSERT_EQ(applied.refused.size(), 2u);
    EXPECT_EQ(applied.refused[0].item, "event 'nosuch:event'");
    EXPECT_EQ(applied.refused[1].item, "event 'other'");
    EXPECT_EQ(text("instances/kestrel-test/buffer_size_kb"), "8\n");
}

TEST_F(FakeTracefs, StaleInstancesOfDeadRecordersAreRemoved) {
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    waitpid(dead, nullptr, 0);
    fs::create_directories(m_root + "/instances/kestrel-" + std::to_string(dead));
    fs::create_directories(m_root + "/instances/kestrel-" + std::to_string(getpid()));
    fs::create_directories(m_root + "/instances/kestrel-bench-1");
    auto removed = removeStaleInstances(Tracefs(m_root));
    EXPECT_EQ(removed, std::vector<std::string>{"kestrel-" + std::to_string(dead)});
    EXPECT_TRUE(fs::exists(m_root + "/instances/kestrel-" + std::to_string(getpid())));
    EXPECT_TRUE(fs::exists(m_root + "/instances/kestrel-bench-1"));
}

}  // namespace
}  // namespace kestrel
