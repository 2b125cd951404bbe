#include "window/main_window.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDropEvent>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

#include "decode/trace_model.h"
#include "events/event_panel.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "events/filter_panel.h"
#include "fixture_copy.h"
#include "qt_test_app.h"
#include "support/test_data.h"
#include "timeline/timeline_view.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

using test::HeldAnalysis;
using test::openWithPanel;
using test::shown;
using test::waitForAnalysis;

TEST(MainWindow, OpensATraceAndRefinesTheTimelineWhenTheAnalysisLands) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    QSignalSpy analysed(&w, &MainWindow::analysisFinished);
    ASSERT_TRUE(w.openFile(trace.path()));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_TRUE(opened.first().at(0).toBool());
    EXPECT_NE(w.model(), nullptr);
    EXPECT_FALSE(w.state()->visibleRange().empty());  // drawable from the frame index already
    ASSERT_TRUE(analysed.size() == 1 || analysed.wait(30000));
    EXPECT_TRUE(analysed.first().at(0).toBool());
    ASSERT_NE(w.timelineView()->timeline(), nullptr);
    EXPECT_EQ(w.timelineView()->timeline()->events, 18155u);
}

TEST(MainWindow, BadFileIsRefusedAndTheOldTraceStays) {
    const test::FixtureCopy trace("markers.dat");
    MainWindow w;
    w.setQuiet(true);
    ASSERT_TRUE(w.openFile(trace.path()));
    ASSERT_TRUE(waitForAnalysis(w));
    const TraceModel* first = w.model();
    const SchedTimeline* timeline = w.timelineView()->timeline();
    const EventPanel* panel = w.eventPanel();
    ASSERT_NE(panel, nullptr);
    const QString missing = QString::fromStdString(test::dataPath("no-such-file.dat"));
    EXPECT_FALSE(w.openFile(missing));
    EXPECT_EQ(w.statusText(),
              QStringLiteral("Cannot open %1: there is no such file. markers.dat stays open.")
                  .arg(missing));
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    const QString notATrace = QString::fromStdString(test::dataPath("pages/header_page"));
    ASSERT_TRUE(w.openFile(notATrace));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_FALSE(opened.first().at(0).toBool());
    EXPECT_TRUE(w.statusText().startsWith(QStringLiteral("Cannot open %1: ").arg(notATrace)))
        << w.statusText().toStdString();
    EXPECT_EQ(w.model(), first);
    EXPECT_EQ(w.timelineView()->timeline(), timeline);
    EXPECT_EQ(w.eventPanel(), panel);
    EXPECT_EQ(w.bottomArea()->count(), 2);  // the events and the Latency tab
}

// The first file's analysis is held while the second file opens: it is cancelled, its
// result never lands, and the timeline and panel are the second file's.
TEST(MainWindow, OpeningAnotherFileDropsTheFirstAnalysis) {
    const test::FixtureCopy first("sched-irq-timer.dat"), second("markers.dat");
    MainWindow w;
    w.setQuiet(true);
    HeldAnalysis held(w);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    QSignalSpy finished(&w, &MainWindow::analysisFinished);
    ASSERT_TRUE(w.openFile(first.path()));
    ASSERT_TRUE(opened.wait(30000));
    ASSERT_TRUE(w.analysisRunning());
    ASSERT_TRUE(w.openFile(second.path()));
    ASSERT_TRUE(opened.wait(30000));
    ASSERT_EQ(opened.size(), 2);
    EXPECT_TRUE(opened.at(1).at(0).toBool());
    EXPECT_EQ(w.windowTitle(), QStringLiteral("Kestrel — markers.dat"));
    held.release();
    ASSERT_TRUE(waitForAnalysis(w));
    EXPECT_EQ(finished.size(), 1);  // the second file's only
    ASSERT_NE(w.timelineView()->timeline(), nullptr);
    EXPECT_FALSE(w.timelineView()->timeline()->prints.empty());  // markers.dat's
    EXPECT_EQ(QString::fromStdString(w.model()->source().path()), second.path());
    EXPECT_NE(w.eventPanel(), nullptr);
}

