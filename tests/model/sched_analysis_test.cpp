// analyzeSched on the fixtures, checked against facts read off `trace-cmd report -t`
// (quoted beside each test).
#include <gtest/gtest.h>

#include <algorithm>

#include "analysis/sched_timeline.h"
#include "analysis/trace_scan.h"
#include "ktr/ktr_convert.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    SchedTimeline timeline;
};

Loaded load(const std::string& name) {
    Loaded l;
    auto model = TraceModel::open(test::dataPath(name));
    EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.message());
    l.model = std::move(*model);
    auto formats = EventFormats::create(l.model->meta());
    EXPECT_TRUE(formats.ok());
    l.formats = std::move(*formats);
    auto timeline = analyzeSched(*l.model, *l.formats);
    EXPECT_TRUE(timeline.ok()) << (timeline.ok() ? "" : timeline.message());
    l.timeline = std::move(*timeline);
    return l;
}

// Global CPU index of "demo cpuN" (the fixture's data sits in buffer demo, after the
// two empty top-level CPUs).
size_t demo(const TraceModel& m, int n) {
    for (size_t i = 0; i < m.cpuCount(); ++i) {
        if (m.cpuLabel(i) == "demo cpu" + std::to_string(n)) return i;
    }
    ADD_FAILURE() << "no demo cpu" << n;
    return 0;
}

int32_t pidOnCpu(const SchedTimeline& t, size_t cpu, uint64_t ts) {
    ptrdiff_t i = t.cpus.at(cpu).spanAt(ts);
    return i < 0 ? 0 : t.cpus[cpu].value[i];
}

TaskState stateOf(const SchedTimeline& t, int32_t pid, uint64_t ts) {
    const SpanTrack& track = t.tasks.at(pid);
    ptrdiff_t i = track.spanAt(ts);
    EXPECT_GE(i, 0) << "no state for " << pid << " at " << ts;
    return i < 0 ? TaskState::Other : static_cast<TaskState>(track.value[i]);
}

// [000] 1403.842536297: sched_switch: bash:5782 [120] R ==> memfd:sealed-91:1534
// [000] 1403.842566354: sched_switch: memfd:sealed-91:1534 [120] S ==> bash:5782
TEST(SchedAnalysis, CpuSpanRunsFromSwitchInToSwitchOut) {
    Loaded l = load("sched-irq-timer.dat");
    const SpanTrack& cpu0 = l.timeline.cpus.at(demo(*l.model, 0));
    ptrdiff_t i = cpu0.spanAt(1403842540000ULL);
    ASSERT_GE(i, 0);
    EXPECT_EQ(cpu0.value[i], 1534);
    EXPECT_EQ(cpu0.start[i], 1403842536297ULL);
    EXPECT_EQ(cpu0.end[i], 1403842566354ULL);
    EXPECT_EQ(pidOnCpu(l.timeline, demo(*l.model, 0), 1403842566354ULL), 5782);
}

// [000] 1403.849209727: sched_switch: bash:5782 [120] S ==> swapper/0:0
// [000] 1403.850667...: sched_switch: swapper/0:0 [120] R ==> bash:5786
TEST(SchedAnalysis, IdleIsLeftBlankOnCpuTracks) {
    Loaded l = load("sched-irq-timer.dat");
    EXPECT_EQ(pidOnCpu(l.timeline, demo(*l.model, 0), 1403849300000ULL), 0);
    EXPECT_EQ(pidOnCpu(l.timeline, demo(*l.model, 0), 1403850700000ULL), 5786);
}

// 5782 is switched out with prev_state R at .842536297 and back in at .842566354.
TEST(SchedAnalysis, PreemptedTaskIsRunnableUntilSwitchedBackIn) {
    Loaded l = load("sched-irq-timer.dat");
    EXPECT_EQ(stateOf(l.timeline, 5782, 1403842550000ULL), TaskState::Runnable);
    EXPECT_EQ(stateOf(l.timeline, 5782, 1403842570000ULL), TaskState::Running);
}

