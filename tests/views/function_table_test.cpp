// The function table on function-graph.dat: its order against totals the test sums from
// the spans, the callers and callees against the spans' own nesting, and the longest call.
#include "flame/function_table.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <map>
#include <set>

#include "call_trees_fixture.h"
#include "qt_test_app.h"
#include "timeline/timeline_state.h"

namespace kestrel {
namespace {

constexpr int kFunctionRole = Qt::UserRole + 1;

class FunctionTableTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_calls = new test::LoadedCalls(test::loadCalls("function-graph.dat"));
    }
    static void TearDownTestSuite() { delete s_calls; }

    void SetUp() override {
        m_table = std::make_unique<FunctionTable>(&m_state);
        m_table->resize(1200, 500);
        m_table->setCallTrees(s_calls->trees, s_calls->formats.get());
        m_table->show();
        ASSERT_TRUE(test::waitFor([&] { return m_table->table()->model()->rowCount() > 0; }));
    }
    QAbstractItemModel* rows() const { return m_table->table()->model(); }
    uint32_t functionAt(int row) const {
        return rows()->index(row, 0).data(kFunctionRole).toUInt();
    }
    static bool counted(const CallSpan& s) { return !(s.flags & CallSpan::kNoExit); }

    static test::LoadedCalls* s_calls;
    TimelineState m_state;
    std::unique_ptr<FunctionTable> m_table;
};
test::LoadedCalls* FunctionTableTest::s_calls = nullptr;

TEST_F(FunctionTableTest, SortsByNumbersNotText) {
    std::map<uint32_t, uint64_t> total, calls;
    for (const CallSpan& s : s_calls->trees->spans) {
        if (!counted(s)) continue;
        total[s.function] += s.duration;
        ++calls[s.function];
    }
    ASSERT_EQ(rows()->rowCount(), int(total.size()));
    m_table->table()->sortByColumn(FunctionTable::kTotal, Qt::DescendingOrder);
    for (int r = 1; r < rows()->rowCount(); ++r)
        ASSERT_GE(total[functionAt(r - 1)], total[functionAt(r)]) << r;
    m_table->table()->sortByColumn(FunctionTable::kCalls, Qt::AscendingOrder);
    std::set<QString> texts;
    for (int r = 0; r < rows()->rowCount(); ++r) {
        const QString text = rows()->index(r, FunctionTable::kCalls).data().toString();
        EXPECT_EQ(text.toULongLong(), calls[functionAt(r)]);
        if (r > 0) {
            ASSERT_LE(calls[functionAt(r - 1)], calls[functionAt(r)]) << r;
        }
        texts.insert(text);
    }
    // Counts of one and of two digits at least, or a text sort could pass too.
    EXPECT_TRUE(
        std::any_of(texts.begin(), texts.end(), [](const QString& t) { return t.size() > 1; }));
}

TEST_F(FunctionTableTest, FilterKeepsMatchingNames) {
    std::set<std::string> expected;
    for (const CallSpan& s : s_calls->trees->spans) {
        const std::string& name = s_calls->names[s.function];
        if (counted(s) && QString::fromStdString(name).contains("rcu", Qt::CaseInsensitive))
            expected.insert(name);
    }
    ASSERT_FALSE(expected.empty());
    m_table->setFilterText("RCU");
    std::set<std::string> shown;
    for (int r = 0; r < rows()->rowCount(); ++r)
        shown.insert(rows()->index(r, 0).data().toString().toStdString());
    EXPECT_EQ(shown, expected);
}

TEST_F(FunctionTableTest, CallersAndCalleesAddUpToTheCalls) {
    const CallTrees& trees = *s_calls->trees;
    // The function with the most calls under a caller, and its callees from the nesting.
    std::map<uint32_t, uint64_t> withCaller;
    for (const CallSpan& s : trees.spans)
        if (counted(s) && s.depth > 0) ++withCaller[s.function];
    const uint32_t fn =
        std::max_element(withCaller.begin(), withCaller.end(), [](auto& a, auto& b) {
            return a.second < b.second;
        })->first;
    // Callers and callees by name, from each call's direct callees (its subtree, one level
    // down), not from a walk in order as the table does.
    std::map<QString, uint64_t> callers, callees;
    for (const CallLane& lane : trees.lanes) {
        for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
            const CallSpan& p = trees.spans[i];
            const uint64_t end = trees.subtreeEnd(i, lane);
            for (uint64_t j = i + 1; j < end; ++j) {
                const CallSpan& c = trees.spans[j];
                if (c.depth != p.depth + 1 || !counted(c)) continue;
                if (c.function == fn) ++callers[QString::fromStdString(s_calls->names[p.function])];
                if (p.function == fn) ++callees[QString::fromStdString(s_calls->names[c.function])];
            }
        }
    }
    ASSERT_TRUE(m_table->selectFunction(fn));
    auto rowsOf = [](QTableView* t) {
        std::map<QString, uint64_t> out;
        for (int r = 0; r < t->model()->rowCount(); ++r)
            out[t->model()->index(r, 0).data().toString()] +=
                t->model()->index(r, 1).data().toString().toULongLong();
        return out;
    };
    uint64_t callerCalls = 0;
    for (const auto& [name, n] : callers) callerCalls += n;
    EXPECT_EQ(callerCalls, withCaller[fn]);
    EXPECT_EQ(rowsOf(m_table->callersTable()), callers);
    EXPECT_EQ(rowsOf(m_table->calleesTable()), callees);
    EXPECT_GT(m_table->callersTable()->model()->rowCount(), 0);
}

TEST_F(FunctionTableTest, ShowLongestCallCarriesItsSpan) {
    const CallTrees& trees = *s_calls->trees;
    const uint32_t fn = functionAt(0);
    uint64_t longest = 0, span = 0;
    for (uint64_t i = 0; i < trees.spans.size(); ++i) {
        const CallSpan& s = trees.spans[i];
        if (s.function == fn && counted(s) && s.duration > longest) {
            longest = s.duration;
            span = i;
        }
    }
    ASSERT_TRUE(m_table->selectFunction(fn));
    QSignalSpy spy(m_table.get(), &FunctionTable::showCall);
    QPushButton* button = nullptr;
    for (QPushButton* b : m_table->findChildren<QPushButton*>())
        if (b->text() == "Show longest call") button = b;
    ASSERT_TRUE(button);
    button->click();
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(0).toULongLong(), span);
    EXPECT_EQ(trees.spans[span].duration, longest);
}

TEST_F(FunctionTableTest, SelectedRangeCountsCallsBegunInIt) {
    const uint64_t start = s_calls->model->startTime(), end = s_calls->model->endTime();
    const TimeRange range{start + (end - start) / 4, start + (end - start) / 2};
    uint64_t expected = 0;
    for (const CallSpan& s : s_calls->trees->spans)
        if (counted(s) && s.start >= range.from && s.start <= range.to) ++expected;
    m_state.setSelection(range);
    m_table->setScope(FunctionTable::kSelection);
    uint64_t shown = 0;
    for (int r = 0; r < rows()->rowCount(); ++r)
        shown += rows()->index(r, FunctionTable::kCalls).data().toString().toULongLong();
    EXPECT_EQ(shown, expected);
}

}  // namespace
}  // namespace kestrel
