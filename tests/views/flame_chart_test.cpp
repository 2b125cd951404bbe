// The timeline's flame chart on function-graph.dat: the lanes a row gets, what a hover
// says, what a click selects, showCall, the highlight's colours. Expectations come from
// the CallTrees themselves, walked here the simple way (a scan of a task's calls).
#include <gtest/gtest.h>

#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalSpy>

#include "analysis/call_tree.h"
#include "decode/trace_model.h"
#include "flame/function_colors.h"
#include "formats/event_formats.h"
#include "qt_test_app.h"
#include "support/test_data.h"
#include "timeline/timeline_legend.h"
#include "timeline/timeline_view.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    std::shared_ptr<SchedTimeline> timeline;
    std::shared_ptr<CallTrees> calls;
};

Loaded& fixture() {
    static Loaded l = [] {
        Loaded x;
        x.model = std::move(*TraceModel::open(test::dataPath("function-graph.dat")));
        x.formats = std::move(*EventFormats::create(x.model->meta()));
        x.timeline =
            std::make_shared<SchedTimeline>(std::move(*analyzeSched(*x.model, *x.formats)));
        x.calls = std::make_shared<CallTrees>(std::move(*buildCallTrees(*x.model, *x.formats)));
        return x;
    }();
    return l;
}

const CallTrees& calls() {
    return *fixture().calls;
}

// The task (not idle) with the most calls.
const CallLane& busiestLane() {
    const CallLane* best = nullptr;
    for (const CallLane& l : calls().lanes) {
        if (l.idleCpu < 0 && l.pid != 0 && (!best || l.count > best->count)) best = &l;
    }
    return *best;
}

int deepest(const CallLane& lane) {
    int d = 0;
    for (uint64_t i = lane.first; i < lane.first + lane.count; ++i)
        d = std::max(d, int(calls().spans[i].depth));
    return d;
}

// The task's call at `level` containing t, found by a plain scan.
std::optional<uint64_t> spanAt(const CallLane& lane, int level, uint64_t t) {
    for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
        const CallSpan& s = calls().spans[i];
        if (s.depth == level && s.start <= t && t < s.end()) return i;
    }
    return std::nullopt;
}

QString nameOf(uint64_t span) {
    return QString::fromStdString(
        calls().functionName(calls().spans[span].function, *fixture().formats));
}

class FlameChartTest : public ::testing::Test {
protected:
    void SetUp() override {
        view = std::make_unique<TimelineView>(&state);
        view->resize(1200, 420);
        view->setModel(fixture().model.get());
        view->setTimeline(fixture().timeline);
        view->setFormats(fixture().formats.get());
        view->setCallTrees(fixture().calls);
    }
    QImage render() {
        QImage image(view->size(), QImage::Format_RGB32);
        QPainter p(&image);
        view->paintTo(p, view->size());
        return image;
    }
    void click(QPoint pos, bool twice = false) {
        auto send = [&](QEvent::Type type) {
            QMouseEvent e(type, pos, view->mapToGlobal(pos), Qt::LeftButton,
                          type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton,
                          Qt::NoModifier);
            QApplication::sendEvent(view.get(), &e);
        };
        send(QEvent::MouseButtonPress);
        send(QEvent::MouseButtonRelease);
        if (twice) send(QEvent::MouseButtonDblClick);
    }
    // The middle of a task's lane at `level`, found from the task row's rectangle: its
    // lanes follow it, 16 px each.
    double laneY(int pid, int level) const {
        return view->taskRowRect(pid).bottom() + level * TimelineRows::kLaneHeight +
               TimelineRows::kLaneHeight / 2.0;
    }
    void showRange(uint64_t from, uint64_t to) { state.setVisibleRange({from, to}); }

    TimelineState state;
    std::unique_ptr<TimelineView> view;
};

TEST_F(FlameChartTest, ExpandingATaskAddsOneLanePerLevel) {
    const CallLane& lane = busiestLane();
    state.addTask(lane.pid);
    ASSERT_TRUE(view->hasCalls(RowKind::Task, lane.pid));
    const int before = int(view->rowLabels().size());
    // A click on the task's label shows its calls; another hides them.
    const QPoint label(20, int(view->taskRowRect(lane.pid).center().y()));
    click(label);
    EXPECT_TRUE(state.rowExpanded(QStringLiteral("task:%1").arg(lane.pid)));
    EXPECT_EQ(int(view->rowLabels().size()) - before, deepest(lane) + 1);
    EXPECT_EQ(view->rowLabels().count(QStringLiteral("level %1").arg(deepest(lane))), 1);
    EXPECT_FALSE(view->callLaneRect(RowKind::Task, lane.pid, deepest(lane)).isEmpty());
    EXPECT_TRUE(view->callLaneRect(RowKind::Task, lane.pid, deepest(lane) + 1).isEmpty());
    click(label);
    EXPECT_FALSE(state.rowExpanded(QStringLiteral("task:%1").arg(lane.pid)));
    EXPECT_EQ(int(view->rowLabels().size()), before);
}

