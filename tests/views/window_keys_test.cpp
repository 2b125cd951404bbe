// Keys act on the widget that has focus, each with one meaning: the timeline's keys do
// nothing while the event table has focus, Esc clears the selected range only (markers
// stay, and the table stays on its event), Z zooms to the selected range and clears it.
// The window is shown and active, so window-wide shortcuts would fire as they do for a
// user.
#include <gtest/gtest.h>

#include <QFile>
#include <QKeySequence>
#include <QTableView>
#include <QTest>

#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "qt_test_app.h"
#include "timeline/timeline_actions.h"
#include "window/help_dialogs.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

class WindowKeysTest : public ::testing::Test {
protected:
    void SetUp() override {
        panel = test::openAndIndex(w, trace);
        ASSERT_NE(panel, nullptr);
        w.show();
        ASSERT_TRUE(QTest::qWaitForWindowActive(&w));
        table = panel->tableModel();
        ASSERT_GT(table->totalRows(), 5000);
    }
    // Restricts the table to the events between rows `from` and `to` of the whole trace.
    void selectRange(int from, int to) {
        const TimeRange range{table->timestampOf(from), table->timestampOf(to)};
        QSignalSpy built(panel, &EventPanel::indexBuilt);
        w.state()->setSelection(range);
        ASSERT_TRUE(built.wait(30000));
        ASSERT_LT(table->totalRows(), to - from + 50);
    }
    void pressOnTimeline(Qt::Key key) {
        w.timelineView()->setFocus();
        QTest::keyClick(w.timelineView(), key);
    }

    const test::FixtureCopy trace{"sched-irq-timer.dat"};
    MainWindow w;
    EventPanel* panel = nullptr;
    EventTableModel* table = nullptr;
};

// Home in the table was the window's "zoom to fit" shortcut.
TEST_F(WindowKeysTest, HomeInTheEventTableLeavesTheTimelineAlone) {
    panel->table()->selectRow(2000);
    const uint64_t t = table->timestampOf(2000);
    const TimeRange zoomed{t - 500000, t + 500000};
    w.state()->setVisibleRange(zoomed);
    QTableView* rows = panel->table()->table();
    rows->setFocus();
    QTest::keyClick(rows, Qt::Key_Home);
    QTest::keyClick(rows, Qt::Key_F);
    QTest::keyClick(rows, Qt::Key_Z);
    EXPECT_EQ(w.state()->visibleRange(), zoomed);
}

// Esc cleared A, B and the range together, and the table fell back to row 0.
TEST_F(WindowKeysTest, EscapeClearsTheRangeOnlyAndTheTableStaysOnItsEvent) {
    const Marker a{table->timestampOf(100), -1}, b{table->timestampOf(4000), -1};
    w.state()->setMarkerA(a);
    w.state()->setMarkerB(b);
    selectRange(3000, 3400);
    panel->table()->selectRow(200);
    const uint64_t chosen = table->timestampOf(200);
    ASSERT_EQ(w.state()->cursorTime(), chosen);

    QSignalSpy built(panel, &EventPanel::indexBuilt);
    pressOnTimeline(Qt::Key_Escape);
    ASSERT_TRUE(w.state()->selection().empty());
    EXPECT_EQ(w.state()->markerA(), a);
    EXPECT_EQ(w.state()->markerB(), b);
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    EXPECT_GT(table->totalRows(), 5000);  // every event again
    ASSERT_GT(panel->selectedRow(), 0);
    EXPECT_EQ(table->timestampOf(panel->selectedRow()), chosen);
}

// Z left the tint over the whole view and the table restricted to the range.
TEST_F(WindowKeysTest, ZZoomsToTheRangeAndClearsIt) {
    selectRange(3000, 3400);
    const TimeRange range = w.state()->selection();
    QSignalSpy built(panel, &EventPanel::indexBuilt);
    pressOnTimeline(Qt::Key_Z);
    const TimeRange visible = w.state()->visibleRange();
    const double ns = w.timelineView()->scale().nsPerPx;
    EXPECT_NEAR(double(visible.from), double(range.from), ns);
    EXPECT_NEAR(double(visible.to), double(range.to), 2 * ns);
    ASSERT_TRUE(w.state()->selection().empty());
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    EXPECT_GT(table->totalRows(), 5000);
}

// Markers go with a key of their own; Home goes to the trace's start keeping the zoom.
TEST_F(WindowKeysTest, DeleteClearsTheMarkersAndHomeEndGoToTheEnds) {
    w.state()->setMarkerA(Marker{table->timestampOf(100), -1});
    w.state()->setMarkerB(Marker{table->timestampOf(200), -1});
    pressOnTimeline(Qt::Key_Delete);
    EXPECT_FALSE(w.state()->markerA());
    EXPECT_FALSE(w.state()->markerB());

    const uint64_t t = table->timestampOf(2000);
    w.state()->setVisibleRange({t, t + 1000000});
    pressOnTimeline(Qt::Key_Home);
    EXPECT_EQ(w.state()->visibleRange().from, w.model()->startTime());
    const TimeRange start = w.state()->visibleRange();
    EXPECT_NEAR(double(start.to - start.from), 1e6, 1e6 * 1e-3);
    pressOnTimeline(Qt::Key_End);
    EXPECT_NEAR(double(w.state()->visibleRange().to), double(w.model()->endTime()),
                w.timelineView()->scale().nsPerPx);
}

// Every key bound to a timeline action is in README's key table and in Help > Keys.
TEST_F(WindowKeysTest, EveryTimelineKeyIsDocumented) {
    QFile readme(QStringLiteral(KESTREL_SOURCE_DIR "/README.md"));
    ASSERT_TRUE(readme.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(readme.readAll());
    const QString keys = keyHelpText(w);
    int checked = 0;
    for (const QAction* action : w.timelineView()->keyActions()->all()) {
        for (const QKeySequence& key : action->shortcuts()) {
            const QString name = key.toString(QKeySequence::PortableText);
            EXPECT_TRUE(text.contains(QStringLiteral("`%1`").arg(name)))
                << name.toStdString() << " (" << action->text().toStdString() << ")";
            EXPECT_TRUE(keys.contains(key.toString(QKeySequence::NativeText)))
                << name.toStdString();
            ++checked;
        }
    }
    EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace kestrel
