// The window's Latency tab: a kind analysed in the background, the instances a brush
// selects, a worst case shown on the timeline and in the event table, custom pairs kept
// with the session, Cancel stopping a run. Expectations come from analyzeLatency run by
// the test itself, filtered and compared the simple way.
#include <gtest/gtest.h>

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHeaderView>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>
#include <chrono>
#include <set>
#include <thread>
#include <tuple>

#include "analysis/latency.h"
#include "decode/trace_model.h"
#include "events/event_panel.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "fixture_copy.h"
#include "formats/event_formats.h"
#include "latency/latency_chart_panel.h"
#include "latency/latency_panel.h"
#include "latency/latency_scatter.h"
#include "latency/latency_worst_table.h"
#include "qt_test_app.h"
#include "timeline/timeline_view.h"
#include "window/call_views.h"
#include "window/latency_views.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

using Instance = std::tuple<uint64_t, uint64_t, int32_t, uint16_t, uint16_t>;

Latencies expectedWakeups(const TraceModel& model) {
    auto formats = EventFormats::create(model.meta());
    EXPECT_TRUE(formats);
    LatencyRequest request;
    request.kind = LatencyKind::Wakeup;
    auto result = analyzeLatency(model, *formats.value(), request);
    EXPECT_TRUE(result) << result.message();
    return result ? std::move(result.value()) : Latencies{};
}

Instance instanceOf(const Latencies& l, size_t i) {
    return {l.start[i], l.latency[i], l.pid[i], l.startCpu[i], l.endCpu[i]};
}

// The instances the panel's table lists, as the test identifies them.
std::multiset<Instance> listed(LatencyPanel& panel) {
    std::multiset<Instance> out;
    const Latencies& l = *panel.latencies();
    for (uint32_t i : panel.instanceModel()->instances()) out.insert(instanceOf(l, i));
    return out;
}

std::unique_ptr<EventFormats> formatsOf(MainWindow& w) {
    auto formats = EventFormats::create(w.model()->meta());
    return formats ? std::move(formats.value()) : nullptr;
}

bool runKind(MainWindow& w, LatencyKind kind) {
    QSignalSpy finished(w.latencyViews(), &LatencyViews::finished);
    w.latencyViews()->panel()->setKind(kind);
    return finished.wait(30000) && finished.takeFirst().at(0).toBool();
}

TEST(WindowLatency, TheTabOffersTheKindsTheTraceHasEventsFor) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    LatencyPanel* panel = w.latencyViews()->panel();
    ASSERT_NE(panel, nullptr);
    EXPECT_TRUE(panel->available(LatencyKind::Wakeup));
    EXPECT_TRUE(panel->available(LatencyKind::Pair));
    EXPECT_FALSE(panel->available(LatencyKind::Function));  // no function_graph records
    auto* items = qobject_cast<QStandardItemModel*>(panel->kindBox()->model());
    const int function = panel->kindBox()->findData(int(LatencyKind::Function));
    EXPECT_FALSE(items->item(function)->isEnabled());
    EXPECT_TRUE(items->item(function)->toolTip().contains(QStringLiteral("function_graph")));
}

// Mouse events on the histogram's chart, at latency position x (in buckets).
class ChartMouse {
public:
    explicit ChartMouse(LatencyChartPanel& chart) : m_chart(chart) {}
    QPoint at(double x) const {
        QChart* chart = m_chart.chartView()->chart();
        QPointF p = chart->mapToPosition(QPointF(x, 0), chart->series().front());
        p.setY(chart->plotArea().center().y());
        return m_chart.chartView()->mapFromScene(chart->mapToScene(p));
    }
    void send(QEvent::Type type, double x, Qt::MouseButtons buttons) {
        QWidget* target = m_chart.chartView()->viewport();
        const QPoint pos = at(x);
        QMouseEvent e(type, pos, target->mapToGlobal(pos), Qt::LeftButton, buttons, {});
        QApplication::sendEvent(target, &e);
    }
    void drag(double x0, double x1) {
        send(QEvent::MouseButtonPress, x0, Qt::LeftButton);
        send(QEvent::MouseMove, (x0 + x1) / 2, Qt::LeftButton);
        send(QEvent::MouseMove, x1, Qt::LeftButton);
        send(QEvent::MouseButtonRelease, x1, Qt::NoButton);
    }
    void click(double x) {
        send(QEvent::MouseButtonPress, x, Qt::LeftButton);
        send(QEvent::MouseButtonRelease, x, Qt::NoButton);
    }

private:
    LatencyChartPanel& m_chart;
};