TEST_F(FlameChartTest, ExpandingACpuShowsEveryTasksCallsOnIt) {
    const int cpu = calls().spans[busiestLane().first].cpu;
    int deepestOnCpu = 0;
    for (const CallSpan& s : calls().spans) {
        if (s.cpu == cpu) deepestOnCpu = std::max(deepestOnCpu, int(s.depth));
    }
    const int before = int(view->rowLabels().size());
    view->setCallsShown(RowKind::Cpu, cpu, true);
    EXPECT_EQ(state.expandedRows(), QStringList{QStringLiteral("cpu:%1").arg(cpu)});
    EXPECT_EQ(int(view->rowLabels().size()) - before, deepestOnCpu + 1);
    // The lanes sit right under the CPU's row.
    EXPECT_EQ(view->callLaneRect(RowKind::Cpu, cpu, 0).top(), view->cpuRowRect(cpu).bottom());
}

TEST_F(FlameChartTest, HoverNamesTheCallAndItsDuration) {
    const CallLane& lane = busiestLane();
    uint64_t pick = lane.first;  // the longest call below level 0
    for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
        const CallSpan& s = calls().spans[i];
        if (s.depth > 0 && s.duration > calls().spans[pick].duration) pick = i;
    }
    const CallSpan& s = calls().spans[pick];
    state.addTask(lane.pid);
    view->setCallsShown(RowKind::Task, lane.pid, true);
    showRange(s.start - s.duration, s.end() + s.duration);
    const QPoint mid(int(view->xForTime(s.start + s.duration / 2)), int(laneY(lane.pid, s.depth)));
    const QString text = view->describeAt(mid);
    EXPECT_TRUE(text.contains(nameOf(pick))) << text.toStdString();
    EXPECT_TRUE(text.contains("duration " + QString::fromStdString(formatDuration(s.duration))))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("level %1").arg(s.depth))) << text.toStdString();
}

TEST_F(FlameChartTest, ClickSelectsTheCallUnderThePoint) {
    const CallLane& lane = busiestLane();
    state.addTask(lane.pid);
    view->setCallsShown(RowKind::Task, lane.pid, true);
    QSignalSpy selected(view.get(), &TimelineView::callSelected);
    // Across the time area, the first point over a level-1 call at least 4 px wide.
    const int level = 1;
    std::optional<uint64_t> expected;
    int x = view->labelWidth() + 2;
    for (; x < view->width() - 2 && !expected; x += 3) {
        auto at = spanAt(lane, level, view->timeAtX(x + 0.5));
        const CallSpan* s = at ? &calls().spans[*at] : nullptr;
        if (s && view->xForTime(s->end()) - view->xForTime(s->start) >= 4) expected = at;
    }
    ASSERT_TRUE(expected);
    x -= 3;
    click(QPoint(x, int(laneY(lane.pid, level))));
    EXPECT_EQ(view->selectedCall(), expected);
    ASSERT_EQ(selected.count(), 1);
    EXPECT_EQ(selected.at(0).at(0).value<uint64_t>(), *expected);
    EXPECT_FALSE(state.markerA());  // a click on a call selects it and sets no marker
    // A click on the task's own row still sets marker A.
    click(QPoint(x, int(view->taskRowRect(lane.pid).center().y())));
    ASSERT_TRUE(state.markerA());
    EXPECT_EQ(view->selectedCall(), expected);
}

TEST_F(FlameChartTest, DoubleClickZoomsToTheCall) {
    const CallLane& lane = busiestLane();
    state.addTask(lane.pid);
    view->setCallsShown(RowKind::Task, lane.pid, true);
    // The widest level-0 call of the task, at the whole trace's zoom.
    uint64_t pick = lane.first;
    for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
        const CallSpan& s = calls().spans[i];
        if (s.depth == 0 && s.duration > calls().spans[pick].duration) pick = i;
    }
    const CallSpan& s = calls().spans[pick];
    ASSERT_GE(view->xForTime(s.end()) - view->xForTime(s.start), 4);
    const QPoint mid(int(view->xForTime(s.start + s.duration / 2)), int(laneY(lane.pid, 0)));
    click(mid, true);
    const TimeRange shown = state.visibleRange();
    EXPECT_LE(shown.from, s.start);
    EXPECT_GE(shown.to, s.end());
    EXPECT_GT(double(s.duration), 0.5 * double(shown.to - shown.from));
    EXPECT_EQ(view->selectedCall(), pick);
}