// 1534: S at .842566354, sched_waking at .892674029, switched in at .892684449.
TEST(SchedAnalysis, SleepWakeRunSequence) {
    Loaded l = load("sched-irq-timer.dat");
    EXPECT_EQ(stateOf(l.timeline, 1534, 1403860000000ULL), TaskState::Sleeping);
    EXPECT_EQ(stateOf(l.timeline, 1534, 1403892680000ULL), TaskState::Runnable);
    EXPECT_EQ(stateOf(l.timeline, 1534, 1403892700000ULL), TaskState::Running);
    const SpanTrack& t = l.timeline.tasks.at(1534);
    ptrdiff_t i = t.spanAt(1403892680000ULL);
    EXPECT_EQ(t.start[i], 1403892674029ULL);
    EXPECT_EQ(t.end[i], 1403892684449ULL);
}

// [001] 1403.880715343: sched_switch: ls:5786 [120] D ==> swapper/1:0
// [001] 1403.887981534: sched_waking: comm=ls pid=5786
TEST(SchedAnalysis, UninterruptibleSleepIsBlocked) {
    Loaded l = load("sched-irq-timer.dat");
    EXPECT_EQ(stateOf(l.timeline, 5786, 1403885000000ULL), TaskState::Blocked);
}

// [001] 1403.971029278: sched_switch: ls:5786 [120] X ==> bash:5785
TEST(SchedAnalysis, ExitedTaskHasNoStateAfterItsLastSwitch) {
    Loaded l = load("sched-irq-timer.dat");
    const SpanTrack& t = l.timeline.tasks.at(5786);
    EXPECT_EQ(t.end.back(), 1403971029278ULL);
    EXPECT_EQ(t.spanAt(1404000000000ULL), -1);
}

// [000] 1403.842473807: bash-5782 sched_waking: comm=memfd:sealed-91 pid=1534 target_cpu=000
TEST(SchedAnalysis, WakeupEdgesComeFromWakingWhenTraced) {
    Loaded l = load("sched-irq-timer.dat");
    ASSERT_FALSE(l.timeline.wakeups.empty());
    const Wakeup& w = l.timeline.wakeups.front();
    EXPECT_EQ(w.ts, 1403842473807ULL);
    EXPECT_EQ(w.waker, 5782);
    EXPECT_EQ(w.wakee, 1534);
    EXPECT_EQ(w.wakerCpu, demo(*l.model, 0));
    EXPECT_EQ(w.targetCpu, demo(*l.model, 0));  // target_cpu=000 within buffer demo
    EXPECT_TRUE(std::is_sorted(l.timeline.wakeups.begin(), l.timeline.wakeups.end(),
                               [](const Wakeup& a, const Wakeup& b) { return a.ts < b.ts; }));
}

// bash:5786 is switched in on [000] at 1403.850667, later runs as ls on [001].
TEST(SchedAnalysis, MigrationIsRecordedWhenATaskRunsOnAnotherCpu) {
    Loaded l = load("sched-irq-timer.dat");
    auto it = std::find_if(l.timeline.migrations.begin(), l.timeline.migrations.end(),
                           [](const Migration& m) { return m.pid == 5786; });
    ASSERT_NE(it, l.timeline.migrations.end());
    EXPECT_EQ(it->fromCpu, demo(*l.model, 0));
    EXPECT_EQ(it->toCpu, demo(*l.model, 1));
    EXPECT_LE(it->ts, 1403880715343ULL);
}

TEST(SchedAnalysis, TaskListNamesTasksAndSumsCpuTime) {
    Loaded l = load("sched-irq-timer.dat");
    const TaskSummary* t = l.timeline.task(1534);
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->comm, "memfd:sealed-91");
    EXPECT_GE(t->cpuTime, 1403842566354ULL - 1403842536297ULL);
    EXPECT_EQ(l.timeline.task(0), nullptr);
    EXPECT_EQ(l.timeline.events, 18155u);  // `trace-cmd report` lines minus "cpus=2"
}

// mk: bash-8691 [000] 3761.243155206: print: tracing_mark_write: phase-1 begin
TEST(SchedAnalysis, TraceMarkerPrintsBecomeMarks) {
    Loaded l = load("markers.dat");
    ASSERT_GE(l.timeline.prints.size(), 3u);
    const PrintMark& m = l.timeline.prints.front();
    EXPECT_EQ(m.ts, 3761243155206ULL);
    EXPECT_EQ(m.pid, 8691);
    EXPECT_EQ(m.text, "phase-1 begin");
}

