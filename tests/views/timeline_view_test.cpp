// TimelineView on the fixture sched-irq-timer.dat, rendered offscreen into a QImage:
// CPU row pixels are checked against sched_switch lines of `trace-cmd report -t`;
// zoom, pan, markers, selection and task tracks are driven with QTest / input events.
// two-buffers.dat (events in instances "irq" and "sched") checks the buffer groups.
#include "timeline/timeline_view.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTest>
#include <QWheelEvent>
#include <regex>
#include <sstream>

#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "qt_test_app.h"
#include "support/process.h"
#include "support/test_data.h"
#include "timeline/track_colors.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    std::shared_ptr<SchedTimeline> timeline;
};

Loaded load(const std::string& name) {
    Loaded x;
    x.model = std::move(*TraceModel::open(test::dataPath(name)));
    x.formats = std::move(*EventFormats::create(x.model->meta()));
    x.timeline = std::make_shared<SchedTimeline>(std::move(*analyzeSched(*x.model, *x.formats)));
    return x;
}

Loaded& fixture() {
    static Loaded l = load("sched-irq-timer.dat");
    return l;
}

class TimelineViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        view = std::make_unique<TimelineView>(&state);
        view->resize(1200, 400);
        view->setModel(fixture().model.get());
        view->setTimeline(fixture().timeline);
    }
    QImage render() {
        QImage image(view->size(), QImage::Format_RGB32);
        QPainter p(&image);
        view->paintTo(p, view->size());
        return image;
    }
    size_t cpu(int n) const {
        for (size_t i = 0; i < fixture().model->cpuCount(); ++i) {
            if (fixture().model->cpuLabel(i) == "demo cpu" + std::to_string(n)) return i;
        }
        return 0;
    }
    void mouse(QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons buttons,
               Qt::KeyboardModifiers mods = Qt::NoModifier) {
        QMouseEvent e(type, pos, view->mapToGlobal(pos), button, buttons, mods);
        QApplication::sendEvent(view.get(), &e);
    }
    // A pixel near the top of a row: span labels are drawn around the row's middle.
    static int rowTop(const QRectF& r) { return int(r.top()) + 4; }

    TimelineState state;
    std::unique_ptr<TimelineView> view;
};

struct Switch {
    int cpu;
    uint64_t ts;
    int prev, next;
};

// "demo:  comm-pid  [000]  1403.842536297: sched_switch:  a:5782 [120] R ==> b:1534 [120]"
std::vector<Switch> switchesFromTraceCmd() {
    auto r = test::run("trace-cmd report -t " +
                       test::shellQuote(test::dataPath("sched-irq-timer.dat")) + " 2>/dev/null");
    std::vector<Switch> out;
    static const std::regex line(
        R"(\[(\d+)\]\s+(\d+)\.(\d{9}): sched_switch:\s+.*:(\d+) \[-?\d+\] \S+ ==> .*:(\d+) \[-?\d+\])");
    std::istringstream in(r.out);
    std::smatch m;
    for (std::string l; std::getline(in, l);) {
        if (!std::regex_search(l, m, line)) continue;
        out.push_back({std::stoi(m[1]), std::stoull(m[2]) * 1000000000ULL + std::stoull(m[3]),
                       std::stoi(m[4]), std::stoi(m[5])});
    }
    return out;
}