std::multiset<Instance> expectedBetween(const Latencies& l, uint64_t low, uint64_t high,
                                        uint64_t from = 0, uint64_t to = UINT64_MAX) {
    std::multiset<Instance> out;
    for (size_t i = 0; i < l.size(); ++i) {
        if (l.latency[i] >= low && l.latency[i] < high && l.start[i] >= from && l.start[i] < to)
            out.insert(instanceOf(l, i));
    }
    return out;
}

TEST(WindowLatency, ABrushListsExactlyTheInstancesWhoseLatencyLiesInIt) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.resize(1400, 900);
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    ASSERT_TRUE(runKind(w, LatencyKind::Wakeup));
    LatencyPanel* panel = w.latencyViews()->panel();
    w.bottomArea()->setCurrentWidget(panel);
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    const Latencies expected = expectedWakeups(*w.model());
    ASSERT_GT(expected.size(), 10u);
    ASSERT_EQ(panel->latencies()->size(), expected.size());

    // A drag over the middle half of the buckets.
    LatencyChartPanel* chart = panel->chart();
    const size_t buckets = chart->histogram().main.buckets();
    ASSERT_GE(buckets, 4u);
    QSignalSpy brushed(chart, &LatencyChartPanel::brushed);
    ChartMouse mouse(*chart);
    mouse.drag(double(buckets / 4) + 0.5, double(buckets * 3 / 4) + 0.4);
    ASSERT_EQ(brushed.size(), 1);
    const uint64_t low = brushed[0][0].toULongLong(), high = brushed[0][1].toULongLong();
    ASSERT_LT(low, high);
    const std::multiset<Instance> inside = expectedBetween(expected, low, high);
    ASSERT_FALSE(inside.empty());
    EXPECT_FALSE(panel->showingWorst());
    EXPECT_EQ(listed(*panel), inside);
    EXPECT_EQ(panel->instanceModel()->rowCount(), int(inside.size()));

    // The timeline's selection restricts the list to the instances starting in it.
    const uint64_t from = expected.start[expected.size() / 3];
    const uint64_t to = expected.start[expected.size() * 2 / 3];
    w.state()->setSelection({from, to});
    // The histogram bins the range's instances again (its brush goes): a new brush lists
    // the instances in it that start in the range.
    mouse.drag(0.5, double(chart->histogram().main.buckets()) - 0.6);
    ASSERT_EQ(brushed.size(), 2);
    const uint64_t low2 = brushed[1][0].toULongLong(), high2 = brushed[1][1].toULongLong();
    ASSERT_FALSE(expectedBetween(expected, low2, high2, from, to).empty());
    EXPECT_EQ(listed(*panel), expectedBetween(expected, low2, high2, from, to));
    EXPECT_TRUE(panel->titleText().contains(QStringLiteral("selected range")))
        << qPrintable(panel->titleText());

    // Sorting by start orders the same rows by start.
    panel->instanceTable()->sortByColumn(LatencyInstanceModel::Start, Qt::AscendingOrder);
    std::vector<uint64_t> starts;
    for (uint32_t i : panel->instanceModel()->instances()) starts.push_back(expected.start[i]);
    EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
    EXPECT_EQ(listed(*panel), expectedBetween(expected, low2, high2, from, to));

    // A click without a drag clears the brush: the worst cases come back.
    mouse.click(double(buckets / 2) + 0.5);
    EXPECT_TRUE(panel->showingWorst());
    EXPECT_TRUE(panel->summaryText().contains(QStringLiteral("worst")))
        << qPrintable(panel->summaryText());
}

