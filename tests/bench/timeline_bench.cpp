// Timeline repaint cost at every zoom level, rendered offscreen into a 1600x1000 QImage
// (all CPU rows + 8 task rows of the busiest tasks), on KESTREL_BENCH_TRACE (default:
// a fixture). The window is centred in the trace and ranges from the whole trace down
// to 1 us. Also times the sched analysis itself.
//   QT_QPA_PLATFORM=offscreen KESTREL_BENCH_TRACE=/tmp/big.ktr build/h/tests/timeline_bench
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <cstdlib>

#include "analysis/sched_timeline.h"
#include "bench_trace.h"
#include "decode/trace_model.h"
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
