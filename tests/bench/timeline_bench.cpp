// Timeline repaint cost at every zoom level, rendered offscreen into a 1600x1000 QImage
// (all CPU rows + 8 task rows of the busiest tasks), on KESTREL_BENCH_TRACE (default:
// a fixture). The window is centred in the trace and ranges from the whole trace down
// to 1 us. Also times the sched analysis itself, and the flame chart (call lanes of the
// busiest task and of the CPU with the most calls, on a function_graph trace; the fixture
// function-graph.dat without KESTREL_BENCH_TRACE). KESTREL_BENCH_PNG=DIR also saves each
// flame chart frame as DIR/flame-<window ns>.png, to look at.
//   QT_QPA_PLATFORM=offscreen KESTREL_BENCH_TRACE=/tmp/big.ktr build/h/tests/timeline_bench
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QThread>
#include <algorithm>
#include <cstdlib>

#include "analysis/call_tree.h"
#include "analysis/sched_timeline.h"
#include "bench_trace.h"
#include "decode/trace_model.h"
#include "flame/call_chart_index.h"
#include "support/test_data.h"
#include "timeline/span_folding.h"
#include "timeline/timeline_view.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    std::shared_ptr<SchedTimeline> timeline;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("sched-irq-timer.dat");
        r.formats = bench::formatsFor(*r.model);
        auto t = analyzeSched(*r.model, *r.formats);
        if (!t) std::abort();
        r.timeline = std::make_shared<SchedTimeline>(std::move(t.value()));
        return r;
    }();
    return l;
}

void BM_AnalyzeSched(benchmark::State& state) {
    Loaded& l = loaded();
    for (auto _ : state) {
        auto t = analyzeSched(*l.model, *l.formats);
        benchmark::DoNotOptimize(t);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(l.timeline->events));
}
BENCHMARK(BM_AnalyzeSched)->Unit(benchmark::kMillisecond)->UseRealTime();

void setCounters(benchmark::State& state, const Loaded& l) {
    size_t spans = 0;
    for (const SpanTrack& t : l.timeline->cpus) spans += t.size();
    for (const auto& [pid, t] : l.timeline->tasks) spans += t.size();
    state.counters["events"] = double(l.timeline->events);
    state.counters["spans"] = double(spans);
}

// state.range(0) = visible window in ns (0 = the whole trace).
void BM_PaintTimeline(benchmark::State& state) {
    Loaded& l = loaded();
    TimelineState viewState;
    TimelineView view(&viewState);
    view.resize(1600, 1000);
    view.setModel(l.model.get());
    view.setTimeline(l.timeline);
    view.setFormats(l.formats.get());
    std::vector<TaskSummary> busiest = l.timeline->taskList;
    std::sort(busiest.begin(), busiest.end(),
              [](const TaskSummary& a, const TaskSummary& b) { return a.cpuTime > b.cpuTime; });
    for (size_t i = 0; i < std::min<size_t>(8, busiest.size()); ++i)
        viewState.addTask(busiest[i].pid);
    const uint64_t from = l.model->startTime(), to = l.model->endTime();
    const uint64_t window = state.range(0) ? uint64_t(state.range(0)) : to - from;
    const uint64_t mid = from + (to - from) / 2;
    viewState.setVisibleRange({mid - window / 2, mid - window / 2 + window});
    QImage image(view.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        QPainter p(&image);
        view.paintTo(p, view.size());
    }
    setCounters(state, l);
}
BENCHMARK(BM_PaintTimeline)
    ->Arg(0)
    ->Arg(1000000000)
    ->Arg(100000000)
    ->Arg(10000000)
    ->Arg(1000000)
    ->Arg(100000)
    ->Arg(10000)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

// The folding walk alone on a synthetic 3,000,000-span track (back-to-back 100 ns
// spans), whole track down to a 1 us window at 1600 px: what one CPU row costs when a
// trace is far denser in sched_switch than the bench trace.
void BM_FoldDenseTrack(benchmark::State& state) {
    static const SpanTrack track = [] {
        SpanTrack t;
        for (uint64_t i = 0; i < 3000000; ++i) t.add(i * 100, i * 100 + 100, int32_t(1 + i % 7));
        return t;
    }();
    const uint64_t end = 300000000, window = state.range(0) ? uint64_t(state.range(0)) : end;
    const TimeScale scale = TimeScale::fit(end / 2 - window / 2, end / 2 + window / 2, 1600);
    size_t runs = 0;
    for (auto _ : state) {
        forEachVisibleSpan(track, scale, [&](const SpanRun& r) { runs += r.folded; });
    }
    benchmark::DoNotOptimize(runs);
    state.counters["spans"] = double(track.size());
}
BENCHMARK(BM_FoldDenseTrack)
    ->Arg(0)
    ->Arg(10000000)
    ->Arg(100000)
    ->Arg(1000)
    ->Unit(benchmark::kMicrosecond);