TEST(WindowLatency, TheWorstCasesAreTheLargestLatencies) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    ASSERT_TRUE(runKind(w, LatencyKind::Wakeup));
    LatencyPanel* panel = w.latencyViews()->panel();
    const Latencies expected = expectedWakeups(*w.model());
    panel->setWorstCount(5);
    std::vector<uint64_t> sorted = expected.latency;
    std::sort(sorted.rbegin(), sorted.rend());
    sorted.resize(std::min<size_t>(5, sorted.size()));
    std::vector<uint64_t> shown;
    for (uint32_t i : panel->instanceModel()->instances()) shown.push_back(expected.latency[i]);
    EXPECT_EQ(shown, sorted);
}

TEST(WindowLatency, ClickingAWorstCaseZoomsToItAndSelectsItsEndEvent) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    w.resize(1400, 900);
    EventPanel* events = test::openAndIndex(w, trace);
    ASSERT_NE(events, nullptr);
    ASSERT_TRUE(runKind(w, LatencyKind::Wakeup));
    LatencyPanel* panel = w.latencyViews()->panel();
    const Latencies& l = *panel->latencies();
    QTableView* table = panel->instanceTable();
    ASSERT_GT(table->model()->rowCount(), 2);
    const uint32_t i = panel->instanceModel()->instanceAt(1);
    const uint64_t start = l.start[i], end = l.start[i] + l.latency[i];
    w.bottomArea()->setCurrentWidget(panel);
    w.show();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(table->model()->index(1, 0)).center());

    const TimeRange visible = w.state()->visibleRange();
    EXPECT_LE(visible.from, start);
    EXPECT_GE(visible.to, end);
    // A margin, not the whole trace: at most a fifth of the interval either side (and a
    // pixel's rounding).
    const uint64_t length = end - start;
    EXPECT_LE(visible.to - visible.from, length + 2 * (length / 5 + 100));
    const auto& highlight = w.timelineView()->highlightedInterval();
    ASSERT_TRUE(highlight.has_value());
    EXPECT_EQ(highlight->start, start);
    EXPECT_EQ(highlight->end, end);
    EXPECT_EQ(highlight->startCpu, int(l.startCpu[i]));
    EXPECT_EQ(highlight->endCpu, int(l.endCpu[i]));
    const int row = events->table()->currentRowIndex();
    ASSERT_GE(row, 0);
    EXPECT_EQ(events->tableModel()->timestampOf(row), end);

    // A point on the scatter goes to its instance too.
    LatencyScatter* scatter = panel->scatter();
    const uint32_t j = panel->instanceModel()->instanceAt(0);
    QTest::mouseClick(scatter, Qt::LeftButton, {}, scatter->pointOf(j).toPoint());
    ASSERT_TRUE(w.timelineView()->highlightedInterval().has_value());
    EXPECT_EQ(w.timelineView()->highlightedInterval()->start, l.start[j]);
}

TEST(WindowLatency, ACustomPairComesBackWhenTheTraceIsOpenedAgain) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    LatencyRequest pair;
    pair.kind = LatencyKind::Pair;
    pair.startEvent = "sched:sched_waking";
    pair.endEvent = "sched:sched_switch";
    pair.match = {{"pid", "next_pid"}};
    pair.endFilter = "prev_prio < 200";
    {
        MainWindow w;
        ASSERT_NE(test::openWithPanel(w, trace), nullptr);
        LatencyPanel* panel = w.latencyViews()->panel();
        panel->setKind(LatencyKind::Pair);
        panel->setPairForm(pair);
        QSignalSpy finished(w.latencyViews(), &LatencyViews::finished);
        QTest::mouseClick(panel->runButton(), Qt::LeftButton);
        ASSERT_TRUE(finished.wait(30000));
        EXPECT_TRUE(finished.takeFirst().at(0).toBool()) << qPrintable(panel->summaryText());
        w.close();
    }
    MainWindow w;
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    LatencyPanel* panel = w.latencyViews()->panel();
    ASSERT_EQ(panel->savedPairs().size(), 1);
    panel->setKind(LatencyKind::Pair);
    const LatencyRequest back = panel->request();
    EXPECT_EQ(back.startEvent, pair.startEvent);
    EXPECT_EQ(back.endEvent, pair.endEvent);
    EXPECT_EQ(back.match, pair.match);
    EXPECT_EQ(back.startFilter, pair.startFilter);
    EXPECT_EQ(back.endFilter, pair.endFilter);
}

