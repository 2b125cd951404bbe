// Call trees on a big function_graph trace: KESTREL_BENCH_FUNCGRAPH=/path/funcgraph-20m.ktr
// (scripts/make-repeated-trace.sh makes it; docs/performance.md, "Call trees on 20 M
// events"). Without it every benchmark is skipped: the fixtures are too small to time.
//   KESTREL_BENCH_FUNCGRAPH=/work/bench/funcgraph-20m.ktr build/dev/tests/call_tree_bench
// Items/s is funcgraph records per second.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "analysis/call_tree.h"
#include "analysis/folded_stacks.h"
#include "analysis/function_stats.h"
#include "bench_trace.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

// Null without the environment variable.
Loaded* loaded() {
    static Loaded* l = []() -> Loaded* {
        const char* path = std::getenv("KESTREL_BENCH_FUNCGRAPH");
        if (!path || !*path) return nullptr;
        auto* r = new Loaded;
        r->model = bench::orAbort(TraceModel::open(path), "open");
        r->formats = bench::formatsFor(*r->model);
        return r;
    }();
    return l;
}

Loaded* skipWithout(benchmark::State& state) {
    Loaded* l = loaded();
    if (!l) state.SkipWithError("set KESTREL_BENCH_FUNCGRAPH to a function_graph trace");
    return l;
}

// The trees of the trace, built once for the passes that read them.
const CallTrees& trees(const Loaded& l) {
    static CallTrees t = bench::orAbort(buildCallTrees(*l.model, *l.formats), "call trees");
    return t;
}

void buildTrees(benchmark::State& state, unsigned threads) {
    Loaded* l = skipWithout(state);
    if (!l) return;
    uint64_t records = 0, spans = 0;
    for (auto _ : state) {
        auto t = buildCallTrees(*l->model, *l->formats, nullptr, threads);
        if (!t) {
            state.SkipWithError(t.message().c_str());
            return;
        }
        records += t.value().records;
        spans = t.value().spans.size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(records));
    state.counters["spans"] = static_cast<double>(spans);
    state.counters["span_MiB"] = static_cast<double>(spans * sizeof(CallSpan)) / (1 << 20);
}

void BM_CallTrees(benchmark::State& state) {
    buildTrees(state, 0);
}
BENCHMARK(BM_CallTrees)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_CallTreesOneThread(benchmark::State& state) {
    buildTrees(state, 1);
}
BENCHMARK(BM_CallTreesOneThread)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// The path tree alone: one lookup of (caller's path, function) per call.
void BM_AggregateCalls(benchmark::State& state) {
    Loaded* l = skipWithout(state);
    if (!l) return;
    const CallTrees& t = trees(*l);
    size_t nodes = 0;
    for (auto _ : state) nodes = aggregateCalls(t, CallFilter{}).nodes.size();
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * t.spans.size()));
    state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_AggregateCalls)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

// What ktr flame does after the trees: the path tree, then one named line per path.
void BM_AggregateAndFold(benchmark::State& state) {
    Loaded* l = skipWithout(state);
    if (!l) return;
    const CallTrees& t = trees(*l);
    size_t lines = 0;
    for (auto _ : state) {
        auto folded = foldedLines(aggregateCalls(t, CallFilter{}), t, *l->formats);
        lines = folded.size();
    }
    state.counters["lines"] = static_cast<double>(lines);
}
BENCHMARK(BM_AggregateAndFold)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// What ktr functions does after the trees.
void BM_FunctionStats(benchmark::State& state) {
    Loaded* l = skipWithout(state);
    if (!l) return;
    const CallTrees& t = trees(*l);
    size_t functions = 0;
    for (auto _ : state) functions = functionStats(t, CallFilter{}).size();
    state.counters["functions"] = static_cast<double>(functions);
}
BENCHMARK(BM_FunctionStats)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace kestrel

BENCHMARK_MAIN();
