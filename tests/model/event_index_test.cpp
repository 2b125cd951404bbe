// EventIndex and RowCursor against trace-cmd report: row count, every row's columns,
// random access through checkpoints, time lookup.
#include "query/event_index.h"

#include <gtest/gtest.h>

#include "analysis/sched_timeline.h"
#include "decode/trace_model.h"
#include "support/report_oracle.h"
#include "support/test_data.h"
#include "text/event_columns.h"

namespace kestrel {
namespace {

struct Fixture {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<FormatsPool> pool;
    std::unique_ptr<EventFormats> formats;
};

Fixture open(const char* name) {
    Fixture f;
    auto m = TraceModel::open(test::dataPath(name));
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.message());
    f.model = std::move(m.value());
    f.pool = std::make_unique<FormatsPool>(f.model->meta());
    f.formats = std::move(EventFormats::create(f.model->meta()).value());
    return f;
}

std::shared_ptr<const EventIndex> index(Fixture& f, const EventFilter& filter = {},
                                        unsigned threads = 2) {
    auto r = EventIndex::build(*f.model, *f.pool, filter, nullptr, threads);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
    return r.value();
}

TEST(EventIndex, RowCountEqualsTraceCmdEventLines) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* name : {"sched-irq-timer.dat", "sched-irq-v6.dat", "kprobes.dat"}) {
        Fixture f = open(name);
        EXPECT_EQ(index(f)->rows(), test::reportLines(test::dataPath(name)).size()) << name;
    }
}

TEST(EventIndex, EveryRowMatchesItsTraceCmdLine) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    Fixture f = open("sched-irq-timer.dat");
    auto lines = test::reportLines(test::dataPath("sched-irq-timer.dat"), "", true);
    auto plain = test::reportLines(test::dataPath("sched-irq-timer.dat"));
    ASSERT_EQ(lines.size(), plain.size());
    auto idx = index(f);
    auto matcher = std::move(FilterMatcher::create({}, *f.formats).value());
    RowCursor rows(*f.model, *idx, *matcher);
    rows.seekRow(0);
    ColumnText text(*f.formats, f.model->meta());
    EventRef ev;
    uint64_t row = 0;
    size_t n = 0;
    auto cell = [&](Column c) {
        std::string s;
        text.append(c, ev, row, s);
        return s;
    };
    while (rows.next(ev, row)) {
        ASSERT_LT(row, lines.size());
        const auto& l = lines[row];
        ASSERT_EQ(cell(Column::Index), std::to_string(n)) << row;
        ASSERT_EQ(cell(Column::Cpu), std::to_string(l.cpu)) << row;
        ASSERT_EQ(cell(Column::Time), l.time) << row;
        ASSERT_EQ(cell(Column::Pid), std::to_string(l.pid)) << row;
        ASSERT_EQ(cell(Column::Flags), l.flags) << row;
        ASSERT_EQ(cell(Column::Event), l.event) << row;
        ASSERT_EQ(cell(Column::Info), plain[row].info) << row;
        // trace-cmd shortens comms to 8 characters in the latency format.
        ASSERT_EQ(cell(Column::Task), plain[row].task) << row;
        ++n;
    }
    EXPECT_EQ(n, lines.size());
}

TEST(EventIndex, SeekRowLandsOnTheSameEventAsAWalk) {
    Fixture f = open("sched-irq-timer.dat");
    auto idx = index(f);
    ASSERT_GT(idx->checkpoints().size(), 10u);
    auto matcher = std::move(FilterMatcher::create({}, *f.formats).value());
    RowCursor walk(*f.model, *idx, *matcher);
    walk.seekRow(0);
    std::vector<uint64_t> ts;
    std::vector<uint32_t> cpu;
    EventRef ev;
    uint64_t row = 0;
    while (walk.next(ev, row)) {
        ts.push_back(ev.ts);
        cpu.push_back(ev.cpu);
    }
    ASSERT_EQ(ts.size(), idx->rows());
    RowCursor jump(*f.model, *idx, *matcher);
    for (uint64_t r = idx->rows(); r-- > 0;) {
        if (r % 97 != 0 && r % 512 > 2 && r % 512 < 510) continue;
        jump.seekRow(r);
        ASSERT_TRUE(jump.next(ev, row));
        ASSERT_EQ(row, r);
        ASSERT_EQ(ev.ts, ts[r]) << r;
        ASSERT_EQ(ev.cpu, cpu[r]) << r;
    }
}

