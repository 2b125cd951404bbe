// Recording at the top level on a fake tracefs tree (plain files, so no kernel is needed):
// every file the recording changes is saved first and written back, by stop(), and by the
// guard process when the recorder is killed with SIGKILL; a top level in use is refused
// without --force. Real kernels: tests/vm.
#include "top_level.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "recorder.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

TEST(TopLevel, ListFilesAreEmptiedAndRefilledValueFilesGetTheirValue) {
    Tracefs tfs("/t");
    auto steps = restoreSteps(tfs, "set_ftrace_filter", "#### all functions enabled ####\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].path, "/t/set_ftrace_filter");
    EXPECT_FALSE(steps[0].append);
    EXPECT_EQ(steps[0].data, "\n");
    steps = restoreSteps(tfs, "set_event", "sched:sched_switch\nirq:irq_handler_entry\n");
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_TRUE(steps[1].append);
    EXPECT_EQ(steps[2].data, "irq:irq_handler_entry\n");
    EXPECT_EQ(restoreSteps(tfs, "trace_clock", "[local] global counter\n")[0].data, "local\n");
    EXPECT_EQ(restoreSteps(tfs, "buffer_size_kb", "7 (expanded: 1408)\n")[0].data, "7\n");
    EXPECT_EQ(restoreSteps(tfs, "events/sched/sched_switch/filter", "none\n")[0].data, "0\n");
    EXPECT_EQ(restoreSteps(tfs, "current_tracer", "nop\n")[0].data, "nop\n");
}

// An empty set_ftrace_pid or set_ftrace_notrace_pid reads "no pid" (kernel/trace/ftrace.c,
// fpid_show): no entry, so nothing to write back and no filter in use.
TEST(TopLevel, NoPidIsNotAnEntry) {
    Tracefs tfs("/t");
    auto steps = restoreSteps(tfs, "set_ftrace_pid", "no pid\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].data, "\n");
    EXPECT_EQ(restoreSteps(tfs, "set_ftrace_notrace_pid", "no pid\n").size(), 1u);
}

// A top level the way an idle kernel shows it, as plain files.
class FakeTopLevel : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = test::tempDir("fake-top");
        fs::create_directories(m_root + "/instances");
        fs::create_directories(m_root + "/per_cpu/cpu0");
        file("events/header_page", test::readText(test::dataPath("pages/header_page")));
        file("events/header_event", test::readText(test::dataPath("pages/header_event")));
        file("events/sched/sched_switch/format",
             test::readText(test::dataPath("pages/sched_switch.format")));
        file("events/sched/sched_switch/enable", "0\n");
        file("events/sched/sched_switch/filter", "none\n");
        file("available_tracers", "function_graph function nop\n");
        file("current_tracer", "nop\n");
        file("set_ftrace_filter", "#### all functions enabled ####\n");
        file("set_graph_function", "#### all functions enabled ####\n");
        file("max_graph_depth", "0\n");
        file("set_event", "");
        file("set_event_pid", "");
        file("set_ftrace_pid", "no pid\n");
        file("set_ftrace_notrace_pid", "no pid\n");
        file("tracing_on", "1\n");
        file("trace", "");
        file("trace_clock", "[local] global\n");
        file("options/func_stack_trace", "0\n");
        m_before = snapshot();
    }
    void TearDown() override {
        fs::remove_all(m_root);
        fs::remove(m_root + ".ktr");
    }
    void file(const std::string& rel, const std::string& text) {
        fs::create_directories(fs::path(m_root + "/" + rel).parent_path());
        std::ofstream(m_root + "/" + rel) << text;
    }
    // A kernel shows what was written back differently from a plain file: the selected
    // clock in brackets among the others, "none" for a cleared filter, "no pid" for an
    // empty function pid list.
    static std::string asTheKernelShowsIt(const std::string& rel, const std::string& text) {
        if (rel == "trace_clock") {
            auto open = text.find('[');
            std::string clock = open == std::string::npos
                                    ? text.substr(0, text.find('\n'))
                                    : text.substr(open + 1, text.find(']') - open - 1);
            return clock;
        }
        if ((rel == "set_ftrace_pid" || rel == "set_ftrace_notrace_pid") && text.empty())
            return "no pid\n";
        if (rel.size() >= 6 && rel.compare(rel.size() - 6, 6, "filter") == 0 && text == "0\n")
            return "none\n";
        return text;
    }
    // Every file's entries as a kernel would list them (comments and blank lines left out).
    std::map<std::string, std::string> snapshot() const {
        std::map<std::string, std::string> out;
        for (const auto& e : fs::recursive_directory_iterator(m_root)) {
            if (!e.is_regular_file()) continue;
            std::string rel = fs::relative(e.path(), m_root).string();
            std::string kept;
            std::istringstream in(test::readText(e.path().string()));
            for (std::string line; std::getline(in, line);) {
                if (!line.empty() && line[0] != '#') kept += line + "\n";
            }
            out[rel] = asTheKernelShowsIt(rel, kept);
        }
        return out;
    }
    RecordConfig config() const {
        RecordConfig c;
        c.placement = RecordConfig::Placement::TopLevel;
        c.events = {{"sched:sched_switch", "prev_pid != 0"}};
        c.tracer = "function_graph";
        c.graphFunction = {"do_sys_openat2"};
        c.maxGraphDepth = 4;
        c.options = {"func_stack_trace"};
        c.clock = "global";
        c.output = m_root + ".ktr";
        return c;
    }
    std::string m_root;
    std::map<std::string, std::string> m_before;
};

