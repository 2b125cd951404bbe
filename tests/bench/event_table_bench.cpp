// The event table's repaint on a function_graph trace, rendered offscreen at 1600x1000,
// and the details pane's call lookup, on KESTREL_BENCH_TRACE (default: function-graph.dat).
//   QT_QPA_PLATFORM=offscreen KESTREL_BENCH_TRACE=/work/bench/funcgraph.ktr
//       build/dev/tests/event_table_bench
// BM_JumpTable: every frame shows rows no block cache holds (a jump to another part of the
// trace): the rows are decoded, each funcgraph_entry peeks at the record after it. The
// cost follows the rows on screen, not the trace's size or its calls.
// BM_RepaintTable: the same rows again (the cached blocks).
// BM_CallOfRecord: the details pane's lookup of the call of a funcgraph record and its
// details; BM_CallOfLongestRoot: the same for the call with the most calls under it.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTableView>
#include <cstdlib>

#include "analysis/call_lookup.h"
#include "bench_trace.h"
#include "decode/event_cursor.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "formats/formats_pool.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    std::unique_ptr<FormatsPool> pool;
    std::shared_ptr<const EventIndex> index;
    std::unique_ptr<CallTrees> trees;
    std::vector<CallRecord> records;  // funcgraph records spread over the trace
};

Loaded& loaded() {
    static Loaded l = [] {
        Loaded r;
        r.model = bench::openTrace("function-graph.dat");
        r.formats = bench::formatsFor(*r.model);
        r.pool = std::make_unique<FormatsPool>(r.model->meta(), EventFormats::Use::kFields);
        r.index = bench::orAbort(EventIndex::build(*r.model, *r.pool, EventFilter{}), "index");
        r.trees = std::make_unique<CallTrees>(
            bench::orAbort(buildCallTrees(*r.model, *r.formats), "call trees"));
        CallRecordReader reader(*r.formats);
        EventCursor cursor(*r.model);
        EventRef ev;
        CallRecord rec;
        for (uint64_t n = 0; cursor.next(ev); ++n) {
            if (n % 997 == 0 && reader.read(ev, rec)) r.records.push_back(rec);
        }
        return r;
    }();
    return l;
}

struct Table {
    explicit Table(Loaded& l) : model(*l.model, *l.formats) {
        model.setIndex(l.index);
        view.setModel(&model);
        view.resize(1600, 1000);
        view.show();
    }
    void paint(QImage& image) {
        QPainter p(&image);
        view.render(&p);
    }
    EventTableModel model;
    EventTableView view;
};

void BM_JumpTable(benchmark::State& state) {
    Loaded& l = loaded();
    Table t(l);
    QImage image(t.view.size(), QImage::Format_RGB32);
    const int rows = t.model.totalRows();
    // 64 places over the trace: more than the cached blocks, so each jump decodes.
    const int places = 64;
    int k = 0;
    for (auto _ : state) {
        t.view.scrollToRow(static_cast<int>(int64_t(rows - 100) * (k++ % places) / places));
        t.paint(image);
    }
    state.counters["rows"] = double(rows);
    state.counters["calls"] = double(l.trees->spans.size());
}
BENCHMARK(BM_JumpTable)->Unit(benchmark::kMillisecond);

void BM_RepaintTable(benchmark::State& state) {
    Loaded& l = loaded();
    Table t(l);
    QImage image(t.view.size(), QImage::Format_RGB32);
    t.view.scrollToRow(t.model.totalRows() / 2);
    t.paint(image);
    for (auto _ : state) t.paint(image);
}
BENCHMARK(BM_RepaintTable)->Unit(benchmark::kMillisecond);

void BM_CallOfRecord(benchmark::State& state) {
    Loaded& l = loaded();
    size_t k = 0, found = 0;
    for (auto _ : state) {
        const CallRecord& r = l.records[k++ % l.records.size()];
        uint64_t span = findCall(*l.trees, r);
        if (span != kNoCall) {
            ++found;
            benchmark::DoNotOptimize(callDetails(*l.trees, span));
        }
    }
    state.counters["found"] = double(found) / double(k);
}
BENCHMARK(BM_CallOfRecord)->Unit(benchmark::kMicrosecond);

void BM_CallOfLongestRoot(benchmark::State& state) {
    Loaded& l = loaded();
    uint64_t widest = 0, under = 0;
    for (const CallLane& lane : l.trees->lanes) {
        for (uint64_t s = lane.first; s < lane.first + lane.count;) {
            uint64_t end = l.trees->subtreeEnd(s, lane);
            if (end - s > under) {
                under = end - s;
                widest = s;
            }
            s = end;
        }
    }
    for (auto _ : state) benchmark::DoNotOptimize(callDetails(*l.trees, widest));
    state.counters["calls_under"] = double(under);
}
BENCHMARK(BM_CallOfLongestRoot)->Unit(benchmark::kMillisecond);

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
