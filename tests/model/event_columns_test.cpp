// The event table's text against `trace-cmd report`.
#include "text/event_columns.h"

#include <gtest/gtest.h>

#include <map>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/formats_pool.h"
#include "query/event_index.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The leaf line "dur |   func();" as the table's row for the leaf's exit reads:
// "dur |   } /* func */".
std::string leafExitLine(const std::string& leaf) {
    size_t bar = leaf.find("|  ");
    size_t name = leaf.find_first_not_of(' ', bar + 3);
    return leaf.substr(0, name) + "} /* " + leaf.substr(name, leaf.size() - name - 3) + " */";
}

// function_graph rows read as the report's lines, walked as the table walks them (an
// index of every event, a row cursor keeping the record before each row): "func() {"
// with its indentation, a leaf call on one line "dur | func();", "}" with the duration
// and its mark. The report prints no line for a leaf's exit; its row names the call.
TEST(ColumnText, FunctionGraphRowsAreTheReportsLines) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("function-graph.dat");
    auto lines = test::reportLines(file);
    auto model = TraceModel::open(file);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats) << formats.message();
    FormatsPool pool(model.value()->meta(), EventFormats::Use::kFields);
    auto index = EventIndex::build(*model.value(), pool, EventFilter{});
    ASSERT_TRUE(index) << index.message();
    auto matcher = FilterMatcher::create(EventFilter{}, *formats.value());
    ASSERT_TRUE(matcher) << matcher.message();
    RowCursor rows(*model.value(), *index.value(), *matcher.value());
    rows.keepPrevious(true);
    ColumnText text(*formats.value(), model.value()->meta());
    EventRef event, next, previous;
    uint64_t row = 0;
    size_t compared = 0, leaves = 0;
    bool leafExitNext = false;  // the report merged the record this row shows
    std::string leafLine;
    for (size_t i = 0; i < lines.size() || leafExitNext;) {
        ASSERT_TRUE(rows.next(event, row)) << "line " << i;
        Neighbours around;
        if (rows.cursor().peekNextIfSameCpu(next)) around.next = &next;
        if (rows.previous(previous)) around.previous = &previous;
        std::string info;
        text.append(Column::Info, event, 0, info, around);
        if (leafExitNext) {
            leafExitNext = false;
            EXPECT_EQ(info, leafExitLine(leafLine)) << "row " << row;
            EXPECT_EQ(text.graphRow(event, around), GraphRow::kLeafExit);
            continue;
        }
        const test::ReportLine& l = lines[i++];
        if (l.event != "funcgraph_entry" && l.event != "funcgraph_exit") continue;
        EXPECT_EQ(info, l.info) << "line " << i << ", row " << row;
        ++compared;
        if (l.event == "funcgraph_entry" && endsWith(l.info, "();")) {
            ++leaves;
            leafExitNext = true;
            leafLine = l.info;
            EXPECT_EQ(text.graphRow(event, around), GraphRow::kLeaf);
        }
    }
    EXPECT_FALSE(rows.next(event, row)) << "rows left after the report's last line";
    EXPECT_GT(compared, 10000u);
    EXPECT_GT(leaves, 1000u);
}

// The row cursor keeps the record before each row whether the filter selects it or not:
// a filtered walk (exits only) shows the same leaf exits as the full walk.
TEST(ColumnText, LeafExitsReadTheSameUnderAFilter) {
    const std::string file = test::dataPath("function-graph.dat");
    auto model = TraceModel::open(file);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats) << formats.message();
    FormatsPool pool(model.value()->meta(), EventFormats::Use::kFields);
    ColumnText text(*formats.value(), model.value()->meta());
    auto walk = [&](const EventFilter& filter) {
        std::map<uint64_t, std::string> exits;  // by event number
        auto index = EventIndex::build(*model.value(), pool, filter);
        EXPECT_TRUE(index) << index.message();
        auto matcher = FilterMatcher::create(filter, *formats.value());
        RowCursor rows(*model.value(), *index.value(), *matcher.value());
        rows.keepPrevious(true);
        EventRef event, previous;
        uint64_t row = 0;
        while (rows.next(event, row)) {
            std::string eventName;
            text.append(Column::Event, event, 0, eventName);
            if (eventName != "funcgraph_exit") continue;
            Neighbours around;
            if (rows.previous(previous)) around.previous = &previous;
            text.append(Column::Info, event, 0, exits[rows.eventNumber()], around);
        }
        return exits;
    };
    EventFilter exitsOnly;
    const EventType* exit = formats.value()->find("ftrace", "funcgraph_exit");
    ASSERT_TRUE(exit);
    exitsOnly.eventIds = {exit->id};
    auto all = walk(EventFilter{});
    auto filtered = walk(exitsOnly);
    ASSERT_EQ(all.size(), filtered.size());
    size_t leafExits = 0;
    for (const auto& [number, info] : all) {
        EXPECT_EQ(filtered[number], info) << "event " << number;
        if (info.find("/* ") != std::string::npos) ++leafExits;
    }
    EXPECT_GT(leafExits, 1000u);
}

}  // namespace
}  // namespace kestrel
