// Which process each task belongs to (tgid) and how long it ran, as the task list shows
// them: from saved_tgids where the recording kept it, else from the events that create
// tasks (task_newtask with its clone flags, sched_process_fork, sched_process_exec);
// docs/architecture.md, "Processes and threads", says how.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "analysis/sched_fields.h"
#include "analysis/sched_timeline.h"
#include "analysis/trace_scan.h"
#include "base/byte_order.h"
#include "support/page_writer.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    SchedTimeline timeline;
};

Loaded analyze(Result<std::unique_ptr<TraceModel>> model) {
    Loaded l;
    EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.message());
    if (!model.ok()) return l;
    l.model = std::move(*model);
    auto formats = EventFormats::create(l.model->meta());
    EXPECT_TRUE(formats.ok());
    l.formats = std::move(*formats);
    auto timeline = analyzeSched(*l.model, *l.formats);
    EXPECT_TRUE(timeline.ok()) << (timeline.ok() ? "" : timeline.message());
    if (timeline.ok()) l.timeline = std::move(*timeline);
    return l;
}

int32_t tgidOf(const SchedTimeline& t, int32_t pid) {
    const TaskSummary* s = t.task(pid);
    EXPECT_NE(s, nullptr) << "no task " << pid;
    return s ? s->tgid : -2;
}

// Every sched_process_fork child and every sched_process_exec in a trace, read with
// the cursor: a forked child is a process of its own (sched_process_fork does not say
// otherwise), and a task that execs leads its process.
TEST(TaskIdentity, ForkedChildrenAndExecsAreProcessesOnEveryFixture) {
    size_t checked = 0;
    for (const auto& e : std::filesystem::directory_iterator(test::dataPath(""))) {
        if (e.path().extension() != ".dat") continue;
        SCOPED_TRACE(e.path().filename().string());
        Loaded l = analyze(TraceModel::open(e.path().string()));
        const SchedFields f(*l.formats);
        const EventType* exec = l.formats->find("sched", "sched_process_exec");
        const FieldRef execPid = exec ? l.formats->field(exec->id, "pid") : FieldRef();
        std::vector<int32_t> leaders;
        EventCursor cursor(*l.model);
        EventRef ev;
        while (cursor.next(ev)) {
            CommonFields c;
            if (!l.formats->common(ev.raw, c)) continue;
            if (c.type == f.forkId)
                leaders.push_back(static_cast<int32_t>(l.formats->readInt(f.childPid, ev.raw)));
            if (exec && c.type == exec->id)
                leaders.push_back(static_cast<int32_t>(l.formats->readInt(execPid, ev.raw)));
        }
        for (int32_t pid : leaders) {
            EXPECT_EQ(tgidOf(l.timeline, pid), pid) << "pid " << pid;
            ++checked;
        }
    }
    EXPECT_GT(checked, 10u);
}

// sched-irq-timer.dat: tokio-rt-worker (67) has no event of its own (the switches away
// from it are missing too), yet three sched_switch records switch it in. When it stopped
// nothing says: the task list showed 14.88 ms of CPU time.
TEST(TaskIdentity, ATaskWithoutEventsHasNoProvenCpuTime) {
    for (const auto& e : std::filesystem::directory_iterator(test::dataPath(""))) {
        if (e.path().extension() != ".dat") continue;
        SCOPED_TRACE(e.path().filename().string());
        Loaded l = analyze(TraceModel::open(e.path().string()));
        for (const TaskSummary& t : l.timeline.taskList) {
            if (t.events == 0) {
                EXPECT_EQ(t.cpuTime, 0u) << t.comm << "-" << t.pid;
            }
        }
    }
    Loaded l = analyze(TraceModel::open(test::dataPath("sched-irq-timer.dat")));
    const TaskSummary* worker = l.timeline.task(67);
    ASSERT_NE(worker, nullptr);
    EXPECT_EQ(worker->events, 0u);
}

// ---- hand-made traces with the events a recording of threads has ----

// One CPU, one page of events, with the fixture's formats (the 6.18 kernel's).
class LineageSource : public TraceSource {
public:
    explicit LineageSource(const std::string& savedTgids = "") {
        auto model = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
        EXPECT_TRUE(model.ok());
        m_meta = (*model)->meta();
        m_meta.savedTgids = savedTgids;
        m_meta.buffers = {{"", "local", 4096}};
        m_meta.cpus = {{0, 0}};
        m_meta.tsOffset = 0;
        m_formats = std::move(*EventFormats::create(m_meta));
        m_page.timestamp(1000000);
    }
    // task_newtask: `parent` creates `child` with these clone flags.
    void newTask(int32_t parent, int32_t child, uint64_t flags) {
        std::vector<uint8_t> p = test::PageWriter::payload(id("task", "task_newtask"), parent, 44);
        store32(&p[8], static_cast<uint32_t>(child));
        std::memset(&p[12], 0, 16);
        std::memcpy(&p[12], "worker", 6);
        store64(&p[32], flags);
        m_page.event(1000, p);
    }
    // sched_process_fork: parent_comm and child_comm are __data_loc strings here.
    void fork(int32_t parent, int32_t child) {
        std::vector<uint8_t> p =
            test::PageWriter::payload(id("sched", "sched_process_fork"), parent, 32);
        store32(&p[8], (4u << 16) | 24);
        store32(&p[12], static_cast<uint32_t>(parent));
        store32(&p[16], (4u << 16) | 28);
        store32(&p[20], static_cast<uint32_t>(child));
        std::memcpy(&p[24], "srv\0srv\0", 8);
        m_page.event(1000, p);
    }
    void exec(int32_t pid) {
        std::vector<uint8_t> p =
            test::PageWriter::payload(id("sched", "sched_process_exec"), pid, 28);
        store32(&p[8], (7u << 16) | 20);
        store32(&p[12], static_cast<uint32_t>(pid));
        store32(&p[16], static_cast<uint32_t>(pid));
        std::memcpy(&p[20], "/bin/x\0\0", 8);
        m_page.event(1000, p);
    }
    // An event of `pid`'s own (timer:hrtimer_cancel), so that the task list has it.
    void ran(int32_t pid) {
        m_page.event(1000, test::PageWriter::payload(id("timer", "hrtimer_cancel"), pid, 16));
    }
    void done() {
        EXPECT_TRUE(m_page.ok());
        m_bytes = m_page.bytes();
        FrameRef f;
        f.csize = f.usize = static_cast<uint32_t>(m_bytes.size());
        f.tFirst = 1000000;
        m_frames = {f};
    }