// A trace of one frame holding the real page recorded after the kernel dropped events
// (tests/data/pages/README.md: RB_MISSED_EVENTS + RB_MISSED_STORED, 484 missed).
class OnePageSource : public TraceSource {
public:
    OnePageSource() {
        const std::string dir = test::dataPath("pages/");
        m_page = test::readBytes(dir + "page_missed_cpu0.bin");
        m_meta.headerPage = test::readText(dir + "header_page");
        m_meta.headerEvent = test::readText(dir + "header_event");
        m_meta.formats.push_back({"sched", test::readText(dir + "sched_switch.format")});
        m_meta.buffers.push_back({"", "local", 4096});
        m_meta.cpus.push_back({0, 0});
        FrameRef f;
        f.csize = f.usize = static_cast<uint32_t>(m_page.size());
        m_frames.push_back(f);
    }
    const std::string& path() const override { return m_path; }
    std::string formatName() const override { return "test page"; }
    const TraceMeta& meta() const override { return m_meta; }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t, std::vector<uint8_t>& out) const override {
        out = m_page;
        return {};
    }
    uint64_t fileSize() const override { return m_page.size(); }

private:
    std::string m_path = "page_missed_cpu0.bin";
    std::vector<uint8_t> m_page;
    TraceMeta m_meta;
    FrameIndex m_frames;
};

TEST(SchedAnalysis, MissedEventsPageBecomesALostGap) {
    auto model = TraceModel::fromSource(std::make_unique<OnePageSource>());
    ASSERT_TRUE(model.ok()) << model.message();
    auto formats = EventFormats::create((*model)->meta());
    ASSERT_TRUE(formats.ok()) << formats.message();
    auto t = analyzeSched(**model, **formats);
    ASSERT_TRUE(t.ok()) << t.message();
    ASSERT_EQ(t->gaps.size(), 1u);
    const LostGap& g = t->gaps.front();
    EXPECT_EQ(g.cpu, 0);
    EXPECT_EQ(g.count, 484u);
    // Nothing was seen before this page: the gap runs from the page's time stamp to its
    // first event.
    PageReader reader;
    std::vector<uint8_t> page = test::readBytes(test::dataPath("pages/page_missed_cpu0.bin"));
    ASSERT_TRUE(reader.load(page.data(), uint32_t(page.size()), (*model)->cpu(0).format).ok());
    RawEvent first;
    ASSERT_TRUE(reader.next(first));
    EXPECT_EQ(g.from, reader.header().timestamp);
    EXPECT_EQ(g.to, first.ts);
}

// The GUI's filter panel takes its counts from the analysis instead of scanTrace():
// they must be the same numbers and the same task table.
void expectCountsLikeScanTrace(const TraceModel& model, const std::string& what) {
    SCOPED_TRACE(what);
    auto printing = EventFormats::create(model.meta());
    auto fields = EventFormats::create(model.meta(), EventFormats::Use::kFields);
    ASSERT_TRUE(printing.ok() && fields.ok());
    auto timeline = analyzeSched(model, **printing);
    ASSERT_TRUE(timeline.ok()) << timeline.message();
    auto scan = scanTrace(model, fields->get(), nullptr, 2);
    ASSERT_TRUE(scan.ok()) << scan.message();
    const ScanResult& got = timeline->counts;
    const ScanResult& want = *scan;
    EXPECT_GT(want.events, 0u);
    EXPECT_EQ(got.events, want.events);
    EXPECT_EQ(got.events, timeline->events);
    EXPECT_EQ(got.eventsByType, want.eventsByType);
    EXPECT_EQ(got.eventsByCpu, want.eventsByCpu);
    EXPECT_EQ(got.lostByCpu, want.lostByCpu);
    EXPECT_EQ(got.lossMarksByCpu, want.lossMarksByCpu);
    ASSERT_EQ(got.eventsByPid.size(), want.eventsByPid.size());
    for (size_t i = 0; i < want.eventsByPid.size(); ++i) {
        EXPECT_EQ(got.eventsByPid[i].pid, want.eventsByPid[i].pid);
        EXPECT_EQ(got.eventsByPid[i].events, want.eventsByPid[i].events);
    }
    const std::vector<TaskInfo> gotTasks = got.tasks.sorted(), wantTasks = want.tasks.sorted();
    ASSERT_EQ(gotTasks.size(), wantTasks.size());
    for (size_t i = 0; i < wantTasks.size(); ++i) {
        EXPECT_EQ(gotTasks[i].pid, wantTasks[i].pid);
        EXPECT_EQ(gotTasks[i].tgid, wantTasks[i].tgid);
        EXPECT_EQ(gotTasks[i].comm, wantTasks[i].comm) << "pid " << wantTasks[i].pid;
    }
}