// A file that is no trace, opened while the first trace is still being analysed: the
// first trace keeps its model and its running analysis, which then lands with its
// timeline and event panel; the status bar names the refused file and why.
TEST(MainWindow, BadFileOpenedDuringTheAnalysisLeavesTheTraceAndItsAnalysis) {
    const test::FixtureCopy trace("sched-irq-timer.dat"), bad("pages/header_page");
    MainWindow w;
    w.setQuiet(true);
    HeldAnalysis held(w);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    ASSERT_TRUE(w.openFile(trace.path()));
    ASSERT_TRUE(opened.wait(30000));
    ASSERT_TRUE(opened.takeFirst().at(0).toBool());
    ASSERT_TRUE(w.analysisRunning());
    const TraceModel* first = w.model();

    ASSERT_TRUE(w.openFile(bad.path()));  // a file, so the open is tried
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_FALSE(opened.first().at(0).toBool());
    EXPECT_EQ(w.model(), first);
    EXPECT_EQ(w.windowTitle(), QStringLiteral("Kestrel — sched-irq-timer.dat"));
    EXPECT_TRUE(w.analysisRunning());
    EXPECT_TRUE(shown(w, "analysisProgress"));
    EXPECT_TRUE(w.statusText().startsWith(QStringLiteral("Cannot open %1: ").arg(bad.path())))
        << w.statusText().toStdString();
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("it is not a trace Kestrel reads")))
        << w.statusText().toStdString();
    EXPECT_TRUE(
        w.statusDetails().contains(QStringLiteral("not a .ktr or trace-cmd trace.dat file")))
        << w.statusDetails().toStdString();

    held.release();
    ASSERT_TRUE(waitForAnalysis(w));
    EXPECT_EQ(w.model(), first);
    ASSERT_NE(w.timelineView()->timeline(), nullptr);
    EXPECT_EQ(w.timelineView()->timeline()->events, 18155u);
    EXPECT_NE(w.eventPanel(), nullptr);
    EXPECT_EQ(w.bottomArea()->count(), 2);  // the events and the Latency tab
}

TEST(MainWindow, SetCursorTimeBringsTheTimeIntoViewAndMarkersEmitSelectedTime) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    ASSERT_TRUE(w.openFile(trace.path()));
    ASSERT_TRUE(opened.wait(30000));
    w.state()->setVisibleRange({1403842500000ULL, 1403842700000ULL});
    w.setCursorTime(1405000000000ULL);
    TimeRange v = w.state()->visibleRange();
    EXPECT_LE(v.from, 1405000000000ULL);
    EXPECT_GE(v.to, 1405000000000ULL);
    QSignalSpy selected(&w, &MainWindow::selectedTimeChanged);
    w.state()->setMarkerA(Marker{1404000000000ULL, -1});
    w.state()->setCursorTime(1404000000000ULL);
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.first().at(0).toULongLong(), 1404000000000ULL);
    waitForAnalysis(w);
}

// A drop arrives as events from the platform's drag manager; sent by hand they take
// the same way through QApplication::notify (which hands them up from the widget under
// the mouse to the first one that accepts drops: the window) to dragEnterEvent and
// dropEvent.
TEST(MainWindow, DroppingAFileOpensIt) {
    const test::FixtureCopy trace("markers.dat");
    MainWindow w;
    w.setQuiet(true);
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(trace.path())});
    QWidget* target = w.timelineView();  // where the user lets go of the file
    ASSERT_FALSE(target->acceptDrops());
    const QPoint at = target->rect().center();

    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.ignore();
    QApplication::sendEvent(target, &enter);
    EXPECT_TRUE(enter.isAccepted());
    EXPECT_EQ(enter.dropAction(), Qt::CopyAction);

    QSignalSpy opened(&w, &MainWindow::fileOpened);
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    drop.ignore();
    QApplication::sendEvent(target, &drop);
    EXPECT_TRUE(drop.isAccepted());
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_TRUE(opened.first().at(0).toBool());
    EXPECT_EQ(w.windowTitle(), QStringLiteral("Kestrel — markers.dat"));
    waitForAnalysis(w);
}

TEST(MainWindow, DragsWithoutFilesAreRefused) {
    MainWindow w;
    w.setQuiet(true);
    QMimeData mime;
    mime.setText("not a file");
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.ignore();
    QApplication::sendEvent(&w, &enter);
    EXPECT_FALSE(enter.isAccepted());
}

