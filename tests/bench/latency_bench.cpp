// The latency analyses on a real trace, after it is open: KESTREL_BENCH_TRACE=/path/big.dat
// (default: a fixture).
//   build/dev/tests/latency_bench --benchmark_repetitions=3
// A kind the trace has no events for is skipped with its error. Items/s is the trace's
// events per second; the counter "instances" is what the analysis found.
#include <benchmark/benchmark.h>

#include "analysis/latency.h"
#include "analysis/trace_scan.h"
#include "bench_trace.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    uint64_t events = 0;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("sched-irq-timer.dat");
        r.formats = bench::formatsFor(*r.model);
        r.events = bench::orAbort(scanTrace(*r.model, r.formats.get()), "scan").events;
        return r;
    }();
    return l;
}

void latency(benchmark::State& state, LatencyKind kind) {
    Loaded& l = loaded();
    LatencyRequest q;
    q.kind = kind;
    uint64_t instances = 0;
    for (auto _ : state) {
        auto r = analyzeLatency(*l.model, *l.formats, q);
        if (!r) {
            state.SkipWithError(r.message().c_str());
            return;
        }
        instances = r.value().size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(l.events * state.iterations()));
    state.counters["instances"] = static_cast<double>(instances);
}

BENCHMARK_CAPTURE(latency, wakeup, LatencyKind::Wakeup)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(latency, irq, LatencyKind::Irq)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(latency, softirq, LatencyKind::Softirq)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(latency, softirq_raise, LatencyKind::SoftirqRaise)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(latency, syscall, LatencyKind::Syscall)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(latency, function, LatencyKind::Function)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(latency, marker, LatencyKind::Marker)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace kestrel

BENCHMARK_MAIN();