TEST(SchedAnalysis, CountsEqualScanTraceOnEveryFixture) {
    const std::string dir = test::tempDir("sched_counts");
    for (const char* name : {"sched-irq-timer.dat", "sched-irq-v6.dat", "markers.dat",
                             "function-graph.dat", "function-stacks.dat", "kprobes.dat"}) {
        auto model = TraceModel::open(test::dataPath(name));
        ASSERT_TRUE(model.ok()) << model.message();
        expectCountsLikeScanTrace(**model, name);
        // The same pages regrouped into .ktr frames (scanTrace splits work by frame).
        const std::string ktr = dir + "/" + name + ".ktr";
        ASSERT_TRUE(convertToKtr((*model)->source(), ktr).ok());
        auto converted = TraceModel::open(ktr);
        ASSERT_TRUE(converted.ok()) << converted.message();
        expectCountsLikeScanTrace(**converted, ktr);
    }
}

// The frames of a trace that start before a time: the trace as if recording had stopped
// there, so that some tasks are last named by their fork, not by a later switch.
class FramePrefixSource : public TraceSource {
public:
    FramePrefixSource(std::unique_ptr<TraceSource> all, uint64_t before) : m_all(std::move(all)) {
        for (size_t i = 0; i < m_all->frames().size(); ++i) {
            if (m_all->frames()[i].tFirst < before) {
                m_keep.push_back(i);
                m_frames.push_back(m_all->frames()[i]);
            }
        }
    }
    const std::string& path() const override { return m_all->path(); }
    std::string formatName() const override { return m_all->formatName(); }
    const TraceMeta& meta() const override { return m_all->meta(); }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override {
        return m_all->readFrame(m_keep.at(index), out);
    }
    uint64_t fileSize() const override { return m_all->fileSize(); }

private:
    std::unique_ptr<TraceSource> m_all;
    std::vector<size_t> m_keep;
    FrameIndex m_frames;
};

TEST(SchedAnalysis, CountsEqualScanTraceOnTracesCutAtEveryFrame) {
    for (const char* name : {"sched-irq-timer.dat", "function-graph.dat"}) {
        auto all = openTrace(test::dataPath(name));
        ASSERT_TRUE(all.ok()) << all.message();
        std::vector<uint64_t> cuts;
        for (const FrameRef& f : (*all)->frames()) cuts.push_back(f.tFirst + 1);
        for (uint64_t cut : cuts) {
            auto source = openTrace(test::dataPath(name));
            ASSERT_TRUE(source.ok());
            auto model = TraceModel::fromSource(
                std::make_unique<FramePrefixSource>(std::move(*source), cut));
            ASSERT_TRUE(model.ok()) << model.message();
            expectCountsLikeScanTrace(**model,
                                      std::string(name) + " before " + std::to_string(cut));
        }
    }
}

TEST(SchedAnalysis, CountsEqualScanTraceOnAPageWithLostEvents) {
    auto model = TraceModel::fromSource(std::make_unique<OnePageSource>());
    ASSERT_TRUE(model.ok()) << model.message();
    expectCountsLikeScanTrace(**model, "page_missed_cpu0.bin");
    auto formats = EventFormats::create((*model)->meta());
    ASSERT_TRUE(formats.ok());
    auto t = analyzeSched(**model, **formats);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->counts.lostByCpu.at(0), 484u);
    EXPECT_EQ(t->counts.lossMarksByCpu.at(0), 1u);
}

TEST(SchedAnalysis, CancelReturnsAnError) {
    auto model = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(model.ok());
    auto formats = EventFormats::create((*model)->meta());
    ASSERT_TRUE(formats.ok());
    Progress progress;
    progress.cancel = true;
    auto r = analyzeSched(**model, **formats, &progress);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.message(), test::dataPath("sched-irq-timer.dat") + ": analysis cancelled");
    EXPECT_EQ(progress.done.load(), 0u);
}

}  // namespace
}  // namespace kestrel
