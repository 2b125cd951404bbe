// EventTableView over a small window (1,000 rows of an 18,156-row fixture): the scroll
// bar spans every row, the wheel, the keyboard and selectRow cross window edges, and the
// selection stays on its event while the window moves.
#include "events/event_table_view.h"

#include <gtest/gtest.h>

#include <QHeaderView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "decode/trace_model.h"
#include "events/event_table_model.h"
#include "formats/formats_pool.h"
#include "qt_test_app.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

class EventTableViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_model = std::move(TraceModel::open(test::dataPath("sched-irq-timer.dat")).value());
        m_formats = std::move(EventFormats::create(m_model->meta()).value());
        FormatsPool pool(m_model->meta());
        auto index = EventIndex::build(*m_model, pool, {}, nullptr, 2);
        ASSERT_TRUE(index.ok()) << index.message();
        m_table = std::make_unique<EventTableModel>(*m_model, *m_formats);
        m_table->setIndex(index.value());
        m_table->setWindowCapacity(kWindow);
        m_view = std::make_unique<EventTableView>();
        m_view->setModel(m_table.get());
        m_view->resize(900, 400);
        m_view->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_view.get()));
        m_total = m_table->totalRows();
        ASSERT_GT(m_total, 10 * kWindow);
    }
    void TearDown() override { m_view.reset(); }

    QTableView* table() const { return m_view->table(); }
    // The absolute row printed in the "#" column of the first visible row.
    int shownTopRow() const {
        QModelIndex top = table()->indexAt(QPoint(4, 4));
        return m_table->data(m_table->index(top.row(), static_cast<int>(Column::Index))).toInt();
    }
    int shownCurrentRow() const {
        QModelIndex cur = table()->currentIndex();
        if (!cur.isValid()) return -1;
        return m_table->data(m_table->index(cur.row(), static_cast<int>(Column::Index))).toInt();
    }

    static constexpr int kWindow = 1000;
    std::unique_ptr<TraceModel> m_model;
    std::unique_ptr<EventFormats> m_formats;
    std::unique_ptr<EventTableModel> m_table;
    std::unique_ptr<EventTableView> m_view;
    int m_total = 0;
};

TEST_F(EventTableViewTest, ScrollBarSpansEveryRowAndMovesTheWindow) {
    QScrollBar* bar = m_view->rowScrollBar();
    EXPECT_TRUE(bar->isVisible());
    EXPECT_EQ(bar->maximum(), m_total - bar->pageStep());
    EXPECT_EQ(m_table->rowCount(), kWindow);

    for (int row : {12000, 500, m_total / 2, -1, 0}) {
        if (row < 0) row = bar->maximum();  // read late: the page may have grown by a row
        bar->setValue(row);
        EXPECT_EQ(m_view->topRow(), row);
        EXPECT_EQ(shownTopRow(), row);
        EXPECT_LE(m_table->windowStart(), row);
        EXPECT_LE(row + bar->pageStep(), m_table->windowStart() + kWindow);
    }
}

TEST_F(EventTableViewTest, WheelScrollsAcrossWindowEdges) {
    const int start = m_table->windowStart();
    for (int i = 0; i < 400; ++i) {
        QWheelEvent wheel(QPointF(100, 100), table()->viewport()->mapToGlobal(QPointF(100, 100)),
                          QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(table()->viewport(), &wheel);
        QCoreApplication::processEvents();
    }
    EXPECT_GT(m_view->topRow(), kWindow);  // 400 notches of 3 rows each
    EXPECT_GT(m_table->windowStart(), start);
    EXPECT_EQ(shownTopRow(), m_view->topRow());
    EXPECT_EQ(m_view->rowScrollBar()->value(), m_view->topRow());
}

TEST_F(EventTableViewTest, SelectRowAnywhereAndKeepItWhileScrolling) {
    QSignalSpy selected(m_view.get(), &EventTableView::rowSelected);
    m_view->selectRow(15000);
    ASSERT_EQ(selected.count(), 1);
    EXPECT_EQ(selected.at(0).at(0).toInt(), 15000);
    EXPECT_EQ(m_view->currentRowIndex(), 15000);
    EXPECT_EQ(shownCurrentRow(), 15000);

    // Scrolled far away, the window no longer holds the row; scrolled back, it is
    // selected again, and none of this is a new selection.
    m_view->scrollToRow(100);
    EXPECT_EQ(m_view->currentRowIndex(), 15000);
    EXPECT_FALSE(table()->currentIndex().isValid());
    m_view->scrollToRow(14990);
    EXPECT_EQ(shownCurrentRow(), 15000);
    EXPECT_TRUE(table()->selectionModel()->isRowSelected(table()->currentIndex().row()));
    EXPECT_EQ(selected.count(), 1);

    m_view->selectRow(3);
    EXPECT_EQ(shownCurrentRow(), 3);
    EXPECT_EQ(selected.last().at(0).toInt(), 3);
}

TEST_F(EventTableViewTest, KeyboardReachesBothEndsOfTheTrace) {
    table()->setFocus();
    m_view->selectRow(0);
    QTest::keyClick(table(), Qt::Key_End, Qt::ControlModifier);
    EXPECT_EQ(m_view->currentRowIndex(), m_total - 1);
    EXPECT_EQ(shownCurrentRow(), m_total - 1);
    QTest::keyClick(table(), Qt::Key_Home, Qt::ControlModifier);
    EXPECT_EQ(m_view->currentRowIndex(), 0);
    EXPECT_EQ(m_view->topRow(), 0);

    // Page Down past the first window's end: rows keep counting up.
    int last = 0;
    for (int i = 0; i < 120; ++i) {
        QTest::keyClick(table(), Qt::Key_PageDown);
        QCoreApplication::processEvents();
        ASSERT_GT(m_view->currentRowIndex(), last) << i;
        ASSERT_EQ(shownCurrentRow(), m_view->currentRowIndex()) << i;
        last = m_view->currentRowIndex();
    }
    EXPECT_GT(last, 2 * kWindow);
    QTest::keyClick(table(), Qt::Key_Down);
    EXPECT_EQ(m_view->currentRowIndex(), last + 1);
}

}  // namespace
}  // namespace kestrel