TEST_F(TimelineViewTest, CpuRowShowsTheTaskTraceCmdSaysWasSwitchedIn) {
    if (!test::haveProgram("trace-cmd")) GTEST_SKIP() << "trace-cmd not installed";
    std::vector<Switch> switches = switchesFromTraceCmd();
    ASSERT_GT(switches.size(), 1000u);
    int checked = 0;
    std::vector<size_t> picks;  // switches to a task, spread over the trace
    for (size_t i = 0; i < switches.size(); ++i) {
        if (switches[i].next != 0) picks.push_back(i);
    }
    for (size_t k = 0; k < picks.size(); ++k) {
        const size_t i = picks[k];
        const Switch& s = switches[i];
        // The previous and next switches on the same CPU bound the two spans around it.
        size_t j = i + 1, h = i;
        while (j < switches.size() && switches[j].cpu != s.cpu) ++j;
        while (h > 0 && switches[h - 1].cpu != s.cpu) --h;
        if (j == switches.size() || h == 0 || taskColor(s.next) == taskColor(s.prev)) continue;
        // The kernel does not always record the switch in (ksoftirqd/1 appears at
        // 1403.863708635 with no switch to it) or out (rcu_preempt-15's events follow
        // tokio-rt-worker-74's at 1403.904758): there the events decide who ran
        // (tests/model/sched_reconcile_test.cpp), so only spans both ends of which
        // sched_switch recorded are checked here.
        if (switches[h - 1].next != s.prev || switches[j].prev != s.next) continue;
        const uint64_t prevTs = switches[h - 1].ts, nextTs = switches[j].ts;
        const uint64_t window = nextTs - prevTs;
        if ((s.ts - prevTs) * 200 < window || (nextTs - s.ts) * 200 < window)
            continue;  // under ~5 px
        state.setVisibleRange({prevTs, nextTs});
        QImage image = render();
        const QRectF row = view->cpuRowRect(cpu(s.cpu));
        ASSERT_FALSE(row.isEmpty());
        const int after = int(view->xForTime((s.ts + nextTs) / 2));
        const int before = int(view->xForTime((prevTs + s.ts) / 2));
        EXPECT_EQ(image.pixel(after, rowTop(row)), taskColor(s.next).rgb())
            << "cpu " << s.cpu << " at " << s.ts << " next_pid " << s.next;
        if (s.prev != 0) {
            EXPECT_EQ(image.pixel(before, rowTop(row)), taskColor(s.prev).rgb())
                << "prev_pid before " << s.ts;
        } else {
            EXPECT_LT(QColor(image.pixel(before, rowTop(row))).saturation(), 30)
                << "idle before " << s.ts;
        }
        ++checked;
    }
    EXPECT_GE(checked, 15);  // 20 switches of this fixture qualify
}

// Zoomed out, spans fold into pixel columns: a column is coloured exactly when some
// task ran on the CPU during that column's time.
TEST_F(TimelineViewTest, WholeTraceZoomColoursExactlyTheBusyColumns) {
    QImage image = render();
    for (int n : {0, 1}) {
        const QRectF row = view->cpuRowRect(cpu(n));
        const SpanTrack& spans = fixture().timeline->cpus[cpu(n)];
        auto ran = [&](int x0, int x1) {  // some span overlaps pixels [x0, x1)
            size_t i = spans.firstEndingAfter(view->timeAtX(x0));
            return i < spans.size() && spans.start[i] < view->timeAtX(x1);
        };
        auto coloured = [&](int x) {
            return QColor(image.pixel(x, rowTop(row))).saturation() > 60;
        };
        int busy = 0;
        // Pixel edges round, so a span may land one column over: allow that much.
        for (int x = view->labelWidth() + 1; x + 1 < image.width(); ++x) {
            if (coloured(x)) {
                EXPECT_TRUE(ran(x - 1, x + 2)) << "cpu " << n << " x " << x;
            }
            if (ran(x, x + 1)) {
                EXPECT_TRUE(coloured(x - 1) || coloured(x) || coloured(x + 1))
                    << "cpu " << n << " x " << x;
            }
            busy += ran(x, x + 1);
        }
        EXPECT_GT(busy, 10);
    }
}

TEST_F(TimelineViewTest, EmptyCpusOfAnUnusedBufferGetNoRow) {
    EXPECT_TRUE(view->cpuRowRect(0).isEmpty());  // top-level cpu0 recorded nothing
    EXPECT_FALSE(view->cpuRowRect(cpu(0)).isEmpty());
}

// Only "demo" holds events: no header rows, the CPU rows keep their buffer's name.
TEST_F(TimelineViewTest, OneBufferWithEventsShowsNoBufferHeader) {
    EXPECT_EQ(view->rowLabels(), QStringList({"demo cpu0", "demo cpu1", "Tasks: Ctrl+T to add"}));
    for (int b = 0; b < int(fixture().model->meta().buffers.size()); ++b)
        EXPECT_TRUE(view->bufferHeaderRect(b).isEmpty()) << "buffer " << b;
}