// Panning by 1/8 of the window per frame: nothing cached from the previous paint (the
// event ticks of a deep-zoom window are decoded again each time).
void BM_PanTimeline(benchmark::State& state) {
    Loaded& l = loaded();
    TimelineState viewState;
    TimelineView view(&viewState);
    view.resize(1600, 1000);
    view.setModel(l.model.get());
    view.setTimeline(l.timeline);
    const uint64_t from = l.model->startTime(), to = l.model->endTime();
    const uint64_t window = uint64_t(state.range(0));
    uint64_t at = from + (to - from) / 3;
    QImage image(view.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        at += window / 8;
        if (at + window > to) at = from;  // wrap, so every frame is a new window
        viewState.setVisibleRange({at, at + window});
        QPainter p(&image);
        view.paintTo(p, view.size());
    }
    setCounters(state, l);
}
BENCHMARK(BM_PanTimeline)
    ->Arg(1000000000)
    ->Arg(5000000)
    ->Arg(1000000)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

struct LoadedCalls {
    Loaded trace;
    std::shared_ptr<CallTrees> calls;
    const CallLane* busiest = nullptr;  // the task with the most calls
    int busiestCpu = 0;                 // the CPU with the most calls
};

LoadedCalls& loadedCalls() {
    static LoadedCalls l = [] {
        LoadedCalls r;
        r.trace.model = bench::openTrace("function-graph.dat");
        r.trace.formats = bench::formatsFor(*r.trace.model);
        r.trace.timeline = std::make_shared<SchedTimeline>(
            bench::orAbort(analyzeSched(*r.trace.model, *r.trace.formats), "sched"));
        r.calls = std::make_shared<CallTrees>(
            bench::orAbort(buildCallTrees(*r.trace.model, *r.trace.formats), "calls"));
        for (const CallLane& lane : r.calls->lanes) {
            if (lane.idleCpu < 0 && (!r.busiest || lane.count > r.busiest->count))
                r.busiest = &lane;
        }
        std::vector<uint64_t> perCpu;
        for (const CallSpan& s : r.calls->spans) {
            if (perCpu.size() <= s.cpu) perCpu.resize(s.cpu + 1u);
            ++perCpu[s.cpu];
        }
        if (!r.busiest || perCpu.empty()) std::abort();  // not a function_graph trace
        r.busiestCpu = int(std::max_element(perCpu.begin(), perCpu.end()) - perCpu.begin());
        return r;
    }();
    return l;
}

// state.range(0) = visible window in ns (0 = the whole trace), centred on the middle call
// of the busiest task.
void BM_PaintFlameChart(benchmark::State& state) {
    LoadedCalls& l = loadedCalls();
    const Loaded& t = l.trace;
    TimelineState viewState;
    TimelineView view(&viewState);
    view.resize(1600, 1000);
    view.setModel(t.model.get());
    view.setTimeline(t.timeline);
    view.setFormats(t.formats.get());
    view.setCallTrees(l.calls);
    viewState.addTask(l.busiest->pid);
    view.setCallsShown(RowKind::Task, l.busiest->pid, true);
    view.setCallsShown(RowKind::Cpu, l.busiestCpu, true);
    while (view.indexingCalls()) {  // a big row is indexed off the UI thread
        QThread::msleep(5);
        QCoreApplication::processEvents();
    }
    const uint64_t from = t.model->startTime(), to = t.model->endTime();
    const uint64_t mid = l.calls->spans[l.busiest->first + l.busiest->count / 2].start;
    if (state.range(0) == 0)
        viewState.setVisibleRange({from, to});
    else
        viewState.setVisibleRange({mid - uint64_t(state.range(0)) / 2,
                                   mid - uint64_t(state.range(0)) / 2 + uint64_t(state.range(0))});
    QImage image(view.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        QPainter p(&image);
        view.paintTo(p, view.size());
    }
    if (const char* dir = std::getenv("KESTREL_BENCH_PNG"))
        image.save(QStringLiteral("%1/flame-%2.png").arg(dir).arg(state.range(0)));
    state.counters["calls"] = double(l.calls->spans.size());
    state.counters["task_calls"] = double(l.busiest->count);
}
BENCHMARK(BM_PaintFlameChart)
    ->Arg(0)
    ->Arg(10000000000)
    ->Arg(1000000000)
    ->Arg(100000000)
    ->Arg(10000000)
    ->Arg(100000)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond);

// What expanding a row costs the UI thread: indexing the busiest task's calls, and all
// the calls that ran on the busiest CPU.
void BM_IndexCallRow(benchmark::State& state) {
    LoadedCalls& l = loadedCalls();
    const bool cpu = state.range(0);
    for (auto _ : state) {
        CallRowIndex index = cpu ? CallRowIndex::forCpu(*l.calls, l.busiestCpu)
                                 : CallRowIndex::forTask(*l.calls, l.busiest->pid);
        benchmark::DoNotOptimize(index);
        state.counters["row_calls"] = double(index.callCount());
    }
}
BENCHMARK(BM_IndexCallRow)->ArgName("cpu")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kestrel

int main(int argc, char** argv) {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
