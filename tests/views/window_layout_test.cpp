// The window as it opens a trace: the timeline as tall as its rows and the event panel
// below it with the rest (no tab bar for its one tab), the busiest tasks' rows when no
// session chose tasks, and a status bar that counts what is shown, in one number format.
#include <gtest/gtest.h>

#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QProgressBar>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QTest>
#include <QToolBar>
#include <algorithm>

#include "events/filter_panel.h"
#include "qt_test_app.h"
#include "timeline/timeline_actions.h"
#include "timeline/timeline_legend.h"
#include "timeline/track_colors.h"
#include "window/help_dialogs.h"
#include "window/menus.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

// The pids of the `n` tasks with the most CPU time, as the analysis measured it.
QVector<int> busiest(const SchedTimeline& t, size_t n) {
    std::vector<TaskSummary> tasks = t.taskList;
    std::stable_sort(tasks.begin(), tasks.end(), [](const TaskSummary& a, const TaskSummary& b) {
        return a.cpuTime > b.cpuTime;
    });
    QVector<int> pids;
    for (size_t i = 0; i < std::min(n, tasks.size()); ++i) pids.append(tasks[i].pid);
    return pids;
}

// The lowest edge of the timeline's rows, in the view's coordinates.
double rowsBottom(const TimelineView& view, const TraceModel& model, const TimelineState& state) {
    double bottom = 0;
    for (size_t c = 0; c < model.cpuCount(); ++c) {
        const QRectF r = view.cpuRowRect(c);
        if (!r.isEmpty()) bottom = std::max(bottom, r.bottom() + TimelineRows::kHeaderHeight);
    }
    for (int pid : state.tasks()) bottom = std::max(bottom, view.taskRowRect(pid).bottom());
    return bottom;
}

class WindowLayoutTest : public ::testing::Test {
protected:
    void open(const char* name) {
        trace = std::make_unique<test::FixtureCopy>(name);
        w.resize(1400, 860);
        w.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
        panel = test::openAndIndex(w, *trace);
        ASSERT_NE(panel, nullptr);
        QCoreApplication::processEvents();
    }

    MainWindow w;
    std::unique_ptr<test::FixtureCopy> trace;
    EventPanel* panel = nullptr;
};

// Without a session, the five tasks that ran longest get rows; they are the state's
// tasks, so the session saves them.
TEST_F(WindowLayoutTest, TheBusiestTasksHaveRowsWhenNoSessionChoseAny) {
    open("sched-irq-timer.dat");
    const SchedTimeline& t = *w.timelineView()->timeline();
    ASSERT_GT(t.taskList.size(), 5u);
    EXPECT_EQ(w.state()->tasks(), busiest(t, 5));
    for (int pid : w.state()->tasks()) EXPECT_FALSE(w.timelineView()->taskRowRect(pid).isEmpty());
}

// The timeline was 3/4 of the window whatever its rows; the table sat under a wide
// empty band.
TEST_F(WindowLayoutTest, TheTimelineIsAsTallAsItsRowsAndTheEventPanelTakesTheRest) {
    open("sched-irq-timer.dat");
    const TimelineView& view = *w.timelineView();
    const double bottom = rowsBottom(view, *w.model(), *w.state());
    ASSERT_GT(bottom, 100);
    EXPECT_GE(view.height(), bottom);
    EXPECT_LE(view.height(), bottom + 16);
    EXPECT_GT(w.bottomArea()->height(), view.height());
}

// An analysed trace brings the event panel and the Latency tab: two views, a tab bar.
TEST_F(WindowLayoutTest, OneBottomViewShowsNoTabBar) {
    w.resize(1400, 860);
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    w.addBottomWidget(new QLabel("first"), "First");
    ASSERT_EQ(w.bottomArea()->count(), 1);
    EXPECT_FALSE(w.bottomArea()->tabBar()->isVisible());
    w.addBottomWidget(new QLabel("second"), "Second");
    EXPECT_TRUE(w.bottomArea()->tabBar()->isVisible());
}

// sched-irq-timer.dat has 4 CPUs, of which the empty top buffer's 2 have no row; the
// status bar said "4 CPUs", "18155 events" (the panel "18,155") and "frames".
TEST_F(WindowLayoutTest, TheStatusBarCountsWhatIsShownInTheLocalesFormat) {
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    open("sched-irq-timer.dat");
    const QString status = w.statusText();
    EXPECT_TRUE(status.startsWith(QStringLiteral("2 CPUs, "))) << status.toStdString();
    EXPECT_TRUE(status.contains(QStringLiteral("18,155 events"))) << status.toStdString();
    EXPECT_FALSE(status.contains(QStringLiteral("frames"))) << status.toStdString();
    QLocale::setDefault(QLocale::c());
}

// function-stacks.dat: four tasks recorded events (the Tasks filter list's four
// entries, <idle> among them); the status bar said 3.
TEST_F(WindowLayoutTest, TheTaskCountIsTheTaskListsLength) {
    open("function-stacks.dat");
    const int listed = panel->filterPanel()->tasks()->count();
    ASSERT_EQ(listed, 4);
    EXPECT_TRUE(w.statusText().endsWith(QStringLiteral(", %1 tasks").arg(listed)))
        << w.statusText().toStdString();
}

