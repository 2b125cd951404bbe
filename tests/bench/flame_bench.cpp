// Flame graph cost on KESTREL_BENCH_TRACE (default: a fixture): the call-path aggregation
// and flame tree of the whole trace, and repainting a 1600x1000 flame graph and icicle at
// the root and zoomed into a deep frame, and a tree whose every level is full of frames
// just wide enough to draw, offscreen.
//   QT_QPA_PLATFORM=offscreen KESTREL_BENCH_TRACE=/path/funcgraph.ktr build/dev/tests/flame_bench
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include "analysis/call_tree.h"
#include "analysis/flame_tree.h"
#include "analysis/folded_stacks.h"
#include "bench_trace.h"
#include "flame/flame_graph_view.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    CallTrees trees;
    std::vector<std::string> names;
    std::shared_ptr<const FlameTree> tree;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("function-graph.dat");
        r.formats = bench::formatsFor(*r.model);
        r.trees = bench::orAbort(buildCallTrees(*r.model, *r.formats), "call trees");
        for (uint32_t f = 0; f < r.trees.functions.size(); ++f)
            r.names.push_back(r.trees.functionName(f, *r.formats));
        r.tree = std::make_shared<FlameTree>(
            flameFromCallPaths(aggregateCalls(r.trees, CallFilter{}), r.names));
        return r;
    }();
    return l;
}

void setCounters(benchmark::State& state, const Loaded& l) {
    state.counters["calls"] = double(l.trees.spans.size());
    state.counters["frames"] = double(l.tree->nodes.size());
}

void BM_FlameTree(benchmark::State& state) {
    Loaded& l = loaded();
    for (auto _ : state) {
        FlameTree t = flameFromCallPaths(aggregateCalls(l.trees, CallFilter{}), l.names);
        benchmark::DoNotOptimize(t);
    }
    setCounters(state, l);
}
BENCHMARK(BM_FlameTree)->Unit(benchmark::kMillisecond)->UseRealTime();

// The flame tree alone, from a path tree already aggregated.
void BM_FlameFromCallPaths(benchmark::State& state) {
    Loaded& l = loaded();
    const CallPathTree paths = aggregateCalls(l.trees, CallFilter{});
    for (auto _ : state) {
        FlameTree t = flameFromCallPaths(paths, l.names);
        benchmark::DoNotOptimize(t);
    }
    setCounters(state, l);
}
BENCHMARK(BM_FlameFromCallPaths)->Unit(benchmark::kMillisecond)->UseRealTime();

// A deep frame with much under it: the widest child, level after level, 8 levels down.
uint32_t deepFrame(const FlameTree& t) {
    uint32_t node = 0;
    for (int level = 0; level < 8 && t.nodes[node].children > 0; ++level)
        node = t.nodes[node].firstChild;
    return node;
}

// state.range(0): 1 = icicle; state.range(1): 1 = zoomed into the deep frame.
void BM_PaintFlameGraph(benchmark::State& state) {
    Loaded& l = loaded();
    FlameGraphView view;
    view.resize(1600, 1000);
    view.setTree(l.tree, FlameUnit::kTime);
    view.setIcicle(state.range(0) == 1);
    if (state.range(1) == 1) view.zoomTo(deepFrame(*l.tree));
    view.show();
    QApplication::processEvents();
    const QRect visible = view.visibleCanvasRect();
    QImage image(visible.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        QPainter p(&image);
        p.translate(-visible.topLeft());
        view.paintCanvas(p, visible);
    }
    setCounters(state, l);
    state.counters["depth"] = double(l.tree->nodes[view.zoomed()].depth);
}
BENCHMARK(BM_PaintFlameGraph)
    ->ArgNames({"icicle", "zoomed"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The most a repaint can draw: 800 stacks of 56 frames, each 2 px wide, so every level
// is full of frames just wide enough to draw (44,800 frames).
void BM_PaintDenseFlameGraph(benchmark::State& state) {
    std::vector<FoldedLine> lines;
    for (int i = 0; i < 800; ++i) {
        std::string stack = "root" + std::to_string(i);
        for (int level = 1; level < 56; ++level) stack += ";f" + std::to_string(level);
        lines.push_back({stack, 1});
    }
    auto tree = std::make_shared<FlameTree>(flameFromFolded(lines));
    FlameGraphView view;
    view.resize(1600, 1000);
    view.setTree(tree, FlameUnit::kSamples);
    view.setIcicle(true);
    view.show();
    QApplication::processEvents();
    const QRect visible = view.visibleCanvasRect();
    QImage image(visible.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        QPainter p(&image);
        p.translate(-visible.topLeft());
        view.paintCanvas(p, visible);
    }
    state.counters["frames"] = double(tree->nodes.size());
}
BENCHMARK(BM_PaintDenseFlameGraph)->Unit(benchmark::kMillisecond)->UseRealTime();

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