TEST(EventIndex, OneThreadAndTwoThreadsGiveTheSameRows) {
    Fixture f = open("sched-irq-v6.dat");
    auto a = index(f, {}, 1), b = index(f, {}, 2);
    EXPECT_EQ(a->rows(), b->rows());
    EXPECT_GT(a->rows(), 0u);
}

TEST(EventIndex, RowsAroundTimeFindsTheNeighbours) {
    Fixture f = open("sched-irq-timer.dat");
    auto idx = index(f);
    auto matcher = std::move(FilterMatcher::create({}, *f.formats).value());
    RowCursor rows(*f.model, *idx, *matcher);
    rows.seekRow(5000);
    EventRef ev;
    uint64_t row = 0;
    ASSERT_TRUE(rows.next(ev, row));
    uint64_t t = ev.ts;
    // The first row with this timestamp (ties) is at or before 5000.
    uint64_t after = 0, before = 0;
    rows.rowsAround(t, after, before);
    EXPECT_LE(after, 5000u);
    EXPECT_EQ(before + 1, after);
    rows.seekRow(after);
    ASSERT_TRUE(rows.next(ev, row));
    EXPECT_EQ(ev.ts, t);
    rows.rowsAround(t + 1, after, before);
    EXPECT_GT(after, 5000u);
    rows.rowsAround(0, after, before);
    EXPECT_EQ(after, 0u);
    EXPECT_EQ(before, RowCursor::kNoRow);
    rows.rowsAround(kUnknownTime - 1, after, before);
    EXPECT_EQ(after, idx->rows());
    EXPECT_EQ(before, idx->rows() - 1);
}

// A pass cancelled before it starts builds nothing: with one thread or two, the only
// outcome is the error "cancelled", and no slice is counted as done.
TEST(EventIndex, CancelledBeforeTheStartReturnsCancelled) {
    Fixture f = open("sched-irq-timer.dat");
    for (unsigned threads : {1u, 2u}) {
        Progress progress;
        progress.cancel = true;
        auto r = EventIndex::build(*f.model, *f.pool, {}, &progress, threads);
        ASSERT_FALSE(r.ok()) << threads << " thread(s): built " << r.value()->rows() << " rows";
        EXPECT_EQ(r.message(), "cancelled");
        EXPECT_GT(progress.total.load(), 0u);
        EXPECT_EQ(progress.done.load(), 0u);
    }
}

// The unfiltered index from the sched analysis' row marks finds every row where the one
// built by its own pass does: the window then reads the events once on open, not twice.
TEST(EventIndex, FromTheAnalysisRowMarksFindsEveryRowLikeABuiltOne) {
    for (const char* name : {"sched-irq-timer.dat", "sched-irq-v6.dat", "two-buffers.dat",
                             "function-graph.dat", "markers.dat"}) {
        SCOPED_TRACE(name);
        Fixture f = open(name);
        auto fields = EventFormats::create(f.model->meta(), EventFormats::Use::kFields);
        ASSERT_TRUE(fields);
        auto timeline = analyzeSched(*f.model, **fields, nullptr, 2);
        ASSERT_TRUE(timeline) << timeline.message();
        // One mark per frame start (v6 files have one frame per CPU here).
        ASSERT_GE(timeline->rowMarks.size(), f.model->cpuCount() / 2);
        auto built = index(f);
        auto marked = EventIndex::fromMarks(timeline->events, timeline->rowMarks);
        ASSERT_EQ(marked->rows(), built->rows());
        EXPECT_GE(marked->checkpoints().size(), timeline->rowMarks.size() / 2);
        auto matcher = FilterMatcher::create({}, *f.formats);
        ASSERT_TRUE(matcher);
        RowCursor a(*f.model, *built, **matcher), b(*f.model, *marked, **matcher);
        for (uint64_t row = 0; row < built->rows(); row += 7) {
            a.seekRow(row);
            b.seekRow(row);
            EventRef x, y;
            uint64_t rx = 0, ry = 0;
            ASSERT_TRUE(a.next(x, rx));
            ASSERT_TRUE(b.next(y, ry));
            ASSERT_EQ(rx, row);
            ASSERT_EQ(ry, row);
            ASSERT_EQ(x.ts, y.ts) << "row " << row;
            ASSERT_EQ(x.cpu, y.cpu) << "row " << row;
            ASSERT_EQ(x.raw.data, y.raw.data) << "row " << row;
        }
        // Time lookups agree too.
        const uint64_t mid = (f.model->startTime() + f.model->endTime()) / 2;
        uint64_t atA = 0, beforeA = 0, atB = 0, beforeB = 0;
        a.rowsAround(mid, atA, beforeA);
        b.rowsAround(mid, atB, beforeB);
        EXPECT_EQ(atA, atB);
        EXPECT_EQ(beforeA, beforeB);
    }
}

