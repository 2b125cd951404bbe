// The schedule analyzeSched builds, checked against what every event proves: the
// event's common_pid is the task current on its CPU (the kernel fills it from `current`
// on the CPU that records the event; interrupts run in the context of the task they
// interrupted). So at each event's time, the CPU row must name that task (no span for
// pid 0, the idle task), and the task's row must say it runs on that CPU. Checked on
// every fixture and on copies made imperfect: a page of lost events, files cut short,
// and a trace whose first pages were overwritten.
//
// Two moments are exempt, because there the kernel itself records both tasks:
// - the timestamp of a sched_switch (the event belongs to prev, the row to next);
// - prev's events after its sched_switch and before next's first event, when next's
//   events do follow: the switch runs in prev's context until switch_to() (the
//   function tracer records __switch_to and friends there, after the tracepoint).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "analysis/sched_fields.h"
#include "analysis/sched_timeline.h"
#include "base/byte_order.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    SchedTimeline timeline;
};

Loaded analyze(std::unique_ptr<TraceModel> model) {
    Loaded l;
    l.model = std::move(model);
    auto formats = EventFormats::create(l.model->meta());
    EXPECT_TRUE(formats.ok()) << (formats.ok() ? "" : formats.message());
    l.formats = std::move(*formats);
    auto timeline = analyzeSched(*l.model, *l.formats);
    EXPECT_TRUE(timeline.ok()) << (timeline.ok() ? "" : timeline.message());
    if (timeline.ok()) l.timeline = std::move(*timeline);
    return l;
}

Loaded load(const std::string& path) {
    auto model = TraceModel::open(path);
    EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.message());
    if (!model.ok()) return {};
    return analyze(std::move(*model));
}

// One event as the check needs it.
struct Seen {
    uint64_t ts = 0;
    int32_t pid = 0;
    bool isSwitch = false;
    int32_t prev = 0, next = 0;
};

// Every event of every CPU, in each CPU's order.
std::vector<std::vector<Seen>> eventsByCpu(const Loaded& l) {
    std::vector<std::vector<Seen>> cpus(l.model->cpuCount());
    const SchedFields f(*l.formats);
    EventCursor cursor(*l.model);
    EventRef e;
    while (cursor.next(e)) {
        CommonFields c;
        if (!l.formats->common(e.raw, c)) continue;
        Seen s{e.ts, c.pid};
        if (c.type == f.switchId) {
            s.isSwitch = true;
            s.prev = static_cast<int32_t>(l.formats->readInt(f.prevPid, e.raw));
            s.next = static_cast<int32_t>(l.formats->readInt(f.nextPid, e.raw));
        }
        cpus[e.cpu].push_back(s);
    }
    return cpus;
}

// Indices of the events that fall in one of the two exempt moments (header comment).
std::vector<bool> exempt(const std::vector<Seen>& events) {
    std::vector<bool> out(events.size(), false);
    std::set<uint64_t> switchTimes;
    for (const Seen& s : events) {
        if (s.isSwitch) switchTimes.insert(s.ts);
    }
    for (size_t i = 0; i < events.size(); ++i) {
        out[i] = switchTimes.count(events[i].ts) > 0;
        if (out[i] || i == 0) continue;
        // Walk back over the run of this task's events to the switch that began it.
        size_t j = i;
        while (j > 0 && !events[j - 1].isSwitch && events[j - 1].pid == events[i].pid) --j;
        if (j == 0 || !events[j - 1].isSwitch || events[j - 1].prev != events[i].pid) continue;
        size_t k = i + 1;
        while (k < events.size() && events[k].pid == events[i].pid && !events[k].isSwitch) ++k;
        out[i] = k < events.size() && events[k].pid == events[j - 1].next;
    }
    return out;
}

int32_t pidOnCpu(const SchedTimeline& t, size_t cpu, uint64_t ts) {
    ptrdiff_t i = t.cpus.at(cpu).spanAt(ts);
    return i < 0 ? 0 : t.cpus[cpu].value[i];
}

// The CPU a task row says `pid` runs on at `ts`, as a CPU number of its buffer (two
// buffers recording the same CPU are the same CPU), or -1 when not running.
int64_t runningOn(const Loaded& l, int32_t pid, uint64_t ts) {
    auto it = l.timeline.tasks.find(pid);
    if (it == l.timeline.tasks.end()) return -1;
    ptrdiff_t i = it->second.spanAt(ts);
    if (i < 0 || it->second.value[i] != static_cast<int32_t>(TaskState::Running)) return -1;
    return l.model->meta().cpus.at(it->second.cpu[i]).cpu;
}

