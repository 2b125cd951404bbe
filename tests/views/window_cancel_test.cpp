// Cancelling the analysis: what is done stays (the frame preview; an event table that
// indexes the trace on its own), Restart runs the analysis again, and Ctrl+T says how to
// get the task list.
#include <gtest/gtest.h>

#include <QAction>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>

#include "events/event_panel.h"
#include "events/event_table_model.h"
#include "fixture_copy.h"
#include "qt_test_app.h"
#include "timeline/timeline_view.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

// Opens `trace` with its analysis held, cancels it, and waits for the cancelled result.
bool openAndCancel(MainWindow& w, test::HeldAnalysis& held, const test::FixtureCopy& trace) {
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    QSignalSpy finished(&w, &MainWindow::analysisFinished);
    if (!w.openFile(trace.path()) || !opened.wait(30000) || !w.analysisRunning()) return false;
    w.cancelAnalysis();
    held.release();
    return finished.wait(30000) && !finished.first().at(0).toBool();
}

QAction* actionWithKeys(MainWindow& w, const QKeySequence& keys) {
    for (QAction* a : w.findChildren<QAction*>()) {
        if (a->shortcut() == keys) return a;
    }
    return nullptr;
}

TEST(WindowCancel, CancelKeepsThePreviewAndTheTableAndOffersARestart) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.setQuiet(true);
    test::HeldAnalysis held(w);
    ASSERT_TRUE(openAndCancel(w, held, trace));
    EXPECT_FALSE(w.analysisRunning());
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("cancelled"))) << qPrintable(w.statusText());
    EXPECT_FALSE(test::shown(w, "analysisProgress"));
    EXPECT_FALSE(test::shown(w, "cancelAnalysis"));
    EXPECT_NE(w.model(), nullptr);  // the frame preview stays
    EXPECT_EQ(w.timelineView()->timeline(), nullptr);
    EXPECT_TRUE(w.timelineView()->notice().contains(QStringLiteral("Restart analysis")))
        << qPrintable(w.timelineView()->notice());

    // The table comes all the same, indexing the trace on its own.
    EventPanel* panel = w.eventPanel();
    ASSERT_NE(panel, nullptr);
    EXPECT_EQ(w.bottomArea()->count(), 1);
    ASSERT_TRUE(test::waitForIndex(*panel));
    const int rows = panel->tableModel()->totalRows();
    EXPECT_GT(rows, 0);

    // Restart: the analysis runs again and lands; the table stays where it was and gets
    // the analysis' filter lists.
    auto* restart = w.findChild<QPushButton*>(QStringLiteral("restartAnalysis"));
    ASSERT_NE(restart, nullptr);
    ASSERT_TRUE(restart->isVisibleTo(&w));
    QSignalSpy finished(&w, &MainWindow::analysisFinished);
    restart->click();
    EXPECT_TRUE(w.analysisRunning());
    EXPECT_FALSE(restart->isVisibleTo(&w));
    ASSERT_TRUE(finished.wait(30000));
    EXPECT_TRUE(finished.first().at(0).toBool());
    ASSERT_NE(w.timelineView()->timeline(), nullptr);
    EXPECT_EQ(static_cast<uint64_t>(rows), w.timelineView()->timeline()->events);
    EXPECT_EQ(w.eventPanel(), panel);
    EXPECT_TRUE(panel->scanReady());
    EXPECT_EQ(w.timelineView()->notice(), QString());
    EXPECT_FALSE(w.analysisCancelled());
}

TEST(WindowCancel, TheTaskListAfterACancelPointsToTheRestart) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.setQuiet(true);
    test::HeldAnalysis held(w);
    ASSERT_TRUE(openAndCancel(w, held, trace));
    QAction* tasks = actionWithKeys(w, QKeySequence(Qt::CTRL | Qt::Key_T));
    ASSERT_NE(tasks, nullptr);
    tasks->trigger();
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("cancelled"))) << qPrintable(w.statusText());
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("Restart analysis")))
        << qPrintable(w.statusText());
    EXPECT_TRUE(test::shown(w, "restartAnalysis"));
}

}  // namespace
}  // namespace kestrel
