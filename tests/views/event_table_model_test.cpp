// EventTableModel: a virtual model over the row index, checked by Qt's model tester and
// against trace-cmd report.
#include "events/event_table_model.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFont>
#include <QFontInfo>
#include <QSignalSpy>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/formats_pool.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

QApplication& app() {
    static int argc = 1;
    static char name[] = "event_table_model_test";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Never destroyed: a static QApplication torn down at exit crashes in Qt's own
    // exit-time cleanup; reachable through this pointer, so not a leak to LSan.
    static QApplication* a = new QApplication(argc, argv);
    return *a;
}

class EventTableModelTest : public ::testing::Test {
protected:
    void SetUp() override { open("sched-irq-timer.dat"); }
    void open(const char* name) {
        app();
        m_table.reset();
        m_path = test::dataPath(name);
        m_model = std::move(TraceModel::open(m_path).value());
        m_pool = std::make_unique<FormatsPool>(m_model->meta());
        m_formats = std::move(EventFormats::create(m_model->meta()).value());
        m_table = std::make_unique<EventTableModel>(*m_model, *m_formats);
    }
    void show(const EventFilter& filter) {
        auto index = EventIndex::build(*m_model, *m_pool, filter, nullptr, 2);
        ASSERT_TRUE(index.ok()) << index.message();
        m_table->setIndex(index.value());
    }
    QString cell(int row, Column c) const {
        return m_table->data(m_table->index(row, static_cast<int>(c))).toString();
    }

    std::string m_path;
    std::unique_ptr<TraceModel> m_model;
    std::unique_ptr<FormatsPool> m_pool;
    std::unique_ptr<EventFormats> m_formats;
    std::unique_ptr<EventTableModel> m_table;
};

TEST_F(EventTableModelTest, PassesQtModelTester) {
    QAbstractItemModelTester tester(m_table.get(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    show({});
    EXPECT_GT(m_table->rowCount(), 0);
    EventFilter f;
    f.pids = {5782};
    show(f);
    m_table->setIndex(nullptr);
    EXPECT_EQ(m_table->rowCount(), 0);
}

TEST_F(EventTableModelTest, RowCountAndCellsMatchTraceCmdReport) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    auto lines = test::reportLines(m_path, "", true);
    auto plain = test::reportLines(m_path);
    show({});
    ASSERT_EQ(static_cast<size_t>(m_table->rowCount()), plain.size());
    // Rows in a jumping order: blocks are decoded on demand and cached.
    std::vector<int> rows;
    for (int r = 0; r < m_table->rowCount(); r += 37) rows.push_back(r);
    rows.push_back(m_table->rowCount() - 1);
    std::reverse(rows.begin() + static_cast<long>(rows.size() / 2), rows.end());
    for (int r : rows) {
        const auto& l = plain[static_cast<size_t>(r)];
        ASSERT_EQ(cell(r, Column::Index), QString::number(r));
        ASSERT_EQ(cell(r, Column::Cpu), QString::number(l.cpu)) << r;
        ASSERT_EQ(cell(r, Column::Time), QString::fromStdString(l.time)) << r;
        ASSERT_EQ(cell(r, Column::Pid), QString::number(l.pid)) << r;
        ASSERT_EQ(cell(r, Column::Flags),
                  QString::fromStdString(lines[static_cast<size_t>(r)].flags))
            << r;
        ASSERT_EQ(cell(r, Column::Event), QString::fromStdString(l.event)) << r;
        ASSERT_EQ(cell(r, Column::Info), QString::fromStdString(l.info)) << r;
    }
}

TEST_F(EventTableModelTest, FilteredRowCountsMatchTheReport) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    auto plain = test::reportLines(m_path);
    EventFilter f;
    f.eventIds = {m_formats->find("sched", "sched_switch")->id};
    f.pids = {0};
    show(f);
    auto want = std::count_if(plain.begin(), plain.end(), [](const auto& l) {
        return l.event == "sched_switch" && l.pid == 0;
    });
    EXPECT_GT(want, 0);
    EXPECT_EQ(m_table->rowCount(), want);
    for (int r = 0; r < m_table->rowCount(); ++r) {
        ASSERT_EQ(cell(r, Column::Event), QStringLiteral("sched_switch"));
        ASSERT_EQ(cell(r, Column::Pid), QStringLiteral("0"));
    }
}