TEST_F(FlameChartTest, ShowCallRevealsAndSelectsTheLongestCall) {
    uint64_t longest = 0;
    for (const CallLane& l : calls().lanes) {
        if (l.idleCpu >= 0) continue;
        for (uint64_t i = l.first; i < l.first + l.count; ++i) {
            if (calls().spans[i].duration > calls().spans[longest].duration) longest = i;
        }
    }
    int pid = 0;
    for (const CallLane& l : calls().lanes) {
        if (longest >= l.first && longest < l.first + l.count) pid = l.pid;
    }
    view->resize(1200, 200);  // too short for every lane: showCall scrolls
    const CallSpan& s = calls().spans[longest];
    view->showCall(longest);
    EXPECT_TRUE(state.tasks().contains(pid));
    EXPECT_TRUE(state.rowExpanded(QStringLiteral("task:%1").arg(pid)));
    EXPECT_EQ(view->selectedCall(), longest);
    const TimeRange shown = state.visibleRange();
    EXPECT_LE(shown.from, s.start);
    EXPECT_GE(shown.to, s.end());
    EXPECT_GT(double(s.duration), 0.5 * double(shown.to - shown.from));
    const double y = laneY(pid, s.depth);
    EXPECT_GT(y, 40);  // below the ruler
    EXPECT_LT(y, view->height());
    EXPECT_TRUE(view->describeAt(QPoint(int(view->xForTime(s.start + s.duration / 2)), int(y)))
                    .contains(nameOf(longest)));
}

// Where the highlight names a function, its calls keep their colour; others fade.
TEST_F(FlameChartTest, HighlightFadesOtherFunctions) {
    const CallLane& lane = busiestLane();
    state.addTask(lane.pid);
    view->setCallsShown(RowKind::Task, lane.pid, true);
    // Two neighbouring level-0 calls of different functions, shown together.
    uint64_t a = 0, b = 0;
    bool found = false;
    for (uint64_t i = lane.first; i < lane.first + lane.count && !found; ++i) {
        if (calls().spans[i].depth != 0) continue;
        for (uint64_t j = i + 1; j < lane.first + lane.count; ++j) {
            if (calls().spans[j].depth != 0) continue;
            if (calls().spans[j].function != calls().spans[i].function) {
                a = i;
                b = j;
                found = true;
            }
            break;
        }
    }
    ASSERT_TRUE(found);
    const CallSpan& sa = calls().spans[a];
    const CallSpan& sb = calls().spans[b];
    showRange(sa.start, sb.end());
    auto pixel = [&](const QImage& image, const CallSpan& s) {
        const double x0 = std::max<double>(view->xForTime(s.start), view->labelWidth());
        const double x1 = std::min<double>(view->xForTime(s.end()), view->width());
        const int y = int(view->taskRowRect(lane.pid).bottom()) + 2;  // above the name
        return image.pixel(int((x0 + x1) / 2), y) | 0xff000000u;
    };
    const QRgb colorA = functionColor(nameOf(a)).rgb(), colorB = functionColor(nameOf(b)).rgb();
    ASSERT_NE(colorA, colorB);
    QImage before = render();
    EXPECT_EQ(pixel(before, sa), colorA);
    EXPECT_EQ(pixel(before, sb), colorB);
    view->setCallHighlight(nameOf(a).toUpper());
    QImage after = render();
    EXPECT_EQ(pixel(after, sa), colorA);
    const QRgb faded = pixel(after, sb);
    EXPECT_GT(qRed(faded) + qGreen(faded) + qBlue(faded),
              qRed(colorB) + qGreen(colorB) + qBlue(colorB) + 150);
    view->setCallHighlight("");
    EXPECT_EQ(pixel(render(), sb), colorB);
}

// The legend lists the functions the lanes show most, and nothing once they are hidden.
TEST_F(FlameChartTest, LegendFollowsTheFunctionsInView) {
    TimelineLegend legend;
    legend.followCalls(view.get());
    const QStringList fixed = legend.names();
    const CallLane& lane = busiestLane();
    state.addTask(lane.pid);
    view->setCallsShown(RowKind::Task, lane.pid, true);
    render();
    const QStringList names = legend.names().mid(fixed.size());
    ASSERT_FALSE(names.isEmpty());
    EXPECT_LE(names.size(), 8);
    // The level-0 function with the most time in the lane shows (level 0 holds the
    // widest calls, so its leader is among the top).
    std::map<uint32_t, uint64_t> rootTime;
    for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
        if (calls().spans[i].depth == 0)
            rootTime[calls().spans[i].function] += calls().spans[i].duration;
    }
    auto top = std::max_element(rootTime.begin(), rootTime.end(),
                                [](const auto& x, const auto& y) { return x.second < y.second; });
    EXPECT_TRUE(names.contains(
        QString::fromStdString(calls().functionName(top->first, *fixture().formats))))
        << names.join(", ").toStdString();
    view->setCallsShown(RowKind::Task, lane.pid, false);
    render();
    EXPECT_EQ(legend.names(), fixed);
}

}  // namespace
}  // namespace kestrel