// The unfiltered stream of a fixture: per event number, what identifies the event.
struct NumberedEvent {
    uint64_t ts = 0;
    uint32_t cpu = 0;
    int32_t pid = 0;
    std::string bytes;
};

std::vector<NumberedEvent> everyEvent(Fixture& f, const EventIndex& all) {
    auto matcher = std::move(FilterMatcher::create({}, *f.formats).value());
    RowCursor rows(*f.model, all, *matcher);
    rows.seekRow(0);
    std::vector<NumberedEvent> events;
    EventRef ev;
    uint64_t row = 0;
    while (rows.next(ev, row)) {
        EXPECT_EQ(rows.eventNumber(), row);  // unfiltered: the number is the row
        CommonFields common;
        EXPECT_TRUE(f.formats->common(ev.raw, common));
        events.push_back({ev.ts, ev.cpu, common.pid,
                          std::string(reinterpret_cast<const char*>(ev.raw.data), ev.raw.size)});
    }
    return events;
}

// A filtered row names its event by number: its row in the unfiltered stream, whatever the
// filter (task, type, CPU, advanced) or time range, walked or reached by seeking, and
// whether the events before the range are counted by the build or taken from the index of
// every event.
TEST(EventIndex, FilteredRowsCarryTheirEventNumber) {
    for (const char* name : {"sched-irq-timer.dat", "two-buffers.dat"}) {
        SCOPED_TRACE(name);
        Fixture f = open(name);
        auto all = index(f);
        const std::vector<NumberedEvent> events = everyEvent(f, *all);
        ASSERT_EQ(events.size(), all->rows());
        const int sched = f.formats->find("sched", "sched_switch")->id;
        std::vector<bool> lastCpu(f.model->cpuCount(), false);
        for (size_t c = f.model->cpuCount(); c-- > 0;) {
            if (f.model->cpu(c).frames.empty()) continue;
            lastCpu[c] = true;
            break;
        }
        const uint64_t third = events.size() / 3;
        std::vector<EventFilter> filters(6);
        filters[0].eventIds = {sched};
        filters[1].cpus = lastCpu;
        filters[2].from = events[third].ts;
        filters[2].to = events[2 * third].ts;
        filters[3].advanced = "sched_switch: next_prio == 120";
        filters[4] = filters[2];
        filters[4].cpus = lastCpu;
        filters[5].pids = {events[2 * third].pid};
        filters[5].from = events[third].ts + 1;
        for (size_t i = 0; i < filters.size(); ++i) {
            for (const EventIndex* base : {static_cast<const EventIndex*>(nullptr), all.get()}) {
                SCOPED_TRACE(testing::Message() << "filter " << i << (base ? ", base" : ""));
                auto built = EventIndex::build(*f.model, *f.pool, filters[i], nullptr, 2, base);
                ASSERT_TRUE(built.ok()) << built.message();
                const EventIndex& idx = **built;
                ASSERT_GT(idx.rows(), 0u);
                ASSERT_LT(idx.rows(), events.size());
                auto matcher = std::move(FilterMatcher::create(filters[i], *f.formats).value());
                RowCursor walk(*f.model, idx, *matcher);
                walk.seekRow(0);
                std::vector<uint64_t> numbers;
                EventRef ev;
                uint64_t row = 0;
                while (walk.next(ev, row)) {
                    const uint64_t n = walk.eventNumber();
                    ASSERT_LT(n, events.size()) << "row " << row;
                    ASSERT_TRUE(numbers.empty() || n > numbers.back()) << "row " << row;
                    ASSERT_EQ(ev.ts, events[n].ts) << "row " << row << " number " << n;
                    ASSERT_EQ(ev.cpu, events[n].cpu) << "row " << row << " number " << n;
                    ASSERT_EQ(std::string(reinterpret_cast<const char*>(ev.raw.data), ev.raw.size),
                              events[n].bytes)
                        << "row " << row << " number " << n;
                    numbers.push_back(n);
                }
                ASSERT_EQ(numbers.size(), idx.rows());
                RowCursor jump(*f.model, idx, *matcher);
                for (uint64_t r = idx.rows(); r-- > 0;) {
                    if (r % 53 != 0 && r + 1 != idx.rows()) continue;
                    jump.seekRow(r);
                    ASSERT_TRUE(jump.next(ev, row));
                    ASSERT_EQ(row, r);
                    ASSERT_EQ(jump.eventNumber(), numbers[r]) << "row " << r;
                }
            }
        }
    }
}

}  // namespace
}  // namespace kestrel