TEST_F(FakeTopLevel, EveryFileChangedIsPutBackByStop) {
    Tracefs tfs(m_root);
    auto rec = Recorder::create(tfs, config());
    ASSERT_TRUE(rec) << rec.message();
    EXPECT_TRUE((*rec)->topLevel());
    EXPECT_EQ(test::readText(m_root + "/current_tracer"), "function_graph\n");
    EXPECT_EQ(test::readText(m_root + "/set_graph_function"),
              "#### all functions enabled ####\ndo_sys_openat2\n");  // appended, as tracefs does
    EXPECT_EQ(test::readText(m_root + "/tracing_on"), "0\n");
    EXPECT_NE(snapshot(), m_before);
    ASSERT_TRUE((*rec)->stop());
    EXPECT_EQ(snapshot(), m_before);
}

// Killed with SIGKILL, the recorder cannot put anything back: its guard does, from the
// saved contents it was sent as each file was saved.
TEST_F(FakeTopLevel, TheGuardPutsEveryFileBackAfterKill9) {
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
    EXPECT_EQ(test::readText(m_root + "/current_tracer"), "function_graph\n");
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (snapshot() != m_before && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(snapshot(), m_before);
}

TEST_F(FakeTopLevel, ATopLevelInUseIsRefusedWithoutForce) {
    file("current_tracer", "function\n");
    file("set_event", "irq:irq_handler_entry\n");
    m_before = snapshot();
    Tracefs tfs(m_root);
    auto rec = Recorder::create(tfs, config());
    ASSERT_FALSE(rec);
    EXPECT_NE(rec.message().find("the top-level buffer is in use (tracer function, 1 event "
                                 "enabled (irq:irq_handler_entry)): --force"),
              std::string::npos)
        << rec.message();
    EXPECT_EQ(snapshot(), m_before);  // nothing touched
    RecordConfig forced = config();
    forced.force = true;
    auto rec2 = Recorder::create(tfs, forced);
    ASSERT_TRUE(rec2) << rec2.message();
    ASSERT_TRUE((*rec2)->stop());
    EXPECT_EQ(snapshot(), m_before);
}

// When nothing is left to record, the error says what the kernel refused: the refusals
// are otherwise printed once recording starts, which it then never does.
TEST_F(FakeTopLevel, NothingLeftToRecordSaysWhatWasRefused) {
    fs::remove(m_root + "/set_event");  // a set_event no write goes into
    fs::create_directory(m_root + "/set_event");
    m_before = snapshot();
    RecordConfig c = config();
    c.events = {{"nosuch:nothing", ""}};
    c.tracer.clear();
    c.graphFunction.clear();
    Tracefs tfs(m_root);
    auto rec = Recorder::create(tfs, c);
    ASSERT_FALSE(rec);
    EXPECT_NE(rec.message().find("nothing left to record"), std::string::npos) << rec.message();
    EXPECT_NE(rec.message().find("refused"), std::string::npos) << rec.message();
    EXPECT_NE(rec.message().find("nosuch:nothing"), std::string::npos) << rec.message();
    EXPECT_EQ(snapshot(), m_before);
}

}  // namespace
}  // namespace kestrel
