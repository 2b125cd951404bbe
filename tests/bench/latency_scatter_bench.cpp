// The Latency tab's scatter: binning the instances to the pixel grid (once per result,
// size or range) and repainting it (O(pixels), whatever the count), rendered offscreen
// into a 1600x400 QImage. The instances are the function calls of KESTREL_BENCH_TRACE
// (default: the fixture function-graph.dat; a big function_graph trace gives millions).
// The time range goes from the whole trace down to a thousandth of it.
//   QT_QPA_PLATFORM=offscreen KESTREL_BENCH_TRACE=/tmp/funcgraph.ktr
//   build/dev/tests/latency_scatter_bench
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <cstdlib>

#include "analysis/call_tree.h"
#include "analysis/latency.h"
#include "bench_trace.h"
#include "latency/latency_scatter.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::shared_ptr<const Latencies> calls;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("function-graph.dat");
        auto formats = bench::formatsFor(*r.model);
        auto trees = bench::orAbort(buildCallTrees(*r.model, *formats), "call trees");
        r.calls = std::make_shared<const Latencies>(callLatencies(trees));
        return r;
    }();
    return l;
}

// The window: the whole trace divided by state.range(0), centred.
std::pair<uint64_t, uint64_t> window(const TraceModel& model, int64_t divisor) {
    const uint64_t from = model.startTime(), to = model.endTime();
    const uint64_t length = std::max<uint64_t>((to - from) / uint64_t(divisor), 1);
    const uint64_t mid = from + (to - from) / 2;
    return {mid - length / 2, mid - length / 2 + length};
}

void BM_ScatterRepaint(benchmark::State& state) {
    Loaded& l = loaded();
    LatencyScatter scatter;
    scatter.resize(1600, 400);
    scatter.setLatencies(l.calls);
    auto [from, to] = window(*l.model, state.range(0));
    scatter.setTimeRange(from, to);
    QImage image(1600, 400, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        QPainter p(&image);
        scatter.paintTo(p);
    }
    state.counters["instances"] = double(l.calls->size());
}
BENCHMARK(BM_ScatterRepaint)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_ScatterBin(benchmark::State& state) {
    Loaded& l = loaded();
    LatencyScatter scatter;
    scatter.resize(1600, 400);
    scatter.setLatencies(l.calls);
    auto [from, to] = window(*l.model, state.range(0));
    uint64_t nudge = 0;
    for (auto _ : state) {
        // A range a nanosecond apart each time: binning waits for a question about a point.
        scatter.setTimeRange(from, to + (++nudge & 1));
        benchmark::DoNotOptimize(scatter.instanceAt(QPoint(800, 200)));
    }
    state.counters["instances"] = double(l.calls->size());
}
BENCHMARK(BM_ScatterBin)->Arg(1)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kestrel

int main(int argc, char** argv) {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
    QApplication app(argc, argv);
    ::benchmark::Initialize(&argc, argv);
    ::benchmark::RunSpecifiedBenchmarks();
    ::benchmark::Shutdown();
    return 0;
}
