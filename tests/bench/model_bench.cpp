// Model throughput on a real trace: KESTREL_BENCH_TRACE=/path/big.ktr (default: a fixture).
//   build/dev/tests/model_bench --benchmark_counters_tabular=true
// Items/s is events per second; the single-thread scan is the per-core figure.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "analysis/trace_scan.h"
#include "bench_trace.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("function-graph.dat");
        r.formats = bench::formatsFor(*r.model);
        return r;
    }();
    return l;
}

void BM_ScanOneThread(benchmark::State& state) {
    Loaded& l = loaded();
    uint64_t events = 0;
    for (auto _ : state) {
        auto r = scanTrace(*l.model, l.formats.get(), nullptr, 1);
        if (!r)
            state.SkipWithError(r.message().c_str());
        else
            events += r.value().events;
    }
    state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_ScanOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ScanAllCores(benchmark::State& state) {
    Loaded& l = loaded();
    uint64_t events = 0;
    for (auto _ : state) {
        auto r = scanTrace(*l.model, l.formats.get(), nullptr, 0);
        if (r) events += r.value().events;
    }
    state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_ScanAllCores)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CursorMergeAll(benchmark::State& state) {
    Loaded& l = loaded();
    uint64_t events = 0;
    for (auto _ : state) {
        EventCursor cursor(*l.model);
        EventRef ev;
        while (cursor.next(ev)) ++events;
    }
    state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_CursorMergeAll)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SeekRandom(benchmark::State& state) {
    Loaded& l = loaded();
    EventCursor cursor(*l.model);
    uint64_t start = l.model->startTime(), span = l.model->endTime() - start + 1;
    uint64_t x = 88172645463325252ull;
    for (auto _ : state) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        cursor.seek(start + x % span);
        EventRef ev;
        benchmark::DoNotOptimize(cursor.next(ev));
    }
}
BENCHMARK(BM_SeekRandom)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kestrel

BENCHMARK_MAIN();