// Checks every event; returns the number that disagree and explains the first few.
void expectScheduleMatchesEvents(const Loaded& l, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(l.model);
    const auto cpus = eventsByCpu(l);
    size_t checked = 0, cpuWrong = 0, taskWrong = 0;
    std::string examples;
    for (size_t c = 0; c < cpus.size(); ++c) {
        const std::vector<bool> skip = exempt(cpus[c]);
        const int64_t physical = l.model->meta().cpus[c].cpu;
        for (size_t i = 0; i < cpus[c].size(); ++i) {
            if (skip[i]) continue;
            const Seen& s = cpus[c][i];
            ++checked;
            const int32_t row = pidOnCpu(l.timeline, c, s.ts);
            const bool cpuOk = row == s.pid;
            const bool taskOk = s.pid == 0 || runningOn(l, s.pid, s.ts) == physical;
            cpuWrong += !cpuOk;
            taskWrong += !taskOk;
            if ((!cpuOk || !taskOk) && std::count(examples.begin(), examples.end(), '\n') < 6) {
                examples += "\n  " + l.model->cpuLabel(c) + " at " + std::to_string(s.ts) +
                            ": event of pid " + std::to_string(s.pid) + ", CPU row says " +
                            std::to_string(row) + ", task row says CPU " +
                            std::to_string(runningOn(l, s.pid, s.ts));
            }
        }
    }
    EXPECT_GT(checked, 0u);
    EXPECT_EQ(cpuWrong, 0u) << "of " << checked << " events" << examples;
    EXPECT_EQ(taskWrong, 0u) << "of " << checked << " events" << examples;
}

