// The event table's text against `trace-cmd report`.
#include "text/event_columns.h"

#include <gtest/gtest.h>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// function_graph rows read as the report's lines: "func() {" with its indentation, "}"
// with the duration and its mark. Where the report merges a leaf call's entry and exit
// into one "func();" line, the table keeps two rows: the entry as "func() {", the exit as
// "}" with the duration the report put on the leaf line.
TEST(ColumnText, FunctionGraphRowsAreTheReportsLines) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("function-graph.dat");
    auto lines = test::reportLines(file);
    auto model = TraceModel::open(file);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats) << formats.message();
    ColumnText text(*formats.value(), model.value()->meta());
    EventCursor cursor(*model.value());
    EventRef event;
    size_t compared = 0, leaves = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        ASSERT_TRUE(cursor.next(event)) << "line " << i;
        const test::ReportLine& l = lines[i];
        std::string info;
        text.append(Column::Info, event, 0, info);
        if (l.event == "funcgraph_entry" && endsWith(l.info, "();")) {
            ++leaves;
            std::string name = l.info.substr(l.info.find("|  ") + 3);
            name = name.substr(name.find_first_not_of(' '));
            EXPECT_TRUE(endsWith(info, name.substr(0, name.size() - 3) + "() {")) << info;
            ASSERT_TRUE(cursor.next(event));
            std::string exit;
            text.append(Column::Info, event, 0, exit);
            // The duration and its mark: the report's leaf line up to the bar.
            EXPECT_EQ(exit.substr(0, exit.find('|')), l.info.substr(0, l.info.find('|'))) << exit;
            continue;
        }
        if (l.event != "funcgraph_entry" && l.event != "funcgraph_exit") continue;
        EXPECT_EQ(info, l.info) << "line " << i;
        ++compared;
    }
    EXPECT_GT(compared, 1000u);
    EXPECT_GT(leaves, 1000u);
}

}  // namespace
}  // namespace kestrel