TEST_F(TimelineViewTest, KeysZoomAndPan) {
    view->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(view.get()));
    const double ns = view->scale().nsPerPx;
    QTest::keyClick(view.get(), Qt::Key_W);
    EXPECT_NEAR(view->scale().nsPerPx, ns / 2, ns * 1e-6);
    QTest::keyClick(view.get(), Qt::Key_Plus);
    EXPECT_NEAR(view->scale().nsPerPx, ns / 4, ns * 1e-6);
    const uint64_t start = view->scale().start;
    QTest::keyClick(view.get(), Qt::Key_Right);
    EXPECT_GT(view->scale().start, start);
    EXPECT_EQ(state.visibleRange().from, view->scale().start);
    QTest::keyClick(view.get(), Qt::Key_Left);
    EXPECT_NEAR(double(view->scale().start), double(start), 2 * view->scale().nsPerPx);
    QTest::keyClick(view.get(), Qt::Key_S);
    EXPECT_NEAR(view->scale().nsPerPx, ns / 2, ns * 1e-6);
    QTest::keyClick(view.get(), Qt::Key_F);
    EXPECT_EQ(state.visibleRange().from, fixture().model->startTime());
    EXPECT_NEAR(double(state.visibleRange().to), double(fixture().model->endTime()), ns);
}