std::vector<std::string> fixtures() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(test::dataPath(""))) {
        if (e.path().extension() == ".dat") out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(SchedReconcile, EveryFixtureHasADatFileToCheck) {
    EXPECT_GE(fixtures().size(), 7u);
}

TEST(SchedReconcile, CpuAndTaskRowsNameEachEventsTaskOnEveryFixture) {
    for (const std::string& name : fixtures()) {
        expectScheduleMatchesEvents(load(test::dataPath(name)), name);
    }
}

// The case that showed the defect: demo cpu1 has 2,616 switches to idle and none back.
//   [001] 1404.984375: sched_switch: dd:5788 [120] D ==> swapper/1:0 [120]
//   [001] 1404.984599: <idle>-0 sched_waking: comm=dd pid=5788 target_cpu=001
//   [001] 1404.984890: dd-5788 sched_process_exec: filename=/usr/bin/dd pid=5788
//   [001] 1404.987681: dd-5788 sched_waking: comm=rcu_preempt pid=15
TEST(SchedReconcile, DdRunsOnCpu1WhereItsOwnEventsAre) {
    Loaded l = load(test::dataPath("sched-irq-timer.dat"));
    size_t cpu1 = 0;
    for (size_t i = 0; i < l.model->cpuCount(); ++i) {
        if (l.model->cpuLabel(i) == "demo cpu1") cpu1 = i;
    }
    ASSERT_EQ(l.model->cpuLabel(cpu1), "demo cpu1");
    EXPECT_EQ(pidOnCpu(l.timeline, cpu1, 1404987681000ULL), 5788);
    EXPECT_EQ(runningOn(l, 5788, 1404987681000ULL), 1);
    EXPECT_EQ(pidOnCpu(l.timeline, cpu1, 1404984891000ULL), 5788);  // after its exec
    EXPECT_EQ(pidOnCpu(l.timeline, cpu1, 1404984700000ULL), 0);     // idle: its own events
}

// ---- imperfect copies ----

void writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// sched-irq-v6.dat with one page of a CPU emptied and the next page flagged as the kernel
// flags the page after lost events (RB_MISSED_EVENTS, bit 31 of commit): the events and
// sched_switch records of that page are gone.
std::string lostPageCopy() {
    const std::string path = test::dataPath("sched-irq-v6.dat");
    auto model = TraceModel::open(path);
    EXPECT_TRUE(model.ok());
    std::vector<uint8_t> bytes = test::readBytes(path);
    // The busiest CPU's frame; v6 pages are stored as they are, 4096 bytes each.
    const FrameRef* frame = nullptr;
    for (const FrameRef& f : (*model)->frames()) {
        if (!frame || f.usize > frame->usize) frame = &f;
    }
    const uint64_t pages = frame->usize / 4096, lost = frame->offset + pages / 2 * 4096;
    EXPECT_GE(pages, 4u);
    store64(&bytes[lost + 8], 0);  // commit 0: no events
    const uint64_t next = lost + 4096;
    store64(&bytes[next + 8], load64(&bytes[next + 8], false) | (uint64_t{1} << 31), false);
    const std::string out = test::tempDir("sched-lost-page") + "/lost-page.dat";
    writeFile(out, bytes);
    return out;
}

std::string cutCopy(const std::string& name, uint64_t size, const std::string& tag) {
    std::vector<uint8_t> bytes = test::readBytes(test::dataPath(name));
    bytes.resize(std::min<uint64_t>(size, bytes.size()));
    const std::string out = test::tempDir(tag) + "/" + name;
    writeFile(out, bytes);
    return out;
}

TEST(SchedReconcile, RowsNameEachEventsTaskAcrossAPageOfLostEvents) {
    Loaded l = load(lostPageCopy());
    ASSERT_FALSE(l.timeline.gaps.empty());
    expectScheduleMatchesEvents(l, "lost page");
    // Nothing is known inside a gap: no CPU span crosses one.
    for (const LostGap& g : l.timeline.gaps) {
        const SpanTrack& track = l.timeline.cpus.at(g.cpu);
        for (size_t i = 0; i < track.size(); ++i) {
            EXPECT_FALSE(track.start[i] < g.from && track.end[i] > g.to)
                << "span " << track.start[i] << ".." << track.end[i] << " over the gap " << g.from
                << ".." << g.to;
        }
    }
}

// A v6 file cut at 4,000,000 bytes keeps 1,017 of its 2,847 events (cpu1 loses most).
TEST(SchedReconcile, RowsNameEachEventsTaskOnAV6FileCutShort) {
    expectScheduleMatchesEvents(load(cutCopy("sched-irq-v6.dat", 4000000, "sched-cut-v6")),
                                "v6 cut at 4 MB");
}

// The frames of a trace from a time on, the first page of each CPU flagged as having
// lost events before it: what the kernel gives after its ring buffer overwrote the oldest
// pages (a trace that starts in the middle of every CPU's slices).
class OverwrittenStartSource : public TraceSource {
public:
    OverwrittenStartSource(std::unique_ptr<TraceSource> all, uint64_t from)
        : m_all(std::move(all)) {
        std::set<uint32_t> cpus;
        for (size_t i = 0; i < m_all->frames().size(); ++i) {
            const FrameRef& f = m_all->frames()[i];
            if (f.tFirst < from) continue;
            m_keep.push_back(i);
            m_frames.push_back(f);
            m_firstOfCpu.push_back(cpus.insert(f.cpu).second);
        }
    }
    const std::string& path() const override { return m_all->path(); }
    std::string formatName() const override { return m_all->formatName(); }
    const TraceMeta& meta() const override { return m_all->meta(); }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override {
        Status st = m_all->readFrame(m_keep.at(index), out);
        if (st.ok() && m_firstOfCpu[index] && out.size() >= 16) {
            store64(&out[8], load64(&out[8], false) | (uint64_t{1} << 31), false);
        }
        return st;
    }
    uint64_t fileSize() const override { return m_all->fileSize(); }

private:
    std::unique_ptr<TraceSource> m_all;
    std::vector<size_t> m_keep;
    std::vector<bool> m_firstOfCpu;
    FrameIndex m_frames;
};

TEST(SchedReconcile, RowsNameEachEventsTaskWhenTheFirstPagesWereOverwritten) {
    for (const char* name : {"sched-irq-timer.dat", "function-graph.dat", "markers.dat"}) {
        auto source = openTrace(test::dataPath(name));
        ASSERT_TRUE(source.ok()) << source.message();
        // From a third of the way through the frames: every CPU loses its first pages.
        std::vector<uint64_t> starts;
        for (const FrameRef& f : (*source)->frames()) starts.push_back(f.tFirst);
        std::sort(starts.begin(), starts.end());
        const uint64_t from = starts.at(starts.size() / 3);
        auto model = TraceModel::fromSource(
            std::make_unique<OverwrittenStartSource>(std::move(*source), from));
        ASSERT_TRUE(model.ok()) << model.message();
        expectScheduleMatchesEvents(analyze(std::move(*model)),
                                    std::string(name) + " from " + std::to_string(from));
    }
}

}  // namespace
}  // namespace kestrel
