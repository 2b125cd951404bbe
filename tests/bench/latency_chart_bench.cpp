// The latency histogram: its re-bin (one pass over the instances, after a change of the
// axis, the breakdown or the time range) and its redraw (grab() of the chart view at
// 1200x600, which never touches an instance), on KESTREL_BENCH_TRACE (default: a fixture)
// for KESTREL_BENCH_KIND (wakeup, irq, softirq, syscall, function, kprobe; default
// wakeup). KESTREL_BENCH_COMPARE=other.dat overlays that trace's instances of the kind
// (default: the same trace's); KESTREL_BENCH_PNG=DIR saves each drawn configuration as
// DIR/latency-<kind>-<configuration>.png, to look at.
//   QT_QPA_PLATFORM=offscreen KESTREL_BENCH_TRACE=/work/bench/trace.dat
//     KESTREL_BENCH_KIND=syscall build/dev/tests/latency_chart_bench
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QChartView>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "analysis/latency.h"
#include "bench_trace.h"
#include "latency/latency_chart_axes.h"
#include "latency/latency_chart_bins.h"
#include "latency/latency_chart_panel.h"

namespace kestrel {
namespace {

const std::pair<const char*, LatencyKind> kKinds[] = {
    {"wakeup", LatencyKind::Wakeup},     {"irq", LatencyKind::Irq},
    {"softirq", LatencyKind::Softirq},   {"syscall", LatencyKind::Syscall},
    {"function", LatencyKind::Function}, {"kprobe", LatencyKind::Kprobe},
};

const char* kindName() {
    const char* env = std::getenv("KESTREL_BENCH_KIND");
    return env ? env : "wakeup";
}

std::shared_ptr<const Latencies> analyze(const std::string& path) {
    LatencyRequest q;
    for (const auto& [name, kind] : kKinds) {
        if (std::strcmp(name, kindName()) == 0) q.kind = kind;
    }
    auto model = bench::orAbort(TraceModel::open(path), "open");
    auto formats = bench::formatsFor(*model);
    return std::make_shared<const Latencies>(
        bench::orAbort(analyzeLatency(*model, *formats, q), "latency"));
}

struct Loaded {
    std::shared_ptr<const Latencies> data, comparison;
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.data = analyze(bench::tracePath("sched-irq-timer.dat"));
        const char* other = std::getenv("KESTREL_BENCH_COMPARE");
        r.comparison = other ? analyze(other) : r.data;
        return r;
    }();
    return l;
}

// What a benchmark draws: range(0) 1 = log latency axis; range(1) 0 = all instances,
// 1 = stacked by key (by task for kinds without keys), 2 = with the comparison overlaid,
// 3 = log count axis too, 4 = linear buckets up to p99.9 (with range(0) 0).
LatencyBinOptions optionsOf(const benchmark::State& state) {
    LatencyBinOptions o;
    o.logLatency = state.range(0) == 1;
    o.stacked = state.range(1) == 1;
    o.field = latencyKeyTitle(loaded().data->kind) ? LatencyField::Key : LatencyField::Task;
    return o;
}

const char* configName(const benchmark::State& state) {
    static const char* const kNames[] = {"all", "stacked", "compared", "logcount", "upto"};
    return kNames[state.range(1)];
}

void setCounters(benchmark::State& state) {
    state.counters["instances"] = double(loaded().data->size());
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(loaded().data->size()));
}

// Selection, percentiles and the counting pass, as the panel runs them when the time
// range changes.
void BM_Rebin(benchmark::State& state) {
    Loaded& l = loaded();
    const LatencyBinOptions o = optionsOf(state);
    const Latencies* other = state.range(1) == 2 ? l.comparison.get() : nullptr;
    for (auto _ : state) {
        LatencyChartData d = buildLatencyChart(*l.data, other, o);
        benchmark::DoNotOptimize(d);
    }
    setCounters(state);
}
BENCHMARK(BM_Rebin)->ArgsProduct({{0, 1}, {0, 1, 2}})->Unit(benchmark::kMillisecond)->UseRealTime();

// The counting pass alone, with the percentiles kept: a change of axis or breakdown.
void BM_RebinKeptStats(benchmark::State& state) {
    Loaded& l = loaded();
    const LatencyBinOptions o = optionsOf(state);
    const Latencies* other = state.range(1) == 2 ? l.comparison.get() : nullptr;
    const LatencyPercentiles stats = latencyStats(*l.data, o);
    const LatencyPercentiles otherStats = other ? latencyStats(*other, {}) : LatencyPercentiles{};
    for (auto _ : state) {
        LatencyChartData d = buildLatencyChart(*l.data, stats, other, otherStats, o);
        benchmark::DoNotOptimize(d);
    }
    setCounters(state);
}
BENCHMARK(BM_RebinKeptStats)
    ->ArgsProduct({{0, 1}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Redraw(benchmark::State& state) {
    Loaded& l = loaded();
    LatencyChartPanel panel;
    panel.resize(1400, 600);
    panel.setLatencies(l.data, QString::fromLatin1(kindName()));
    const LatencyBinOptions o = optionsOf(state);
    panel.setLogLatencyAxis(o.logLatency);
    panel.setBreakdownField(o.field);
    if (o.stacked) panel.setBreakdown(LatencyChartPanel::Breakdown::Stacked);
    if (state.range(1) >= 2) panel.setComparison(l.comparison, QStringLiteral("comparison"));
    panel.setLogCountAxis(state.range(1) == 3);
    if (state.range(1) == 4) panel.setLinearUpTo(LatencyUpTo::P999);
    panel.show();
    QApplication::processEvents();
    while (panel.counting()) {  // millions of instances are counted on a thread
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        QApplication::processEvents();
    }
    QChartView* view = panel.chartView();
    for (auto _ : state) {
        QPixmap frame = view->grab();
        benchmark::DoNotOptimize(frame);
    }
    setCounters(state);
    if (const char* dir = std::getenv("KESTREL_BENCH_PNG")) {
        const QString path = QStringLiteral("%1/latency-%2-%3-%4.png")
                                 .arg(QString::fromLocal8Bit(dir), QString::fromLatin1(kindName()),
                                      o.logLatency ? "log" : "linear", configName(state));
        panel.grab().save(path);
    }
}
BENCHMARK(BM_Redraw)
    ->ArgsProduct({{0, 1}, {0, 1, 2, 3}})
    ->Args({0, 4})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

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
