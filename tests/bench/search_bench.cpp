// Event table passes on a real trace: KESTREL_BENCH_TRACE=/path/big.ktr (default: a fixture).
//   build/h/tests/search_bench --benchmark_counters_tabular=true
// BM_SearchInfoNoMatch is the headline figure: a search of the info column for
// text that matches nothing, over every event, on all cores (KernelShark: about 13 s
// for 3 million events). Items/s is events per second.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench_trace.h"
#include "decode/trace_model.h"
#include "query/event_index.h"
#include "query/event_search.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<FormatsPool> pool;
    std::shared_ptr<const EventIndex> index;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("sched-irq-timer.dat");
        r.pool = std::make_unique<FormatsPool>(r.model->meta());
        auto idx = EventIndex::build(*r.model, *r.pool, {});
        if (!idx) std::abort();
        r.index = idx.value();
        return r;
    }();
    return l;
}

void search(benchmark::State& state, Column column, const char* text, bool regex,
            unsigned threads) {
    Loaded& l = loaded();
    SearchQuery q{column, text, regex, true};
    for (auto _ : state) {
        auto r = searchRows(*l.model, *l.index, *l.pool, q, 0, SearchDirection::Forward, nullptr,
                            threads);
        if (!r || r.value() != kNoRow) state.SkipWithError("unexpected match or error");
    }
    state.SetItemsProcessed(static_cast<int64_t>(l.index->rows() * state.iterations()));
    state.counters["events"] = static_cast<double>(l.index->rows());
}

void BM_SearchInfoNoMatch(benchmark::State& s) {
    search(s, Column::Info, "no-such-text-xyz", false, 0);
}
BENCHMARK(BM_SearchInfoNoMatch)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchInfoNoMatchOneThread(benchmark::State& s) {
    search(s, Column::Info, "no-such-text-xyz", false, 1);
}
BENCHMARK(BM_SearchInfoNoMatchOneThread)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchInfoRegexNoMatch(benchmark::State& s) {
    search(s, Column::Info, "no-such-[0-9]+x", true, 0);
}
BENCHMARK(BM_SearchInfoRegexNoMatch)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SearchTaskNoMatch(benchmark::State& s) {
    search(s, Column::Task, "no-such-task", false, 0);
}
BENCHMARK(BM_SearchTaskNoMatch)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BuildIndex(benchmark::State& state) {
    Loaded& l = loaded();
    for (auto _ : state) {
        auto r = EventIndex::build(*l.model, *l.pool, {});
        if (!r) state.SkipWithError(r.message().c_str());
    }
    state.SetItemsProcessed(static_cast<int64_t>(l.index->rows() * state.iterations()));
}
BENCHMARK(BM_BuildIndex)->Unit(benchmark::kMillisecond)->UseRealTime();

// The table's random access: a row anywhere, as a scroll-bar jump fetches it.
void BM_SeekRandomRow(benchmark::State& state) {
    Loaded& l = loaded();
    auto formats = l.pool->acquire();
    auto matcher = std::move(FilterMatcher::create({}, **formats).value());
    RowCursor rows(*l.model, *l.index, *matcher);
    uint64_t x = 88172645463325252ull;
    EventRef ev;
    uint64_t row = 0;
    for (auto _ : state) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        rows.seekRow(x % l.index->rows());
        benchmark::DoNotOptimize(rows.next(ev, row));
    }
}
BENCHMARK(BM_SeekRandomRow)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kestrel

BENCHMARK_MAIN();