// Function latencies are the calls of the trees the window built for its other views:
// every call with an exit, each as long as the call, counted here from the trees.
TEST(WindowLatency, FunctionLatenciesAreTheCallsOfTheWindowsCallTrees) {
    const test::FixtureCopy trace("function-graph.dat");
    MainWindow w;
    QSignalSpy built(&w, &MainWindow::callTreesBuilt);
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    ASSERT_TRUE(built.count() > 0 || built.wait(30000));
    ASSERT_TRUE(runKind(w, LatencyKind::Function));
    const CallTrees& trees = *w.callViews()->trees();
    std::multiset<std::pair<uint64_t, uint64_t>> calls;
    for (const CallSpan& s : trees.spans) {
        if (!(s.flags & CallSpan::kNoExit)) calls.insert({s.start, s.duration});
    }
    const Latencies& l = *w.latencyViews()->latencies();
    std::multiset<std::pair<uint64_t, uint64_t>> got;
    for (size_t i = 0; i < l.size(); ++i) got.insert({l.start[i], l.latency[i]});
    ASSERT_GT(calls.size(), 100u);
    EXPECT_EQ(got, calls);
    // Named by the window's formats: the worst call's key is a function's name.
    const uint32_t worst = w.latencyViews()->panel()->instanceModel()->instanceAt(0);
    EXPECT_EQ(l.keyName(l.key[worst]), trees.functionName(l.key[worst], *formatsOf(w)));
}

TEST(WindowLatency, CompareWithAnalysesTheSameKindOnAnotherTrace) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    const test::FixtureCopy other("sched-irq-v6.dat");
    MainWindow w;
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    ASSERT_TRUE(runKind(w, LatencyKind::Wakeup));
    QSignalSpy compared(w.latencyViews(), &LatencyViews::comparisonFinished);
    w.latencyViews()->compareWith(other.path());
    ASSERT_TRUE(compared.wait(30000));
    ASSERT_TRUE(compared.takeFirst().at(0).toBool());
    auto model = TraceModel::open(other.path().toStdString());
    ASSERT_TRUE(model);
    const Latencies expected = expectedWakeups(*model.value());
    ASSERT_NE(w.latencyViews()->comparison(), nullptr);
    EXPECT_EQ(w.latencyViews()->comparison()->latency, expected.latency);
    const QString title = w.latencyViews()->panel()->titleText();
    EXPECT_TRUE(title.contains(QStringLiteral("sched-irq-timer.dat"))) << qPrintable(title);
    EXPECT_TRUE(title.contains(QStringLiteral("sched-irq-v6.dat"))) << qPrintable(title);
    w.latencyViews()->removeComparison();
    EXPECT_EQ(w.latencyViews()->comparison(), nullptr);
    EXPECT_FALSE(w.latencyViews()->panel()->titleText().contains(QStringLiteral("v6")));
}

TEST(WindowLatency, CancelStopsARun) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    MainWindow w;
    ASSERT_NE(test::openWithPanel(w, trace), nullptr);
    // The run waits for Cancel, however fast the machine is.
    w.latencyViews()->setAnalysis(
        [](const TraceModel&, const EventFormats&, const LatencyRequest&, Progress* progress) {
            while (!progress->cancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return Result<Latencies>(Status::error("cancelled"));
        });
    QSignalSpy finished(w.latencyViews(), &LatencyViews::finished);
    w.latencyViews()->panel()->setKind(LatencyKind::Wakeup);
    ASSERT_TRUE(w.latencyViews()->running());
    EXPECT_TRUE(test::shown(w, "cancelAnalysis"));
    auto* cancel = w.findChild<QPushButton*>(QStringLiteral("cancelAnalysis"));
    ASSERT_NE(cancel, nullptr);
    QTest::mouseClick(cancel, Qt::LeftButton);
    EXPECT_FALSE(w.latencyViews()->running());
    EXPECT_TRUE(w.latencyViews()->cancelled());
    EXPECT_FALSE(test::shown(w, "cancelAnalysis"));
    QTest::qWait(200);
    EXPECT_EQ(finished.count(), 0);
    EXPECT_EQ(w.latencyViews()->latencies(), nullptr);
    EXPECT_TRUE(w.latencyViews()->panel()->summaryText().contains(QStringLiteral("cancelled")));
}

}  // namespace
}  // namespace kestrel