// Qt sees a window of rows; cells follow the window as it moves, and everything else
// (text, timestamps, nearest row) speaks in absolute rows.
TEST_F(EventTableModelTest, ShowsQtAWindowThatMoves) {
    QAbstractItemModelTester tester(m_table.get(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    show({});
    const int total = m_table->totalRows();
    ASSERT_GT(total, 5000);
    EXPECT_EQ(m_table->rowCount(), total);  // the default window holds this whole fixture
    m_table->setWindowCapacity(1000);
    EXPECT_EQ(m_table->rowCount(), 1000);
    EXPECT_EQ(m_table->totalRows(), total);

    QSignalSpy changed(m_table.get(), &QAbstractItemModel::dataChanged);
    ASSERT_TRUE(m_table->moveWindow(3000));
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 0);
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 999);
    EXPECT_EQ(cell(0, Column::Index), QStringLiteral("3000"));
    EXPECT_EQ(cell(999, Column::Index), QStringLiteral("3999"));
    EXPECT_EQ(m_table->cellText(3000, Column::Time), cell(0, Column::Time));
    EXPECT_EQ(m_table->cellText(42, Column::Index), QStringLiteral("42"));
    EXPECT_FALSE(m_table->moveWindow(3000));

    // Clamped so the window stays full.
    EXPECT_TRUE(m_table->moveWindow(total));
    EXPECT_EQ(m_table->windowStart(), total - 1000);
    EXPECT_EQ(cell(999, Column::Index), QString::number(total - 1));
    EXPECT_EQ(m_table->rowNearTime(~0ull - 1), total - 1);
    EXPECT_TRUE(m_table->moveWindow(-5));
    EXPECT_EQ(m_table->windowStart(), 0);

    // A new index starts at the top again.
    m_table->moveWindow(5000);
    show({});
    EXPECT_EQ(m_table->windowStart(), 0);
    EXPECT_EQ(cell(0, Column::Index), QStringLiteral("0"));
}

TEST_F(EventTableModelTest, RowNearTimePicksTheClosestRow) {
    show({});
    uint64_t t100 = m_table->timestampOf(100), t101 = m_table->timestampOf(101);
    ASSERT_LT(t100, t101);
    EXPECT_EQ(m_table->timestampOf(m_table->rowNearTime(t100)), t100);
    EXPECT_EQ(m_table->rowNearTime(t100 + (t101 - t100) / 4), m_table->rowNearTime(t100));
    EXPECT_EQ(m_table->timestampOf(m_table->rowNearTime(t101 - (t101 - t100) / 4)), t101);
    EXPECT_EQ(m_table->rowNearTime(0), 0);
    EXPECT_EQ(m_table->rowNearTime(~0ull - 1), m_table->totalRows() - 1);
}

// "#" is the event's number, not its row: under a filter and a time range each row shows
// the number the same event has in the unfiltered table.
TEST_F(EventTableModelTest, FilteredRowsShowTheirEventNumber) {
    show({});
    const int total = m_table->totalRows();
    ASSERT_GT(total, 3000);
    std::vector<QString> text(static_cast<size_t>(total));
    auto identity = [&](int r) {
        return m_table->cellText(r, Column::Time) + u'|' + m_table->cellText(r, Column::Cpu) +
               u'|' + m_table->cellText(r, Column::Info);
    };
    for (int r = 0; r < total; ++r) text[static_cast<size_t>(r)] = identity(r);
    EventFilter f;
    f.pids = {5786};  // ls
    f.from = m_table->timestampOf(1000);
    f.to = m_table->timestampOf(3000);
    show(f);
    ASSERT_GT(m_table->totalRows(), 10);
    int last = -1;
    for (int r = 0; r < m_table->totalRows(); ++r) {
        bool ok = false;
        const int number = cell(r, Column::Index).toInt(&ok);
        ASSERT_TRUE(ok) << r;
        ASSERT_GT(number, last) << r;
        ASSERT_GE(number, 1000) << r;
        ASSERT_LT(number, total) << r;
        EXPECT_EQ(identity(r), text[static_cast<size_t>(number)]) << "row " << r << " #" << number;
        EXPECT_EQ(m_table->eventNumberOf(r), static_cast<uint64_t>(number));
        last = number;
    }
}