// Collapsed buffer groups come back with the session; another trace starts with every
// group open (its buffers are not the first trace's).
TEST(MainWindow, CollapsedBufferGroupsAreRestoredAndResetByAnotherTrace) {
    const test::FixtureCopy twoBuffers("two-buffers.dat"), other("markers.dat");
    {
        MainWindow w;
        w.setQuiet(true);
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        ASSERT_TRUE(w.openFile(twoBuffers.path()));
        ASSERT_TRUE(opened.wait(30000));
        w.state()->setBufferCollapsed("irq", true);
        waitForAnalysis(w);
        w.close();
    }
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    ASSERT_TRUE(w.openFile(twoBuffers.path()));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_EQ(w.state()->collapsedBuffers(), QStringList{"irq"});
    EXPECT_EQ(w.timelineView()->rowLabels().mid(0, 2), QStringList({"irq", "sched"}));
    waitForAnalysis(w);
    ASSERT_TRUE(w.openFile(other.path()));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_TRUE(w.state()->collapsedBuffers().isEmpty());
    waitForAnalysis(w);
}

TEST(MainWindow, BottomAreaTakesPluggedInWidgets) {
    MainWindow w;
    EXPECT_FALSE(w.bottomArea()->isVisibleTo(&w));
    w.addBottomWidget(new QLabel("events"), "Events");
    EXPECT_EQ(w.bottomArea()->count(), 1);
    EXPECT_TRUE(w.bottomArea()->isVisibleTo(&w));
}

// The event panel arrives with the analysis and follows the timeline both ways: a row
// selected moves the timeline cursor, a cursor placed on the timeline selects the row
// nearest to it, a selected range limits the table, and its filters dim timeline rows.
TEST(MainWindow, EventPanelAndTimelineFollowEachOther) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    EventPanel* panel = openWithPanel(w, trace);
    ASSERT_NE(panel, nullptr);
    EXPECT_EQ(w.bottomArea()->count(), 2);  // the events and the Latency tab
    QSignalSpy built(panel, &EventPanel::indexBuilt);
    ASSERT_TRUE(panel->indexReady() || built.wait(30000));
    EventTableModel* table = panel->tableModel();
    const int total = table->totalRows();
    ASSERT_GT(total, 1000);

    // Table -> timeline.
    panel->table()->selectRow(1000);
    EXPECT_EQ(w.state()->cursorTime(), table->timestampOf(1000));

    // Timeline -> table: a click on the timeline places marker A and the cursor there.
    TimelineView* view = w.timelineView();
    const uint64_t t = table->timestampOf(3000);
    w.state()->setVisibleRange({t - 1000000, t + 1000000});
    const QPoint at(static_cast<int>(view->xForTime(t)), view->height() / 2);
    QTest::mouseClick(view, Qt::LeftButton, {}, at);
    ASSERT_TRUE(w.state()->markerA().has_value());
    const uint64_t clicked = w.state()->markerA()->time;
    EXPECT_EQ(panel->selectedRow(), table->rowNearTime(clicked));

    // A selected range limits the table; clearing it brings every row back.
    QSignalSpy rebuilt(panel, &EventPanel::indexBuilt);
    w.state()->setSelection({table->timestampOf(100), table->timestampOf(199)});
    ASSERT_TRUE(rebuilt.wait(30000));
    EXPECT_GE(table->totalRows(), 100);
    EXPECT_LT(table->totalRows(), total);
    w.state()->setSelection({});
    // Every row again: the index the analysis gave comes back at once (no pass).
    ASSERT_TRUE(rebuilt.count() == 2 || rebuilt.wait(30000));
    EXPECT_EQ(table->totalRows(), total);

    // A CPU filter set in the panel reaches the timeline.
    EventFilter only0;
    only0.cpus = {true, false};
    panel->setFilter(only0);
    EXPECT_TRUE(view->eventFilter().selectsCpu(0));
    EXPECT_FALSE(view->eventFilter().selectsCpu(1));
}

// The panel's task and event lists come from the analysis' counts, ready as soon as
// the analysis lands (no scan of its own).
TEST(MainWindow, EventPanelListsComeWithTheAnalysis) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    EventPanel* panel = openWithPanel(w, trace);
    ASSERT_NE(panel, nullptr);
    EXPECT_TRUE(panel->scanReady());
    const ScanResult& counts = w.timelineView()->timeline()->counts;
    EXPECT_EQ(counts.events, 18155u);
    EXPECT_EQ(static_cast<size_t>(panel->filterPanel()->tasks()->count()),
              counts.eventsByPid.size());
    EXPECT_GT(panel->filterPanel()->events()->count(), 0);
}

}  // namespace
}  // namespace kestrel
