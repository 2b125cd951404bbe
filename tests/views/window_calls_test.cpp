// The window's call trees: built in the background after the sched analysis for a
// function_graph trace, none for a trace without one, gone with the trace that had them.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTabWidget>
#include <atomic>
#include <chrono>
#include <thread>

#include "analysis/call_lookup.h"
#include "analysis/call_tree.h"
#include "call_trees_fixture.h"
#include "events/details_pane.h"
#include "events/event_panel.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "fixture_copy.h"
#include "flame/flame_panel.h"
#include "flame/function_table.h"
#include "formats/event_formats.h"
#include "qt_test_app.h"
#include "window/call_views.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

bool openAndAnalyse(MainWindow& w, const test::FixtureCopy& trace) {
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    return w.openFile(trace.path()) && opened.wait(30000) && test::waitForAnalysis(w);
}

// The calls of the file, counted by a build of the test's own.
QStringList tabTitles(MainWindow& w) {
    QStringList titles;
    for (int i = 0; i < w.bottomArea()->count(); ++i) titles << w.bottomArea()->tabText(i);
    return titles;
}

size_t callsIn(const TraceModel& model) {
    auto formats = EventFormats::create(model.meta());
    if (!formats) return 0;
    auto trees = buildCallTrees(model, *formats.value());
    return trees ? trees.value().spans.size() : 0;
}

TEST(WindowCalls, AFunctionGraphTraceGetsItsCallTreesAfterTheAnalysis) {
    const test::FixtureCopy trace("function-graph.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_TRUE(openAndAnalyse(w, trace));
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    auto trees = w.callViews()->trees();
    ASSERT_NE(trees, nullptr);
    EXPECT_EQ(trees->spans.size(), callsIn(*w.model()));
    EXPECT_GT(trees->spans.size(), 0u);
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("calls"))) << qPrintable(w.statusText());
    EXPECT_FALSE(test::shown(w, "analysisProgress"));
    EXPECT_FALSE(test::shown(w, "cancelAnalysis"));
    EXPECT_EQ(tabTitles(w), (QStringList{"Events", "Flame graph", "Functions", "Latency"}));
}