// The report's line for each event: a leaf's exit, which the report prints on its entry's
// line "dur |   func();", gets "dur |   } /* func */".
std::vector<std::string> reportInfoPerEvent(const std::string& path) {
    std::vector<std::string> out;
    for (const test::ReportLine& l : test::reportLines(path)) {
        out.push_back(l.info);
        if (l.event != "funcgraph_entry" || l.info.size() < 3 ||
            l.info.compare(l.info.size() - 3, 3, "();") != 0) {
            continue;
        }
        size_t name = l.info.find_first_not_of(' ', l.info.find("|  ") + 3);
        out.push_back(l.info.substr(0, name) + "} /* " +
                      l.info.substr(name, l.info.size() - name - 3) + " */");
    }
    return out;
}

// function_graph rows read as trace-cmd report draws them, whatever order the blocks are
// decoded in (a block read after a jump knows the record before its first row), in a
// fixed-width font; other rows keep the table's font; a leaf's exit row is greyed.
TEST_F(EventTableModelTest, FunctionGraphRowsReadAsTheReport) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("function-graph.dat");
    const std::vector<std::string> expected = reportInfoPerEvent(m_path);
    // An index of every event (as the window makes one from its analysis' row marks) with
    // a checkpoint at each block's first row where it can hold one: a block read after a
    // jump then starts right at a checkpoint, where the cursor knows no record before it.
    std::vector<RowMark> marks;
    EventCursor cursor(*m_model);
    EventRef ev;
    uint64_t previousTs = 0;
    for (uint64_t n = 0; cursor.next(ev); ++n) {
        if (n > 0 && n % EventTableModel::kBlockRows == 0 && ev.ts > previousTs)
            marks.push_back({ev.ts, n});
        previousTs = ev.ts;
    }
    ASSERT_GT(marks.size(), 200u);
    m_table->setIndex(EventIndex::fromMarks(expected.size(), marks));
    ASSERT_EQ(static_cast<size_t>(m_table->totalRows()), expected.size());
    const int blocks =
        (m_table->totalRows() + EventTableModel::kBlockRows - 1) / EventTableModel::kBlockRows;
    m_table->setWindowCapacity(m_table->totalRows());
    size_t graphRows = 0, leafExits = 0, others = 0;
    for (int b = blocks - 1; b >= 0; --b) {
        int end = std::min((b + 1) * EventTableModel::kBlockRows, m_table->totalRows());
        for (int r = b * EventTableModel::kBlockRows; r < end; ++r) {
            QModelIndex info = m_table->index(r, static_cast<int>(Column::Info));
            ASSERT_EQ(m_table->cellText(r, Column::Info).toStdString(),
                      expected[static_cast<size_t>(r)])
                << "row " << r;
            QString event = m_table->cellText(r, Column::Event);
            QVariant font = m_table->data(info, Qt::FontRole);
            QVariant colour = m_table->data(info, Qt::ForegroundRole);
            if (!event.startsWith(QStringLiteral("funcgraph_"))) {
                ++others;
                EXPECT_FALSE(font.isValid()) << "row " << r;
                continue;
            }
            ++graphRows;
            ASSERT_TRUE(font.isValid()) << "row " << r;
            EXPECT_TRUE(QFontInfo(font.value<QFont>()).fixedPitch()) << "row " << r;
            bool leafExit = expected[static_cast<size_t>(r)].find("} /* ") != std::string::npos;
            EXPECT_EQ(colour.isValid(), leafExit) << "row " << r;
            leafExits += leafExit;
        }
    }
    EXPECT_GT(graphRows, 60000u);
    EXPECT_GT(leafExits, 1000u);
    EXPECT_GT(others, 100u);
}

}  // namespace
}  // namespace kestrel