    const std::string& path() const override { return m_path; }
    std::string formatName() const override { return "test page"; }
    const TraceMeta& meta() const override { return m_meta; }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t, std::vector<uint8_t>& out) const override {
        out = m_bytes;
        return {};
    }
    uint64_t fileSize() const override { return m_bytes.size(); }

private:
    uint16_t id(const char* system, const char* name) const {
        const EventType* t = m_formats->find(system, name);
        EXPECT_NE(t, nullptr) << name;
        return t ? static_cast<uint16_t>(t->id) : 0;
    }

    std::string m_path = "lineage";
    TraceMeta m_meta;
    std::unique_ptr<EventFormats> m_formats;
    test::PageWriter m_page;
    std::vector<uint8_t> m_bytes;
    FrameIndex m_frames;
};

constexpr uint64_t kCloneThread = 0x00010000;   // CLONE_THREAD (include/uapi/linux/sched.h)
constexpr uint64_t kPthreadFlags = 0x003d0f00;  // what glibc's pthread_create passes
constexpr uint64_t kForkFlags = 0x01200011;     // fork(): SIGCHLD | CLONE_CHILD_*TID

// The kernel records task_newtask (copy_process) and then sched_process_fork
// (kernel_clone) for every new task, thread or process.
std::unique_ptr<LineageSource> threadsAndAProcess(const std::string& savedTgids = "") {
    auto s = std::make_unique<LineageSource>(savedTgids);
    s->exec(500);  // 500 leads its process
    s->newTask(500, 501, kPthreadFlags);
    s->fork(500, 501);
    s->newTask(501, 502, kPthreadFlags);  // a thread started by a thread
    s->fork(501, 502);
    s->newTask(500, 600, kForkFlags);  // a child process
    s->fork(500, 600);
    s->newTask(700, 701, kPthreadFlags);  // 700's own tgid is not in the trace
    s->fork(700, 701);
    for (int32_t pid : {500, 501, 502, 600, 700, 701}) s->ran(pid);
    s->done();
    return s;
}

TEST(TaskIdentity, TaskNewtaskCloneFlagsGroupThreadsUnderTheirProcess) {
    ASSERT_NE(kPthreadFlags & kCloneThread, 0u);
    Loaded l = analyze(TraceModel::fromSource(threadsAndAProcess()));
    EXPECT_EQ(tgidOf(l.timeline, 500), 500);
    EXPECT_EQ(tgidOf(l.timeline, 501), 500);
    EXPECT_EQ(tgidOf(l.timeline, 502), 500);
    EXPECT_EQ(tgidOf(l.timeline, 600), 600);
    // The task that started threads stands for their process when nothing says more.
    EXPECT_EQ(tgidOf(l.timeline, 701), 700);
    EXPECT_EQ(tgidOf(l.timeline, 700), 700);
}

TEST(TaskIdentity, ScanTraceFindsTheSameTgids) {
    auto model = TraceModel::fromSource(threadsAndAProcess());
    ASSERT_TRUE(model.ok());
    auto formats = EventFormats::create((*model)->meta(), EventFormats::Use::kFields);
    ASSERT_TRUE(formats.ok());
    auto scan = scanTrace(**model, formats->get());
    ASSERT_TRUE(scan.ok()) << scan.message();
    ASSERT_NE(scan->tasks.find(502), nullptr);
    EXPECT_EQ(scan->tasks.find(502)->tgid, 500);
    EXPECT_EQ(scan->tasks.find(600)->tgid, 600);
}

// saved_tgids (the kernel's record-tgid table) is the kernel's own word: it wins, and
// threads a traced task started join its process.
TEST(TaskIdentity, SavedTgidsWinOverWhatTheEventsSuggest) {
    Loaded l = analyze(TraceModel::fromSource(threadsAndAProcess("501 777\n600 500\n")));
    EXPECT_EQ(tgidOf(l.timeline, 501), 777);
    EXPECT_EQ(tgidOf(l.timeline, 502), 777);
    EXPECT_EQ(tgidOf(l.timeline, 600), 500);
    EXPECT_EQ(tgidOf(l.timeline, 500), 500);
}

}  // namespace
}  // namespace kestrel