TEST_F(TimelineViewTest, WheelZoomsAroundTheMouse) {
    const QPoint at(700, 100);
    const uint64_t under = view->timeAtX(at.x());
    QWheelEvent e(at, view->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    const double ns = view->scale().nsPerPx;
    QApplication::sendEvent(view.get(), &e);
    EXPECT_LT(view->scale().nsPerPx, ns);
    EXPECT_NEAR(double(view->timeAtX(at.x())), double(under), view->scale().nsPerPx);
}

TEST_F(TimelineViewTest, DraggingPansByTheDraggedTime) {
    QTest::keyClick(view.get(), Qt::Key_W);
    QTest::keyClick(view.get(), Qt::Key_W);
    const uint64_t start = view->scale().start;
    mouse(QEvent::MouseButtonPress, {600, 100}, Qt::LeftButton, Qt::LeftButton);
    mouse(QEvent::MouseMove, {500, 100}, Qt::NoButton, Qt::LeftButton);
    mouse(QEvent::MouseButtonRelease, {500, 100}, Qt::LeftButton, Qt::NoButton);
    EXPECT_NEAR(double(view->scale().start - start), 100 * view->scale().nsPerPx,
                2 * view->scale().nsPerPx);
    EXPECT_FALSE(state.markerA());  // a drag is not a click
}

TEST_F(TimelineViewTest, ClicksPlaceMarkersAAndBWithTheirCpu) {
    const QPoint a(400, int(view->cpuRowRect(cpu(1)).center().y()));
    const QPoint b(900, int(view->cpuRowRect(cpu(0)).center().y()));
    mouse(QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::LeftButton);
    mouse(QEvent::MouseButtonRelease, a, Qt::LeftButton, Qt::NoButton);
    mouse(QEvent::MouseButtonPress, b, Qt::LeftButton, Qt::LeftButton, Qt::ShiftModifier);
    mouse(QEvent::MouseButtonRelease, b, Qt::LeftButton, Qt::NoButton, Qt::ShiftModifier);
    ASSERT_TRUE(state.markerA() && state.markerB());
    EXPECT_EQ(state.markerA()->time, view->timeAtX(a.x()));
    EXPECT_EQ(state.markerA()->cpu, int(cpu(1)));
    EXPECT_EQ(state.markerB()->time, view->timeAtX(b.x()));
    EXPECT_EQ(state.markerB()->cpu, int(cpu(0)));
    EXPECT_EQ(state.cursorTime(), state.markerB()->time);
    QTest::keyClick(view.get(), Qt::Key_Escape);  // clears the selected range only
    EXPECT_TRUE(state.markerA());
    QTest::keyClick(view.get(), Qt::Key_Delete);
    EXPECT_FALSE(state.markerA());
    EXPECT_FALSE(state.markerB());
}

TEST_F(TimelineViewTest, RightDragSelectsARangeAndZToZoomsToIt) {
    mouse(QEvent::MouseButtonPress, {300, 80}, Qt::RightButton, Qt::RightButton);
    mouse(QEvent::MouseMove, {600, 80}, Qt::NoButton, Qt::RightButton);
    mouse(QEvent::MouseButtonRelease, {600, 80}, Qt::RightButton, Qt::NoButton);
    const TimeRange sel = state.selection();
    EXPECT_EQ(sel.from, view->timeAtX(300));
    EXPECT_EQ(sel.to, view->timeAtX(600));
    QTest::keyClick(view.get(), Qt::Key_Z);
    EXPECT_EQ(state.visibleRange().from, sel.from);
    EXPECT_NEAR(double(state.visibleRange().to), double(sel.to), view->scale().nsPerPx);
}

// A tick 15 px from the right edge: its label, drawn right of the tick, ran past the
// edge and was cut. Ticks are 1 ms (200 px) apart here, so the label fits left of it.
TEST_F(TimelineViewTest, TheRightmostRulerLabelIsWhole) {
    const uint64_t tick = 1404000000000ULL;  // 1404.000 s
    const double nsPerPx = 5000;
    const int width = view->width() - view->labelWidth();
    const uint64_t from = tick - uint64_t((width - 15) * nsPerPx);
    state.setVisibleRange({from, from + uint64_t(width * nsPerPx)});
    ASSERT_DOUBLE_EQ(view->scale().nsPerPx, nsPerPx);
    const std::vector<uint64_t> ticks = rulerTicks(view->scale(), 110);
    ASSERT_FALSE(ticks.empty());
    ASSERT_EQ(ticks.back(), tick);
    const int x = int(view->xForTime(tick));
    ASSERT_EQ(x, view->width() - 15);
    const QImage image = render();
    // Tick labels stand on a baseline 10 px above the ruler's bottom (y 40); the tick
    // marks below it are under y 32.
    auto text = [&](int x0, int x1) {
        int n = 0;
        for (int y = 14; y < 30; ++y) {
            for (int c = x0; c < x1; ++c) n += QColor(image.pixel(c, y)).lightness() < 170;
        }
        return n;
    };
    EXPECT_EQ(text(x + 1, image.width()), 0);  // nothing runs past the edge
    EXPECT_GT(text(x - 80, x), 0);             // the label stands left of its tick
}

// Filter > Graph hides what the event panel's filter leaves out: the rows of CPUs and
// tasks it leaves out go, and the spans of its left-out tasks leave the CPU rows; dimmed,
// the rows stay and those spans fade.
TEST_F(TimelineViewTest, TheGraphHidesOrDimsWhatTheFilterLeavesOut) {
    state.addTask(5782);
    state.addTask(1534);
    state.setVisibleRange({1403842500000ULL, 1403842700000ULL});
    const int bashX = int(view->xForTime(1403842450000ULL + 60000));  // bash-5782 on cpu0
    // Drawn as inferred (no sched_switch records bash coming in): compared with itself.
    const QRgb bashPlain = render().pixel(bashX, rowTop(view->cpuRowRect(cpu(0))));
    EventFilter onlyCpu1AndMemfd;
    onlyCpu1AndMemfd.cpus.assign(fixture().model->cpuCount(), false);
    onlyCpu1AndMemfd.cpus[cpu(1)] = true;
    onlyCpu1AndMemfd.pids = {1534};
    view->setEventFilter(onlyCpu1AndMemfd);
    ASSERT_EQ(view->graphFilter(), TimelineView::GraphFilter::Dim);
    EXPECT_FALSE(view->cpuRowRect(cpu(0)).isEmpty());
    EXPECT_FALSE(view->taskRowRect(5782).isEmpty());
    const QRectF cpu0 = view->cpuRowRect(cpu(0));
    QImage dimmed = render();
    EXPECT_NE(dimmed.pixel(bashX, rowTop(cpu0)), bashPlain);
    EXPECT_GT(QColor(dimmed.pixel(bashX, rowTop(cpu0))).lightness(), QColor(bashPlain).lightness());

    view->setGraphFilter(TimelineView::GraphFilter::Hide);
    EXPECT_TRUE(view->cpuRowRect(cpu(0)).isEmpty());
    EXPECT_FALSE(view->cpuRowRect(cpu(1)).isEmpty());
    EXPECT_TRUE(view->taskRowRect(5782).isEmpty());
    EXPECT_FALSE(view->taskRowRect(1534).isEmpty());
    // On the CPU row that stays, no span of a task the filter leaves out.
    const QRectF cpu1 = view->cpuRowRect(cpu(1));
    state.setVisibleRange({fixture().model->startTime(), fixture().model->endTime()});
    const QImage hidden = render();
    for (int x = view->labelWidth(); x < hidden.width(); ++x) {
        const QRgb c = hidden.pixel(x, rowTop(cpu1));
        if (QColor(c).saturation() > 60) {
            EXPECT_EQ(c, taskColor(1534).rgb()) << x;
        }
    }

    view->setGraphFilter(TimelineView::GraphFilter::Off);
    EXPECT_FALSE(view->cpuRowRect(cpu(0)).isEmpty());
    state.setVisibleRange({1403842500000ULL, 1403842700000ULL});
    EXPECT_EQ(render().pixel(bashX, rowTop(view->cpuRowRect(cpu(0)))), bashPlain);
}

// 1534: running on demo cpu0 .842536297-.842566354, then S until .892674029.
TEST_F(TimelineViewTest, TaskTrackShowsRunningAndSleepingStates) {
    state.addTask(1534);
    const QRectF row = view->taskRowRect(1534);
    ASSERT_FALSE(row.isEmpty());
    state.setVisibleRange({1403842500000ULL, 1403842700000ULL});
    QImage image = render();
    EXPECT_EQ(image.pixel(int(view->xForTime(1403842550000ULL)), rowTop(row)),
              taskColor(1534).rgb());
    const int sleeping = int(view->xForTime(1403842637000ULL));
    EXPECT_EQ(image.pixel(sleeping, int(row.bottom()) - 4),
              stateColor(TaskState::Sleeping, 1534).rgb());
    EXPECT_NE(image.pixel(sleeping, rowTop(row)), taskColor(1534).rgb());  // a thin bar only
    state.removeTask(1534);
    EXPECT_TRUE(view->taskRowRect(1534).isEmpty());
}

TEST_F(TimelineViewTest, TooltipNamesTaskStateAndTime) {
    state.addTask(5782);
    state.setVisibleRange({1403842500000ULL, 1403842700000ULL});
    const int x = int(view->xForTime(1403842550000ULL));
    QString cpuText = view->describeAt(QPoint(x, int(view->cpuRowRect(cpu(0)).center().y())));
    EXPECT_TRUE(cpuText.contains("memfd:sealed-91-1534 running")) << cpuText.toStdString();
    EXPECT_TRUE(cpuText.contains("1403.8425")) << cpuText.toStdString();
    QString taskText = view->describeAt(QPoint(x, int(view->taskRowRect(5782).center().y())));
    EXPECT_TRUE(taskText.contains("bash-5782: runnable")) << taskText.toStdString();
}

TEST_F(TimelineViewTest, KeysOneAndTwoPutMarkersUnderTheMouse) {
    const QPoint at(800, int(view->cpuRowRect(cpu(1)).center().y()));
    mouse(QEvent::MouseMove, at, Qt::NoButton, Qt::NoButton);
    QTest::keyClick(view.get(), Qt::Key_1);
    ASSERT_TRUE(state.markerA());
    EXPECT_EQ(state.markerA()->time, view->timeAtX(at.x()));
    EXPECT_EQ(state.markerA()->cpu, int(cpu(1)));
    QTest::keyClick(view.get(), Qt::Key_2);
    EXPECT_EQ(state.markerB()->time, state.markerA()->time);
}

// ---- buffer groups (two-buffers.dat: buffers "" (empty), "irq", "sched") -------------

Loaded& twoBuffers() {
    static Loaded l = load("two-buffers.dat");
    return l;
}

class TimelineGroupsTest : public TimelineViewTest {
protected:
    void SetUp() override {
        view = std::make_unique<TimelineView>(&state);
        view->resize(1200, 500);
        view->setModel(twoBuffers().model.get());
        view->setTimeline(twoBuffers().timeline);
    }
    int buffer(const std::string& name) const {
        const auto& buffers = twoBuffers().model->meta().buffers;
        for (size_t b = 0; b < buffers.size(); ++b) {
            if (buffers[b].name == name) return int(b);
        }
        return -1;
    }
    std::vector<size_t> cpusOf(const std::string& name) const {
        std::vector<size_t> out;
        const TraceModel& m = *twoBuffers().model;
        for (size_t i = 0; i < m.cpuCount(); ++i) {
            if (int(m.meta().cpus[i].buffer) == buffer(name)) out.push_back(i);
        }
        return out;
    }
    void click(QPoint at) {
        mouse(QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
        mouse(QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
    }
    // Pixels of the time area in [top, bottom) that a task colours (spans).
    int colouredPixels(const QImage& image, double top, double bottom) const {
        int n = 0;
        for (int y = std::max(0, int(top)); y < std::min(image.height(), int(bottom)); ++y) {
            for (int x = view->labelWidth(); x < image.width(); ++x)
                n += QColor(image.pixel(x, y)).saturation() > 60;
        }
        return n;
    }
};

TEST_F(TimelineGroupsTest, CpuRowsSitUnderAHeaderPerBufferWithEvents) {
    ASSERT_EQ(buffer("irq"), 1);
    ASSERT_EQ(buffer("sched"), 2);
    EXPECT_EQ(view->rowLabels(), QStringList({"irq", "cpu0", "cpu1", "sched", "cpu0", "cpu1",
                                              "Tasks: Ctrl+T to add"}));
    EXPECT_TRUE(view->bufferHeaderRect(0).isEmpty());  // the top buffer recorded nothing
    const QRectF irq = view->bufferHeaderRect(1), sched = view->bufferHeaderRect(2);
    ASSERT_FALSE(irq.isEmpty());
    ASSERT_FALSE(sched.isEmpty());
    for (size_t c : cpusOf("irq")) {
        EXPECT_GT(view->cpuRowRect(c).top(), irq.top());
        EXPECT_LT(view->cpuRowRect(c).top(), sched.top());
    }
    for (size_t c : cpusOf("sched")) EXPECT_GT(view->cpuRowRect(c).top(), sched.top());
    EXPECT_TRUE(view->describeAt(irq.center().toPoint()).contains("buffer irq: 2 CPUs"));
}

TEST_F(TimelineGroupsTest, ClickingAHeaderCollapsesAndExpandsItsGroup) {
    const QRectF irq = view->bufferHeaderRect(buffer("irq"));
    const QRectF schedBefore = view->bufferHeaderRect(buffer("sched"));
    click(QPoint(40, int(irq.center().y())));  // on the label
    EXPECT_TRUE(state.bufferCollapsed("irq"));
    EXPECT_FALSE(state.bufferCollapsed("sched"));
    EXPECT_EQ(view->rowLabels(),
              QStringList({"irq", "sched", "cpu0", "cpu1", "Tasks: Ctrl+T to add"}));
    for (size_t c : cpusOf("irq")) EXPECT_TRUE(view->cpuRowRect(c).isEmpty());
    EXPECT_EQ(view->bufferHeaderRect(buffer("sched")).top(), irq.bottom());
    EXPECT_LT(view->bufferHeaderRect(buffer("sched")).top(), schedBefore.top());

    click(QPoint(700, int(irq.center().y())));  // on the time band: toggles, sets no marker
    EXPECT_FALSE(state.bufferCollapsed("irq"));
    EXPECT_FALSE(state.markerA());
    EXPECT_EQ(view->bufferHeaderRect(buffer("sched")), schedBefore);
    for (size_t c : cpusOf("irq")) EXPECT_FALSE(view->cpuRowRect(c).isEmpty());
}

TEST_F(TimelineGroupsTest, CollapseStateComesFromTimelineState) {
    state.setCollapsedBuffers({"sched", "irq"});
    EXPECT_EQ(state.collapsedBuffers(), QStringList({"irq", "sched"}));
    EXPECT_EQ(view->rowLabels(), QStringList({"irq", "sched", "Tasks: Ctrl+T to add"}));
    state.setBufferCollapsed("irq", false);
    EXPECT_EQ(view->rowLabels(),
              QStringList({"irq", "cpu0", "cpu1", "sched", "Tasks: Ctrl+T to add"}));
}

// Collapsing "irq" takes exactly its CPU rows' spans out of the picture; "sched" moves
// up by their height, pixel for pixel, and its header now lies where irq cpu0 was.
TEST_F(TimelineGroupsTest, ACollapsedGroupHidesItsCpuRowsInThePicture) {
    const QImage expanded = render();
    const QRectF irq = view->bufferHeaderRect(buffer("irq"));
    const QRectF sched = view->bufferHeaderRect(buffer("sched"));
    const double rowsEnd = view->height();
    int irqPixels = 0;
    for (size_t c : cpusOf("irq")) {
        const QRectF r = view->cpuRowRect(c);
        irqPixels += colouredPixels(expanded, r.top(), r.bottom());
    }
    const int total = colouredPixels(expanded, irq.top(), rowsEnd);
    ASSERT_GT(irqPixels, 1000);
    ASSERT_GT(total - irqPixels, 1000);  // the sched rows have spans too

    state.setBufferCollapsed("irq", true);
    const QImage collapsed = render();
    EXPECT_EQ(colouredPixels(collapsed, irq.top(), rowsEnd), total - irqPixels);
    const int shift = int(sched.top() - view->bufferHeaderRect(buffer("sched")).top());
    ASSERT_EQ(shift, int(sched.top() - irq.bottom()));
    int compared = 0;
    for (size_t c : cpusOf("sched")) {
        const QRectF r = view->cpuRowRect(c);
        for (int y = int(r.top()); y < int(r.bottom()); ++y) {
            for (int x = view->labelWidth(); x < collapsed.width(); ++x) {
                if (QColor(expanded.pixel(x, y + shift)).saturation() <= 60) continue;
                ASSERT_EQ(collapsed.pixel(x, y), expanded.pixel(x, y + shift)) << x << "," << y;
                ++compared;
            }
        }
    }
    EXPECT_GT(compared, 1000);
    const QRectF irqCpu0Before(0, irq.bottom(), 1, TimelineRows::kRowHeight);
    EXPECT_NE(expanded.pixel(300, int(irqCpu0Before.top()) + 4), kBufferHeaderColor.rgb());
    EXPECT_EQ(collapsed.pixel(300, int(irqCpu0Before.top()) + 4), kBufferHeaderColor.rgb());
}

// mk: bash-8691 [000] 3761.243155206: print: tracing_mark_write: phase-1 begin
TEST(TimelineViewMarks, TraceMarkerPrintIsAFlagOnItsCpuAndTaskRows) {
    auto model = std::move(*TraceModel::open(test::dataPath("markers.dat")));
    auto formats = std::move(*EventFormats::create(model->meta()));
    auto timeline = std::make_shared<SchedTimeline>(std::move(*analyzeSched(*model, *formats)));
    TimelineState state;
    TimelineView view(&state);
    view.resize(1200, 400);
    view.setModel(model.get());
    view.setTimeline(timeline);
    view.setFormats(formats.get());
    size_t cpu0 = 0;
    for (size_t i = 0; i < model->cpuCount(); ++i) {
        if (model->cpuLabel(i) == "mk cpu0") cpu0 = i;
    }
    state.addTask(8691);
    const uint64_t ts = 3761243155206ULL;
    state.setVisibleRange({ts - 50000, ts + 50000});
    QImage image(view.size(), QImage::Format_RGB32);
    QPainter p(&image);
    view.paintTo(p, view.size());
    const int x = int(view.xForTime(ts));
    const QColor flag(30, 90, 200);
    for (QRectF row : {view.cpuRowRect(cpu0), view.taskRowRect(8691)}) {
        ASSERT_FALSE(row.isEmpty());
        bool found = false;  // the flag, just right of the print's time at the row's top
        for (int dx = 0; dx <= 3; ++dx)
            found |= QColor(image.pixel(x + dx, int(row.top()) + 2)) == flag;
        EXPECT_TRUE(found) << "row at y " << row.top();
    }
    EXPECT_TRUE(
        view.describeAt(QPoint(x, int(view.cpuRowRect(cpu0).center().y()))).contains("print"))
        << view.describeAt(QPoint(x, int(view.cpuRowRect(cpu0).center().y()))).toStdString();
}

}  // namespace
}  // namespace kestrel