// The analysis' progress bar drew "analysing N%" over its own fill; the text now sits
// beside the bar and follows it.
TEST_F(WindowLayoutTest, TheProgressTextSitsBesideTheBar) {
    const auto* bar = w.findChild<QProgressBar*>(QStringLiteral("analysisProgress"));
    ASSERT_NE(bar, nullptr);
    EXPECT_FALSE(bar->isTextVisible());
    const auto* text = w.findChild<QLabel*>(QStringLiteral("analysisProgressText"));
    ASSERT_NE(text, nullptr);
    const test::FixtureCopy markers("markers.dat");
    w.setQuiet(true);
    w.show();
    test::HeldAnalysis held(w);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    ASSERT_TRUE(w.openFile(markers.path()));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_TRUE(bar->isVisible());
    EXPECT_TRUE(text->isVisible());
    EXPECT_EQ(text->text(), QStringLiteral("analysing 0%"));
    held.release();
    ASSERT_TRUE(test::waitForAnalysis(w));
    EXPECT_FALSE(bar->isVisible());
    EXPECT_FALSE(text->isVisible());
}

// The legend under the timeline paints its swatches with the rows' own painters: each
// state's swatch holds that state's colour; View > Colour legend hides and shows it.
TEST_F(WindowLayoutTest, TheLegendShowsTheRowsColoursAndToggles) {
    open("sched-irq-timer.dat");
    TimelineLegend* legend = w.legend();
    ASSERT_TRUE(legend->isVisible());
    EXPECT_EQ(legend->geometry().top(), w.timelineView()->geometry().bottom() + 1);
    const QImage image = legend->grab().toImage();
    ASSERT_TRUE(legend->names().contains(QStringLiteral("inferred")));
    auto holds = [&](const QString& name, QColor colour) {
        const QRect r = legend->swatchRect(int(legend->names().indexOf(name)));
        for (int y = r.top(); y <= r.bottom(); ++y) {
            for (int x = r.left(); x <= r.right(); ++x) {
                if (QColor(image.pixel(x, y)) == colour) return true;
            }
        }
        return false;
    };
    EXPECT_TRUE(holds("runnable", stateColor(TaskState::Runnable, 0)));
    EXPECT_TRUE(holds("sleeping", stateColor(TaskState::Sleeping, 0)));
    EXPECT_TRUE(holds("blocked", stateColor(TaskState::Blocked, 0)));
    EXPECT_TRUE(holds("other", stateColor(TaskState::Other, 0)));
    EXPECT_TRUE(holds("lost events", QColor(220, 0, 0)));
    EXPECT_TRUE(holds("inferred", QColor(inferredFill(taskColor(7), SpanOrigin::Inferred).rgb())));
    EXPECT_FALSE(holds("runnable", stateColor(TaskState::Blocked, 0)));
    w.menus()->legend()->trigger();
    EXPECT_FALSE(legend->isVisible());
    w.menus()->legend()->trigger();
    EXPECT_TRUE(legend->isVisible());
}

TEST_F(WindowLayoutTest, MenusAndToolBarHoldTheTimelinesCommands) {
    QStringList titles;
    for (QAction* a : w.menuBar()->actions()) titles << a->text().remove('&');
    EXPECT_EQ(titles, QStringList({"File", "View", "Filter", "Help"}));
    const TimelineActions& t = *w.timelineView()->keyActions();
    const QList<QAction*> tools = w.menus()->toolBar()->actions();
    for (QAction* a :
         {t.zoomIn, t.zoomOut, t.zoomFit, t.zoomSelection, t.goToA, t.goToB, t.clearMarkers})
        EXPECT_TRUE(tools.contains(a)) << a->text().toStdString();
    EXPECT_TRUE(tools.first()->text().contains("Open"));
    // A click on a menu acts on the timeline wherever the focus is.
    open("sched-irq-timer.dat");
    const TimeRange whole = w.state()->visibleRange();
    t.zoomIn->trigger();
    EXPECT_LT(w.state()->visibleRange().to - w.state()->visibleRange().from,
              (whole.to - whole.from) * 3 / 4);
    t.zoomFit->trigger();
    EXPECT_EQ(w.state()->visibleRange(), whole);
    EXPECT_TRUE(aboutText().contains(kestrelVersion()));
    EXPECT_TRUE(aboutText().contains("trace.dat"));
}

// Filter > Clear all filters ticks every list again and drops the advanced text; the
// graph's filter modes reach the timeline.
TEST_F(WindowLayoutTest, FilterMenuClearsTheFiltersAndSetsTheGraphMode) {
    open("sched-irq-timer.dat");
    FilterPanel* controls = panel->filterPanel();
    controls->cpus()->item(0)->setCheckState(Qt::Unchecked);
    controls->advanced()->setText("sched_switch: prev_prio < 100");
    EventFilter some = controls->filter();
    panel->setFilter(some);
    ASSERT_FALSE(w.timelineView()->eventFilter().selectsAll());
    w.menus()->clearFilters()->trigger();
    EXPECT_TRUE(panel->filter().selectsAll());
    EXPECT_TRUE(w.timelineView()->eventFilter().selectsAll());
    EXPECT_EQ(controls->cpus()->item(0)->checkState(), Qt::Checked);
    EXPECT_TRUE(controls->advanced()->text().isEmpty());
    EXPECT_TRUE(controls->filter().selectsAll());

    using Mode = TimelineView::GraphFilter;
    w.menus()->graphFilter(Mode::Hide)->trigger();
    EXPECT_EQ(w.timelineView()->graphFilter(), Mode::Hide);
    w.menus()->graphFilter(Mode::Off)->trigger();
    EXPECT_EQ(w.timelineView()->graphFilter(), Mode::Off);
}

}  // namespace
}  // namespace kestrel