TEST(WindowCalls, TheDetailsOfAFunctionGraphRowShowItsCall) {
    const test::FixtureCopy trace("function-graph.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_TRUE(openAndAnalyse(w, trace));
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    EventPanel* panel = w.eventPanel();
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(test::waitForIndex(*panel));
    auto* table = panel->tableModel();
    const int event = static_cast<int>(Column::Event);
    int row = 0;
    while (row < table->rowCount() &&
           table->data(table->index(row, event)).toString() != QStringLiteral("funcgraph_exit"))
        ++row;
    ASSERT_LT(row, table->rowCount());
    panel->table()->selectRow(row);
    EXPECT_NE(panel->details()->shownCall(), kNoCall);
    EXPECT_FALSE(panel->details()->callValue(QStringLiteral("total")).isEmpty());
}

// The views of calls talk to each other through the window: a call picked in the
// function table or the details pane shows on the timeline, a call clicked on the timeline
// selects the row of its exit.
TEST(WindowCalls, ACallChosenAnywhereShowsOnTheTimelineAndInTheTable) {
    const test::FixtureCopy trace("function-graph.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_TRUE(openAndAnalyse(w, trace));
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    auto trees = w.callViews()->trees();
    TimelineView* view = w.timelineView();
    EXPECT_EQ(view->callTrees(), trees.get());
    EventPanel* panel = w.eventPanel();
    ASSERT_TRUE(test::waitForIndex(*panel));

    // The longest call with an exit, found here by a plain scan.
    uint64_t longest = 0;
    for (uint64_t i = 0; i < trees->spans.size(); ++i) {
        const CallSpan& s = trees->spans[i];
        if (!(s.flags & CallSpan::kNoExit) && s.duration > trees->spans[longest].duration)
            longest = i;
    }
    emit w.callViews()->functionTable()->showCall(longest);
    EXPECT_EQ(view->selectedCall(), longest);

    emit panel->showCallRequested(0);
    EXPECT_EQ(view->selectedCall(), 0u);

    emit view->callSelected(longest);
    auto* table = panel->tableModel();
    const int row = panel->selectedRow();
    ASSERT_GE(row, 0);
    EXPECT_EQ(table->cellText(row, Column::Event), QStringLiteral("funcgraph_exit"));
    // The row's record is the exit of that very call.
    auto formats = EventFormats::create(w.model()->meta());
    ASSERT_TRUE(formats);
    const CallRecordReader reader(*formats.value());
    uint64_t found = kNoCall;
    table->withEvent(row, [&](const EventRef& event) {
        CallRecord record;
        if (reader.read(event, record)) found = findCall(*trees, record);
    });
    EXPECT_EQ(found, longest);
}

TEST(WindowCalls, StackSamplesAloneGetTheFlameGraphOfSamples) {
    const test::FixtureCopy trace("function-stacks.dat");
    MainWindow w;
    w.setQuiet(true);
    ASSERT_TRUE(openAndAnalyse(w, trace));
    EXPECT_EQ(w.callViews()->trees(), nullptr);
    EXPECT_EQ(tabTitles(w), (QStringList{"Events", "Flame graph", "Latency"}));
    FlamePanel* flame = w.callViews()->flamePanel();
    ASSERT_NE(flame, nullptr);
    ASSERT_TRUE(test::waitFor([&] { return !flame->busy() && flame->graph()->tree(); }));
    EXPECT_TRUE(flame->status().contains("stack samples")) << qPrintable(flame->status());
}

TEST(WindowCalls, ATraceWithoutFunctionGraphGetsNone) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_TRUE(openAndAnalyse(w, trace));
    EXPECT_FALSE(w.callViews()->running());
    EXPECT_EQ(w.callViews()->trees(), nullptr);
    EXPECT_EQ(built.count(), 0);
    EXPECT_FALSE(w.statusText().contains(QStringLiteral("calls"))) << qPrintable(w.statusText());
    EXPECT_EQ(tabTitles(w), (QStringList{"Events", "Latency"}));  // no stack samples either
}

TEST(WindowCalls, TheTreesGoWithTheirTrace) {
    const test::FixtureCopy graph("function-graph.dat");
    const test::FixtureCopy sched("sched-irq-timer.dat");
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_TRUE(openAndAnalyse(w, graph));
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    ASSERT_NE(w.callViews()->trees(), nullptr);
    ASSERT_TRUE(openAndAnalyse(w, sched));
    EXPECT_EQ(w.callViews()->trees(), nullptr);
    EXPECT_EQ(w.callViews()->flamePanel(), nullptr);
    EXPECT_EQ(w.timelineView()->callTrees(), nullptr);
    EXPECT_EQ(tabTitles(w), (QStringList{"Events", "Latency"}));
}

// The build waits until it is cancelled (the first time) or runs at once (after that).
CallViews::Build heldOnce() {
    auto first = std::make_shared<std::atomic<bool>>(true);
    return [first](const TraceModel& model, const EventFormats& formats,
                   Progress* progress) -> Result<CallTrees> {
        if (first->exchange(false)) {
            while (!progress->cancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return Status::error("cancelled");
        }
        return buildCallTrees(model, formats, progress);
    };
}

TEST(WindowCalls, CancelStopsTheBuildAndRestartBuildsThem) {
    const test::FixtureCopy trace("function-graph.dat");
    MainWindow w;
    w.setQuiet(true);
    w.callViews()->setBuild(heldOnce());
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_TRUE(openAndAnalyse(w, trace));
    ASSERT_TRUE(w.callViews()->running());
    EXPECT_TRUE(test::shown(w, "cancelAnalysis"));
    w.cancelAnalysis();
    EXPECT_FALSE(w.callViews()->running());
    EXPECT_EQ(w.callViews()->trees(), nullptr);
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("cancelled"))) << qPrintable(w.statusText());
    EXPECT_TRUE(test::shown(w, "restartAnalysis"));
    EXPECT_FALSE(test::shown(w, "cancelAnalysis"));
    w.restartAnalysis();
    EXPECT_TRUE(w.callViews()->running());
    ASSERT_TRUE(built.wait(30000));
    EXPECT_NE(w.callViews()->trees(), nullptr);
    EXPECT_EQ(w.callViews()->trees()->spans.size(), callsIn(*w.model()));
}

}  // namespace
}  // namespace kestrel
